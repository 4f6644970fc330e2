"""Automatic seeding: create a tenant's objects in dependency order and harvest the ids they get.

For each tenant (A, B, and the throwaway tenants write tests make) :func:`seed_tenant`:

1. asks "who am I" routes (``GET /me``...) for the user's own id and org id;
2. calls every create route (``POST`` on a collection path such as ``/conversations`` or
   ``/conversations/{conversation_id}/messages``, or a ``PUT`` that makes the tenant's one object,
   ``PUT /menu``) once its path parameters are known, so parents are made before children, with a
   body built from the schema and the tenant's canary written into every free-text field;
3. harvests ids from the answers (``id``, ``<name>_id`` fields, ``Location``; for an answer with
   none, the row of ``GET`` on the same path that holds the tenant's canary): the id of the object
   made by ``POST /x/{a}/y`` fills the parameter that follows ``/x/{a}/y/`` in the route table
   (else ``<y singular>_id``);
4. merges what the user's ``launchready_seed(tenant)`` returns, which wins over guesses.

It never raises because of what the app answers to one request: whatever could not be created is
recorded in ``tenant.seed_notes``, and the routes that needed it are reported NOT RUN with that
reason. When the app answered 401 to every request, it refused the credentials ``launchready_login``
returned: a :class:`~pytest_launchready.errors.SetupError`, as is a ``launchready_seed`` that raises.

One job per module: :mod:`.names` reads the route table (collections, id names, which POST creates),
:mod:`.filling` makes the values sent, :mod:`.seeder` makes the calls, :mod:`.answers` harvests ids
from what came back, :mod:`.objects` records what a tenant owns and looks ids up. The names callers
use are all importable from here.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from pytest_launchready.errors import SetupError
from pytest_launchready.target.errors import TargetStoppedError
from pytest_launchready.tenants.seeding.answers import created_id, identities, items_of, unwrap
from pytest_launchready.tenants.seeding.filling import as_schema_type, fill, id_fields, is_free_text, seed_body
from pytest_launchready.tenants.seeding.names import (
    blank,
    collection_of,
    is_create_route,
    is_id_name,
    is_put_create,
    is_user_param,
    listed_ids_at,
    singular,
)
from pytest_launchready.tenants.seeding.objects import CREATED, INCIDENTAL, ME, USER, SeededObject, lookup, resolve_ids
from pytest_launchready.tenants.seeding.seeder import MAX_CREATES, MAX_ME_CALLS, Seeder, explain_missing, query_values

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

__all__ = [
    "created_id",
    "CREATED",
    "INCIDENTAL",
    "MAX_CREATES",
    "MAX_ME_CALLS",
    "ME",
    "USER",
    "SeededObject",
    "Seeder",
    "as_schema_type",
    "blank",
    "collection_of",
    "explain_missing",
    "fill",
    "id_fields",
    "identities",
    "is_create_route",
    "is_free_text",
    "is_id_name",
    "listed_ids_at",
    "is_put_create",
    "is_user_param",
    "items_of",
    "lookup",
    "query_values",
    "resolve_ids",
    "seed_body",
    "seed_tenant",
    "singular",
    "unwrap",
]


def seed_tenant(
    tenant: Tenant,
    routes: tuple[Route, ...],
    settings: Settings,
    user_seed: Callable[[Tenant], Any] | None,
    needed: Iterable[Route] | None = None,
) -> None:
    """Create ``tenant``'s objects and fill ``tenant.ids`` / ``tenant.objects`` / ``tenant.seed_notes``.

    ``needed`` limits automatic creation to what those routes need (their path ids and the ids in
    their query and body, with every parent); None creates one object per create route.
    """
    seeder = _seeder(routes, settings)
    try:
        seeder.who_am_i(tenant)
    except TargetStoppedError:
        raise
    except Exception as exc:  # noqa: BLE001 - a strange answer must not stop the run
        tenant.seed_notes.append(f"who-am-I routes could not be used: {type(exc).__name__}")
    seeder.create(tenant, None if needed is None else seeder.collections_for(needed))
    _require_accepted(tenant)
    if user_seed is not None:
        _merge_user_seed(tenant, user_seed)


@functools.lru_cache(maxsize=8)
def _seeder(routes: tuple[Route, ...], settings: Settings) -> Seeder:
    """One seeder per route table: its create routes and id names are worked out once."""
    return Seeder(routes, settings)


def _require_accepted(tenant: Tenant) -> None:
    """Fail set-up when the app refused the tenant's credentials on every seeding request.

    Every check would then compare refusals: denials that prove nothing (NOT RUN everywhere) or, for
    a check that reads a 401 as "no data", a pass it did not earn.
    """
    statuses = tenant.seed_statuses
    if not statuses or any(status != 401 for status in statuses):
        return
    raise SetupError(
        f"the app refused the credentials launchready_login({tenant.name!r}, {tenant.role!r}) returned: all "
        f"{len(statuses)} of seeding's requests answered 401 ({'; '.join(tenant.seed_notes[:1])}). Return the "
        "headers or cookies a logged-in browser or client of your app sends (Credentials(headers=...) or "
        "Credentials(cookies=...)), and check the login answered 2xx."
    )


def _merge_user_seed(tenant: Tenant, user_seed: Callable[[Tenant], Any]) -> None:
    try:
        supplied = user_seed(tenant)
    except TargetStoppedError:
        raise  # not the fixture's fault: the one-line "target stopped" error
    except Exception as exc:  # noqa: BLE001 - user code: report it, redacted, as a setup error
        raise SetupError(f"launchready_seed({tenant.name!r}) raised {type(exc).__name__}: {exc}") from None
    if supplied is None:
        return
    if not isinstance(supplied, Mapping):
        raise SetupError(
            f"launchready_seed({tenant.name!r}) returned {type(supplied).__name__}: return a dict of path-parameter "
            "name -> an id that tenant owns, e.g. {'conversation_id': '42'}."
        )
    for name, value in supplied.items():
        tenant.ids[str(name)] = str(value)
        tenant.objects.append(SeededObject(param=str(name), id=str(value), source=USER, route_key=USER))
