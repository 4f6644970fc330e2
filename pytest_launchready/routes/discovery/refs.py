"""``$ref`` resolution with the ``referencing`` library, and schemas turned into plain JSON Schema.

``referencing`` (from the jsonschema project) does the URI and JSON-pointer work: relative refs,
``~1`` escapes, other documents, and ``$id`` base changes in OpenAPI 3.1 schemas. This module only
decides *what* to inline: every ``$ref`` in a schema is replaced by its target, so a route's schema
stands alone. Size is bounded: a schema nested in itself more than :data:`RECURSION_LIMIT` times,
anything nested deeper than :data:`MAX_DEPTH` levels or :data:`MAX_REF_NESTING` ``$ref``s, and
whatever does not fit :data:`MAX_COMPONENT_NODES` objects per component or :data:`MAX_NODES` per
schema becomes ``{}`` (any value). Expansion deepens one level of ``$ref`` nesting at a time and
keeps the deepest result that fits, so every branch keeps its top levels (property names, types,
required fields: what checks use) before any branch gets deep ones.

Results are memoised per spec, so a component used by a thousand operations is expanded once: the
expansion of a component met outside any other ``$ref`` depends on nothing around it, and neither
does that of any subschema whose expansion needed no cut (nothing it reaches leads back to it).

OpenAPI 3.0 and Swagger 2 schemas are also rewritten into the JSON Schema that 3.1 uses, so checks
read one dialect: ``nullable``/``x-nullable`` become a ``"null"`` type, boolean
``exclusiveMinimum``/``exclusiveMaximum`` become numbers, and Swagger's ``type: file`` becomes a
binary string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urljoin

from pytest_launchready.routes.discovery.errors import DiscoveryError
from pytest_launchready.routes.discovery.loading import LoadedSpec

RECURSION_LIMIT = 2
MAX_DEPTH = 32
MAX_NODES = 2000
MAX_COMPONENT_NODES = 1000
MAX_REF_NESTING = 16
_MAX_REF_CHAIN = 32

_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_VALUES = frozenset({
    "items", "additionalItems", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
    "not", "contains", "propertyNames", "if", "then", "else", "contentSchema",
})  # fmt: skip
# Once every $ref is inlined these only add weight (and relative refs inside them would dangle).
_DROPPED = frozenset({"$defs", "definitions"})


@dataclass(frozen=True)
class _Expansion:
    """An inlined subschema and what it took: objects made, nesting depth, ``$ref`` nesting, cuts."""

    value: Any
    objects: int
    height: int
    ref_height: int
    ref_limit: int = 0
    cut: bool = False
    budget_cut: bool = False
    ref_cut: bool = False


class Dereferencer:
    """Resolves the ``$ref``s of one loaded spec. ``json_schema_31`` says schemas are 2020-12 already."""

    def __init__(self, loaded: LoadedSpec, json_schema_31: bool) -> None:
        from referencing import Registry, Resource, Specification
        from referencing.jsonschema import DRAFT202012

        self._origin = loaded.origin
        self._json_schema_31 = json_schema_31
        self._draft = DRAFT202012
        # The OpenAPI document itself is not a schema: treat it as opaque so that keys such as an
        # operation's "id" example are never mistaken for identifiers.
        default = DRAFT202012 if json_schema_31 else Specification.OPAQUE
        retrieve = loaded.retrieve

        def retrieve_resource(uri: str) -> Resource[Any]:
            if retrieve is None:
                raise LookupError("this spec cannot reference other documents")
            return Resource.from_contents(retrieve(uri), default_specification=default)

        registry: Registry[Any] = Registry(retrieve=retrieve_resource)  # type: ignore[call-arg]
        registry = registry.with_resource(loaded.base_uri, Specification.OPAQUE.create_resource(loaded.document))
        if json_schema_31:
            registry = registry.with_resources(_embedded_resources(loaded.document, loaded.base_uri, DRAFT202012))
        self.root = registry.resolver(loaded.base_uri)
        # Memos, keyed by id() of objects that the documents (or the memo entry itself) keep alive.
        self._lookups: dict[int, tuple[Any, Any]] = {}  # $ref holder -> (holder, Resolved)
        self._fresh: dict[int, tuple[Any, dict[str, Any]]] = {}  # schema() input -> (input, result)
        self._complete: dict[int, _Expansion] = {}  # target -> expansion that needed no cut
        self._components: dict[int, list[_Expansion]] = {}  # target -> expansion per $ref nesting limit
        # The walk in progress.
        self._budget = 0  # objects it may still make
        self._ref_limit = 0  # $ref nesting it may reach
        self._open_refs = 0  # $refs being inlined around the current position
        self._deepest = 0
        self._deepest_ref = 0
        self._cuts = self._budget_cuts = self._ref_cuts = 0  # running totals

    def resolve(self, node: Any, resolver: Any, where: str) -> tuple[Any, Any]:
        """Follow a chain of ``$ref`` on a non-schema object (parameter, request body, response, path item)."""
        for _ in range(_MAX_REF_CHAIN):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, resolver
            resolved = self._lookup(node["$ref"], resolver, where)
            node, resolver = resolved.contents, resolved.resolver
        raise DiscoveryError(f"{where} in {self._origin}: $ref chain longer than {_MAX_REF_CHAIN} (a reference cycle?)")

    def schema(self, node: Any, resolver: Any, where: str) -> dict[str, Any]:
        """A self-contained JSON Schema: every ``$ref`` inlined, size and recursion bounded.

        Expanded one more level of ``$ref`` nesting at a time, keeping the deepest expansion that
        fits the budget: every branch gets its top levels before any branch gets deep ones.
        """
        key = id(node)
        if isinstance(node, dict) and list(node) == ["$ref"] and isinstance(node["$ref"], str):
            key = id(self._lookup_in(node, resolver, where).contents)  # many routes, one component
        if key not in self._fresh:
            self._open_refs = 0
            best = self._deepening(lambda: self._walk(node, resolver, {}, 0, where), MAX_NODES, MAX_REF_NESTING)[-1]
            value = best.value
            value = value if isinstance(value, dict) else ({} if value is True or value is None else {"not": {}})
            self._fresh[key] = (node, value)
        return self._fresh[key][1]

    def _deepening(self, walk: Callable[[], Any], budget: int, up_to: int, tried: list[_Expansion] | None = None) -> list[_Expansion]:
        """Expansions at $ref nesting limits 1, 2, ... ``up_to``, stopping once one is complete or
        over budget (then the one before it is the answer, unless there is none)."""
        tried = [] if tried is None else tried
        while len(tried) < up_to and not (tried and (not tried[-1].ref_cut or tried[-1].budget_cut)):
            tried.append(self._attempt(walk, budget, len(tried) + 1))
        if len(tried) > 1 and tried[-1].budget_cut:
            return tried[:-1]
        return tried

    def _attempt(self, walk: Callable[[], Any], budget: int, ref_limit: int) -> _Expansion:
        outer = (self._budget, self._ref_limit, self._deepest, self._deepest_ref)
        cuts, budget_cuts, ref_cuts = self._cuts, self._budget_cuts, self._ref_cuts
        self._budget, self._ref_limit, self._deepest, self._deepest_ref = budget, ref_limit, 0, self._open_refs
        try:
            value = walk()
            return _Expansion(
                value, budget - max(self._budget, 0), self._deepest, self._deepest_ref, ref_limit,
                cut=self._cuts != cuts, budget_cut=self._budget_cuts != budget_cuts, ref_cut=self._ref_cuts != ref_cuts,
            )  # fmt: skip
        finally:
            # What was cut in here is this expansion's business; where it is placed, _place says
            # what it means for the walk around it.
            self._budget, self._ref_limit, self._deepest, self._deepest_ref = outer
            self._cuts, self._budget_cuts, self._ref_cuts = cuts, budget_cuts, ref_cuts

    def _lookup_in(self, node: dict[str, Any], resolver: Any, where: str) -> Any:
        # A $ref holder sits at one place in one document, so it always means the same target.
        cached = self._lookups.get(id(node))
        if cached is None or cached[0] is not node:
            cached = (node, self._lookup(node["$ref"], resolver, where))
            self._lookups[id(node)] = cached
        return cached[1]

    def _lookup(self, ref: str, resolver: Any, where: str) -> Any:
        from referencing.exceptions import PointerToNowhere, Unresolvable

        try:
            return resolver.lookup(ref)
        except (PointerToNowhere, ValueError, TypeError):
            why = ": nothing is at that location in the document"
        except Unresolvable as error:
            cause = error.__cause__
            while cause is not None and cause.__cause__ is not None:
                cause = cause.__cause__
            why = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        raise DiscoveryError(f"{where} in {self._origin}: $ref {ref!r} cannot be resolved{why}. Fix the reference in the spec, or point launchready_openapi at a bundled (single-file) spec") from None

    def _cut(self, budget: bool = False, ref: bool = False) -> dict[str, Any]:
        self._cuts += 1
        self._budget_cuts += budget
        self._ref_cuts += ref
        return {}

    def _walk(self, node: Any, resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        result = self._walk_raw(node, resolver, active, depth, where)
        if self._json_schema_31 or not isinstance(result, dict) or isinstance(node.get("$ref"), str):
            return result  # an inlined $ref was converted when its target and siblings were merged
        return _to_json_schema(result)

    def _walk_raw(self, node: Any, resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        if not isinstance(node, dict):
            return node
        if depth > MAX_DEPTH:
            return self._cut()
        self._deepest = max(self._deepest, depth)
        if self._json_schema_31 and isinstance(node.get("$id"), str):
            resolver = resolver.in_subresource(self._draft.create_resource(node))
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._inline(node, resolver, active, depth, where)
        self._budget -= 1  # a $ref holder is replaced by its target: only the objects kept count
        if self._budget < 0:
            return self._cut(budget=True)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self._walk(sub, resolver, active, depth + 1, where) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self._walk(sub, resolver, active, depth + 1, where) for sub in value]
            elif key in _SCHEMA_VALUES:
                if isinstance(value, list):  # draft-4 tuple "items"
                    out[key] = [self._walk(sub, resolver, active, depth + 1, where) for sub in value]
                else:
                    out[key] = self._walk(value, resolver, active, depth + 1, where)
            else:
                out[key] = value  # data (enum, default, example) or an annotation: kept as written
        return out

    def _inline(self, node: dict[str, Any], resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        resolved = self._lookup_in(node, resolver, where)
        identity = id(resolved.contents)  # the same target object, however the ref was spelled
        if self._open_refs == 0:
            target = self._place(self._component(identity, resolved, where), depth)
        else:
            target = self._nested(identity, resolved, active, depth, where)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if not siblings:
            return target
        # 3.1 allows keywords beside $ref, and 3.0 specs often put "nullable" or "description" there.
        merged = dict(target) if isinstance(target, dict) else {}
        merged.update(self._walk_raw(siblings, resolver, active, depth + 1, where))
        return merged if self._json_schema_31 else _to_json_schema(merged)

    def _nested(self, identity: int, resolved: Any, active: dict[int, int], depth: int, where: str) -> Any:
        """A ``$ref`` inside another: reuse a complete expansion when it fits, else expand or cut."""
        known = self._complete.get(identity)
        if known is not None and self._open_refs + known.ref_height <= self._ref_limit and depth + known.height <= MAX_DEPTH:
            return self._place(known, depth)
        if active.get(identity, 0) >= RECURSION_LIMIT:
            return self._cut()
        if self._open_refs >= self._ref_limit:
            return self._cut(ref=True)
        cuts, budget, open_refs = self._cuts, self._budget, self._open_refs
        outer_deepest, outer_deepest_ref = self._deepest, self._deepest_ref
        self._deepest, self._deepest_ref = depth + 1, open_refs + 1
        active[identity] = active.get(identity, 0) + 1
        self._open_refs += 1
        try:
            value = self._walk(resolved.contents, resolved.resolver, active, depth + 1, where)
        finally:
            active[identity] -= 1
            self._open_refs -= 1
        if self._cuts == cuts:
            # Nothing had to be cut, so nothing it reaches leads back to it: the same anywhere.
            self._complete[identity] = _Expansion(value, budget - self._budget, self._deepest - depth, self._deepest_ref - open_refs)
        self._deepest, self._deepest_ref = max(outer_deepest, self._deepest), max(outer_deepest_ref, self._deepest_ref)
        return value

    def _component(self, identity: int, resolved: Any, where: str) -> _Expansion:
        """A ``$ref`` met outside any other: its expansions depend on nothing around it, so each is
        made once per spec, with a budget of its own, up to the nesting limit the walk is at."""

        def walk() -> Any:
            self._open_refs = self._deepest_ref = 1
            try:
                return self._walk(resolved.contents, resolved.resolver, {identity: 1}, 1, where)
            finally:
                self._open_refs = 0

        tried = self._components.setdefault(identity, [])
        usable = self._deepening(walk, MAX_COMPONENT_NODES, self._ref_limit, tried)
        if tried and not tried[-1].cut:
            self._complete.setdefault(identity, tried[-1])
        return usable[min(self._ref_limit, len(usable)) - 1]

    def _place(self, expansion: _Expansion, depth: int) -> Any:
        """Put an expansion made elsewhere under the ``$ref`` holder at ``depth``, charging its cost.

        ``height`` counts levels from the holder, ``ref_height`` the ``$ref`` nesting it uses.
        """
        if depth + expansion.height > MAX_DEPTH:
            return self._cut()
        if expansion.objects > self._budget:
            return self._cut(budget=True)
        self._budget -= expansion.objects
        self._deepest = max(self._deepest, depth + expansion.height)
        self._deepest_ref = max(self._deepest_ref, self._open_refs + expansion.ref_height)
        if expansion.ref_cut and expansion.ref_limit == self._ref_limit:
            self._ref_cuts += 1  # one more level of nesting could still show more of it
            self._cuts += 1
        elif expansion.cut:
            self._cuts += 1
        return expansion.value


def _to_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """One OpenAPI 3.0 / Swagger 2 schema object (children already converted) -> JSON Schema."""
    if schema.get("type") == "file":
        schema = {**schema, "type": "string", "format": "binary"}
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(schema.get(flag), bool):
            schema = dict(schema)
            if schema.pop(flag) and bound in schema:
                schema[flag] = schema.pop(bound)
    nullable = schema.get("nullable") is True or schema.get("x-nullable") is True
    if "nullable" in schema or "x-nullable" in schema:
        schema = {k: v for k, v in schema.items() if k not in ("nullable", "x-nullable")}
    if not nullable:
        return schema
    kind = schema.get("type")
    if isinstance(kind, (str, list)):
        kinds = [kind] if isinstance(kind, str) else list(kind)
        schema["type"] = kinds if "null" in kinds else [*kinds, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _embedded_resources(document: Any, base_uri: str, draft: Any) -> list[tuple[str, Any]]:
    """Every 3.1 schema that declares a ``$id``, under its absolute URI, so refs relative to it resolve."""
    found: list[tuple[str, Any]] = []

    def visit(node: Any, base: str, depth: int) -> None:
        if depth > 200:
            return
        if isinstance(node, dict):
            if isinstance(node.get("$id"), str):
                base = urljoin(base, node["$id"])
                found.append((base.split("#")[0], draft.create_resource(node)))
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum", "const"):
                    visit(value, base, depth + 1)
        elif isinstance(node, list):
            for item in node:
                visit(item, base, depth + 1)

    visit(document, base_uri, 0)
    return found
