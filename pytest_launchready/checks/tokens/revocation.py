"""The cases that take rights away: after logout, or after a demotion, the same token must be refused.

Both change state, so both work on users of a fresh tenant, never on tenant A's token, which the
other cases still need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, MEDIUM
from pytest_launchready.checks.tokens.advice import DOCS, FIXES
from pytest_launchready.checks.tokens.probes import baseline, call_user, privileged_routes, probe_for, send, send_or_fail
from pytest_launchready.tenants.bodies import minimal_body

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

#: Privileged routes tried for the role-change case before giving up.
MAX_ROLE_TRIES = 3


def run_revoked(ctx: RunContext) -> None:
    """A fresh user logs out (fixture or route); the same credentials must then be refused."""
    logout = ctx.fixture("launchready_logout")
    route_key = ctx.settings.logout_route
    if logout is None and not route_key:
        pytest.skip("no way to log out: define launchready_logout(credentials) or set launchready_logout_route = POST /auth/logout")
    user = ctx.fresh_tenant("revoke")
    probe = baseline(ctx, user, "a fresh user")
    if logout is not None:
        call_user("launchready_logout", logout, ctx, user.credentials)
        how = "launchready_logout(credentials)"
    else:
        method, path = route_key.split(" ", 1)
        if "{" in path:
            pytest.skip(f"launchready_logout_route {route_key} has path parameters: define launchready_logout(credentials) instead")
        route = next((r for r in ctx.routes if r.key == route_key), None)
        body = minimal_body(route) if route is not None else None
        response = ctx.client.request(method, path, auth=user.credentials, **({"json": body} if body is not None else {}))
        if response.status_code >= 400:
            pytest.skip(f"logging out through {route_key} answered {response.status_code}: the user was not logged out, so "
                        "nothing can be proven about revocation")
        how = route_key
    response = send_or_fail(ctx, probe, user.credentials, f"after logout through {how}", "revoked after logout")
    if response.status_code in ctx.settings.deny_status:
        return
    if response.is_success or response.status_code >= 500:
        fail(
            f"A fresh user logged out through {how}, then sent {probe.describe()} with the same credentials: the app "
            f"answered {response.status_code} (before logout it answered 2xx).",
            "a token must stop working at logout: otherwise a stolen or shared-device token stays valid until it expires."
            if response.is_success else "a revoked token must be refused cleanly; a 5xx is not failing closed.",
            FIXES["revoked after logout"] + " (If your logout fixture does not actually log out, fix the fixture.)",
            response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
            severity=HIGH if response.is_success else MEDIUM,
        )
    ctx.warn(f"after logout, {probe.route_key} refused the old credentials with {response.status_code}, a status outside "
             "launchready_deny_status: answer 401, or add the status to launchready_deny_status")


def run_role_change(ctx: RunContext) -> None:
    """Demote a user who can call a privileged route; the same token must lose that right at once."""
    set_role = ctx.fixture("launchready_set_role")
    if set_role is None:
        pytest.skip("define launchready_set_role(tenant, credentials, role) to change a user's role")
    candidates = privileged_routes(ctx.settings, ctx.routes)
    if not candidates:
        pytest.skip("no route only a higher role may call (launchready_role_routes / x-launchready-roles)")
    plans, refused = demotions(ctx.settings, candidates)
    if not plans:
        pytest.skip(f"cannot prove a demotion without making a staff user a tenant's: {'; '.join(refused)}")
    tenant = ctx.fresh_tenant("demote")
    ids: dict[str, str] | None = None
    users: dict[str, Tenant] = {}
    tried: list[str] = []
    for route, role, lower in plans:
        if len(tried) >= MAX_ROLE_TRIES:
            break
        if route.path_params and ids is None:
            seed = ctx.fixture("launchready_seed")
            ids = {str(k): str(v) for k, v in (call_user("launchready_seed", seed, ctx, tenant) or {}).items()} if seed else {}
        if route.path_params and not all(name in (ids or {}) for name in route.path_params):
            continue
        staff = ctx.settings.is_global(role)
        user = users.get(role) or users.setdefault(role, ctx.tenant_role(role, None if staff else tenant))
        before = probe_for(route, ids or {}, "launchready-before")
        response = send(ctx, before, user.credentials)
        if not response.is_success:
            tried.append(f"{route.key} as {role}: {response.status_code}")
            continue
        call_user("launchready_set_role", set_role, ctx, user.name, user.credentials, lower)
        after = probe_for(route, ids or {}, "launchready-after")
        response = send_or_fail(ctx, after, user.credentials, f"after demotion to {lower!r}", "role change")
        if response.status_code in ctx.settings.deny_status:
            return
        if response.is_success or response.status_code >= 500:
            who = (f"A staff user ({user.name}) in role {role!r}, a role global to the app," if staff
                   else f"A user of a fresh tenant in role {role!r}")
            lowered = (f"demoted it to {lower!r}, the next lower role (a staff user is never made a tenant's role)" if staff
                       else f"demoted it to {lower!r}")
            fail(
                f"{who} called {after.describe()} successfully; launchready_set_role then {lowered}, and the same "
                f"credentials sent again got {response.status_code}.",
                f"only {role} and higher may call {route.key}: a demoted (or removed) user keeps the higher rights for as long "
                "as the token lives." if response.is_success else "a refused call must not crash the app (5xx).",
                FIXES["role change"] + " (If your launchready_set_role fixture did not actually change the role, fix the fixture.)",
                response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
                severity=HIGH if response.is_success else MEDIUM,
            )
        ctx.warn(f"after demotion to {lower!r}, {route.key} refused the old token with {response.status_code}, a status outside "
                 "launchready_deny_status: answer 403, or add the status to launchready_deny_status")
        return
    detail = ("; ".join(tried + refused)
              or "no privileged route whose path parameters a fresh tenant has ids for (define launchready_seed)")
    pytest.skip(f"cannot prove a demotion: no user in the required role could call a privileged route first ({detail})")


def demotions(settings: Settings, candidates: list[tuple[Route, str]]) -> tuple[list[tuple[Route, str, str]], list[str]]:
    """``(route, role, demoted to)`` to try, and why the others are left out.

    A route whose least role is at or below ``launchready_tenant_role`` comes first: a user of a fresh
    tenant in that role is demoted to the lowest role. A route only staff may call (a role global to the
    app) is proven by a staff user demoted to the next lower role, only while that role is global too:
    a staff user turned into a tenant's role would belong to no tenant, which the app cannot represent.
    """
    tenant_level: list[tuple[Route, str, str]] = []
    staff_level: list[tuple[Route, str, str]] = []
    refused: list[str] = []
    lowest = settings.roles[-1]
    for route, role in candidates:
        if not settings.is_global(role):
            tenant_level.append((route, role, lowest))
            continue
        lower = settings.roles[settings.role_rank[role] + 1]
        if settings.is_global(lower):
            staff_level.append((route, role, lower))
        else:
            refused.append(f"{route.key} needs {role}, a role global to the app, and the next lower role {lower} is "
                           "launchready_tenant_role's level (a staff user has no tenant to hold it)")
    return tenant_level + staff_level, refused
