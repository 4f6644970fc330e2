"""Collection-time planning: settings -> target app -> routes -> the cases of each selected check.

Runs once per process (controller or xdist worker) and gives the same answer in each, so every
worker collects the same ids in the same order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest

from pytest_launchready.config.check_names import CHECK_NAMES
from pytest_launchready.checks import Case, Check, Plan, load_check
from pytest_launchready.checks.context import LaunchreadyWarning
from pytest_launchready.plugin.state import get_state, load_target_app

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
    from pytest_launchready.routes.discovery import DiscoveryError, discover
    from pytest_launchready.target import TargetError

    settings = state.settings
    try:
        app = load_target_app(config)
        if app is None:
            from pytest_launchready.target.tls import client_verify

            verify = client_verify(settings.ca_bundle, settings.rootpath)
            state.discovery = discover(settings, None, _spec_fetcher(settings.base_url, settings.timeout, verify))
        else:
            with _in_process_fetcher(app, settings.timeout) as fetch:
                state.discovery = discover(settings, app, fetch)
    except (DiscoveryError, TargetError) as exc:
        raise pytest.UsageError(str(exc)) from None
    for warning in state.discovery.warnings:
        warnings.warn(LaunchreadyWarning(f"route discovery: {warning}"), stacklevel=1)
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
    own = set(state.discovery.framework_own)
    if all(route.key in own for route in routes):
        where = settings.app or settings.base_url
        raise pytest.UsageError(
            f"nothing of yours would be tested: the only routes of {where} are the framework's own pages "
            f"({', '.join(sorted(own))}). Point launchready_app at the app that serves your routes (are your routers "
            "included in it?), or launchready_openapi at your spec."
        )
    keys = {route.key for route in routes}
    for key, value in (("launchready_signup_route", settings.signup_route), ("launchready_login_route", settings.login_route)):
        if value and value not in keys:
            raise pytest.UsageError(
                f"{key} = {value!r} is not a route of {settings.app or settings.base_url} (after launchready_exclude_routes "
                f"and the pytest_launchready_routes hook): name one of its routes, e.g. {_closest(value, keys)}"
            )
    state.routes = tuple(sorted(routes, key=lambda r: r.sort_key()))
    return state.routes


def _closest(wanted: str, keys: set[str]) -> str:
    """The route keys sharing ``wanted``'s method, nearest path first (a hint in a usage error)."""
    import difflib

    method = wanted.split(" ", 1)[0]
    close = difflib.get_close_matches(wanted, sorted(k for k in keys if k.startswith(method + " ")), n=3, cutoff=0)
    return ", ".join(close) or "(no route with that method)"


@contextlib.contextmanager
def _in_process_fetcher(app: Any, timeout: float) -> Iterator[Callable[[str], bytes | None]]:
    """GET a spec path from the in-process app (``launchready_openapi = /openapi.json`` with an app).

    The app is only started (lifespan included) when discovery actually asks for a URL path.
    """
    from pytest_launchready.target import Target

    target: Target | None = None

    def fetch(path: str) -> bytes | None:
        nonlocal target
        target = target or Target.for_app(app, timeout)
        response = target.client().get(path, follow_redirects=True)
        return response.content if response.status_code == 200 else None

    try:
        yield fetch
    finally:
        if target is not None:
            target.close()


def _spec_fetcher(base_url: str, timeout: float, verify: Any) -> Callable[[str], bytes | None]:
    """GET a spec path on a live target: the only request made at collection time."""
    import httpx

    def fetch(path: str) -> bytes | None:
        try:
            response = httpx.get(base_url + path, timeout=timeout, follow_redirects=True, verify=verify)
        except httpx.TransportError as exc:
            raise pytest.UsageError(
                f"target {base_url} is unreachable while fetching {path} ({type(exc).__name__}: {exc}): start the "
                "server, or fix launchready_base_url / --launchready-url (and launchready_ca_bundle for a private CA)."
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


def plan_cases(config: pytest.Config) -> tuple[list[Check], dict[str, list[Case]]]:
    """The selected checks and each one's cases; a check with none gets one NOT RUN case.

    Raises ``pytest.UsageError`` when no selected check has a case it can run: a run that tests
    nothing must not end green (nor as a row of skips that reads like a result). Planned once per
    process: the xdist controller's start-up check and a worker's collection each ask once.
    """
    state = get_state(config)
    if state.plan is not None:
        return state.plan
    checks = selected_checks(config)
    plan = make_plan(config, checks)
    planned: dict[str, list[Case]] = {}
    for check in checks:
        cases = cases_for(check, plan)
        if not cases:
            reason = check.enable_hint or "nothing to test with the current settings"
            cases = [Case(id="not run", not_run=reason, counts_as_route=False)]
        planned[check.name] = cases
    if not any(case.not_run is None and case.by_design is None for cases in planned.values() for case in cases):
        hints = "; ".join(f"{name}: {_first_reason(cases)}" for name, cases in planned.items())
        raise pytest.UsageError(
            f"the selected checks can test nothing with the current settings ({hints or 'no built check selected'}). "
            "Set what they need, or select other checks with --launchready-checks."
        )
    state.plan = (checks, planned)
    return state.plan


def _first_reason(cases: list[Case]) -> str:
    return next((case.not_run or case.by_design or "" for case in cases), "")


def describe_routes(config: pytest.Config) -> str | None:
    """One line for the summary: how many routes, from where, which are undocumented."""
    state = get_state(config)
    if not (state.settings.app or state.settings.base_url):
        return None
    try:
        routes = routes_for(config)  # on the xdist controller (which did not collect) this discovers: same answer
    except pytest.UsageError:
        return None
    discovery = state.discovery
    assert discovery is not None
    public = sum(r.public for r in routes)
    line = f"routes: {len(routes)} ({public} public) from {discovery.source}"
    if discovery.undocumented:
        shown = ", ".join(discovery.undocumented[:3]) + (" ..." if len(discovery.undocumented) > 3 else "")
        line += f"; {len(discovery.undocumented)} missing from the spec (tested anyway): {shown}"
    return line
