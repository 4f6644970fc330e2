"""What the authorization checks (tenant_isolation, roles) share, so that neither imports the other.

The role a route is reserved for, a tenant's ids for a route's id positions, a user made to be the
target of a write on a user-id route, the "who am I" read that learns its id, and the NOT RUN reason
when an id is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from pytest_launchready.checks.idfuzz import Position
from pytest_launchready.checks.probing import positions
from pytest_launchready.routes.vocabulary import is_me_route
from pytest_launchready.tenants.seeding import (USER, collection_of, explain_missing, identities, is_user_param, listed_ids_at,
                                                lookup, unwrap)
from pytest_launchready.target.responses import json_body

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.tenants import Tenant


def required_role(route: Any, settings: Settings) -> str | None:
    """The lowest role allowed to call ``route``: from launchready_role_routes, else x-launchready-roles."""
    for entry in settings.role_routes:
        method, _, path = entry.route_key.partition(" ")
        if path == route.path and method in ("*", route.method):
            return entry.role
    known = [r for r in route.roles if r in settings.role_rank]
    return max(known, key=lambda r: settings.role_rank[r]) if known else None


def ids_of(tenant: Tenant, route: Any, overrides: dict[str, str] | None = None) -> tuple[dict[Position, str], list[str]]:
    """``tenant``'s id for each id position of ``route`` (query/body ones only when known), and the
    path parameters it has none for."""
    overrides = overrides or {}
    found: dict[Position, str] = {}
    missing: list[str] = []
    for position in positions(route):
        name, collection = position.name, (collection_of(route.path, position.name) if position.where == "path" else "")
        if position.where == "query" and (listed := listed_ids_at(route.path, position.name)) is not None:
            name, collection = listed  # one of the tenant's ids stands for the list (?ids=<A's id>)
        value = overrides.get(position.name) or lookup(tenant, name, collection)
        if value is not None:
            found[position] = value
        elif position.where == "path":
            missing.append(position.name)
    return found, missing


def victim_users(ctx: RunContext, owner: Tenant, route: Any, *, by_name: bool = False) -> dict[str, str]:
    """For user path parameters (``/admin/users/{user_id}``): a user of ``owner``'s org made for the
    test, in the lowest role, so that no write ever targets a login in use. With ``by_name``, a
    parameter that "who am I" answers a value of the same name for (``/members/{email}``) gets that
    value rather than the user's id: roles asks so, since there the higher role acts on someone else;
    tenant_isolation does not, since there tenant A itself must be allowed the request (a tenant may be
    one user, who may edit only their own profile). Parameters launchready_seed supplied are left alone;
    nothing is made when the app has no "who am I" route to learn the values."""
    supplied = {o.param for o in owner.objects if o.source == USER}
    params = [p for p in route.path_params if is_user_param(route, p) and p not in supplied]
    if not params or not any(is_me_route(r) and not r.public for r in ctx.routes):
        return {}
    user = ctx.tenant_role(ctx.settings.roles[-1], owner)
    response, user_id = whoami(ctx, user)
    named = identities(unwrap(json_body(response)), params) if by_name and response is not None and response.is_success else {}
    values = {p: named.get(p) or user_id for p in params}
    return {p: v for p, v in values.items() if v}


def whoami(ctx: RunContext, tenant: Tenant) -> tuple[httpx.Response | None, str | None]:
    """``tenant``'s answer to the first "who am I" route (``GET /me``), and the user id it holds."""
    from pytest_launchready.tenants.seeding import unwrap

    for route in ctx.routes:
        if is_me_route(route) and not route.public:
            try:
                response = tenant.client.get(route.path)
            except httpx.HTTPError:
                return None, None
            data = unwrap(json_body(response)) if response.is_success else None
            value = data.get("id", data.get("user_id")) if isinstance(data, dict) else None
            return response, str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    return None, None


def missing_reason(label: str, tenant: Tenant, route: Any, missing: list[str], ctx: RunContext) -> str:
    """Why the route is NOT RUN: which id is missing, and what seeding said."""
    names = ", ".join("{" + m + "}" for m in missing)
    why = explain_missing(ctx.routes, ctx.settings, route, missing[0])
    prefix = route.path.split("{" + missing[0] + "}")[0].rstrip("/")
    related = [n for n in tenant.seed_notes if prefix and f" {prefix}" in n]
    notes = f"; seeding said: {ctx.redact('; '.join(related[:3]))}" if related else ""
    return (f"{label} has no id for {names}: {why}{notes}. Return it from a launchready_seed fixture, e.g. "
            f"{{'{missing[0]}': '...'}}")


