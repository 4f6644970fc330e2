"""Which route is the app's health route: ``launchready_health_route``, else a discovered one.

Split from :mod:`pytest_launchready.routes.vocabulary` to keep each module small; it is still the one
place this guess lives. Discovery asks it to mark the health route public (it is public by design:
load balancers and uptime monitors call it without credentials), and the monitoring check asks it
which route to probe.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

#: Last path segments of a health route, most telling first.
HEALTH_SEGMENTS = ("health", "healthz", "ready", "status")
#: What may come before it: nothing, ``/api``, or ``/api/v1``.
_PREFIX = re.compile(r"^(?:/api(?:/v\d+)?)?$")


def is_health_path(path: str) -> bool:
    """``/health``, ``/healthz``, ``/ready``, ``/status``, alone or under ``/api`` (``/api/v1/health``)."""
    head, _, last = path.rstrip("/").rpartition("/")
    return last.lower() in HEALTH_SEGMENTS and _PREFIX.match(head) is not None


def discovered_health_route(routes: Iterable[Route]) -> Route | None:
    """The GET route that looks most like a health route, or None."""
    found = [r for r in routes if r.method == "GET" and not r.path_params and is_health_path(r.path)]
    return min(found, key=lambda r: (HEALTH_SEGMENTS.index(r.path.rstrip("/").rpartition("/")[2].lower()), len(r.path)),
               default=None)


def health_route_key(routes: Iterable[Route], configured: str) -> str | None:
    """The health route as ``METHOD /path``: ``launchready_health_route`` when set (served or not: a health
    route is often left out of the spec), else the discovered one, else None."""
    if configured:
        return configured
    found = discovered_health_route(routes)
    return found.key if found is not None else None
