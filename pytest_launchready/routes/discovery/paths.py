"""Path-template helpers shared by the spec reader and the framework introspectors."""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Mapping

from pytest_launchready.routes import Parameter

_TEMPLATE_PARAM = re.compile(r"{([^{}]+)}")

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}


def frozen(schema: Mapping[str, Any]) -> str:
    """A schema as the canonical JSON text :class:`~pytest_launchready.routes.Route` stores."""
    return Parameter.make("", "path", schema=schema).schema_json


def shape(path: str) -> str:
    """The path with every parameter name blanked, so ``/a/{id}`` and ``/a/{item_id}`` compare equal."""
    return _TEMPLATE_PARAM.sub("{}", path)


def join(prefix: str, path: str) -> str:
    """``prefix`` + ``path`` with exactly one slash between them (``join("/api/", "/x") == "/api/x"``)."""
    prefix = prefix.rstrip("/")
    if not path:
        return prefix or "/"
    return prefix + (path if path.startswith("/") else "/" + path)


def path_parameters(
    path: str, known: Mapping[str, Parameter] | None = None, schemas: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Parameter]:
    """One required path parameter per name in the template, in template order.

    ``known`` are parameters the spec declared (their schema wins); ``schemas`` are schemas a framework
    converter implies (``<int:id>``). Any other name gets ``{"type": "string"}``: a path parameter is
    always present and always required, whatever the source said.
    """
    result = []
    for name in dict.fromkeys(_TEMPLATE_PARAM.findall(path)):
        declared = (known or {}).get(name)
        if declared is not None:
            result.append(Parameter(name=name, location="path", required=True, schema_json=declared.schema_json))
        else:
            result.append(Parameter.make(name, "path", True, (schemas or {}).get(name, STRING)))
    return result


def matches(pattern: str, method: str, path: str) -> bool:
    """True when a ``"METHOD /path"`` setting entry names this route.

    ``METHOD`` may be ``*``; parameter names are ignored (``/items/{id}`` names ``/items/{item_id}``);
    a ``*`` in the path is a glob (``* /admin/*``).
    """
    want_method, _, want_path = pattern.strip().partition(" ")
    if want_method.upper() not in ("*", method):
        return False
    want_path = shape(want_path.strip())
    if "*" in want_path:
        return fnmatch.fnmatchcase(shape(path), want_path)
    return want_path == shape(path)
