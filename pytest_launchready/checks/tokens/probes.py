"""The requests a tokens case sends: which routes it may use, the baseline a refusal is measured
against, sending (a hang that is the verdict becomes a finding), and calling the user's fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx
import pytest

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import MEDIUM
from pytest_launchready.checks.tokens.advice import DOCS, FIXES
from pytest_launchready.target.errors import TargetStoppedError
from pytest_launchready.tenants.bodies import dummy_path_values, example, minimal_body
from pytest_launchready.routes.vocabulary import ends_session
from pytest_launchready.checks.probe import Probe

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Credentials, Tenant

#: Candidate baseline routes tried before giving up (each costs one request).
MAX_BASELINE_TRIES = 5
def privileged_routes(settings: Settings, routes: Iterable[Route]) -> list[tuple[Route, str]]:
    """``(route, least role allowed)`` for private routes the lowest role may not call, safest first.

    From ``launchready_role_routes`` and the routes' ``x-launchready-roles``. Order: reads before
    writes, deletes last (a deleted object cannot prove a later denial), fewer path parameters first.
    """
    rank = settings.role_rank
    lowest = rank[settings.roles[-1]]
    by_key = {r.key: r for r in routes if not r.public}
    found: dict[str, tuple[Route, str]] = {}
    for role_route in settings.role_routes:
        route = by_key.get(role_route.route_key)
        if route is not None and rank.get(role_route.role, lowest) < lowest:
            found.setdefault(route.key, (route, role_route.role))
    for route in by_key.values():
        listed = [role for role in route.roles if role in rank]
        if listed and route.key not in found:
            least = max(listed, key=rank.__getitem__)
            if rank[least] < lowest:
                found[route.key] = (route, least)

    def preference(item: tuple[Route, str]) -> tuple[int, int, tuple[str, int]]:
        route = item[0]
        kind = 0 if route.method in ("GET", "HEAD") else 2 if route.method == "DELETE" else 1
        return (kind, len(route.path_params), route.sort_key())

    return sorted((item for item in found.values() if not ends_session(item[0], settings.logout_route)), key=preference)


def probe_for(route: Route, ids: dict[str, str], body_text: str = "launchready") -> Probe:
    """The request for ``route``: path parameters from ``ids``, required query parameters and a minimal body."""
    query = tuple((p.name, str(example(p.schema, name=p.name))) for p in route.params_in("query") if p.required)
    body = minimal_body(route, text=body_text) if route.is_mutating else None
    return Probe(route.method, route.format_path(dummy_path_values(route, ids)), list(query), body, route=route)


def send(ctx: RunContext, probe: Probe, credentials: Credentials) -> httpx.Response:
    """Send ``probe`` with ``credentials``; a timeout propagates (see :func:`send_or_fail`)."""
    return probe.send(ctx.client, auth=credentials)


def send_or_fail(ctx: RunContext, probe: Probe, credentials: Credentials, when: str, case_id: str) -> httpx.Response:
    """Send a request whose answer is the verdict: a hang is a finding, not an error."""
    try:
        return send(ctx, probe, credentials)
    except httpx.TimeoutException:
        fail(f"Sent {probe.describe()} {when}: no answer within {ctx.settings.timeout:g} s.",
             "a refused token must get a quick denial; a hang is not failing closed.", FIXES[case_id],
             redact=ctx.redact, docs=DOCS, severity=MEDIUM)


def baseline(ctx: RunContext, tenant: Tenant, who: str) -> Probe:
    """A private GET route the tenant's real token opens (2xx), confirmed now; cached per tenant."""
    cache: dict[str, Probe] = ctx.shared("baselines", dict)
    cached = cache.get(tenant.name)
    if cached is not None:
        candidates = [cached]
    else:
        routes = [r for r in ctx.routes if r.method == "GET" and not r.public and not ends_session(r, ctx.settings.logout_route)
                  and all(name in tenant.ids for name in r.path_params)]
        # Routes any role may call first: the baseline should not depend on tenant A's role.
        privileged = {route.key for route, _ in privileged_routes(ctx.settings, ctx.routes)}
        routes.sort(key=lambda r: (r.key in privileged, len(r.path_params), len(r.params_in("query")), r.sort_key()))
        candidates = [probe_for(r, tenant.ids) for r in routes[:MAX_BASELINE_TRIES]]
    tried: list[str] = []
    for probe in candidates:
        try:
            response = send(ctx, probe, tenant.credentials)
        except httpx.TimeoutException:
            tried.append(f"{probe.route_key}: no answer within {ctx.settings.timeout:g} s")
            continue
        if not response.is_success:
            tried.append(f"{probe.route_key}: {response.status_code}")
            continue
        if cached is None and _answers_anyone(ctx, probe):
            # A route that serves a request with no token at all would also serve any forgery: no proof.
            tried.append(f"{probe.route_key}: 2xx without any credentials too (see the auth check)")
            continue
        cache[tenant.name] = probe
        return probe
    detail = "; ".join(tried) or "no private GET route whose path parameters it has ids for"
    pytest.skip(f"no private GET route answered 2xx to {who}'s real token ({detail}): a refused forgery would prove "
                "nothing. Seed ids with launchready_seed, or check launchready_exclude_routes.")


def _answers_anyone(ctx: RunContext, probe: Probe) -> bool:
    try:
        return probe.send(ctx.client).is_success
    except httpx.TimeoutException:
        return False


def call_user(name: str, function: Callable[..., Any], ctx: RunContext, *args: Any) -> Any:
    """Call a user fixture's function; an exception is reported (redacted) as a broken fixture."""
    try:
        return function(*args)
    except TargetStoppedError:
        raise  # not the fixture's fault: the one-line "target stopped" error
    except Exception as exc:  # noqa: BLE001 - any failure of user code is reported, redacted
        pytest.fail(f"{name} raised {type(exc).__name__}: {ctx.redact(str(exc))}", pytrace=False)
