"""Route discovery: the spec and the app's URL tables -> one sorted tuple of routes.

Runs once per session at collection time, offline: it reads a spec file, the in-process app, or the
spec the plugin fetches from the target through the ``fetch`` callable it passes in (the one
network read collection makes). Sources, by what is configured:

- ``launchready_openapi`` set: that spec (file, or URL path on the target), plus introspection of
  the app when there is one: routes the app serves but the spec lacks are ``documented=False``.
- an app and no spec setting: FastAPI's own ``app.openapi()`` plus introspection; Starlette, Flask
  and Django by introspection alone (every route ``documented=True``: "undocumented" only means
  missing from a spec that exists).
- no app: the first spec found at the usual paths on the target.

Then ``launchready_exclude_routes`` removes routes, and a route is public when the spec says so
(``security: []``), when ``launchready_public_routes`` lists it, when it is the health route
(``launchready_health_route``, else a discovered ``GET /health``...), or when the framework serves it
for everyone (FastAPI's ``/openapi.json`` and docs pages). Everything else is private.

An empty result is returned as is: the plugin reports "no routes discovered" as an error after the
``pytest_launchready_routes`` hook has had its say. Every other problem raises
:class:`DiscoveryError`. Importing this package is cheap: framework modules, ``referencing`` and
PyYAML load only when :func:`discover` needs them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from pytest_launchready.routes.discovery.errors import DiscoveryError
from pytest_launchready.routes import Route
from pytest_launchready.routes.health_vocabulary import health_route_key

if TYPE_CHECKING:
    from pytest_launchready.routes.discovery.frameworks import Introspection
    from pytest_launchready.routes.discovery.loading import LoadedSpec
    from pytest_launchready.config.settings import Settings

__all__ = ["Discovery", "DiscoveryError", "discover"]


@dataclass(frozen=True)
class Discovery:
    """The discovered routes and where they came from.

    ``routes`` are sorted (:meth:`Route.sort_key`), exclusions applied, public flags set.
    ``source`` says where they came from, for the report header (``openapi 3.1 from app + fastapi
    introspection``). ``undocumented`` lists the keys of routes the app serves but its spec lacks.
    ``warnings`` are settings entries that matched no route and app parts that could not be read.
    ``framework_own`` lists the keys of routes the framework serves itself (FastAPI's docs pages).
    """

    routes: tuple[Route, ...]
    source: str
    undocumented: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    framework_own: tuple[str, ...] = ()


def discover(settings: Settings, app: object | None, fetch: Callable[[str], bytes | None] | None = None) -> Discovery:
    """Discover the routes of ``app`` (or of the target behind ``fetch``) as :class:`Discovery`.

    ``fetch(path)`` returns the body the target serves at a URL path, or None for a 404; it is only
    called for a spec (``launchready_openapi`` as a URL path, or the usual spec paths).
    """
    from pytest_launchready.routes.discovery import frameworks, loading, openapi, paths

    intro = frameworks.introspect(app) if app is not None else None
    sources: list[str] = []
    spec_routes: list[Route] | None = None
    if settings.openapi:
        loaded = loading.load_configured(settings.openapi, settings.rootpath, settings.base_url, fetch)
        spec_routes = _spec_routes(loaded, settings, intro, sources)
    elif intro is not None and intro.spec_apps:
        spec_routes = []
        for prefix, spec_app in intro.spec_apps:
            loaded = loading.from_app(spec_app, prefix)
            spec_routes.extend(openapi.routes(loaded, prefix))  # its servers describe deployment, not the app
            if not sources:
                mounted = len(intro.spec_apps) - 1
                sources.append(f"{openapi.label(loaded.document)} from app" + (f" (+{mounted} mounted)" if mounted else ""))
    elif intro is None:
        spec_routes = _spec_routes(_probe(app, fetch), settings, None, sources)
    if intro is not None:
        sources.append(f"{'+'.join(intro.frameworks)} introspection")

    found = _merge(spec_routes, intro)
    kept = [r for r in found if not any(paths.matches(p, r.method, r.path) for p in settings.exclude_routes)]
    owned = intro.owned_public if intro is not None else set()
    # The built-in login's routes sign anonymous callers up and in, and monitors call the health route
    # without credentials: public by design, as listed.
    health = health_route_key(kept, settings.health_route)
    public = (*settings.public_routes, *(k for k in (settings.signup_route, settings.login_route, health) if k))
    routes = sorted(
        (replace(r, public=True) if _is_public(r, public, owned) else r for r in kept),
        key=Route.sort_key,
    )
    warnings = list(intro.warnings) if intro is not None else []
    warnings += _unmatched("launchready_public_routes", settings.public_routes, found)
    warnings += _unmatched("launchready_exclude_routes", settings.exclude_routes, found)
    return Discovery(
        routes=tuple(routes),
        source=" + ".join(sources),
        undocumented=tuple(r.key for r in routes if not r.documented),
        warnings=tuple(warnings),
        framework_own=tuple(r.key for r in routes if r.key in owned),
    )


def _probe(app: object | None, fetch: Callable[[str], bytes | None] | None) -> LoadedSpec:
    from pytest_launchready.routes.discovery import loading

    unknown_app = (
        f"launchready_app is a {type(app).__module__}.{type(app).__qualname__}, which is not a FastAPI, "
        "Starlette, Flask or Django app (nor middleware wrapping one), so its routes cannot be introspected"
    )
    if fetch is None:
        if app is not None:
            raise DiscoveryError(f"{unknown_app}. Set launchready_openapi to the app's spec file")
        raise DiscoveryError("nothing to discover routes from: set launchready_app (an app to introspect) or launchready_base_url with launchready_openapi")
    try:
        return loading.probe(fetch)
    except DiscoveryError as error:
        if app is None:
            raise
        raise DiscoveryError(f"{unknown_app}, and {error}") from None


def _spec_routes(loaded: LoadedSpec, settings: Settings, intro: Introspection | None, sources: list[str]) -> list[Route]:
    from pytest_launchready.routes.discovery import openapi

    prefix = openapi.declared_prefix(loaded.document)
    base_path = urlsplit(settings.base_url).path.rstrip("/") if settings.base_url else ""
    if prefix and base_path.endswith(prefix):
        prefix = ""  # the base URL already ends with it; adding it again would double it
    elif prefix and intro is not None and intro.routes and not any(r.path == prefix or r.path.startswith(prefix + "/") for r in intro.routes):
        prefix = ""  # the app serves its routes without it: a proxy adds it in deployment
    sources.append(f"{openapi.label(loaded.document)} from {loaded.origin}" + (f" (under {prefix})" if prefix else ""))
    return openapi.routes(loaded, prefix)


def _merge(spec_routes: list[Route] | None, intro: Introspection | None) -> list[Route]:
    from pytest_launchready.routes.discovery.paths import shape

    if spec_routes is None:
        return list(intro.routes) if intro is not None else []
    merged: dict[str, Route] = {}
    for route in spec_routes:
        merged.setdefault(route.key, route)
    in_spec = {(r.method, shape(r.path)) for r in merged.values()}
    for route in intro.routes if intro is not None else ():
        if (route.method, shape(route.path)) not in in_spec and route.key not in merged:
            merged[route.key] = replace(route, documented=route.key in intro.owned_public)  # type: ignore[union-attr]
    return list(merged.values())


def _is_public(route: Route, public_routes: tuple[str, ...], owned: set[str]) -> bool:
    from pytest_launchready.routes.discovery.paths import matches

    return route.public or route.key in owned or any(matches(p, route.method, route.path) for p in public_routes)


def _unmatched(setting: str, entries: tuple[str, ...], routes: list[Route]) -> list[str]:
    from pytest_launchready.routes.discovery.paths import matches

    keys = [r.key for r in routes]
    warnings = []
    for entry in entries:
        if not any(matches(entry, r.method, r.path) for r in routes):
            close = difflib.get_close_matches(entry, keys, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            warnings.append(f"{setting} entry {entry!r} matches no discovered route{hint}")
    return warnings
