"""Request bodies from JSON schemas: path values, minimal and valid bodies, and their encoding.

Checks that probe access (auth, tokens) need a request the route would accept were the caller
allowed, so that a denial is about credentials, not about a malformed body. Fuzzing lives with the
checks that fuzz (validation, tenant_isolation), on hypothesis.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from pytest_launchready.routes.vocabulary import normalise
from pytest_launchready.routes.schemas import accepted_types, flatten

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

DUMMY_ID = "1"
_MAX_DEPTH = 6
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
#: How deep valid_body personalises nested objects (unique emails, known ids).
_PERSONAL_DEPTH = 4


def dummy_path_values(route: Route, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """A value for each path parameter: from ``known`` (ids a tenant owns) first, else an example."""
    known = known or {}
    schemas = {p.name: p.schema for p in route.params_in("path")}
    return {name: known.get(name) or str(example(schemas.get(name, {}), name=name)) for name in route.path_params}


def minimal_body(route: Route, text: str = "launchready") -> Any:
    """A body holding the required fields of the route's schema, or None when it takes no body."""
    schema = route.body_schema
    if schema is None:
        return None
    return example(schema, text=text, required_only=True)


def example(schema: Mapping[str, Any], name: str = "", text: str = "launchready", required_only: bool = False,
            depth: int = 0) -> Any:
    """One value that satisfies ``schema`` (examples, defaults, enums and formats honoured)."""
    if depth > _MAX_DEPTH or not isinstance(schema, Mapping):
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        examples = schema["examples"]
        return examples[0] if isinstance(examples, list) else next(iter(examples.values()), None)
    if schema.get("enum"):
        return schema["enum"][0]
    for combinator in ("allOf", "anyOf", "oneOf"):
        options = [s for s in schema.get(combinator, []) if isinstance(s, Mapping) and s.get("type") != "null"]
        if combinator == "allOf" and options:
            merged: dict[str, Any] = {}
            for option in options:
                merged = _merge(merged, option)
            return example(merged, name, text, required_only, depth + 1)
        if options:
            return example(options[0], name, text, required_only, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return {
            key: example(sub, key, text, required_only, depth + 1)
            for key, sub in properties.items()
            if key in required or not required_only
        }
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [example(schema.get("items", {}), name, text, required_only, depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(max(schema.get("minimum", 1), 1))
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return False
    return _string(schema, name, text)


def _string(schema: Mapping[str, Any], name: str, text: str) -> str:
    value = _unconstrained_string(schema, name, text)
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return value
    return _satisfying(pattern, [value, *_alternatives(pattern), text, "1", "a", "A1"]) or value


#: ``^(owner|admin|member)$``, ``^(?:draft|live)$``, ``draft|live``: patterns that are enums in disguise.
_ALTERNATION = re.compile(r"^\^?\((?:\?:)?([\w .-]+(?:\|[\w .-]+)+)\)\$?$|^\^?([\w .-]+(?:\|[\w .-]+)+)\$?$")


def _alternatives(pattern: str) -> list[str]:
    match = _ALTERNATION.match(pattern)
    return (match.group(1) or match.group(2)).split("|") if match else []


def _satisfying(pattern: str, candidates: list[str]) -> str | None:
    """The first candidate the schema's ``pattern`` accepts (JSON Schema patterns are unanchored)."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    return next((c for c in candidates if compiled.search(c)), None)


def _unconstrained_string(schema: Mapping[str, Any], name: str, text: str) -> str:
    fmt = schema.get("format", "")
    lowered = name.lower()
    if fmt == "email" or "email" in lowered:
        return "launchready@example.com"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000001"
    if fmt in ("uri", "url") or lowered.endswith("url"):
        return "https://example.com/launchready"
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if lowered.endswith("id") or lowered.endswith("_id"):
        return DUMMY_ID
    value = text
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    if len(value) < low:
        value = (value * (low // max(len(value), 1) + 1))[:max(low, len(value))]
    if high is not None:
        value = value[: int(high)]
    return value


def _merge(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(left)
    for key, value in right.items():
        if key == "properties":
            merged["properties"] = {**merged.get("properties", {}), **value}
        elif key == "required":
            merged["required"] = sorted(set(merged.get("required", [])) | set(value))
        else:
            merged[key] = value
    return merged


def valid_body(schema: Mapping[str, Any], unique: str, known: Mapping[str, str] | None = None, optional: Iterable[str] = ()) -> Any:
    """A body the route should accept: required fields (and ``optional`` top-level ones), with
    strings made from ``unique`` so repeated creates do not collide, emails unique too, and fields
    named like a known path parameter (``conversation_id``) holding that id."""
    body = example(schema, text=f"lr{unique}", required_only=True)
    flat = flatten(schema)
    properties = flat.get("properties") or {}
    if isinstance(body, dict):
        for name in optional:
            if name in properties and name not in body:
                body[name] = example(properties[name], name=name, text=f"lr{unique}")
    return _personalise(body, flat, unique, known or {}, 0)


def _personalise(value: Any, schema: Mapping[str, Any], unique: str, known: Mapping[str, str], depth: int) -> Any:
    if not isinstance(value, dict) or depth > _PERSONAL_DEPTH:
        return value
    properties = schema.get("properties") or {}
    for name in list(value):
        sub = flatten(properties.get(name, {}))
        if name in known and accepted_types(sub) in (None, {"string"}, {"string", "null"}):
            value[name] = known[name]
        elif isinstance(value[name], str) and (sub.get("format") == "email" or "email" in normalise(name)):
            value[name] = f"lr{unique}@example.com"
        elif isinstance(value[name], dict):
            value[name] = _personalise(value[name], sub, unique, known, depth + 1)
    return value


def is_json(content_type: str) -> bool:
    """``application/json``, ``application/merge-patch+json``, ``application/vnd.api+json``..."""
    return content_type.split(";")[0].strip().lower().endswith("json")


def encode(body: Any, content_type: str = JSON) -> bytes:
    """The body as bytes in ``content_type`` (JSON, or form fields for urlencoded bodies)."""
    if content_type == FORM and isinstance(body, dict):
        pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in body.items() if v is not None]
        return urllib.parse.urlencode(pairs).encode()
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def body_content_type(route: Route) -> str:
    """The route's declared body media type, lower case without parameters (JSON when none is declared)."""
    return (route.body_content_type or JSON).split(";")[0].strip().lower()
