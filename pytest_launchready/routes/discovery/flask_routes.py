"""Flask (werkzeug) URL maps: ``<int:id>`` rules -> ``{id}`` templates with typed parameters."""

from __future__ import annotations

import re
from typing import Any

from pytest_launchready.routes.discovery.frameworks import Introspection, http_methods, make_route
from pytest_launchready.routes.discovery.paths import join

# werkzeug rule syntax: <name>, <converter:name>, <converter(arguments):name>
_RULE_PART = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")


def collect(app: Any, prefix: str, result: Introspection, depth: int) -> None:
    """Add every rule of a Flask app's URL map under ``prefix`` (static files and websockets skipped)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static") or getattr(rule, "websocket", False):
            continue
        schemas: dict[str, dict[str, Any]] = {}

        def template(match: re.Match[str]) -> str:
            schemas[match.group("name")] = _schema(match.group("converter"), match.group("args") or "")
            return "{" + match.group("name") + "}"

        path = join(prefix, _RULE_PART.sub(template, rule.rule))
        methods = set(rule.methods or ("GET",))
        # Flask adds OPTIONS to every rule unless the view handles it itself.
        if getattr(rule, "provide_automatic_options", True):
            methods.discard("OPTIONS")
        view = app.view_functions.get(rule.endpoint)
        for method in http_methods(methods):
            result.add(make_route(method, path, schemas, rule.endpoint, view))


def _schema(converter: str | None, args: str) -> dict[str, Any]:
    signed = "signed=true" in args.replace(" ", "").lower()
    if converter == "int":
        return {"type": "integer"} if signed else {"type": "integer", "minimum": 0}
    if converter == "float":
        return {"type": "number"} if signed else {"type": "number", "minimum": 0}
    if converter == "uuid":
        return {"type": "string", "format": "uuid"}
    if converter == "any":
        return {"type": "string", "enum": [a.strip().strip("'\"") for a in args.split(",") if a.strip()]}
    return {"type": "string"}
