"""The calls seeding makes: the "who am I" read, then each create route once, parents before children.

A :class:`Seeder` is worked out once per route table: which POST routes create an object, and which
path parameter each created id fills. What the app answers never raises: whatever could not be
created is written to ``tenant.seed_notes``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

import httpx

from pytest_launchready.target.errors import TargetStoppedError
from pytest_launchready.routes.vocabulary import caller_fields, is_me_route
from pytest_launchready.tenants.seeding.answers import (
    _scalar,
    created_id,
    harvest_incidental,
    id_in,
    identities,
    items_of,
    unwrap,
)
from pytest_launchready.tenants.seeding.filling import fill, id_fields, seed_body
from pytest_launchready.tenants.seeding.names import (
    blank,
    collection_of,
    fold,
    is_create_route,
    is_id_name,
    is_put_create,
    is_user_param,
    listed_ids_at,
    singular,
)
from pytest_launchready.tenants.seeding.objects import CREATED, ME, SeededObject, lookup, resolve_ids
from pytest_launchready.target.responses import json_body

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

#: Bounds on one tenant's seeding: create calls and "who am I" calls.
MAX_CREATES = 40
MAX_ME_CALLS = 3
_NOTE_EXCERPT = 160


class Seeder:
    """Knows the create routes of a route table, and how to make a tenant's objects with them."""

    def __init__(self, routes: tuple[Route, ...], settings: Settings) -> None:
        self.routes = routes
        self.settings = settings
        self.creates = [r for r in routes if is_create_route(r, settings) or is_put_create(r, routes, settings)]
        #: Where a PUT makes the tenant's one object (``/menu``): the parent of the collections below it.
        self.singletons = {blank(r.path) for r in self.creates if r.method == "PUT"}
        self.me_routes = [r for r in routes if is_me_route(r) and not r.public][:MAX_ME_CALLS]
        #: Every path parameter of the table: answers that hold one by name (``slug``) fill it.
        self.path_params = sorted({p for r in routes for p in r.path_params})
        #: ...and the caller's own values that body fields name the caller by (``PUT /profile {"username"}``).
        self.identity_names = sorted({*self.path_params, *(kind for r in routes for _, kind, _ in caller_fields(r)
                                                           if kind != "user_id")})
        self._names: dict[str, str] = {}
        for route in self.creates:
            self._names[blank(route.path)] = self._param_name(route)

    def _param_name(self, create: Route) -> str:
        """The path parameter the created object's id fills, read from the route table when it can be."""
        prefix = blank(create.path) + "/{}"
        counts: dict[str, int] = {}
        for route in self.routes:
            for param in route.path_params:
                if blank(route.path).startswith(prefix) and collection_of(route.path, param) == blank(create.path):
                    counts[param] = counts.get(param, 0) + 1
        if counts:
            return max(sorted(counts), key=lambda name: counts[name])
        return singular(create.path.rstrip("/").rsplit("/", 1)[-1]) + "_id"

    def collections_for(self, routes: Iterable[Route]) -> set[str]:
        """The collections (and their parents) whose objects ``routes`` need."""
        wanted: set[str] = set()
        for route in routes:
            for param in route.path_params:
                collection = collection_of(route.path, param)
                wanted.add(collection)
                if collection not in self._names:  # /kitchen/orders/{order_id}: what POST /orders makes
                    wanted.update(c for c, n in self._names.items() if fold(n) == fold(param))
            query, body = id_fields(route)
            for name in (*query, *body):
                listed = listed_ids_at(route.path, name)
                if listed is not None and listed[1]:
                    wanted.add(listed[1])  # DELETE /items?ids=...: what POST /items makes
                    continue
                item = listed[0] if listed is not None else name
                wanted.update(c for c, n in self._names.items() if fold(n) == fold(item))
        closed: set[str] = set()
        for collection in wanted:
            parts = collection.split("/{}")
            closed.update("/{}".join(parts[: i + 1]) for i in range(len(parts)))
        closed.update(s for s in self.singletons if any(c.startswith(s + "/") for c in closed))
        return closed

    def who_am_i(self, tenant: Tenant) -> None:
        """Ask the "who am I" routes for the user's own id (``user_id``) and its ``<name>_id`` fields."""
        user_params = {p for r in self.routes for p in r.path_params if is_user_param(r, p)} | {"user_id"}
        for route in self.me_routes:
            response = self._send(tenant, route.method, route.path, None, route.key)
            if response is None:
                continue
            obj = unwrap(json_body(response))
            if not isinstance(obj, dict):
                tenant.seed_notes.append(f"{route.key} answered no JSON object: the user's own id is unknown")
                continue
            own = obj.get("id", obj.get("user_id"))
            if _scalar(own):
                for name in sorted(user_params):
                    tenant.ids.setdefault(name, str(own))
                tenant.objects.append(SeededObject("user_id", str(own), ME, route.key, "", obj))
            for name, value in identities(obj, self.identity_names).items():
                tenant.ids.setdefault(name, value)  # the caller's own {username}, {email}...
                tenant.objects.append(SeededObject(name, value, ME, route.key, "", obj))
            harvest_incidental(tenant, obj, route.key, skip=("id",))

    def create(self, tenant: Tenant, only: set[str] | None) -> None:
        """Call the create routes in dependency order, each once (``only``: these collections)."""
        pending = [r for r in self.creates if only is None or blank(r.path) in only]
        # Singletons a PUT makes first (POST /menu/items may need the menu), then collections, and actions
        # (POST /chat) last, so actions reuse the objects made before them.
        pending.sort(key=lambda r: (r.method != "PUT", not r.path.rstrip("/").endswith("s"), r.path.count("/"), r.path))
        calls = 0
        progress = True
        while pending and progress and calls < MAX_CREATES:
            progress = False
            for route in list(pending):
                values, missing = resolve_ids(tenant, route)
                if missing:
                    continue
                pending.remove(route)
                progress = True
                calls += 1
                try:
                    self._create_one(tenant, route, values)
                except TargetStoppedError:
                    raise
                except Exception as exc:  # noqa: BLE001 - an odd schema or answer must not stop the run
                    tenant.seed_notes.append(f"{route.key} could not be used: {type(exc).__name__}: {str(exc)[:_NOTE_EXCERPT]}")
                if calls >= MAX_CREATES:
                    break
        for route in pending:
            _, missing = resolve_ids(tenant, route)
            reason = f"no id for {', '.join('{' + m + '}' for m in missing)}" if missing else "seeding stopped at its call limit"
            tenant.seed_notes.append(f"{route.key} not called: {reason}")

    def _create_one(self, tenant: Tenant, route: Route, path_values: dict[str, str]) -> None:
        path = route.format_path(path_values)
        known = lambda name: lookup(tenant, name)  # noqa: E731
        params, form = query_values(route, tenant), _is_form(route)
        sent = seed_body(route, tenant.canary, known, complete=True)
        response = self._request(tenant, route.method, path, sent, route.key, params=params, form=form)
        if response is not None and 400 <= response.status_code < 500:
            minimal = seed_body(route, tenant.canary, known)
            if minimal != sent:
                # An optional field the app did not like: the required and free-text ones alone may do.
                self._accepted(tenant, response, route.key)
                sent, response = minimal, self._request(tenant, route.method, path, minimal, route.key, params=params, form=form)
        response = self._accepted(tenant, response, route.key)
        if response is None:
            return
        data = json_body(response)
        obj = unwrap(data)
        param = self._names[blank(route.path)]
        own = created_id(response, obj, param, sent)
        if own is None:
            own, obj = self._listed(tenant, route, path_values, param)
        if own is not None:
            tenant.ids[param] = own
            tenant.objects.append(SeededObject(param, own, CREATED, route.key, blank(route.path), obj))
        else:
            tenant.seed_notes.append(f"{route.key} answered {response.status_code} with no id (no id or {param} field, "
                                     "no Location header, and no listing shows the object)")
        if isinstance(obj, dict):
            harvest_incidental(tenant, obj, route.key, skip=("id", param))

    def _listed(self, tenant: Tenant, create: Route, path_values: dict[str, str], param: str) -> tuple[str | None, Any]:
        """The id and JSON of the object ``create`` just made, found by the tenant's canary in one GET
        of the same path (the collection's list, or the singleton itself): for creates that answer no id."""
        listing = next((r for r in self.routes if r.method == "GET" and blank(r.path) == blank(create.path)), None)
        if listing is None:
            return None, None
        values = {mine: path_values[theirs] for mine, theirs in zip(listing.path_params, create.path_params)}
        response = self._request(tenant, "GET", listing.format_path(values), None, listing.key, params=query_values(listing, tenant))
        if response is None or not response.is_success:
            return None, None
        data = json_body(response)
        rows = items_of(data)
        for row in rows if rows is not None else [unwrap(data)]:
            if isinstance(row, dict) and tenant.canary in json.dumps(row, default=str):
                own = id_in(row, param)
                if own is not None:
                    return own, row
        return None, None

    def _send(self, tenant: Tenant, method: str, path: str, body: Any, route_key: str) -> httpx.Response | None:
        """The 2xx answer to the request, or None (what went wrong is noted)."""
        return self._accepted(tenant, self._request(tenant, method, path, body, route_key), route_key)

    @staticmethod
    def _request(tenant: Tenant, method: str, path: str, body: Any, route_key: str,
                 params: dict[str, Any] | None = None, form: bool = False) -> httpx.Response | None:
        """The answer, whatever its status; None (and a note) when none came."""
        kwargs: dict[str, Any] = {}
        if params:
            kwargs["params"] = params
        if body is not None:
            kwargs["data" if form else "json"] = body
        try:
            response = tenant.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            tenant.seed_notes.append(f"{route_key} failed: {type(exc).__name__}")
            return None
        tenant.seed_statuses.append(response.status_code)
        return response

    @staticmethod
    def _accepted(tenant: Tenant, response: httpx.Response | None, route_key: str) -> httpx.Response | None:
        """``response`` when it is a 2xx; else None, with the refusal noted."""
        if response is not None and not response.is_success:
            text = response.text[:_NOTE_EXCERPT].replace("\n", " ")
            tenant.seed_notes.append(f"{route_key} answered {response.status_code}: {text}")
            return None
        return response


