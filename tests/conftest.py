"""The suite's conftest: pytester runs pytest on small projects, as users meet the plugin (helpers: support/)."""

from __future__ import annotations

from typing import Any, Callable

import httpcore  # noqa: F401 - imported once here: pytester unloads modules first imported in an inner run,
import httpx  # noqa: F401   and httpx keeps references to httpcore's exception classes from its first import.
import pytest

# Heavy libraries imported once here rather than inside every in-process pytester run (which
# unloads what it first imported; with PYTHONDONTWRITEBYTECODE each re-import recompiles them).
import anyio  # noqa: F401, E402
import fastapi  # noqa: F401, E402
import hypothesis  # noqa: F401, E402

from support.runs import Outcomes

pytest_plugins = ["pytester"]

# A user's test file, run by test_qa_fixtures.py inside a project configured for the demo.
collect_ignore = ["qa_example"]


@pytest.fixture
def run_launchready(pytester: pytest.Pytester) -> Callable[..., tuple[pytest.RunResult, Outcomes]]:
    """``run(*args) -> (result, outcomes)``: an in-process pytest run that also records each test's outcome."""

    def run(*args: Any) -> tuple[pytest.RunResult, Outcomes]:
        outcomes = Outcomes()
        result = pytester.runpytest_inprocess(*args, "-p", "no:cacheprovider", plugins=[outcomes])
        return result, outcomes

    return run
