"""Harvesting ids from what the app answered: the object inside an envelope, the id a create gave it,
and the ``<name>_id`` fields that came along with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import httpx

from pytest_launchready.tenants.seeding.names import is_id_name
from pytest_launchready.tenants.seeding.objects import INCIDENTAL, SeededObject
from pytest_launchready.routes.vocabulary import caller_value, camel_case

if TYPE_CHECKING:
    from pytest_launchready.tenants import Tenant

_WRAPPERS = ("data", "item", "result", "object", "record")


def unwrap(data: Any) -> Any:
    """The object inside an envelope: ``{"data": {...}}``, ``{"result": {...}}``, or any object whose
    one key holds an object (``{"article": {...}}``, ``{"user": {...}}``)."""
    for _ in range(2):
        if isinstance(data, dict) and "id" not in data:
            inner = [data[k] for k in _WRAPPERS if isinstance(data.get(k), dict)]
            if not inner and len(data) == 1:
                inner = [value for value in data.values() if isinstance(value, dict)]
            if len(inner) == 1:
                data = inner[0]
                continue
        break
    return data


def items_of(data: Any) -> list[Any] | None:
    """The rows of a list answer: a JSON list, or the one list an envelope holds beside counts and
    links (``{"items": [...], "count": 2}``, ``{"data": {"articles": [...]}}``, ``{"data": [...], "meta": {...}}``);
    None for anything else, an object holding its own ``id`` and a list of children included."""
    for _ in range(3):
        if isinstance(data, list):
            return data
        if not isinstance(data, dict) or "id" in data:
            return None  # an object with an id of its own is one object, whatever lists it holds
        lists = [value for value in data.values() if isinstance(value, list)]
        if lists:
            return lists[0] if len(lists) == 1 else None
        inner = unwrap(data)
        if inner is data:
            return None
        data = inner
    return None


def identities(obj: Any, names: Iterable[str]) -> dict[str, str]:
    """The values ``obj`` holds for path-parameter ``names`` that are not ``<name>_id`` (``slug``,
    ``username``, ``email``...): how an app addresses objects it names by something other than an id.
    A name that says which of a user's values it holds (``{user_email}``) is read under that value's
    name (``email``) too."""
    if not isinstance(obj, dict):
        return {}
    found = {}
    for name in (n for n in names if not is_id_name(n)):
        for key in filter(None, (name, camel_case(name), caller_value(name))):
            if _scalar(obj.get(key)):
                found[name] = str(obj[key])
                break
    return found


def created_id(response: httpx.Response, obj: Any, param: str, sent: Any = None) -> str | None:
    """The id a create route gave its object, for path parameter ``param``.

    A parameter that is not an id name (``{slug}``, ``{username}``) is read under its own name
    first: an article answering ``{"id": 22, "slug": "hello-x1"}`` is addressed by its slug. Then
    ``id``, ``param`` (or its camelCase), ``uuid``, the last segment of the ``Location`` header, and
    last the value the client chose itself in the body it ``sent`` (``{"book_title": ...}``, a
    natural key the answer does not repeat). None when none of these holds one.
    """
    own = id_in(obj, param)
    if own is None and response.headers.get("location"):
        own = httpx.URL(response.headers["location"]).path.rstrip("/").rsplit("/", 1)[-1] or None
    chosen = unwrap(sent)
    if own is None and isinstance(chosen, dict) and not is_id_name(param) and _scalar(chosen.get(param)):
        own = str(chosen[param])
    return own


def id_in(obj: Any, param: str) -> str | None:
    """The id object ``obj`` holds for path parameter ``param`` (see :func:`created_id`), or None."""
    keys = ("id", param, camel_case(param), "uuid")
    if not is_id_name(param):
        keys = (param, camel_case(param), "id", "uuid")
    if isinstance(obj, dict):
        for key in keys:
            if _scalar(obj.get(key)):
                return str(obj[key])
    return None


def harvest_incidental(tenant: Tenant, obj: dict[str, Any], route_key: str, skip: tuple[str, ...]) -> None:
    """Record the ``<name>_id`` fields of ``obj`` (an org id in a ``/me`` answer...) that ``tenant`` has no id for yet."""
    for key, value in obj.items():
        if key not in skip and is_id_name(key) and key != "id" and _scalar(value) and key not in tenant.ids:
            tenant.ids[key] = str(value)
            tenant.objects.append(SeededObject(key, str(value), INCIDENTAL, route_key, "", None))


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) != ""

