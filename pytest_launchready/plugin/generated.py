"""The test functions the plugin generates: ``test_<check>`` for each check, parametrized per case.

They live in a module object made at collection time (see :func:`make_module`), so only the selected
checks appear and nothing here is imported unless ``--launchready`` is on.
"""

from __future__ import annotations

import types
from typing import Callable

import pytest

from pytest_launchready.checks import Case, Check


def _make_test(check: Check) -> Callable[..., None]:
    def test(launchready_case: Case, request: pytest.FixtureRequest) -> None:
        from pytest_launchready.plugin.runner import run_case

        __tracebackhide__ = True
        run_case(check, launchready_case, request)

    test.__name__ = test.__qualname__ = f"test_{check.name}"
    test.__doc__ = check.title
    test.pytestmark = [pytest.mark.launchready, getattr(pytest.mark, f"launchready_{check.name}")]  # type: ignore[attr-defined]
    return test


def make_module(checks: list[Check]) -> types.ModuleType:
    """A module holding ``test_<name>`` for each check, in that order."""
    module = types.ModuleType("launchready", "Generated launch checklist tests.")
    for check in checks:
        test = _make_test(check)
        test.__module__ = module.__name__
        setattr(module, test.__name__, test)
    return module
