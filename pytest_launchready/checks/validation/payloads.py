"""Request bodies that break a route's schema, generated with hypothesis: bounded and reproducible.

Hypothesis is used only to *generate*: one ``@given`` run, seeded, with no example database, no
deadline, the generate phase only and a test body that cannot fail, draws a list of bad values; the
check then sends them in a plain loop. A stateful target can therefore never make hypothesis report
a Flaky error, shrinking never replays requests, and the same seed gives the same requests.

Each :class:`Probe` says how bad it is (:attr:`Probe.violation`):

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

import contextlib
import copy
import json
import tempfile
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from pytest_launchready.checks.disclosure import normalise
from pytest_launchready.tenants.bodies import example

REQUIRED = "required"
DECLARED = "declared"
NONE = "none"
_VIOLATION_ORDER = (REQUIRED, DECLARED, NONE)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
#: Default number of generated payloads per route (body-level probes come on top).
BUDGET = 20
UNKNOWN_FIELD = "launchready_unknown_field"
NESTING_DEPTH = 10_000
HUGE_STRING = 64 * 1024
#: Text a user may well type (a name like O'Brien), and that breaks SQL or HTML built by concatenation.
QUOTES = "lr O'Brien \"quoted\" <b>&amp;</b> ;--"
#: A NUL byte in text: PostgreSQL and many C libraries refuse it, and a driver error becomes a 500.
NUL_TEXT = "lr\x00nul"
#: Free-text fields that get the metacharacter and NUL probes, one request each.
MAX_TEXT_FIELDS = 6
_METACHARACTERS, _NUL = "metacharacters", "NUL byte"
_MAX_FIELD_DEPTH = 2
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Probe:
    """One request body to send: ``content`` with ``content_type`` (None: no Content-Type header)."""

    label: str
    kind: str
    content: bytes
    content_type: str | None
    violation: str
    field: str = ""

    @property
    def text(self) -> str:
        """The body as text, to tell echoes of it from leaks."""
        return self.content.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class _Target:
    path: tuple[str, ...]
    kind: str
    schema: Mapping[str, Any]
    violation: str

    @property
    def field(self) -> str:
        return ".".join(self.path)


# --- schemas -----------------------------------------------------------------------------------


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


# --- valid bodies ------------------------------------------------------------------------------


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
    if not isinstance(value, dict) or depth > _MAX_FIELD_DEPTH + 2:
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


# --- targets -----------------------------------------------------------------------------------


def targets(schema: Mapping[str, Any], form: bool = False) -> list[_Target]:
    """Every violation worth sending for this body schema, most important first."""
    flat = flatten(schema)
    found: list[_Target] = []
    if is_object_schema(flat):
        _property_targets(flat, (), True, 0, form, found)
        forbidden = flat.get("additionalProperties") is False
        found.append(_Target((UNKNOWN_FIELD,), "unknown field", {}, DECLARED if forbidden else NONE))
    found.sort(key=lambda t: _VIOLATION_ORDER.index(t.violation))
    return found


def _property_targets(schema: Mapping[str, Any], parent: tuple[str, ...], chain: bool, depth: int, form: bool, out: list[_Target]) -> None:
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
            out.append(_Target(path, "missing", sub, strict))
        if types is not None and _wrong_type_candidates(types, form):
            out.append(_Target(path, "wrong type", sub, strict))
        if sub.get("enum") and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in sub["enum"]):
            out.append(_Target(path, "not in enum", sub, strict))
        if types and types & {"integer", "number"} and not types & {"string"}:
            if _lower(sub) is not None:
                out.append(_Target(path, "below minimum", sub, DECLARED))
            if _upper(sub) is not None:
                out.append(_Target(path, "above maximum", sub, DECLARED))
        if types and "string" in types and not sub.get("enum"):
            if isinstance(sub.get("maxLength"), int):
                out.append(_Target(path, "too long", sub, DECLARED))
            if isinstance(sub.get("minLength"), int) and sub["minLength"] > 0:
                out.append(_Target(path, "too short", sub, DECLARED))
            out.append(_Target(path, "NUL byte", sub, NONE))
        if types and "array" in types and not form:
            if isinstance(sub.get("maxItems"), int):
                out.append(_Target(path, "too many items", sub, DECLARED))
            if isinstance(sub.get("minItems"), int) and sub["minItems"] > 0:
                out.append(_Target(path, "too few items", sub, DECLARED))
        if types == {"object"} or types == {"object", "null"}:
            if depth + 1 < _MAX_FIELD_DEPTH and is_object_schema(sub) and not form:
                _property_targets(sub, path, needed, depth + 1, form, out)


def _lower(schema: Mapping[str, Any]) -> float | None:
    low = schema.get("exclusiveMinimum")
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        return low
    low = schema.get("minimum")
    return low if isinstance(low, (int, float)) and not isinstance(low, bool) else None


def _upper(schema: Mapping[str, Any]) -> float | None:
    high = schema.get("exclusiveMaximum")
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        return high
    high = schema.get("maximum")
    return high if isinstance(high, (int, float)) and not isinstance(high, bool) else None


def _wrong_type_candidates(types: set[str], form: bool) -> list[str]:
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


# --- hypothesis --------------------------------------------------------------------------------


def _strategy(target: _Target, form: bool) -> Any:
    from hypothesis import strategies as st

    word = st.text(alphabet=_LETTERS, min_size=1, max_size=10)
    scalar = st.one_of(st.integers(-1000, 1000), st.text(max_size=8), st.booleans())
    schema = target.schema
    kind = target.kind
    if kind == "missing":
        return st.just(None)
    if kind == "wrong type":
        options = {
            "object": st.dictionaries(word, scalar, max_size=3),
            "array": st.lists(scalar, max_size=3),
            "word": word.map(lambda w: f"lr-{w}"),
        }
        return st.one_of(*(options[c] for c in _wrong_type_candidates(accepted_types(schema) or set(), form)))
    if kind == "not in enum":
        numbers = [v for v in schema["enum"] if isinstance(v, int)]
        if numbers and len(numbers) == len(schema["enum"]):
            return st.integers(max(numbers) + 1, max(numbers) + 1000)
        return word.map(lambda w: f"lr-not-{w}")
    if kind == "below minimum":
        low = int(_lower(schema) or 0)
        return st.integers(low - 1000, low - 1)
    if kind == "above maximum":
        high = int(_upper(schema) or 0)
        return st.integers(high + 1, high + 1000)
    if kind == "too long":
        limit = int(schema["maxLength"])
        return st.text(max_size=16).map(lambda s: "a" * (limit + 1) + s)
    if kind == "too short":
        return st.text(max_size=int(schema["minLength"]) - 1)
    if kind == "too many items":
        item = example(schema.get("items") or {})
        return st.just([item] * (int(schema["maxItems"]) + 1))
    if kind == "too few items":
        return st.just([])
    if kind == "NUL byte":
        return st.tuples(st.text(max_size=6), st.text(max_size=6)).map(lambda t: f"lr{t[0]}\x00{t[1]}")
    return scalar  # unknown field


def draw(strategies: Sequence[Any], seed: object, examples: int = 2) -> list[tuple[Any, ...]]:
    """Draw ``examples`` tuples, one value per strategy, from a seeded hypothesis run that only
    generates: the first tuple is hypothesis's simplest, the next ones random under ``seed``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    drawn: list[tuple[Any, ...]] = []

    @with_seed(seed)
    @settings(database=None, deadline=None, max_examples=examples, phases=(Phase.generate,), derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False)
    @given(st.tuples(*strategies))
    def collect(values: tuple[Any, ...]) -> None:
        drawn.append(values)

    with _private_hypothesis_home():
        collect()
    return drawn


