"""Automatic seeding: create a tenant's objects in dependency order and harvest the ids they get.

For each tenant (A, B, and the throwaway tenants write tests make) :func:`seed_tenant`:

1. asks "who am I" routes (``GET /me``...) for the user's own id and org id;
2. calls every create route (``POST`` on a collection path such as ``/conversations`` or
   ``/conversations/{conversation_id}/messages``) once its path parameters are known, so parents are
   made before children, with a body built from the schema and the tenant's canary written into
   every free-text field;
3. harvests ids from the answers (``id``, ``<name>_id`` fields, ``Location``): the id of the object
   made by ``POST /x/{a}/y`` fills the parameter that follows ``/x/{a}/y/`` in the route table
   (else ``<y singular>_id``);
4. merges what the user's ``launchready_seed(tenant)`` returns, which wins over guesses.

It never raises because of what the app answers: whatever could not be created is recorded in
``tenant.seed_notes``, and the routes that needed it are reported NOT RUN with that reason.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import httpx
import pytest

from pytest_launchready.tenants.bodies import example
from pytest_launchready.target.errors import TargetStoppedError

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.tenants import Tenant

#: How a seeded id was learned, strongest claim first.
USER = "launchready_seed"
CREATED = "created"
ME = "me"
INCIDENTAL = "incidental"

_PARAM = re.compile(r"{([^{}]+)}")
_ID_KEY = re.compile(r"^(id|uuid|.+_id|.+_uuid|.+Id|.+ID)$")
#: Last path segments of POST routes that act rather than create: never called by seeding.
_ACTION_WORDS = re.compile(
    r"(log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|session|token|refresh|revoke|password|reset|verify|"
    r"confirm|invite|cancel|delete|remove|purge|destroy|disable|deactivate|suspend|impersonate|rotate|webhook|"
    r"callback|checkout|charge|pay|refund|transfer|withdraw|send|mail|sms|notif|broadcast|publish|deploy|export|import|"
    r"sync|bulk|batch|upload|restore|backup)",
    re.IGNORECASE,
)
_ME_SEGMENTS = frozenset({"me", "whoami", "self", "current", "current_user", "current-user", "currentuser", "userinfo",
                          "profile", "account"})
_USER_COLLECTIONS = frozenset({"users", "members", "accounts", "people", "memberships", "staff", "employees"})
_USER_STEMS = frozenset({"user", "member", "account", "person", "people", "membership", "staff", "employee"})
_NOT_FREE_TEXT = re.compile(r"(mail|url|uri|link|phone|password|secret|token|date|time|role|status|type|lang|locale|"
                            r"currency|country|color|colour|slug|code|key|hash|ip)", re.IGNORECASE)
_FREE_TEXT_GUESS = ("title", "name", "content", "text", "description", "body", "message")
_WRAPPERS = ("data", "item", "result", "object", "record")
#: Bounds on one tenant's seeding: create calls and "who am I" calls.
MAX_CREATES = 40
MAX_ME_CALLS = 3
_NOTE_EXCERPT = 160


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
    if user_seed is not None:
        _merge_user_seed(tenant, user_seed)


@functools.lru_cache(maxsize=8)
def _seeder(routes: tuple[Route, ...], settings: Settings) -> Seeder:
    """One seeder per route table: its create routes and id names are worked out once."""
    return Seeder(routes, settings)


def _merge_user_seed(tenant: Tenant, user_seed: Callable[[Tenant], Any]) -> None:
    try:
        supplied = user_seed(tenant)
    except TargetStoppedError:
        raise  # not the fixture's fault: the one-line "target stopped" error
    except Exception as exc:  # noqa: BLE001 - user code: report it, redacted, as a setup error
        pytest.fail(f"launchready_seed({tenant.name!r}) raised {type(exc).__name__}: {exc}", pytrace=False)
    if supplied is None:
        return
    if not isinstance(supplied, Mapping):
        pytest.fail(
            f"launchready_seed({tenant.name!r}) returned {type(supplied).__name__}: return a dict of path-parameter "
            "name -> an id that tenant owns, e.g. {'conversation_id': '42'}.",
            pytrace=False,
        )
    for name, value in supplied.items():
        tenant.ids[str(name)] = str(value)
        tenant.objects.append(SeededObject(param=str(name), id=str(value), source=USER, route_key=USER))


# --- route helpers (also used by the checks) -----------------------------------------------------


def blank(path: str) -> str:
    """``/conversations/{conversation_id}/messages`` -> ``/conversations/{}/messages``."""
    return _PARAM.sub("{}", path)


def collection_of(path: str, param: str) -> str:
    """The blanked collection path an id parameter indexes: ``/a/{a_id}/b/{b_id}``, ``b_id`` -> ``/a/{}/b``."""
    marker = "{" + param + "}"
    index = path.find(marker)
    return blank(path[:index].rstrip("/")) if index > 0 else ""


@functools.lru_cache(maxsize=4096)
def is_id_name(name: str) -> bool:
    """True for names that hold an object id: ``id``, ``conversation_id``, ``conversationId``, ``uuid``."""
    return bool(_ID_KEY.match(name))


def singular(word: str) -> str:
    """A plural collection segment made singular, for ``<name>_id`` guesses (``categories`` -> ``category``)."""
    word = word.lower().replace("-", "_")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_user_param(route: Route, param: str) -> bool:
    """True when ``param`` names a user of the org (``/admin/users/{user_id}``, ``{member_id}``)."""
    segment = collection_of(route.path, param).rsplit("/", 1)[-1]
    stem = param.lower().removesuffix("_id").removesuffix("id").rstrip("_")
    return segment in _USER_COLLECTIONS or stem in _USER_STEMS


def is_me_route(route: Route) -> bool:
    """A "who am I" route: ``GET /me``, ``/users/me``, ``/auth/whoami``..."""
    return route.method == "GET" and not route.path_params and route.path.rstrip("/").rsplit("/", 1)[-1].lower() in _ME_SEGMENTS


def id_fields(route: Route) -> tuple[list[str], list[str]]:
    """The id-like query parameter names and top-level body property names of ``route``."""
    query = [p.name for p in route.params_in("query") if is_id_name(p.name)]
    schema = _object_schema(route.body_schema or {})
    body = [name for name in (schema.get("properties") or {}) if is_id_name(name)]
    return query, body


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
    folded = _fold(name)
    return next((value for key, value in tenant.ids.items() if _fold(key) == folded), None)


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


# --- the seeder ----------------------------------------------------------------------------------


class Seeder:
    """Knows the create routes of a route table, and how to make a tenant's objects with them."""

    def __init__(self, routes: tuple[Route, ...], settings: Settings) -> None:
        self.routes = routes
        self.settings = settings
        self.creates = [r for r in routes if is_create_route(r, settings)]
        self.me_routes = [r for r in routes if is_me_route(r) and not r.public][:MAX_ME_CALLS]
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
                wanted.add(collection_of(route.path, param))
            query, body = id_fields(route)
            for name in (*query, *body):
                wanted.update(c for c, n in self._names.items() if _fold(n) == _fold(name))
        closed: set[str] = set()
        for collection in wanted:
            parts = collection.split("/{}")
            closed.update("/{}".join(parts[: i + 1]) for i in range(len(parts)))
        return closed

    def who_am_i(self, tenant: Tenant) -> None:
        """Ask the "who am I" routes for the user's own id (``user_id``) and its ``<name>_id`` fields."""
        user_params = {p for r in self.routes for p in r.path_params if is_user_param(r, p)} | {"user_id"}
        for route in self.me_routes:
            response = self._send(tenant, route.method, route.path, None, route.key)
            if response is None:
                continue
            obj = unwrap(_json(response))
            if not isinstance(obj, dict):
                tenant.seed_notes.append(f"{route.key} answered no JSON object: the user's own id is unknown")
                continue
            own = obj.get("id", obj.get("user_id"))
            if _scalar(own):
                for name in sorted(user_params):
                    tenant.ids.setdefault(name, str(own))
                tenant.objects.append(SeededObject("user_id", str(own), ME, route.key, "", obj))
            self._incidental(tenant, obj, route.key, skip=("id",))

    def create(self, tenant: Tenant, only: set[str] | None) -> None:
        """Call the create routes in dependency order, each once (``only``: these collections)."""
        pending = [r for r in self.creates if only is None or blank(r.path) in only]
        # Collections first, actions (POST /chat) last, so actions reuse the objects made before them.
        pending.sort(key=lambda r: (not r.path.rstrip("/").endswith("s"), r.path.count("/"), r.path))
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
        body = seed_body(route, tenant.canary, lambda name: lookup(tenant, name))
        params = _query(route, tenant)
        response = self._send(tenant, route.method, path, body, route.key, params=params, form=_is_form(route))
        if response is None:
            return
        data = _json(response)
        obj = unwrap(data)
        param = self._names[blank(route.path)]
        own = None
        if isinstance(obj, dict):
            for key in ("id", param, _camel(param), "uuid"):
                if _scalar(obj.get(key)):
                    own = str(obj[key])
                    break
        if own is None and response.headers.get("location"):
            own = httpx.URL(response.headers["location"]).path.rstrip("/").rsplit("/", 1)[-1] or None
        if own is not None:
            tenant.ids[param] = own
            tenant.objects.append(SeededObject(param, own, CREATED, route.key, blank(route.path), obj))
        else:
            tenant.seed_notes.append(f"{route.key} answered {response.status_code} with no id (no id or {param} field, "
                                     "no Location header)")
        if isinstance(obj, dict):
            self._incidental(tenant, obj, route.key, skip=("id", param))

    def _incidental(self, tenant: Tenant, obj: dict[str, Any], route_key: str, skip: tuple[str, ...]) -> None:
        for key, value in obj.items():
            if key not in skip and is_id_name(key) and key != "id" and _scalar(value) and key not in tenant.ids:
                tenant.ids[key] = str(value)
                tenant.objects.append(SeededObject(key, str(value), INCIDENTAL, route_key, "", None))

    def _send(self, tenant: Tenant, method: str, path: str, body: Any, route_key: str,
              params: dict[str, Any] | None = None, form: bool = False) -> httpx.Response | None:
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
        if not response.is_success:
            text = response.text[:_NOTE_EXCERPT].replace("\n", " ")
            tenant.seed_notes.append(f"{route_key} answered {response.status_code}: {text}")
            return None
        return response


