"""Who calls a route for the validation check, and at which address.

Private routes are called as a throwaway tenant's user (a new one per write route, one shared by all
reads), with path ids that tenant's seeding created; public routes anonymously. All of it from a
client address of its own, so that its failed logins never throttle the rest of the run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pytest_launchready.checks.validation.common import READ
from pytest_launchready.routes.schemas import flatten
from pytest_launchready.routes import vocabulary
from pytest_launchready.target.client_addresses import VALIDATION_ADDRESS, client_at
from pytest_launchready.tenants.bodies import dummy_path_values, example

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

NEEDS_LOGIN = "needs launchready_login: private routes are called as a throwaway tenant's user"


@dataclass
class Caller:
    """The client a test sends with, the tenant behind it (None: anonymous), and who that is in messages."""

    client: httpx.Client
    tenant: Tenant | None
    who: str


def who_calls(ctx: RunContext, route: Route, label: str) -> Caller:
    """The caller for ``route``: anonymous for a public route, else the shared read tenant (``label``
    :data:`READ`) or a fresh tenant named after ``label``, seeded when the route needs ids."""
    if route.public:
        return Caller(client_at(ctx.target, VALIDATION_ADDRESS), None, f"an anonymous client ({VALIDATION_ADDRESS})")
    if not ctx.login_defined:
        pytest.skip(NEEDS_LOGIN)
    if label == READ and vocabulary.ends_session(route, ctx.settings.logout_route):
        label = route.key  # a GET that logs out or revokes would cut the shared read tenant off
    tenant = _read_tenant(ctx) if label == READ else ctx.fresh_tenant(f"v{hashlib.sha1(label.encode()).hexdigest()[:6]}")
    if label != READ and _needs_ids(route):
        _seed(ctx, tenant, [route])
    client = client_at(ctx.target, VALIDATION_ADDRESS, auth=tenant.credentials)
    return Caller(client, tenant, f"throwaway tenant {tenant.name} ({tenant.role})")


def _read_tenant(ctx: RunContext) -> Tenant:
    """One throwaway tenant per session for all reads, with one object per create route."""
    def seeded() -> Tenant:
        tenant = ctx.fresh_tenant("vread")
        _seed(ctx, tenant, None)
        return tenant

    return ctx.shared("read tenant", seeded)


def _needs_ids(route: Route) -> bool:
    """True when the route needs ids in its path, or required ones in its query or body: the tenant must
    own objects first."""
    from pytest_launchready.tenants.seeding import is_id_name

    required = set(flatten(route.body_schema or {}).get("required") or ())
    return bool(route.path_params or any(p.required and is_id_name(p.name) for p in route.params_in("query"))
                or any(is_id_name(name) for name in required))


def _seed(ctx: RunContext, tenant: Tenant, needed: list[Route] | None) -> None:
    from pytest_launchready.tenants.seeding import seed_tenant

    seed_tenant(tenant, ctx.routes, ctx.settings, ctx.fixture("launchready_seed"), needed=needed)


def address(ctx: RunContext, route: Route, caller: Caller) -> tuple[str, dict[str, Any]]:
    """The path with the caller's ids (dummies for public routes) and the required query parameters."""
    if caller.tenant is None:
        values = dummy_path_values(route)
    else:
        from pytest_launchready.tenants.seeding import resolve_ids

        values, missing = resolve_ids(caller.tenant, route)
        if missing:
            notes = "; ".join(getattr(caller.tenant, "seed_notes", [])[:3])
            pytest.skip(f"no id for {', '.join('{' + m + '}' for m in missing)} in the throwaway tenant's seeded objects"
                        + (f" ({notes})" if notes else "") + ": define launchready_seed to provide one")
    query: dict[str, Any] = {}
    for param in route.params_in("query"):
        if param.required:
            known = caller.tenant.ids.get(param.name) if caller.tenant is not None else None
            query[param.name] = known or example(param.schema, name=param.name)
    return route.format_path(values), query
