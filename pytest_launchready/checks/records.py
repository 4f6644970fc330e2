"""Records a check writes for itself: an object a tenant creates through the app's own routes and reads back.

The audit check writes one to see the write logged and to have tenant B ask for it; the backups
check writes one to see it survive a restore. A record lives in a collection with a create route
(seeding's: ``POST /conversations``) and an object route that reads it (``GET
/conversations/{conversation_id}``), optionally changed (PATCH/PUT) or deleted (DELETE) at the same
path. It is made by seeding (:func:`pytest_launchready.tenants.seeding.seed_tenant`) on a tenant made
for the test, so its free-text fields hold that tenant's canary, and it is proven by reading it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from pytest_launchready.tenants.seeding import CREATED, blank, collection_of, is_create_route, is_user_param, resolve_ids, seed_tenant

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant


@dataclass(frozen=True)
class RecordRoutes:
    """Where one kind of record is read (``read``), and changed or deleted when the app allows it."""

    read: Route
    update: Route | None = None
    delete: Route | None = None

    @property
    def collection(self) -> str:
        """The blanked collection path the record's id indexes (``/conversations``)."""
        return collection_of(self.read.path, self.read.path_params[-1])


@dataclass
class Record:
    """A record a tenant created: its routes, its formatted object path, and the answer that made it."""

    routes: RecordRoutes
    path: str
    tenant: Tenant

    def read(self) -> httpx.Response:
        """Read the record back as its own tenant."""
        return self.tenant.client.request(self.routes.read.method, self.path)

    def shows_canary(self, response: httpx.Response) -> bool:
        """Whether an answer is the record as written: a 2xx holding the tenant's canary."""
        return response.is_success and self.tenant.canary in response.text


def record_routes(routes: Iterable[Route], settings: Settings) -> list[RecordRoutes]:
    """Every kind of record the app lets a tenant create and read, those with update and delete routes first,
    then the shallowest (fewest path parameters, shortest path)."""
    routes = tuple(routes)
    creates = {blank(r.path) for r in routes if is_create_route(r, settings)}
    found = []
    for route in routes:
        if route.method != "GET" or route.public or not route.path.endswith("}"):
            continue
        param = route.path_params[-1]
        if collection_of(route.path, param) not in creates or is_user_param(route, param):
            continue
        same = [r for r in routes if r.path == route.path and not r.public]
        update = next((r for r in same if r.method == "PATCH"), None) or next((r for r in same if r.method == "PUT"), None)
        delete = next((r for r in same if r.method == "DELETE"), None)
        found.append(RecordRoutes(route, update, delete))
    return sorted(found, key=lambda k: (k.update is None, k.delete is None, len(k.read.path_params), len(k.read.path),
                                        k.read.path))


def write_record(tenant: Tenant, kind: RecordRoutes, routes: tuple[Route, ...], settings: Settings) -> Record | str:
    """Create a record of ``kind`` as ``tenant`` (with any parents it needs) and read it back; the record, or why
    not (what seeding noted, or what the read answered)."""
    seed_tenant(tenant, routes, settings, None, needed=[kind.read])
    made = [o for o in tenant.objects if o.source == CREATED and o.collection == kind.collection]
    values, missing = resolve_ids(tenant, kind.read)
    if not made or missing:
        notes = "; ".join(tenant.seed_notes[:2]) or "no id came back"
        return f"creating a record to read at {kind.read.key} failed ({notes})"
    record = Record(kind, kind.read.format_path(values), tenant)
    response = record.read()
    if not record.shows_canary(response):
        return (f"the record created for {kind.read.key} did not read back with the canary written into it "
                f"(answered {response.status_code})")
    return record
