"""Request bodies that break a route's schema, generated with hypothesis: bounded and reproducible.

The fields and kinds to break come from :mod:`~pytest_launchready.checks.validation.targets`, the
bad values from a seeded, generate-only hypothesis run in
:mod:`~pytest_launchready.checks.validation.strategies`; this module turns them into request bodies,
adds the body-level probes, and orders them.

Each :class:`~pytest_launchready.checks.validation.payload.Payload` says how bad it is (``violation``):

- :data:`REQUIRED`: the body has no usable value for a required field (missing, a JSON type no
  framework coerces to the declared one, a value outside the enum, unparseable or not an object).
  The route must reject it with a 4xx.
- :data:`DECLARED`: it breaks another declared constraint (an optional field's type, a range, a
  length, ``additionalProperties: false``, the content type). It should be rejected.
- :data:`NONE`: no violation at all (NUL bytes in text, a huge string where no limit is declared, an
  unknown field where extra fields are allowed, deep nesting). It must merely not crash the server.

Coercible values are never counted as violations: ``"1"`` for an integer, ``1`` for a string,
``"true"``/``0``/``1`` for a boolean are accepted by lax validators (pydantic's default, DRF), so
wrong-type values are objects, arrays and non-numeric words only.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Mapping, Sequence

from pytest_launchready.checks.disclosure import normalise
from pytest_launchready.checks.validation.payload import _VIOLATION_ORDER as _VIOLATION_ORDER
from pytest_launchready.checks.validation.payload import DECLARED as DECLARED
from pytest_launchready.checks.validation.payload import NONE as NONE
from pytest_launchready.checks.validation.payload import REQUIRED as REQUIRED
from pytest_launchready.checks.validation.payload import Payload
from pytest_launchready.routes.schemas import accepted_types, flatten, is_object_schema
from pytest_launchready.checks.validation.strategies import draw, strategy
from pytest_launchready.checks.validation.targets import UNKNOWN_FIELD, Target, targets
from pytest_launchready.tenants.bodies import FORM as FORM
from pytest_launchready.tenants.bodies import JSON as JSON
from pytest_launchready.tenants.bodies import encode, example, is_json

# The violation levels live in payload.py, below the generators that assign them, and the media types
# in tenants/bodies.py; they are re-exported above (``X as X``) because callers judge and send what
# this module returns by them (``payloads.REQUIRED``, ``payloads.FORM``).

#: Default number of generated payloads per route (body-level probes come on top).
BUDGET = 20
NESTING_DEPTH = 10_000
HUGE_STRING = 64 * 1024
#: Text a user may well type (a name like O'Brien), and that breaks SQL or HTML built by concatenation.
QUOTES = "lr O'Brien \"quoted\" <b>&amp;</b> ;--"
#: A NUL byte in text: PostgreSQL and many C libraries refuse it, and a driver error becomes a 500.
NUL_TEXT = "lr\x00nul"
#: Free-text fields that get the metacharacter and NUL probes, one request each.
MAX_TEXT_FIELDS = 6
_METACHARACTERS, _NUL = "metacharacters", "NUL byte"


# --- valid bodies ------------------------------------------------------------------------------


# --- generated field violations ----------------------------------------------------------------


def generate(schema: Mapping[str, Any], base: Any, seed: object, budget: int = BUDGET, content_type: str = JSON) -> list[Payload]:
    """Up to ``budget`` field-level violations of ``schema``, each applied to ``base`` (a valid body):
    every target once with hypothesis's simplest value, then random values for as many as fit."""
    form = content_type == FORM
    chosen = targets(schema, form)[:budget]
    if not chosen or not isinstance(base, dict):
        return []
    rounds = draw([strategy(t, form) for t in chosen], seed, examples=2)
    probes: list[Payload] = []
    seen: set[bytes] = set()
    for round_number, values in enumerate(rounds):
        for target, value in zip(chosen, values):
            if len(probes) >= budget:
                return probes
            body = _apply(base, flatten(schema), target, value)
            content = encode(body, content_type)
            if content in seen:
                continue
            seen.add(content)
            label = f"{target.kind} {target.field!r}" + (f" = {_short(value)}" if target.kind != "missing" else "")
            probes.append(Payload(label, target.kind, content, content_type, target.violation, target.field))
    return probes


def _apply(base: dict[str, Any], schema: Mapping[str, Any], target: Target, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(base)
    node: dict[str, Any] = body
    node_schema = schema
    for name in target.path[:-1]:
        sub = flatten((node_schema.get("properties") or {}).get(name, {}))
        if not isinstance(node.get(name), dict):
            node[name] = example(sub, name=name, required_only=True) if sub else {}
            if not isinstance(node[name], dict):
                node[name] = {}
        node = node[name]
        node_schema = sub
    leaf = target.path[-1]
    if target.kind == "missing":
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return body


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(text)} chars)"


# --- body-level probes -------------------------------------------------------------------------


