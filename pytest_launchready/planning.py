"""Collection-time planning: settings -> target app -> routes -> the cases of each selected check.

Runs once per process (controller or xdist worker) and gives the same answer in each, so every
worker collects the same ids in the same order.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from pytest_launchready.check_names import CHECK_NAMES
from pytest_launchready.checks import Case, Check, Plan, load_check
from pytest_launchready.state import get_state, load_target_app

if TYPE_CHECKING:
    from pytest_launchready.routes import Route


def selected_checks(config: pytest.Config) -> list[Check]:
    """The built checks ``--launchready-checks`` selects (all built checks by default), in scorecard order."""
    wanted = set(get_state(config).settings.checks)
    return [check for name in CHECK_NAMES if name in wanted and (check := load_check(name)) is not None]


def routes_for(config: pytest.Config) -> tuple[Route, ...]:
    """Discover the routes once per process; raise ``pytest.UsageError`` when that fails closed."""
    state = get_state(config)
    if state.routes is not None:
        return state.routes
    from pytest_launchready.discovery import DiscoveryError, discover
    from pytest_launchready.target import TargetError

    settings = state.settings
    try:
        app = load_target_app(config)
        state.discovery = discover(settings, app, None if app is not None else _spec_fetcher(settings.base_url, settings.timeout))
    except (DiscoveryError, TargetError) as exc:
        raise pytest.UsageError(str(exc)) from None
    routes = list(state.discovery.routes)
    edited = config.hook.pytest_launchready_routes(config=config, routes=routes)
    if edited is not None:
        routes = list(edited)
    if not routes:
        where = settings.app or settings.base_url
        raise pytest.UsageError(
            f"no routes discovered for {where} ({state.discovery.source}): nothing would be tested. Point "
            "launchready_openapi at your spec, check launchready_exclude_routes and the pytest_launchready_routes hook."
        )
    state.routes = tuple(sorted(routes, key=lambda r: r.sort_key()))
    return state.routes


def _spec_fetcher(base_url: str, timeout: float):  # type: ignore[no-untyped-def]
    """GET a spec path on a live target: the only request made at collection time."""
    import httpx

    def fetch(path: str) -> bytes | None:
        try:
            response = httpx.get(base_url + path, timeout=timeout, follow_redirects=True)
        except httpx.TransportError as exc:
            raise pytest.UsageError(
                f"target {base_url} is unreachable while fetching {path} ({type(exc).__name__}): start the server, "
                "or fix launchready_base_url / --launchready-url."
            ) from None
        return response.content if response.status_code == 200 else None

    return fetch


def make_plan(config: pytest.Config, checks: list[Check]) -> Plan:
    """The routes (when a target is configured) and settings every check's ``cases()`` reads."""
    settings = get_state(config).settings
    has_target = bool(settings.app or settings.base_url)
    needing = [c.name for c in checks if c.needs_target]
    if needing and not has_target:
        raise pytest.UsageError(
            f"no target for the checks {', '.join(needing)}: set launchready_app (an ASGI/WSGI app tested in-process) or "
            "launchready_base_url / --launchready-url (a running server), or select checks that need neither, "
            "e.g. --launchready-checks=secrets,mail"
        )
    routes = routes_for(config) if has_target else ()
    return Plan(settings=settings, routes=routes, has_target=has_target)


def cases_for(check: Check, plan: Plan) -> list[Case]:
    """The cases of ``check``, ids made unique and checked for duplicates."""
    cases = list(check.cases(plan))
    seen: dict[str, int] = {}
    unique = []
    for case in cases:
        count = seen.get(case.id, 0)
        seen[case.id] = count + 1
        unique.append(case if count == 0 else dataclasses.replace(case, id=f"{case.id} #{count + 1}"))
    return unique