def explain_missing(routes: tuple[Route, ...], settings: Settings, route: Route, param: str) -> str:
    """Why seeding has no id for ``param`` of ``route``: no create route, or one that looks like an action."""
    collection = collection_of(route.path, param)
    posts = [r for r in routes if r.method == "POST" and blank(r.path).startswith(collection) and collection]
    creates = [r for r in posts if blank(r.path) == collection and is_create_route(r, settings)]
    if creates:
        return f"{creates[0].key} gave no id"
    skipped = [r for r in posts if not is_create_route(r, settings) and r.path_params == route.path_params[:len(r.path_params)]]
    if skipped:
        return f"{skipped[0].key} looks like an action or is public, so seeding does not call it"
    return f"no POST route creates {collection or 'it'}"


def is_create_route(route: Route, settings: Settings) -> bool:
    """A POST on a collection (no parameter last) that is private and does not look like an action."""
    if route.method != "POST" or route.public or route.key == settings.logout_route:
        return False
    last = route.path.rstrip("/").rsplit("/", 1)[-1]
    if not last or last.startswith("{"):
        return False
    return not _ACTION_WORDS.search(last)


# --- bodies --------------------------------------------------------------------------------------


def seed_body(route: Route, canary: str, known: Callable[[str], str | None]) -> Any:
    """A body for ``route``: required fields from the schema, ``canary`` in every free-text field,
    known ids in id fields. Schemaless POSTs get the usual text fields, each holding the canary."""
    schema = route.body_schema
    if schema is None:
        # Introspected routes (Flask) carry no schema: the common text fields are a fair guess, and an
        # app that takes no body ignores them.
        return {name: canary for name in _FREE_TEXT_GUESS} if route.method in ("POST", "PUT", "PATCH") else None
    return fill(schema, "", canary, known)