@contextlib.contextmanager
def _private_hypothesis_home() -> Iterator[None]:
    """Keep hypothesis's caches (constants, charmap) out of the user's repository while we draw.

    There is no example database (``database=None``), but hypothesis still writes caches under
    ``.hypothesis/`` in the working directory. The previous home is restored afterwards, so the
    user's own hypothesis tests keep theirs.
    """
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    previous = storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="launchready-hypothesis-") as home:
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def generate(schema: Mapping[str, Any], base: Any, seed: object, budget: int = BUDGET, content_type: str = JSON) -> list[Probe]:
    """Up to ``budget`` field-level violations of ``schema``, each applied to ``base`` (a valid body):
    every target once with hypothesis's simplest value, then random values for as many as fit."""
    form = content_type == FORM
    chosen = targets(schema, form)[:budget]
    if not chosen or not isinstance(base, dict):
        return []
    rounds = draw([_strategy(t, form) for t in chosen], seed, examples=2)
    probes: list[Probe] = []
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
            probes.append(Probe(label, target.kind, content, content_type, target.violation, target.field))
    return probes


def _apply(base: dict[str, Any], schema: Mapping[str, Any], target: _Target, value: Any) -> dict[str, Any]:
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


def is_json(content_type: str) -> bool:
    """``application/json``, ``application/merge-patch+json``, ``application/vnd.api+json``..."""
    return content_type.split(";")[0].strip().lower().endswith("json")


