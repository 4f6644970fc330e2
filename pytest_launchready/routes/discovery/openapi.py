"""A spec document -> routes: OpenAPI 3.0/3.1 and Swagger 2.

Each operation becomes one :class:`~pytest_launchready.routes.Route` with its parameters, request
body and first 2xx JSON response schema, every ``$ref`` inlined (see :mod:`.refs`). ``public`` here
only reflects the spec (an empty ``security`` list); the settings are applied by :func:`discover`.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_launchready.routes.discovery import paths
from pytest_launchready.routes.discovery.errors import DiscoveryError
from pytest_launchready.routes.discovery.loading import LoadedSpec, spec_kind
from pytest_launchready.routes.discovery.refs import Dereferencer
from pytest_launchready.routes import Parameter, Route

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
# OpenAPI says header parameters with these names are ignored: the request sets them itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_SWAGGER_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "multipleOf", "x-nullable",
)  # fmt: skip
ROLES_EXTENSION = "x-launchready-roles"


def label(document: dict[str, Any]) -> str:
    """``"openapi 3.1"`` or ``"swagger 2.0"``, for the report header."""
    kind, version = spec_kind(document, "the spec")
    return f"{kind} {'.'.join(version.split('.')[:2])}"


def declared_prefix(document: dict[str, Any]) -> str:
    """The path prefix the spec puts before every path: Swagger's ``basePath``, or ``servers[0].url``
    when it is a path (``/api``). An absolute server URL says where the API is deployed, not where
    the target under test serves it, so it adds nothing.
    """
    if "swagger" in document:
        base = document.get("basePath")
        return base.rstrip("/") if isinstance(base, str) and base.startswith("/") else ""
    servers = document.get("servers")
    if not (isinstance(servers, list) and servers and isinstance(servers[0], dict)):
        return ""
    url = servers[0].get("url")
    if not isinstance(url, str):
        return ""
    variables = servers[0].get("variables")
    defaults = {k: v.get("default", "") for k, v in variables.items() if isinstance(v, dict)} if isinstance(variables, dict) else {}
    url = re.sub(r"{([^{}]+)}", lambda m: str(defaults.get(m.group(1), "")), url)
    return url.split("?")[0].rstrip("/") if url.startswith("/") else ""


def routes(loaded: LoadedSpec, prefix: str = "") -> list[Route]:
    """Every operation of the spec, ``prefix`` put before each path."""
    document = loaded.document
    kind, version = spec_kind(document, loaded.origin)
    reader = _Reader(loaded, kind == "openapi" and not version.startswith("3.0"), kind == "swagger")
    spec_paths = document.get("paths")
    spec_paths = {} if spec_paths is None else spec_paths  # 3.1 documents may have webhooks only
    if not isinstance(spec_paths, dict):
        raise DiscoveryError(f"'paths' in {loaded.origin} is a {type(spec_paths).__name__}, not an object of path -> operations")
    found = []
    for raw_path, item in spec_paths.items():
        if not raw_path.startswith("/"):
            continue  # "x-" extensions may sit among the paths
        item, resolver = reader.deref.resolve(item, reader.deref.root, f"path {raw_path}")
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append(reader.route(method.upper(), paths.join(prefix, raw_path), item, operation, resolver))
    return found


class _Reader:
    def __init__(self, loaded: LoadedSpec, json_schema_31: bool, swagger: bool) -> None:
        self.document = loaded.document
        self.swagger = swagger
        self.deref = Dereferencer(loaded, json_schema_31)
        self._frozen: dict[int, tuple[Any, str]] = {}

    def frozen(self, schema: dict[str, Any]) -> str:
        """:func:`paths.frozen`, once per schema object: routes sharing a component share its text."""
        cached = self._frozen.get(id(schema))
        if cached is None or cached[0] is not schema:
            cached = (schema, paths.frozen(schema))
            self._frozen[id(schema)] = cached
        return cached[1]

    def route(self, method: str, path: str, item: dict[str, Any], operation: dict[str, Any], resolver: Any) -> Route:
        where = f"{method} {path}"
        raw = self._parameters(item, operation, resolver, where)
        declared = {}
        for (name, location), (param, param_resolver) in raw.items():
            if location == "path":
                declared[name] = Parameter.make(name, "path", True, self._param_schema(param, param_resolver, where))
        parameters = paths.path_parameters(path, declared)
        for (name, location), (param, param_resolver) in raw.items():
            if location in ("query", "header", "cookie") and not (location == "header" and name.lower() in _IGNORED_HEADERS):
                schema = self._param_schema(param, param_resolver, where)
                parameters.append(Parameter.make(name, location, bool(param.get("required")), schema))
        if self.swagger:
            body_type, body_schema, body_required = self._swagger_body(raw, operation, where)
        else:
            body_type, body_schema, body_required = self._body(operation, resolver, where)
        response = self._response(operation, resolver, where)
        return Route(
            method=method,
            path=path,
            parameters=tuple(parameters),
            body_schema_json=None if body_schema is None else self.frozen(body_schema),
            body_content_type=body_type,
            body_required=body_required,
            response_schema_json=None if response is None else self.frozen(response),
            public=self._public(operation),
            secured=self._secured(operation),
            documented=True,
            operation_id=operation.get("operationId") if isinstance(operation.get("operationId"), str) else None,
            summary=_summary(operation),
            roles=_strings(operation.get(ROLES_EXTENSION)),
            tags=_strings(operation.get("tags")),
        )

    def _parameters(self, item: dict[str, Any], operation: dict[str, Any], resolver: Any, where: str) -> dict[tuple[str, str], tuple[dict[str, Any], Any]]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], Any]] = {}
        for level in (item.get("parameters"), operation.get("parameters")):
            for raw in level if isinstance(level, list) else ():
                param, param_resolver = self.deref.resolve(raw, resolver, f"a parameter of {where}")
                if isinstance(param, dict) and isinstance(param.get("name"), str) and isinstance(param.get("in"), str):
                    merged[(param["name"], param["in"])] = (param, param_resolver)  # the operation's wins
        return merged

    def _param_schema(self, param: dict[str, Any], resolver: Any, where: str) -> dict[str, Any]:
        where = f"parameter {param['name']!r} of {where}"
        if "schema" in param:
            return self.deref.schema(param["schema"], resolver, where)
        content = param.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content.values()))
            if isinstance(media, dict) and "schema" in media:
                return self.deref.schema(media["schema"], resolver, where)
        if self.swagger:
            return self.deref.schema({k: param[k] for k in _SWAGGER_SCHEMA_KEYS if k in param}, resolver, where)
        return dict(paths.STRING)

    def _body(self, operation: dict[str, Any], resolver: Any, where: str) -> tuple[str | None, dict[str, Any] | None, bool]:
        if "requestBody" not in operation:
            return None, None, False
        body, body_resolver = self.deref.resolve(operation["requestBody"], resolver, f"the request body of {where}")
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None, None, False
        content_type = _pick_media_type(content)
        media = content[content_type]
        schema = {}
        if isinstance(media, dict) and "schema" in media:
            schema = self.deref.schema(media["schema"], body_resolver, f"the request body of {where}")
        return _bare(content_type), schema, bool(body.get("required"))

    def _swagger_body(self, raw: dict[tuple[str, str], tuple[dict[str, Any], Any]], operation: dict[str, Any], where: str) -> tuple[str | None, dict[str, Any] | None, bool]:
        consumes = [c for c in _strings(operation.get("consumes", self.document.get("consumes"))) if isinstance(c, str)]
        for (_, location), (param, param_resolver) in raw.items():
            if location == "body":
                schema = self.deref.schema(param.get("schema", {}), param_resolver, f"the body of {where}")
                json_types = [c for c in consumes if "json" in c.lower()]
                content_type = json_types[0] if json_types else (consumes[0] if consumes else "application/json")
                return _bare(content_type), schema, bool(param.get("required"))
        form = [(param, r) for (_, location), (param, r) in raw.items() if location == "formData"]
        if not form:
            return None, None, False
        properties = {param["name"]: self._param_schema(param, r, where) for param, r in form}
        form_schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [param["name"] for param, _ in form if param.get("required")]
        if required:
            form_schema["required"] = required
        has_file = any(param.get("type") == "file" for param, _ in form)
        multipart = has_file or ("multipart/form-data" in consumes and _FORM_TYPES[0] not in consumes)
        return (_FORM_TYPES[1] if multipart else _FORM_TYPES[0]), form_schema, bool(required)

    def _response(self, operation: dict[str, Any], resolver: Any, where: str) -> dict[str, Any] | None:
        responses = operation.get("responses")
        if not isinstance(responses, dict):
            return None
        produces = _strings(operation.get("produces", self.document.get("produces")))
        for code in sorted((str(c) for c in responses), key=lambda c: (c.upper() == "2XX", c)):
            if not (code.startswith("2") and len(code) == 3):
                continue
            response, response_resolver = self.deref.resolve(responses[code], resolver, f"response {code} of {where}")
            if not isinstance(response, dict):
                continue
            where_code = f"response {code} of {where}"
            if self.swagger:
                if "schema" in response and (not produces or any("json" in p.lower() for p in produces)):
                    return self.deref.schema(response["schema"], response_resolver, where_code)
                continue
            content = response.get("content")
            if isinstance(content, dict):
                for content_type, media in content.items():
                    # Some generators (Spring) label JSON responses */*.
                    if (_is_json(content_type) or content_type == "*/*") and isinstance(media, dict) and "schema" in media:
                        return self.deref.schema(media["schema"], response_resolver, where_code)
        return None

    def _public(self, operation: dict[str, Any]) -> bool:
        # Absent security at both levels means nothing was declared: the route stays private.
        security = operation.get("security", self.document.get("security"))
        if not isinstance(security, list):
            return False
        # [] declares no requirement; an empty requirement object ({}) in the list makes auth optional.
        return not security or any(requirement == {} for requirement in security)


    def _secured(self, operation: dict[str, Any]) -> bool:
        security = operation.get("security", self.document.get("security"))
        return isinstance(security, list) and bool(security) and not any(requirement == {} for requirement in security)


def _pick_media_type(content: dict[str, Any]) -> str:
    types = list(content)
    for wanted in (lambda t: _bare(t) == "application/json", _is_json, lambda t: _bare(t) == _FORM_TYPES[0], lambda t: _bare(t) == _FORM_TYPES[1]):  # fmt: skip
        for content_type in types:
            if wanted(content_type):
                return content_type
    return types[0]


def _bare(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _is_json(content_type: str) -> bool:
    bare = _bare(content_type)
    return bare == "application/json" or bare.endswith("+json")


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, (str, int, float)))
    return ()


def _summary(operation: dict[str, Any]) -> str:
    for key in ("summary", "description"):
        text = operation.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip().splitlines()[0].strip()
    return ""