def fill(schema: Mapping[str, Any], name: str, canary: str, known: Callable[[str], str | None], depth: int = 0) -> Any:
    """A value for ``schema``: free text holds ``canary``, id fields hold known ids, the rest examples."""
    schema = _object_schema(schema)
    if depth > 6:
        return None
    if is_id_name(name):
        value = known(name)
        if value is not None:
            return as_schema_type(value, schema)
    kind = schema.get("type")
    if kind == "object" or (kind is None and "properties" in schema):
        properties: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or ())
        result = {}
        for key, sub in properties.items():
            if not isinstance(sub, Mapping):
                continue
            if key in required or is_free_text(sub, key) or (is_id_name(key) and known(key) is not None):
                result[key] = fill(sub, key, canary, known, depth + 1)
        return result
    if kind == "array":
        items = schema.get("items") or {}
        count = max(1, int(schema.get("minItems", 1)))
        return [fill(items, name, canary, known, depth + 1) for _ in range(count)]
    if is_free_text(schema, name):
        return _text(schema, canary)
    return example(schema, name=name, text=canary, required_only=True)


def is_free_text(schema: Mapping[str, Any], name: str) -> bool:
    """A plain string field a user types into (title, content...): where the canary goes."""
    schema = _object_schema(schema)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind != "string" or any(k in schema for k in ("enum", "const", "pattern")):
        return False
    if schema.get("format") not in (None, "", "text", "textarea", "markdown", "html"):
        return False
    return not is_id_name(name) and not _NOT_FREE_TEXT.search(name)


