"""What a tenant owns: one record per id seeding learned, and the lookups the checks make in them.

Ids the user gave in ``launchready_seed`` win over everything seeding guessed; then the object
created at a parameter's own collection; then any id harvested under that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_launchready.tenants.seeding.names import collection_of, fold

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

#: How a seeded id was learned, strongest claim first.
USER = "launchready_seed"
CREATED = "created"
ME = "me"
INCIDENTAL = "incidental"


@dataclass
class SeededObject:
    """One id a tenant owns: what it fills, where it came from, and the JSON the app answered.

    ``collection`` is the creating route's path with parameters blanked (``/conversations/{}/messages``),
    empty for ids that were not created by a collection route. ``source`` is ``created``, ``me`` (the
    logged-in user itself), ``incidental`` (an ``<name>_id`` field of another answer) or
    ``launchready_seed``. ``body`` is what the app answered (used to recognise the object elsewhere).
    """

    param: str
    id: str
    source: str
    route_key: str = ""
    collection: str = ""
    body: Any = None


def resolve_ids(tenant: Tenant, route: Route) -> tuple[dict[str, str], list[str]]:
    """Ids ``tenant`` owns for each path parameter of ``route``, and the parameters it has none for.

    Ids the user gave in ``launchready_seed`` win; then the object created at the parameter's own
    collection; then any id harvested under that name.
    """
    values: dict[str, str] = {}
    missing: list[str] = []
    for param in route.path_params:
        value = lookup(tenant, param, collection_of(route.path, param))
        if value is None:
            missing.append(param)
        else:
            values[param] = value
    return values, missing


def lookup(tenant: Tenant, name: str, collection: str = "") -> str | None:
    """The id ``tenant`` owns for parameter ``name`` (at ``collection`` when known), or None."""
    objects: list[SeededObject] = tenant.objects
    for obj in objects:
        if obj.source == USER and obj.param == name:
            return obj.id
    if collection:
        for obj in objects:
            if obj.source == CREATED and obj.collection == collection:
                return obj.id
    if name in tenant.ids:
        return tenant.ids[name]
    folded = fold(name)
    return next((value for key, value in tenant.ids.items() if fold(key) == folded), None)
