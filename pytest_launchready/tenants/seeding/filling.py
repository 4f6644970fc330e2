"""Values seeding sends, read from a route's schema: which fields hold ids, and what goes in each.

Free-text fields hold the tenant's canary (so any response that shows it later proves whose data it
is), id fields hold ids the tenant already owns, everything else a valid example.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any, Callable, Mapping

from pytest_launchready.routes.vocabulary import is_privileged_field
from pytest_launchready.tenants.bodies import example
from pytest_launchready.tenants.seeding.names import id_list_item, is_id_name

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

_NOT_FREE_TEXT = re.compile(r"(mail|url|uri|link|phone|password|secret|token|date|time|role|status|type|lang|locale|"
                            r"currency|country|color|colour|slug|code|key|hash|ip)", re.IGNORECASE)
_FREE_TEXT_GUESS = ("title", "name", "content", "text", "description", "body", "message")


def id_fields(route: Route) -> tuple[list[str], list[str]]:
    """The id-like query parameter names (lists of ids too: ``ids``) and top-level body property names of ``route``."""
    query = [p.name for p in route.params_in("query") if is_id_name(p.name) or id_list_item(p.name)]
    schema = _object_schema(route.body_schema or {})
    body = [name for name in (schema.get("properties") or {}) if is_id_name(name)]
    return query, body


def seed_body(route: Route, canary: str, known: Callable[[str], str | None], complete: bool = False) -> Any:
    """A body for ``route``: required fields from the schema, ``canary`` in every free-text field,
    known ids in id fields; with ``complete``, every other declared field too (see :func:`fill`).
    Schemaless POSTs get the usual text fields, each holding the canary."""
    schema = route.body_schema
    if schema is None:
        # Introspected routes (Flask) carry no schema: the common text fields are a fair guess, and an
        # app that takes no body ignores them.
        return {name: canary for name in _FREE_TEXT_GUESS} if route.method in ("POST", "PUT", "PATCH") else None
    return fill(schema, "", canary, known, complete=complete)


def fill(schema: Mapping[str, Any], name: str, canary: str, known: Callable[[str], str | None], depth: int = 0,
         complete: bool = False) -> Any:
    """A value for ``schema``: free text holds ``canary``, id fields hold known ids, the rest examples.

    An object gets its required fields, its free-text fields and the id fields with a known id; with
    ``complete`` also every other declared field (a spec that marks nothing required still describes
    what the app wants), except privileged and ``readOnly`` ones and ids the tenant does not own.
    Emails are unique per call, so two objects of one tenant never collide on one.
    """
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
            free_text = is_free_text(sub, key) and not is_privileged_field(key)
            if key in required or free_text or (is_id_name(key) and known(key) is not None) or (
                    complete and _fills_in(key, sub, known)):
                result[key] = fill(sub, key, canary, known, depth + 1, complete)
        return result
    if kind == "array":
        items = schema.get("items") or {}
        count = max(1, int(schema.get("minItems", 1)))
        return [fill(items, name, canary, known, depth + 1, complete) for _ in range(count)]
    if is_free_text(schema, name):
        return _text(schema, canary)
    if schema.get("default", 0) in ("", None, [], {}):
        # An empty default is what omitting the field gives: a real value says more about the route.
        schema = {k: v for k, v in schema.items() if k != "default"}
    value = example(schema, name=name, text=canary, required_only=True)
    if isinstance(value, str) and (schema.get("format") == "email" or "email" in name.lower()) and not _FIXED.intersection(schema):
        return f"{canary}.{next(_EMAILS)}@example.com"
    return value


_EMAILS = itertools.count(1)
#: Schema keys whose value the app chose: kept as they are, never made unique.
_FIXED = {"example", "examples", "default", "const", "enum", "pattern"}


def _fills_in(key: str, schema: Mapping[str, Any], known: Callable[[str], str | None]) -> bool:
    """Whether a complete body holds the optional field ``key``."""
    if is_privileged_field(key) or _object_schema(schema).get("readOnly"):
        return False
    return not is_id_name(key) or known(key) is not None


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