def encode(body: Any, content_type: str = JSON) -> bytes:
    """The body as bytes in ``content_type`` (JSON, or form fields for urlencoded bodies)."""
    if content_type == FORM and isinstance(body, dict):
        pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in body.items() if v is not None]
        return urllib.parse.urlencode(pairs).encode()
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


# --- body-level probes -------------------------------------------------------------------------


def body_probes(schema: Mapping[str, Any], base: Any, body_required: bool, content_type: str = JSON) -> list[Probe]:
    """Violations of the body as a whole: malformed JSON, empty, not an object, the wrong content
    type, deep nesting, and a huge string where no limit is declared."""
    flat = flatten(schema)
    has_required = bool(flat.get("required")) or (body_required and not is_object_schema(flat))
    strict = REQUIRED if has_required else DECLARED
    valid = encode(base, content_type)
    probes: list[Probe] = []
    if is_json(content_type):
        text = valid.decode()
        probes.append(Probe("malformed JSON (truncated)", "malformed JSON", text[: max(1, len(text) // 2)].encode(), content_type, strict))
        probes.append(Probe("an empty body", "empty body", b"", content_type, REQUIRED if body_required and has_required else NONE))
        if is_object_schema(flat):
            probes.append(Probe("a JSON array instead of an object", "not an object", encode([base]), content_type, strict))
        elif accepted_types(flat) and "object" not in (accepted_types(flat) or set()):
            probes.append(Probe("a JSON object instead of the declared type", "wrong type", b"{}", content_type, strict))
        probes.append(Probe("a valid body sent as text/plain", "wrong content type", valid, "text/plain", DECLARED))
        if isinstance(base, dict):
            forbidden = flat.get("additionalProperties") is False
            nested = "[" * NESTING_DEPTH + "]" * NESTING_DEPTH
            text_nested = valid.decode()[:-1] + ("," if base else "") + f'"{UNKNOWN_FIELD}":{nested}}}'
            probes.append(Probe(f"arrays nested {NESTING_DEPTH} deep", "deep nesting", text_nested.encode(), content_type,
                                DECLARED if forbidden else NONE, UNKNOWN_FIELD))
    else:
        probes.append(Probe("a JSON body where a form is declared", "wrong content type", encode(base, JSON), JSON, DECLARED))
    if isinstance(base, dict):
        # One field at a time: a validator that refuses the text in one field must not hide the
        # handler that crashes on it in another (the one concatenated into SQL is rarely the first).
        for kind, label, text in ((_METACHARACTERS, "quotes and SQL/HTML metacharacters", QUOTES),
                                  (_NUL, "a NUL byte", NUL_TEXT)):
            for name, value in _text_values(flat, text)[:MAX_TEXT_FIELDS]:
                probes.append(Probe(f"{label} in {name!r}", kind, encode(dict(base, **{name: value}), content_type),
                                    content_type, NONE, name))
    huge = _string_field(flat, unlimited=True)
    if huge and isinstance(base, dict):
        body = dict(base, **{huge: "lr" * (HUGE_STRING // 2)})
        probes.append(Probe(f"a {HUGE_STRING // 1024} KiB string in {huge!r} (no maxLength declared)", "huge string",
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
               content_type: str = JSON) -> list[Probe]:
    """Generated field violations and body-level probes, ordered so that what must be rejected is
    sent first (a rate limit that cuts the run short leaves the important ones tested)."""
    generated = generate(schema, base, seed, budget, content_type)
    probes = generated + body_probes(schema, base, body_required, content_type)
    return sorted(probes, key=lambda p: _VIOLATION_ORDER.index(p.violation))


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
