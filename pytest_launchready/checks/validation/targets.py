"""Which field-level violations a body schema admits: one :class:`Target` per field and kind.

No values here: :mod:`pytest_launchready.checks.validation.strategies` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from pytest_launchready.checks.validation.payload import _VIOLATION_ORDER, DECLARED, NONE, REQUIRED
from pytest_launchready.routes.schemas import accepted_types, flatten, is_object_schema

UNKNOWN_FIELD = "launchready_unknown_field"
#: How deep into nested objects fields are targeted.
MAX_FIELD_DEPTH = 2


@dataclass(frozen=True)
class Target:
    """One violation to send: ``kind`` applied to the field at ``path``, of severity ``violation``."""

    path: tuple[str, ...]
    kind: str
    schema: Mapping[str, Any]
    violation: str

    @property
    def field(self) -> str:
        """The field's dotted path."""
        return ".".join(self.path)


def targets(schema: Mapping[str, Any], form: bool = False) -> list[Target]:
    """Every violation worth sending for this body schema, most important first."""
    flat = flatten(schema)
    found: list[Target] = []
    if is_object_schema(flat):
        _property_targets(flat, (), True, 0, form, found)
        forbidden = flat.get("additionalProperties") is False
        found.append(Target((UNKNOWN_FIELD,), "unknown field", {}, DECLARED if forbidden else NONE))
    found.sort(key=lambda t: _VIOLATION_ORDER.index(t.violation))
    return found


def _property_targets(schema: Mapping[str, Any], parent: tuple[str, ...], chain: bool, depth: int, form: bool, out: list[Target]) -> None:
    required = set(schema.get("required") or [])
    for name, raw in (schema.get("properties") or {}).items():
        sub = flatten(raw)
        if sub.get("readOnly"):
            continue
        path = parent + (name,)
        needed = chain and name in required
        strict = REQUIRED if needed else DECLARED
        types = accepted_types(sub)
        if name in required:
            out.append(Target(path, "missing", sub, strict))
        if types is not None and wrong_type_candidates(types, form):
            out.append(Target(path, "wrong type", sub, strict))
        if sub.get("enum") and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in sub["enum"]):
            out.append(Target(path, "not in enum", sub, strict))
        if types and types & {"integer", "number"} and not types & {"string"}:
            if lower_bound(sub) is not None:
                out.append(Target(path, "below minimum", sub, DECLARED))
            if upper_bound(sub) is not None:
                out.append(Target(path, "above maximum", sub, DECLARED))
        if types and "string" in types and not sub.get("enum"):
            if isinstance(sub.get("maxLength"), int):
                out.append(Target(path, "too long", sub, DECLARED))
            if isinstance(sub.get("minLength"), int) and sub["minLength"] > 0:
                out.append(Target(path, "too short", sub, DECLARED))
            out.append(Target(path, "NUL byte", sub, NONE))
        if types and "array" in types and not form:
            if isinstance(sub.get("maxItems"), int):
                out.append(Target(path, "too many items", sub, DECLARED))
            if isinstance(sub.get("minItems"), int) and sub["minItems"] > 0:
                out.append(Target(path, "too few items", sub, DECLARED))
        if types == {"object"} or types == {"object", "null"}:
            if depth + 1 < MAX_FIELD_DEPTH and is_object_schema(sub) and not form:
                _property_targets(sub, path, needed, depth + 1, form, out)


def lower_bound(schema: Mapping[str, Any]) -> float | None:
    """The declared lower bound (``exclusiveMinimum`` first, then ``minimum``), or None."""
    low = schema.get("exclusiveMinimum")
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        return low
    low = schema.get("minimum")
    return low if isinstance(low, (int, float)) and not isinstance(low, bool) else None


def upper_bound(schema: Mapping[str, Any]) -> float | None:
    """The declared upper bound (``exclusiveMaximum`` first, then ``maximum``), or None."""
    high = schema.get("exclusiveMaximum")
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        return high
    high = schema.get("maximum")
    return high if isinstance(high, (int, float)) and not isinstance(high, bool) else None


def wrong_type_candidates(types: set[str], form: bool) -> list[str]:
    """JSON types to send that ``types`` does not accept and no lax validator coerces into it."""
    if form:
        return ["word"] if not types & {"string", "object", "array"} else []
    candidates = []
    if "object" not in types:
        candidates.append("object")
    if "array" not in types:
        candidates.append("array")
    if "string" not in types:
        candidates.append("word")
    return candidates
