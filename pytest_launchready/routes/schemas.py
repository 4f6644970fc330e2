"""Reading a body schema: ``allOf`` merged, nullable unions unwrapped, the JSON types it accepts."""

from __future__ import annotations

from typing import Any, Mapping


def flatten(schema: Any) -> dict[str, Any]:
    """A schema with ``allOf`` merged and a nullable ``anyOf``/``oneOf`` of one branch unwrapped."""
    if not isinstance(schema, Mapping):
        return {}
    result = dict(schema)
    for part in result.pop("allOf", None) or []:
        for key, value in flatten(part).items():
            if key == "properties":
                result["properties"] = {**result.get("properties", {}), **value}
            elif key == "required":
                result["required"] = sorted(set(result.get("required", [])) | set(value))
            else:
                result.setdefault(key, value)
    for combinator in ("anyOf", "oneOf"):
        options = result.get(combinator)
        if isinstance(options, list):
            real = [o for o in options if isinstance(o, Mapping) and o.get("type") != "null"]
            if len(real) == 1:
                del result[combinator]
                merged = flatten(real[0])
                merged.update({k: v for k, v in result.items() if k not in merged})
                if len(real) < len(options):
                    merged["nullable"] = True
                result = merged
    return result


def accepted_types(schema: Any) -> set[str] | None:
    """The JSON types a schema accepts, or None when it accepts anything (or cannot be told)."""
    if not isinstance(schema, Mapping) or not schema:
        return None
    if "enum" in schema or "const" in schema:
        values = schema.get("enum") or [schema.get("const")]
        return {_json_type(v) for v in values} | ({"integer"} if any(isinstance(v, float) for v in values) else set())
    for combinator in ("anyOf", "oneOf"):
        if isinstance(schema.get(combinator), list):
            found: set[str] = set()
            for option in schema[combinator]:
                types = accepted_types(flatten(option))
                if types is None:
                    return None
                found |= types
            return found
    kind = schema.get("type")
    if isinstance(kind, str):
        types = {kind}
    elif isinstance(kind, list) and kind:
        types = {str(k) for k in kind}
    elif "properties" in schema or "additionalProperties" in schema:
        types = {"object"}
    elif "items" in schema:
        types = {"array"}
    else:
        return None
    if "number" in types:
        types.add("integer")
    if schema.get("nullable"):
        types.add("null")
    return types


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def is_object_schema(schema: Any) -> bool:
    """True when the body is a JSON object with declared properties."""
    flat = flatten(schema)
    return isinstance(flat.get("properties"), Mapping) and bool(flat["properties"])
