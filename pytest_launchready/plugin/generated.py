"""The test functions the plugin generates: ``test_<check>`` for each check, parametrized per case.

They live in a module object made at collection time (see :func:`make_module`), so only the selected
checks appear and nothing here is imported unless ``--launchready`` is on.
"""

from __future__ import annotations

import types
from typing import Callable

import pytest

from pytest_launchready.checks import Case


def _make_test(check_name: str, title: str) -> Callable[..., None]:
    def test(launchready_case: Case, request: pytest.FixtureRequest) -> None:
        from pytest_launchready.plugin.runner import run_case

        __tracebackhide__ = True
        run_case(check_name, launchready_case, request)

    test.__name__ = test.__qualname__ = f"test_{check_name}"
    test.__doc__ = title
    test.pytestmark = [pytest.mark.launchready, getattr(pytest.mark, f"launchready_{check_name}")]  # type: ignore[attr-defined]
    return test


def make_module(checks: dict[str, str]) -> types.ModuleType:
    """A module holding ``test_<name>`` for each ``name -> title`` in ``checks``, in that order."""
    module = types.ModuleType("launchready", "Generated launch checklist tests.")
    for name, title in checks.items():
        test = _make_test(name, title)
        test.__module__ = module.__name__
        setattr(module, test.__name__, test)
    return module
