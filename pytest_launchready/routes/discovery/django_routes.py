"""Django URL configurations: ``path()`` and ``re_path()`` patterns, ``include()`` trees, view methods.

The app module the user names must configure Django itself (``DJANGO_SETTINGS_MODULE`` and
``django.setup()``, as ``get_wsgi_application()`` does); this module then reads the root URLconf.
A URL pattern names no methods, so they come from the view: a class-based view's handler methods,
a Django REST framework viewset's actions, the list given to ``require_http_methods``, else GET.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from pytest_launchready.routes.discovery.errors import DiscoveryError
from pytest_launchready.routes.discovery.frameworks import Introspection, http_methods, make_route
from pytest_launchready.routes.discovery.paths import join
from pytest_launchready.routes import HTTP_METHODS

_ROUTE_PART = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_DIGITS = re.compile(r"(\\d|\[0-9\])(\+|\*|{\d+(,\d*)?})")
_CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "uuid": {"type": "string", "format": "uuid"},
}
_STATIC_VIEWS = ("django.views.static.", "django.contrib.staticfiles.views.")
_MAX_INCLUDE_DEPTH = 32


def collect(app: Any, prefix: str, result: Introspection, depth: int) -> None:
    """Add every URL pattern of the root URLconf under ``prefix``."""
    try:
        from django.urls import get_resolver  # type: ignore[import-untyped, unused-ignore]

        patterns = get_resolver().url_patterns
    except Exception as error:  # ImproperlyConfigured, or the user's urls module failing to import
        raise DiscoveryError(
            f"launchready_app is a Django {type(app).__name__}, but Django's URL configuration could not be read "
            f"({type(error).__name__}: {error}). The app module must configure Django before it builds the app "
            "(set DJANGO_SETTINGS_MODULE, as get_wsgi_application() / get_asgi_application() expect)"
        ) from None
    _walk(patterns, prefix, "", {}, result, 0)


def _walk(patterns: Any, prefix: str, path: str, schemas: dict[str, dict[str, Any]], result: Introspection, depth: int) -> None:
    from django.urls.resolvers import URLPattern, URLResolver  # type: ignore[import-untyped, unused-ignore]

    if depth > _MAX_INCLUDE_DEPTH:
        return
    for entry in patterns:
        part, part_schemas = _template(entry.pattern, schemas)
        if isinstance(entry, URLResolver):
            _walk(entry.url_patterns, prefix, path + part, {**schemas, **part_schemas}, result, depth + 1)
        elif isinstance(entry, URLPattern):
            lookup = str(getattr(entry, "lookup_str", ""))
            if lookup.startswith(_STATIC_VIEWS):
                continue
            callback = entry.callback
            full_path = join(prefix, "/" + path + part)
            name = entry.name or lookup.rsplit(".", 1)[-1] or None
            for method in http_methods(_methods(callback)):
                result.add(make_route(method, full_path, {**schemas, **part_schemas}, name, callback))


def _template(pattern: Any, known: dict[str, dict[str, Any]]) -> tuple[str, dict[str, dict[str, Any]]]:
    from django.urls.resolvers import RegexPattern, RoutePattern  # type: ignore[import-untyped, unused-ignore]

    text = str(pattern)
    schemas: dict[str, dict[str, Any]] = {}
    if isinstance(pattern, RoutePattern):

        def named(match: re.Match[str]) -> str:
            schemas[match.group("name")] = _CONVERTER_SCHEMAS.get(match.group("converter") or "str", {"type": "string"})
            return "{" + match.group("name") + "}"

        return _ROUTE_PART.sub(named, text), schemas
    if isinstance(pattern, RegexPattern):
        unnamed = sum(1 for name in known if name.startswith("arg"))
        return _from_regex(text, schemas, lambda: f"arg{unnamed + 1 + sum(1 for n in schemas if n.startswith('arg'))}"), schemas
    return text, schemas  # LocalePrefixPattern: the language prefix ("en/") or ""


def _from_regex(regex: str, schemas: dict[str, dict[str, Any]], next_name: Callable[[], str]) -> str:
    """Best-effort template for a ``re_path`` regex: groups become ``{name}``, anchors and quantifiers go."""
    text = regex[1:] if regex.startswith("^") else regex
    for anchor in ("\\Z", "$"):
        if text.endswith(anchor) and not text.endswith("\\" + anchor):
            text = text[: -len(anchor)]
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif char == "(":
            end = _closing(text, i)
            inner = text[i + 1 : end]
            if inner.startswith("?P<") and ">" in inner:
                name, body = inner[3:].split(">", 1)
                out.append("{" + name + "}")
                schemas[name] = {"type": "integer", "minimum": 0} if _DIGITS.fullmatch(body) else {"type": "string"}
            elif inner.startswith("?:"):
                out.append(_from_regex(inner[2:], schemas, next_name))
            elif not inner.startswith("?"):  # an unnamed capturing group (lookarounds and flags vanish)
                name = next_name()
                out.append("{" + name + "}")
                schemas[name] = {"type": "integer", "minimum": 0} if _DIGITS.fullmatch(inner) else {"type": "string"}
            i = end + 1
        elif char == "[":
            i = _closing(text, i) + 1
        elif char == "{" and re.match(r"{\d+(,\d*)?}", text[i:]):
            i = text.index("}", i) + 1
        elif char == "|":
            break  # alternatives: the first one stands for the route
        elif char in "?*+.":
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """Index of the bracket closing the ``(`` or ``[`` at ``start`` (escapes and classes respected)."""
    depth, i, in_class = 0, start, False
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            if not in_class and text[start] == "[":
                return i
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text) - 1


def _methods(callback: Any) -> list[str]:
    actions = getattr(callback, "actions", None)  # a DRF viewset bound to its actions
    if isinstance(actions, dict) and actions:
        return [str(m).upper() for m in actions]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if isinstance(view_class, type):
        allowed = getattr(view_class, "http_method_names", [m.lower() for m in HTTP_METHODS])
        # Django's View defines options() for every class: it is not an operation of the app.
        return [m.upper() for m in allowed if m != "options" and callable(getattr(view_class, m, None))] or ["GET"]
    declared = _required_methods(callback)
    return declared or ["GET"]


def _required_methods(callback: Any) -> list[str]:
    """The list given to ``require_http_methods`` (``require_GET``, ``require_POST``), if it decorates the view."""
    current, seen = callback, 0
    while current is not None and seen < 16:
        for cell in getattr(current, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) and v.upper() in HTTP_METHODS for v in value):
                return [v.upper() for v in value]
        current, seen = getattr(current, "__wrapped__", None), seen + 1
    return []
