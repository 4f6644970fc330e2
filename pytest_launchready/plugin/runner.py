"""Runs one generated test: prepare the check's context, call the check, carry its warnings."""

from __future__ import annotations

import pytest

from pytest_launchready.checks import Case, Check
from pytest_launchready.checks.context import RunContext
from pytest_launchready.plugin.state import get_state
from pytest_launchready.report.protocol import WARN_PROPERTY


def run_case(check: Check, case: Case, request: pytest.FixtureRequest) -> None:
    """Run ``case`` of ``check``: a finding raises AssertionError, an untestable case skips.

    Warnings go on the test's ``user_properties`` (they travel to the xdist controller's scorecard),
    also when the check then fails.
    """
    __tracebackhide__ = True
    state = get_state(request.config)
    ctx = RunContext(request, case, check.name, run_id=state.run_id, login_defined=state.login_defined,
                     shared=state.shared)
    try:
        check.run(ctx, case)
    finally:
        request.node.user_properties.extend((WARN_PROPERTY, message) for message in ctx.warnings)
