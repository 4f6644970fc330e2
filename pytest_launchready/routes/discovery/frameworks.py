"""Framework introspection: the app's own URL table -> routes.

:func:`introspect` peels middleware wrappers off the object it is given until it finds a FastAPI,
Starlette, Flask or Django app, then asks that framework for its routes. Framework modules are
imported only by the collector of the framework the app already is, so a Flask user never imports
Django. Routes found here carry only what a URL table knows: method, path template and typed path
parameters; the spec, when there is one, supplies the rest.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Mapping

from pytest_launchready.routes.discovery import paths
from pytest_launchready.routes import Route

#: Class (module.qualname, anywhere in the MRO) -> framework name.
_FRAMEWORK_CLASSES = {
    "fastapi.applications.FastAPI": "fastapi",
    "starlette.applications.Starlette": "starlette",
    "starlette.routing.Router": "starlette",
    "starlette.staticfiles.StaticFiles": "static",
    "flask.sansio.app.App": "flask",
    "flask.app.Flask": "flask",
    "django.core.handlers.base.BaseHandler": "django",
}
_COLLECTORS = {
    "fastapi": "pytest_launchready.routes.discovery.starlette_routes",
    "starlette": "pytest_launchready.routes.discovery.starlette_routes",
    "flask": "pytest_launchready.routes.discovery.flask_routes",
    "django": "pytest_launchready.routes.discovery.django_routes",
}
# Attributes under which ASGI/WSGI middleware keep the app they wrap (Starlette and most ASGI
# middleware: app; asgiref: application / wsgi_application; decorators: __wrapped__).
_WRAPPED_ATTRIBUTES = ("app", "application", "wsgi_application", "wsgi_app", "__wrapped__")
_MAX_WRAPPERS = 32
_MAX_MOUNT_DEPTH = 16


@dataclass
class Introspection:
    """What the app's URL tables hold.

    ``owned_public`` are keys of routes the framework itself serves for everyone (FastAPI's
    ``/openapi.json`` and docs pages); ``spec_apps`` are ``(path prefix, app)`` pairs for apps that
    build their own spec (FastAPI), root first.
    """

    frameworks: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    owned_public: set[str] = field(default_factory=set)
    spec_apps: list[tuple[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    def add(self, route: Route) -> None:
        """Add a route unless one with the same key is already known (the first registration wins)."""
        if route.key not in self._keys:
            self._keys.add(route.key)
            self.routes.append(route)

    def saw(self, framework: str) -> None:
        """Record that an app of ``framework`` was found (for the report header)."""
        if framework not in self.frameworks:
            self.frameworks.append(framework)


def introspect(app: object) -> Introspection | None:
    """The routes of ``app``, or None when no supported framework app is found inside it."""
    result = Introspection()
    return result if collect(app, "", result, 0) else None


def collect(obj: object, prefix: str, result: Introspection, depth: int) -> bool:
    """Add the routes of ``obj`` (or of the app it wraps) under ``prefix``; False if none was found."""
    if depth > _MAX_MOUNT_DEPTH:
        return False
    seen: set[int] = set()
    found = False
    current: object | None = obj
    for _ in range(_MAX_WRAPPERS):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        kind = framework_of(current)
        if kind == "static":
            return True
        if kind is not None:
            result.saw(kind)
            importlib.import_module(_COLLECTORS[kind]).collect(current, prefix, result, depth)
            return True
        mounts = _attribute(current, "mounts")
        if isinstance(mounts, dict):  # werkzeug's DispatcherMiddleware(app, {"/api": api_app})
            for mount_prefix, sub in mounts.items():
                found = collect(sub, paths.join(prefix, str(mount_prefix)), result, depth + 1) or found
        current = _wrapped(current)
    return found


def framework_of(obj: object) -> str | None:
    """``fastapi``, ``starlette``, ``flask``, ``django``, ``static`` or None, from the class alone."""
    for cls in type(obj).__mro__:
        kind = _FRAMEWORK_CLASSES.get(f"{cls.__module__}.{cls.__qualname__}")
        if kind is not None:
            return kind
    return None


def _wrapped(obj: object) -> object | None:
    inner: object | None
    for name in _WRAPPED_ATTRIBUTES:
        inner = _attribute(obj, name)
        if inner is not None and inner is not obj:
            return inner
    mapping = _attribute(obj, "application_mapping")  # channels' ProtocolTypeRouter
    inner = mapping.get("http") if isinstance(mapping, dict) else None
    if inner is None and inspect.ismethod(obj):  # e.g. flask_app.wsgi_app handed over as the WSGI callable
        inner = obj.__self__
    return inner


def _attribute(obj: object, name: str) -> Any:
    try:
        return getattr(obj, name, None)
    except Exception:  # a property of some wrapper raising: treat as absent
        return None


def make_route(
    method: str,
    path: str,
    schemas: Mapping[str, Mapping[str, Any]] | None = None,
    name: str | None = None,
    endpoint: object = None,
    tags: tuple[str, ...] = (),
) -> Route:
    """An introspected route: typed, required path parameters and what the endpoint says of itself."""
    return Route(
        method=method,
        path=path,
        parameters=tuple(paths.path_parameters(path, schemas=schemas)),
        operation_id=name or None,
        summary=_first_doc_line(endpoint),
        tags=tags,
    )


def http_methods(methods: object) -> list[str]:
    """Upper-case methods without the HEAD that frameworks add to every GET."""
    found = sorted({str(m).upper() for m in methods or ()})  # type: ignore[attr-defined]
    return [m for m in found if not (m == "HEAD" and "GET" in found)]


def _first_doc_line(endpoint: object) -> str:
    # Only the endpoint's own docstring: an app instance would answer with its framework class's.
    if not (inspect.isfunction(endpoint) or inspect.ismethod(endpoint) or inspect.isclass(endpoint)):
        return ""
    doc = endpoint.__doc__
    return doc.strip().splitlines()[0].strip() if isinstance(doc, str) and doc.strip() else ""
