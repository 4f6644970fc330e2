"""FastAPI and Starlette URL tables: routes, mounts (sub-apps, routers), hosts.

Imported only when the app is a Starlette (or FastAPI) app, so importing starlette here is free.
"""

from __future__ import annotations

import inspect
from typing import Any

from pytest_launchready.routes.discovery import paths
from pytest_launchready.routes.discovery.frameworks import Introspection, collect as collect_any, framework_of, http_methods, make_route
from pytest_launchready.routes import HTTP_METHODS

_CONVERTOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "IntegerConvertor": {"type": "integer", "minimum": 0},
    "FloatConvertor": {"type": "number", "minimum": 0},
    "UUIDConvertor": {"type": "string", "format": "uuid"},
}


def collect(app: Any, prefix: str, result: Introspection, depth: int) -> None:
    """Add every HTTP route of a Starlette app, router or FastAPI app under ``prefix``."""
    from starlette.routing import Host, Mount, Route

    if framework_of(app) == "fastapi":
        result.spec_apps.append((prefix, app))
        for url in _docs_urls(app):
            result.owned_public.add(f"GET {paths.join(prefix, url)}")
    for kind, route in _routes(app):
        if isinstance(kind, Route):
            _add_route(route, prefix, result)
        elif isinstance(kind, Mount):
            mount_path = paths.join(prefix, route.path_format.removesuffix("/{path}"))
            if not collect_any(route.app, mount_path, result, depth + 1):
                result.warnings.append(f"the app mounted at {mount_path} ({type(route.app).__name__}) is not one pytest-launchready can introspect: its routes are missing unless the spec lists them")
        elif isinstance(kind, Host):
            collect_any(route.app, prefix, result, depth + 1)
        # WebSocket routes are not HTTP operations.


def _routes(app: Any) -> list[tuple[Any, Any]]:
    """``(route as declared, route as served)`` pairs: the same object unless FastAPI included it.

    Recent FastAPI keeps ``include_router()`` routers as one lazy entry; its public
    ``iter_route_contexts`` (what FastAPI's own OpenAPI generator uses) yields each route with the
    router's prefix applied. Older FastAPI copies the routes flat, so the plain list is right there.
    """
    routes = list(getattr(app, "routes", None) or ())
    if any(type(route).__module__.startswith("fastapi.") for route in routes):
        try:
            from fastapi.routing import iter_route_contexts
        except ImportError:
            pass
        else:
            return [(context.original_route, context) for context in iter_route_contexts(routes)]
    return [(route, route) for route in routes]


def _add_route(route: Any, prefix: str, result: Introspection) -> None:
    methods = route.methods
    endpoint = route.endpoint
    if methods is None:  # a class endpoint (HTTPEndpoint) answers the methods it defines
        methods = [m for m in HTTP_METHODS if inspect.isclass(endpoint) and callable(getattr(endpoint, m.lower(), None))] or ["GET"]
    path = paths.join(prefix, route.path_format)
    schemas = {
        name: _CONVERTOR_SCHEMAS[type(convertor).__name__]
        for name, convertor in route.param_convertors.items()
        if type(convertor).__name__ in _CONVERTOR_SCHEMAS
    }
    tags = tuple(str(getattr(tag, "value", tag)) for tag in getattr(route, "tags", None) or ())
    for method in http_methods(methods):
        result.add(make_route(method, path, schemas, route.name, endpoint, tags))


def _docs_urls(app: Any) -> list[str]:
    # The routes FastAPI adds for its own docs (only those that exist get matched later).
    openapi_url = getattr(app, "openapi_url", None)
    if not openapi_url:
        return []
    urls = [openapi_url, getattr(app, "docs_url", None), getattr(app, "redoc_url", None)]
    if getattr(app, "docs_url", None):
        urls.append(getattr(app, "swagger_ui_oauth2_redirect_url", None))
    return [url for url in urls if isinstance(url, str) and url]
