"""Under xdist, each check's generated tests run on one worker, as one unit of work.

Many checks set something up once per process and share it between their tests: cors and headers
probe every route once (the app-wide sweep), auth and webhooks make a stand-in tenant, validation a
tenant to read with, tokens its baselines. Spread test by test over two workers, each worker pays for
all of it again, on a machine whose cores the app under test needs too: ``-n 2`` measured slower than
one process on the demo. Sent check by check, each set-up happens once and the checks still spread
over the workers (in collection order, so the bursts of rate_limits and the log scan of secrets stay
last, as in one process). The user's own tests keep xdist's own unit: each test alone.

Only when ``-n`` chose ``--dist load`` by default: a ``--dist`` the user writes (``--dist load`` for
xdist's own test-by-test spread included) wins.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Any

import pytest

#: A generated test's node id: ``launchready::test_<check>[<case>]``.
_GENERATED = re.compile(r"(?:^|/)launchready::test_(?P<check>[a-z_]+)\[")


def check_scope(nodeid: str) -> str:
    """The unit of work a test belongs to: ``launchready:<check>`` for a generated test, else the test itself."""
    match = _GENERATED.search(nodeid)
    return f"launchready:{match.group('check')}" if match else nodeid


def dist_chosen(config: pytest.Config) -> bool:
    """True when the user wrote ``--dist`` (command line, ``PYTEST_ADDOPTS`` or ini ``addopts``)."""
    words = [*config.invocation_params.args, *shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))]
    words += config.getini("addopts")
    return any(w == "--dist" or w.startswith("--dist=") for w in words)


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scope scheduler with one scope per check (and per user test), kept in collection order."""
    from xdist.scheduler import LoadScopeScheduling

    class CheckScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return check_scope(nodeid)

    config.option.loadscopereorder = False  # collection order: rate_limits and secrets stay last
    return CheckScheduling(config, log)
