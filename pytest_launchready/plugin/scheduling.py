"""Under xdist, each check's generated tests run on one worker, as one unit of work.

Many checks set something up once per process and share it between their tests: cors and headers
probe every route once (the app-wide sweep), auth and webhooks make a stand-in tenant, validation a
tenant to read with, tokens its baselines. Spread test by test over two workers, each worker pays for
all of it again, on a machine whose cores the app under test needs too: ``-n 2`` measured slower than
one process on the demo. Sent check by check, each set-up happens once and the checks still spread
over the workers, longest first: a long check dealt last keeps one worker busy while the other idles.
How long each check takes is what the last run measured (pytest's cache, ``launchready/check_seconds``),
else a typical cost per test. The bursts of rate_limits and the log scan of secrets still go last, as in
one process, so the logs hold what the rest of the run sent; secrets, the longer, is dealt before
rate_limits. The user's own tests keep xdist's own unit: each test alone.

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


#: Checks dealt last, in this order, whatever they cost (see the module docstring).
LAST = ("launchready:secrets", "launchready:rate_limits")
#: Seconds per generated test of a check when no run has been measured yet (the demo's, served live).
TYPICAL_SECONDS = {"validation": 0.1, "tenant_isolation": 0.07, "cors": 0.05, "tokens": 0.07, "backups": 0.4,
                   "roles": 0.14, "audit": 0.08, "secrets": 0.45, "rate_limits": 0.45}
DEFAULT_SECONDS = 0.02
CACHE_KEY = "launchready/check_seconds"


def deal_order(scopes: dict[str, int], measured: dict[str, float]) -> list[str]:
    """Scopes (name -> number of tests) in the order to deal them: longest first, then ``LAST``."""
    def cost(scope: str) -> float:
        if scope in measured:
            return measured[scope]
        check = scope.removeprefix("launchready:")
        return scopes[scope] * TYPICAL_SECONDS.get(check, DEFAULT_SECONDS)

    last = [scope for scope in LAST if scope in scopes]
    return sorted((s for s in scopes if s not in last), key=cost, reverse=True) + last


def measured_seconds(config: pytest.Config) -> dict[str, float]:
    """Each check scope's seconds in the last run, from pytest's cache (empty without one)."""
    cache = getattr(config, "cache", None)
    value = cache.get(CACHE_KEY, {}) if cache is not None else {}
    return {str(k): float(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_seconds(config: pytest.Config, seconds: dict[str, float]) -> None:
    """Keep this run's seconds per check scope for the next run's dealing."""
    cache = getattr(config, "cache", None)
    if cache is not None and seconds:
        cache.set(CACHE_KEY, {**measured_seconds(config), **{k: round(v, 3) for k, v in seconds.items()}})


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scope scheduler with one scope per check (and per user test), dealt in :func:`deal_order`."""
    from xdist.scheduler import LoadScopeScheduling

    measured = measured_seconds(config)

    class CheckScheduling(LoadScopeScheduling):  # type: ignore[misc]
        _dealt = False

        def _split_scope(self, nodeid: str) -> str:
            return check_scope(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if not self._dealt:  # the queue is whole now: put it in dealing order once
                sizes = {scope: len(tests) for scope, tests in self.workqueue.items()}
                ordered = [(scope, self.workqueue[scope]) for scope in deal_order(sizes, measured)]
                self.workqueue.clear()
                self.workqueue.update(ordered)
                self._dealt = True
            super()._assign_work_unit(node)

    config.option.loadscopereorder = False  # deal_order sets the order
    return CheckScheduling(config, log)
