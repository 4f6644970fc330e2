"""The one route model every check reads.

Discovery (OpenAPI or framework introspection) produces a sorted tuple of :class:`Route`; checks
never look at a spec or an app's URL table themselves. Routes are frozen and hashable so they can
travel as pytest parameters and be shared across xdist workers by value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HTTP_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE")

_PATH_PARAM = re.compile(r"{([^{}]+)}")


def _freeze_schema(schema: Mapping[str, Any] | None) -> str:
    """A schema as canonical JSON text, so the route stays hashable and cheap to compare."""
    return json.dumps(schema or {}, sort_keys=True, default=str)


@dataclass(frozen=True)
class Parameter:
    """One OpenAPI parameter: ``location`` is ``path``, ``query``, ``header`` or ``cookie``."""

    name: str
    location: str
    required: bool = False
    schema_json: str = "{}"

    @property
    def schema(self) -> dict[str, Any]:
        """The parameter's JSON schema, ``$ref``s already resolved."""
        return json.loads(self.schema_json)

    @classmethod
    def make(
        cls, name: str, location: str, required: bool = False, schema: Mapping[str, Any] | None = None
    ) -> Parameter:
        """Build a parameter from a plain schema mapping."""
        return cls(name=name, location=location, required=required, schema_json=_freeze_schema(schema))


@dataclass(frozen=True)
class Route:
    """One operation: a method on a path template, and what it takes.

    ``path`` keeps the template form (``/conversations/{conversation_id}``) whatever the framework
    wrote (``<int:id>``, ``<id>``, ``(?P<id>...)``). ``public`` is True when the route is listed in
    ``launchready_public_routes`` or its OpenAPI ``security`` is an empty list; ``secured`` when the
    spec names a requirement for it (neither is set when the spec says nothing). ``documented`` is
    False for routes found only by framework introspection (missing from the spec).
    """

    method: str
    path: str
    parameters: tuple[Parameter, ...] = ()
    body_schema_json: str | None = None
    body_content_type: str | None = None
    body_required: bool = False
    response_schema_json: str | None = None
    public: bool = False
    documented: bool = True
    operation_id: str | None = None
    summary: str = ""
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=(), compare=False)
    secured: bool = field(default=False, compare=False)

    @property
    def key(self) -> str:
        """``"GET /conversations/{conversation_id}"``: the route's id in test ids and settings."""
        return f"{self.method} {self.path}"

    @property
    def is_mutating(self) -> bool:
        """True for POST, PUT, PATCH and DELETE."""
        return self.method in MUTATING_METHODS

    @property
    def path_params(self) -> tuple[str, ...]:
        """The names in the path template, in order."""
        return tuple(_PATH_PARAM.findall(self.path))

    @property
    def body_schema(self) -> dict[str, Any] | None:
        """The request body's JSON schema (refs resolved), or None when the route takes no body."""
        return None if self.body_schema_json is None else json.loads(self.body_schema_json)

    @property
    def response_schema(self) -> dict[str, Any] | None:
        """The JSON schema of the first 2xx response, when the spec gives one."""
        return None if self.response_schema_json is None else json.loads(self.response_schema_json)

    def params_in(self, location: str) -> tuple[Parameter, ...]:
        """The parameters in ``path``, ``query``, ``header`` or ``cookie``."""
        return tuple(p for p in self.parameters if p.location == location)

    def format_path(self, values: Mapping[str, object]) -> str:
        """The path with each ``{name}`` replaced by ``values[name]`` (missing names stay as is)."""
        return _PATH_PARAM.sub(lambda m: str(values.get(m.group(1), m.group(0))), self.path)

    def sort_key(self) -> tuple[str, int]:
        """Sort by path, then by a conventional method order."""
        order = HTTP_METHODS.index(self.method) if self.method in HTTP_METHODS else len(HTTP_METHODS)
        return (self.path, order)

