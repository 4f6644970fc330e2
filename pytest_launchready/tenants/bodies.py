"""Deterministic example values from JSON schemas: path values and minimal valid bodies.

Checks that probe access (auth, tokens) need a request the route would accept were the caller
allowed, so that a denial is about credentials, not about a malformed body. Fuzzing lives with the
checks that fuzz (validation, tenant_isolation), on hypothesis.
"""

from __future__ import annotations

import re

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

DUMMY_ID = "1"
_MAX_DEPTH = 6


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