def explain_missing(routes: tuple[Route, ...], settings: Settings, route: Route, param: str) -> str:
    """Why seeding has no id for ``param`` of ``route``: no create route, or one that looks like an action."""
    collection = collection_of(route.path, param)
    posts = [r for r in routes if r.method == "POST" and blank(r.path).startswith(collection) and collection]
    creates = [r for r in routes if blank(r.path) == collection and collection
               and (is_create_route(r, settings) or is_put_create(r, routes, settings))]
    if creates:
        return f"{creates[0].key} gave no id"
    skipped = [r for r in posts if not is_create_route(r, settings) and r.path_params == route.path_params[:len(r.path_params)]]
    if skipped:
        return f"{skipped[0].key} looks like an action or is public, so seeding does not call it"
    return f"no POST route creates {collection or 'it'}"


def query_values(route: Route, tenant: Tenant) -> dict[str, Any]:
    """The query parameters to send ``route`` as ``tenant``: its own ids, and a value for each required one."""
    params: dict[str, Any] = {}
    for param in route.params_in("query"):
        value = lookup(tenant, param.name) if is_id_name(param.name) else None
        if value is not None:
            params[param.name] = value
        elif param.required:
            params[param.name] = fill(param.schema, param.name, tenant.canary, lambda n: lookup(tenant, n))
    return params


def _is_form(route: Route) -> bool:
    return bool(route.body_content_type) and "json" not in str(route.body_content_type)