def _text(schema: Mapping[str, Any], canary: str) -> str:
    low = int(schema.get("minLength", 0) or 0)
    high = schema.get("maxLength")
    value = canary if len(canary) >= low else (canary + " " + canary * (low // len(canary) + 1))[:low]
    if high is not None and int(high) < len(value):
        return example(schema, text=canary)  # type: ignore[no-any-return]
    return value


def as_schema_type(value: str, schema: Mapping[str, Any]) -> Any:
    """``"42"`` as 42 when the schema says integer; strings stay strings."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "integer" and value.lstrip("-").isdigit():
        return int(value)
    return value


def _object_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``allOf`` merged, the first non-null ``anyOf``/``oneOf`` option picked."""
    result = dict(schema)
    for _ in range(4):
        if result.get("allOf"):
            merged: dict[str, Any] = {k: v for k, v in result.items() if k != "allOf"}
            for part in result["allOf"]:
                if isinstance(part, Mapping):
                    merged.setdefault("properties", {}).update(part.get("properties") or {})
                    merged["required"] = sorted(set(merged.get("required") or ()) | set(part.get("required") or ()))
                    merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
            result = merged
            continue
        for key in ("anyOf", "oneOf"):
            options = [o for o in result.get(key) or () if isinstance(o, Mapping) and o.get("type") != "null"]
            if options:
                rest = {k: v for k, v in result.items() if k != key}
                result = {**rest, **options[0]}
                break
        else:
            break
    return result


def _query(route: Route, tenant: Tenant) -> dict[str, Any]:
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


# --- answers -------------------------------------------------------------------------------------


def unwrap(data: Any) -> Any:
    """The object inside ``{"data": {...}}``-style envelopes."""
    for _ in range(2):
        if isinstance(data, dict) and "id" not in data:
            inner = [data[k] for k in _WRAPPERS if isinstance(data.get(k), dict)]
            if len(inner) == 1:
                data = inner[0]
                continue
        break
    return data


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) != ""


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
