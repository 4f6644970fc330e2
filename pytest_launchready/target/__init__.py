"""The app under test, in-process or live, as synchronous httpx clients behind the safety guard.

- ASGI apps run on one event-loop thread with lifespan startup and shutdown, app exceptions turned
  into 500 responses and a time limit per request: httpx's own ASGITransport is async-only, raises
  app exceptions and ignores timeouts (``inprocess``).
- WSGI apps go through httpx's WSGITransport, with the same 500 and time-limit behaviour.
- Live targets use httpx's transport, connecting to the addresses the guard resolved, with one safe
  retry, and a target that stops answering mid-run raises ``TargetStoppedError`` (``live``).

Every client keeps no cookies (credentials add their own on each request) and refuses requests that
change state unless they go to the in-process app, a host whose every address is loopback, or
``launchready_allow_hosts`` (``guard``).
"""

from __future__ import annotations

from pytest_launchready.target.core import DEFAULT_CLIENT_ADDRESS, IN_PROCESS_BASE_URL, Target, check_reachable
from pytest_launchready.target.errors import TargetDown, TargetError, TargetStoppedError
from pytest_launchready.target.guard import GuardedTransport, HostGuard, UnsafeRequestError
from pytest_launchready.target.loading import is_asgi, load_app

__all__ = [
    "DEFAULT_CLIENT_ADDRESS",
    "IN_PROCESS_BASE_URL",
    "GuardedTransport",
    "HostGuard",
    "Target",
    "TargetDown",
    "TargetError",
    "TargetStoppedError",
    "UnsafeRequestError",
    "check_reachable",
    "is_asgi",
    "load_app",
]
