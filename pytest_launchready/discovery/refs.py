"""``$ref`` resolution with the ``referencing`` library, and schemas turned into plain JSON Schema.

``referencing`` (from the jsonschema project) does the URI and JSON-pointer work: relative refs,
``~1`` escapes, other documents, and ``$id`` base changes in OpenAPI 3.1 schemas. This module only
decides *what* to inline: every ``$ref`` in a schema is replaced by its target, so a route's schema
stands alone. Recursion is bounded: a schema nested in itself more than :data:`RECURSION_LIMIT`
times, any schema deeper than :data:`MAX_DEPTH`, or anything past :data:`MAX_NODES` objects becomes
``{}`` (any value), which keeps huge or self-referencing specs finite without losing the top levels.

OpenAPI 3.0 and Swagger 2 schemas are also rewritten into the JSON Schema that 3.1 uses, so checks
read one dialect: ``nullable``/``x-nullable`` become a ``"null"`` type, boolean
``exclusiveMinimum``/``exclusiveMaximum`` become numbers, and Swagger's ``type: file`` becomes a
binary string.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from pytest_launchready.discovery.errors import DiscoveryError
from pytest_launchready.discovery.loading import LoadedSpec

RECURSION_LIMIT = 2
MAX_DEPTH = 64
MAX_NODES = 5000
_MAX_REF_CHAIN = 32

_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_VALUES = frozenset({
    "items", "additionalItems", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
    "not", "contains", "propertyNames", "if", "then", "else", "contentSchema",
})  # fmt: skip
# Once every $ref is inlined these only add weight (and relative refs inside them would dangle).
_DROPPED = frozenset({"$defs", "definitions"})


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
        self._budget = MAX_NODES

    def resolve(self, node: Any, resolver: Any, where: str) -> tuple[Any, Any]:
        """Follow a chain of ``$ref`` on a non-schema object (parameter, request body, response, path item)."""
        for _ in range(_MAX_REF_CHAIN):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, resolver
            resolved = self._lookup(node["$ref"], resolver, where)
            node, resolver = resolved.contents, resolved.resolver
        raise DiscoveryError(f"{where} in {self._origin}: $ref chain longer than {_MAX_REF_CHAIN} (a reference cycle?)")

    def schema(self, node: Any, resolver: Any, where: str) -> dict[str, Any]:
        """A self-contained JSON Schema: every ``$ref`` inlined, recursion bounded."""
        self._budget = MAX_NODES
        result = self._walk(node, resolver, {}, 0, where)
        return result if isinstance(result, dict) else ({} if result is True or result is None else {"not": {}})

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

    def _walk(self, node: Any, resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        result = self._walk_raw(node, resolver, active, depth, where)
        if self._json_schema_31 or not isinstance(result, dict) or isinstance(node.get("$ref"), str):
            return result  # an inlined $ref was converted when its target and siblings were merged
        return _to_json_schema(result)

    def _walk_raw(self, node: Any, resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        if not isinstance(node, dict):
            return node
        self._budget -= 1
        if self._budget < 0 or depth > MAX_DEPTH:
            return {}
        if self._json_schema_31 and isinstance(node.get("$id"), str):
            resolver = resolver.in_subresource(self._draft.create_resource(node))
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._inline(node, ref, resolver, active, depth, where)
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

    def _inline(self, node: dict[str, Any], ref: str, resolver: Any, active: dict[int, int], depth: int, where: str) -> Any:
        resolved = self._lookup(ref, resolver, where)
        identity = id(resolved.contents)  # the same target object, however the ref was spelled
        if active.get(identity, 0) >= RECURSION_LIMIT:
            target: Any = {}
        else:
            active[identity] = active.get(identity, 0) + 1
            try:
                target = self._walk(resolved.contents, resolved.resolver, active, depth + 1, where)
            finally:
                active[identity] -= 1
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if not siblings:
            return target
        # 3.1 allows keywords beside $ref, and 3.0 specs often put "nullable" or "description" there.
        merged = dict(target) if isinstance(target, dict) else {}
        merged.update(self._walk_raw(siblings, resolver, active, depth + 1, where))
        return merged if self._json_schema_31 else _to_json_schema(merged)


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