def body_probes(schema: Mapping[str, Any], base: Any, body_required: bool, content_type: str = JSON) -> list[Payload]:
    """Violations of the body as a whole: malformed JSON, empty, not an object, the wrong content
    type, deep nesting, and a huge string where no limit is declared."""
    flat = flatten(schema)
    has_required = bool(flat.get("required")) or (body_required and not is_object_schema(flat))
    strict = REQUIRED if has_required else DECLARED
    valid = encode(base, content_type)
    probes: list[Payload] = []
    if is_json(content_type):
        text = valid.decode()
        probes.append(Payload("malformed JSON (truncated)", "malformed JSON", text[: max(1, len(text) // 2)].encode(), content_type, strict))
        probes.append(Payload("an empty body", "empty body", b"", content_type, REQUIRED if body_required and has_required else NONE))
        if is_object_schema(flat):
            probes.append(Payload("a JSON array instead of an object", "not an object", encode([base]), content_type, strict))
        elif accepted_types(flat) and "object" not in (accepted_types(flat) or set()):
            probes.append(Payload("a JSON object instead of the declared type", "wrong type", b"{}", content_type, strict))
        probes.append(Payload("a valid body sent as text/plain", "wrong content type", valid, "text/plain", DECLARED))
        if isinstance(base, dict):
            forbidden = flat.get("additionalProperties") is False
            nested = "[" * NESTING_DEPTH + "]" * NESTING_DEPTH
            text_nested = valid.decode()[:-1] + ("," if base else "") + f'"{UNKNOWN_FIELD}":{nested}}}'
            probes.append(Payload(f"arrays nested {NESTING_DEPTH} deep", "deep nesting", text_nested.encode(), content_type,
                                DECLARED if forbidden else NONE, UNKNOWN_FIELD))
    else:
        probes.append(Payload("a JSON body where a form is declared", "wrong content type", encode(base, JSON), JSON, DECLARED))
    if isinstance(base, dict):
        # One field at a time: a validator that refuses the text in one field must not hide the
        # handler that crashes on it in another (the one concatenated into SQL is rarely the first).
        for kind, label, text in ((_METACHARACTERS, "quotes and SQL/HTML metacharacters", QUOTES),
                                  (_NUL, "a NUL byte", NUL_TEXT)):
            for name, value in _text_values(flat, text)[:MAX_TEXT_FIELDS]:
                probes.append(Payload(f"{label} in {name!r}", kind, encode(dict(base, **{name: value}), content_type),
                                    content_type, NONE, name))
    huge = _string_field(flat, unlimited=True)
    if huge and isinstance(base, dict):
        body = dict(base, **{huge: "lr" * (HUGE_STRING // 2)})
        probes.append(Payload(f"a {HUGE_STRING // 1024} KiB string in {huge!r} (no maxLength declared)", "huge string",
                            encode(body, content_type), content_type, NONE, huge))
    return probes


def _text_values(schema: Mapping[str, Any], text: str) -> list[tuple[str, str]]:
    """``(field, value)`` for each free-text property: ``text`` cut to its ``maxLength`` (or padded to
    its ``minLength``), kept only while it still holds the characters that matter (a quote, a NUL)."""
    found = []
    for name, raw in (schema.get("properties") or {}).items():
        sub = flatten(raw)
        if sub.get("readOnly") or accepted_types(sub) not in ({"string"}, {"string", "null"}) or sub.get("enum") \
                or sub.get("format") or sub.get("pattern"):
            continue
        value = text
        if isinstance(sub.get("maxLength"), int):
            value = value[:sub["maxLength"]]
        if isinstance(sub.get("minLength"), int):
            value = value.ljust(sub["minLength"], "x")
        if any(c in value for c in "'\"<\x00"):
            found.append((str(name), value))
    return found


def _string_field(schema: Mapping[str, Any], unlimited: bool) -> str | None:
    """The first free-text property (no enum, format or pattern); with ``unlimited``, one without maxLength."""
    for name, raw in (schema.get("properties") or {}).items():
        sub = flatten(raw)
        if accepted_types(sub) in ({"string"}, {"string", "null"}) and not sub.get("enum") \
                and not sub.get("format") and not sub.get("pattern") and not (unlimited and "maxLength" in sub):
            return str(name)
    return None


def all_probes(schema: Mapping[str, Any], base: Any, body_required: bool, seed: object, budget: int = BUDGET,
               content_type: str = JSON) -> list[Payload]:
    """Generated field violations and body-level probes, ordered so that what must be rejected is
    sent first (a rate limit that cuts the run short leaves the important ones tested)."""
    generated = generate(schema, base, seed, budget, content_type)
    probes = generated + body_probes(schema, base, body_required, content_type)
    return sorted(probes, key=lambda p: _VIOLATION_ORDER.index(p.violation))



# --- mass assignment values -------------------------------------------------------------------


def privileged_value(name: str, baseline: Any, roles: Sequence[str], fabricate: Callable[[Any], Any]) -> Any:
    """A value for privileged field ``name`` that differs from ``baseline`` (what the object has
    without it), or None when no escalating value is left (``is_admin`` already true)."""
    key = normalise(name)
    if key in ("role", "userrole", "accountrole"):
        return next((r for r in (*roles[:1], "admin", "owner", "superadmin") if str(baseline).lower() != r), None)
    if key == "roles":
        wanted = next((r for r in (*roles[:1], "admin", "owner", "superadmin") if not _contains(baseline, r)), None)
        return [wanted] if wanted else None
    if key in ("permissions", "scopes"):
        return None if _contains(baseline, "*") else ["*"]
    if key == "plan":
        return "enterprise" if str(baseline).lower() != "enterprise" else "unlimited"
    if key in ("credits", "balance", "quota"):
        return 1_000_000 if baseline != 1_000_000 else 2_000_000
    if isinstance(baseline, bool) or key.startswith("is") or key in ("admin", "superuser", "staff", "verified", "emailverified"):
        return None if baseline is True else True
    if key.endswith("id"):
        return fabricate(baseline)
    if isinstance(baseline, int):
        return baseline + 1_000_000
    return "admin" if baseline != "admin" else "owner"


def _contains(value: Any, wanted: str) -> bool:
    if isinstance(value, list):
        return any(str(v).lower() == wanted for v in value)
    return str(value).lower() == wanted
