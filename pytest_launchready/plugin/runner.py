"""Runs one generated test: load the check, prepare its context, call it."""

from __future__ import annotations

import pytest

from pytest_launchready.checks import Case, load_check
from pytest_launchready.checks.context import RunContext


def run_case(check_name: str, case: Case, request: pytest.FixtureRequest) -> None:
    """Run ``case`` of ``check_name``: a finding raises AssertionError, an untestable case skips."""
    __tracebackhide__ = True
    check = load_check(check_name)
    assert check is not None, f"check {check_name!r} is not registered"
    check.run(RunContext(request, case, check_name), case)
