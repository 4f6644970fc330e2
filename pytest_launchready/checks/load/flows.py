"""Which routes the load check sends, how often, and each user's request for them.

``launchready_load_routes`` (``WEIGHT: METHOD /path`` lines) when set; else the core flows discovery
finds: the list, the first read and the create of each main collection (private, top level or one
level under a parent the tenant owns), and the chat route. Login is not among them: under load it
would only show the throttling the rate_limits check wants, and a user fixture's password is not
the plugin's to replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from typing import TYPE_CHECKING, Any

from pytest_launchready.routes import vocabulary
from pytest_launchready.tenants.seeding import is_create_route, query_values, resolve_ids, seed_body

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

#: Relative weights of the default flows: reads dominate real traffic.
LIST_WEIGHT, READ_WEIGHT, CREATE_WEIGHT, CHAT_WEIGHT = 3, 3, 1, 1
#: The most routes the default flows pick: enough for the core, few enough to give each many samples.
MAX_DEFAULT_ROUTES = 8


@dataclass(frozen=True)
class Flow:
    """One route under load and its weight."""

    weight: int
    route: Route


def flows(settings: Settings, routes: tuple[Route, ...]) -> tuple[list[Flow], list[str]]:
    """The flows to send, and the ``launchready_load_routes`` lines that name no known route."""
    by_key = {route.key: route for route in routes}
    if settings.load_routes:
        chosen = [Flow(weight, by_key[key]) for weight, key in settings.load_routes if key in by_key]
        return chosen, [key for _, key in settings.load_routes if key not in by_key]
    return _core_flows(settings, routes), []


def _core_flows(settings: Settings, routes: tuple[Route, ...]) -> list[Flow]:
    private = [r for r in routes if not r.public and not vocabulary.ends_session(r, settings.logout_route)
               and not vocabulary.is_login_like(r) and not _staff_only(r, settings)]
    chosen: list[Flow] = []
    chat = next((r for r in routes if r.key == settings.chat_route), None)
    if chat is not None:  # the chat first: it is the product, and the list below is cut at MAX_DEFAULT_ROUTES
        chosen.append(Flow(CHAT_WEIGHT, chat))
    for route in sorted(private, key=lambda r: (r.path.count("/"), r.path)):
        if route.method == "GET" and not route.path_params and not vocabulary.is_me_route(route):
            chosen.append(Flow(LIST_WEIGHT, route))
            read = _first_read(route, private)
            if read is not None:
                chosen.append(Flow(READ_WEIGHT, read))
            create = next((r for r in private if r.path == route.path and is_create_route(r, settings)), None)
            if create is not None and create.key != settings.chat_route:
                chosen.append(Flow(CREATE_WEIGHT, create))
    unique = list({flow.route.key: flow for flow in chosen}.values())
    return unique[:MAX_DEFAULT_ROUTES]


def _first_read(collection: Route, routes: list[Route]) -> Route | None:
    """``GET /things/{id}`` below ``GET /things``."""
    prefix = collection.path.rstrip("/") + "/{"
    return next((r for r in routes if r.method == "GET" and r.path.startswith(prefix) and r.path.endswith("}")
                 and r.path.count("/") == collection.path.rstrip("/").count("/") + 1), None)


def _staff_only(route: Route, settings: Settings) -> bool:
    """Routes only roles above the tenant role may call (a tenant-role user would get 403 under load)."""
    needs = [rr.role for rr in settings.role_routes if rr.route_key == route.key] or list(route.roles)
    known = [role for role in needs if role in settings.roles]
    return bool(known) and all(settings.role_rank[role] < settings.role_rank[settings.tenant_role] for role in known)


def request_for(flow: Flow, tenant: Tenant) -> dict[str, Any] | None:
    """What one user sends for ``flow``: method, path with the tenant's own ids, and a body; None when the
    tenant owns no id for a path parameter (its requests would only measure 404s)."""
    route = flow.route
    ids, missing = resolve_ids(tenant, route)
    if missing:
        return None
    body = None
    if route.method in ("POST", "PUT", "PATCH"):
        body = seed_body(route, tenant.canary, lambda name: ids.get(name) or tenant.ids.get(name), complete=False)
    query = query_values(route, tenant)
    path = route.format_path(ids) + (f"?{urlencode(query, doseq=True)}" if query else "")
    return {"name": route.key, "method": route.method, "path": path, "json": body}
