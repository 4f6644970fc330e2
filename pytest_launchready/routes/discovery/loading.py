"""Getting the spec document: from a file, from the target, from the usual spec paths, or from the app.

Everything here returns a :class:`LoadedSpec`, a plain JSON-like dict plus what ``$ref`` resolution
needs (where the document came from, and how to read the other documents it references). The only
I/O is reading local files and calling the ``fetch`` callable the plugin passes in: this module never
opens a network connection.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from pytest_launchready.routes.discovery.errors import DiscoveryError

Fetch = Callable[[str], "bytes | None"]

#: Where frameworks and gateways usually publish their spec, tried in order when nothing is configured.
USUAL_SPEC_PATHS: tuple[str, ...] = (
    "/openapi.json",
    "/swagger.json",
    "/api/openapi.json",
    "/api/swagger.json",
    "/v3/api-docs",
    "/swagger/v1/swagger.json",
    "/openapi.yaml",
    "/openapi.yml",
    "/swagger.yaml",
    "/api-docs",
)

#: Base URI of documents fetched from the target: ``$ref``s relative to it are fetched from the target too.
TARGET_URI = "http://target.launchready.invalid"
_APP_URI = "urn:launchready:app-openapi"
_MAX_NESTING = 500


@dataclass(frozen=True)
class LoadedSpec:
    """A parsed spec document and where it came from.

    ``origin`` is human-readable (``file openapi.yaml``, ``/openapi.json``, ``app``) for the report
    header and error messages. ``base_uri`` anchors relative ``$ref``s; ``retrieve`` reads another
    document by absolute URI (None when the spec cannot reference other documents).
    """

    document: dict[str, Any]
    origin: str
    base_uri: str
    retrieve: Callable[[str], Any] | None = None
    from_app: bool = False


def spec_kind(document: object, where: str) -> tuple[str, str]:
    """``("openapi", "3.1.0")`` or ``("swagger", "2.0")``; DiscoveryError for anything else."""
    if not isinstance(document, dict):
        raise DiscoveryError(f"{where} is not an OpenAPI or Swagger document (it parsed to a {type(document).__name__}, not an object)")
    if "openapi" in document:
        version = str(document["openapi"])
        if version.split(".")[0] == "3" and version[:3] in ("3.0", "3.1", "3.2"):
            return "openapi", version
        raise DiscoveryError(f"{where} says openapi: {version!r}; supported versions are OpenAPI 3.0, 3.1 (and 3.2) and Swagger 2.0")
    if "swagger" in document:
        version = str(document["swagger"])
        if version in ("2.0", "2"):
            return "swagger", "2.0"
        raise DiscoveryError(f"{where} says swagger: {version!r}; supported versions are Swagger 2.0 and OpenAPI 3.0, 3.1")
    keys = ", ".join(sorted(map(str, document))[:8]) or "none"
    raise DiscoveryError(f"{where} is not an OpenAPI or Swagger document: it has no 'openapi' or 'swagger' key (top-level keys: {keys})")


def parse(data: bytes | str, where: str) -> dict[str, Any]:
    """JSON or YAML text -> a JSON-like dict that is an OpenAPI 3 or Swagger 2 document."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    try:
        document: Any = json.loads(text)
    except RecursionError:
        raise DiscoveryError(f"{where} is nested too deeply to read") from None
    except ValueError:
        document = _parse_yaml(text, where)
    spec_kind(document, where)
    assert isinstance(document, dict)
    return document


def _parse_yaml(text: str, where: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise DiscoveryError(f"{where} is not JSON, and reading YAML needs PyYAML: pip install pyyaml") from None
    try:
        document = yaml.load(text, Loader=_safe_loader(yaml))  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DiscoveryError(f"{where} is neither JSON nor YAML ({first_line})") from None
    return _jsonable(document, where, 0)


def _safe_loader(yaml: Any) -> Any:
    """libyaml's safe loader when it works, else PyYAML's own (same results, slower).

    libyaml's extension module cannot be re-imported: after something drops ``yaml`` from
    ``sys.modules`` (pytester's in-process runs do), the re-imported package pairs with the old
    extension and every document fails to load. A one-line probe tells.
    """
    loader = getattr(yaml, "CSafeLoader", None)
    try:
        if loader is not None and yaml.load("a: 1", Loader=loader) == {"a": 1}:  # noqa: S506
            return loader
    except yaml.YAMLError:
        pass
    return yaml.SafeLoader


def _jsonable(value: Any, where: str, depth: int) -> Any:
    # YAML gives int keys for response codes (200:) and date objects for unquoted dates; the rest of
    # discovery (and json.dumps in Route) expects JSON types only.
    if depth > _MAX_NESTING:
        raise DiscoveryError(f"{where} is nested too deeply (or uses a recursive YAML alias)")
    if isinstance(value, dict):
        return {str(k): _jsonable(v, where, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v, where, depth + 1) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def from_file(path: Path, label: str) -> LoadedSpec:
    """Read a spec file; ``$ref``s to other local files are read relative to it."""
    where = f"launchready_openapi = {label!r} ({path})"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DiscoveryError(f"{where} cannot be read: {error.strerror or error}") from None
    return LoadedSpec(parse(data, where), f"file {label}", path.resolve().as_uri(), _file_retriever())


def from_target(path: str, fetch: Fetch, where: str) -> LoadedSpec | None:
    """The spec at a URL path on the target, or None when the target has nothing there."""
    data = fetch(path)
    if data is None:
        return None
    return LoadedSpec(parse(data, where), path, TARGET_URI + path, _target_retriever(fetch))


def from_app(app: Any, prefix: str = "") -> LoadedSpec:
    """The spec an app builds itself (FastAPI's ``app.openapi()``)."""
    where = f"the app's own spec ({type(app).__name__}.openapi(){' at ' + prefix if prefix else ''})"
    try:
        document = app.openapi()
    except Exception as error:  # the user's models can raise anything while the schema is built
        raise DiscoveryError(
            f"{where} raised {type(error).__name__}: {error}. Fix the app's models, or set "
            "launchready_openapi to a spec file"
        ) from error
    document = json.loads(json.dumps(document, default=str))  # plain JSON types, a private copy
    spec_kind(document, where)
    return LoadedSpec(document, "app", _APP_URI, None, from_app=True)


def load_configured(openapi: str, rootpath: str, base_url: str, fetch: Fetch | None) -> LoadedSpec:
    """Load ``launchready_openapi``: a file path (relative to the rootdir) or a URL path on the target."""
    value = openapi.strip()
    setting = f"launchready_openapi = {value!r}"
    if value.startswith(("http://", "https://")):
        value = _same_origin_path(value, base_url, setting)
    file = Path(value).expanduser()
    if not file.is_absolute():
        file = Path(rootpath) / file
    if file.is_file():
        return from_file(file, value)
    if value.startswith("/") and fetch is not None:
        loaded = from_target(value, fetch, setting)
        if loaded is None:
            raise DiscoveryError(f"{setting}: the target has nothing at that URL path (404) and there is no such file. Give the spec's URL path on the target (such as /openapi.json) or a spec file path relative to {rootpath}")
        return loaded
    hint = "" if value.startswith("/") else f" (relative paths are read from the rootdir, {rootpath})"
    raise DiscoveryError(f"{setting}: spec file not found at {file}{hint}. Give a spec file path, or a URL path on a target set with launchready_base_url (such as /openapi.json)")


def _same_origin_path(url: str, base_url: str, setting: str) -> str:
    # Collection may only read from the target itself: an absolute URL is accepted when it is the target.
    wanted, base = urlsplit(url), urlsplit(base_url) if base_url else None
    if base is None or (wanted.scheme, wanted.netloc.lower()) != (base.scheme, base.netloc.lower()):
        raise DiscoveryError(f"{setting} is a URL that is not on the target ({base_url or 'no launchready_base_url set'}); collection reads the spec only from the target or a file. Download the spec to a file and point launchready_openapi at it, or give its URL path on the target")
    path = wanted.path or "/"
    base_path = base.path.rstrip("/")
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path):]  # fetch() paths are relative to the base URL
    return path + (f"?{wanted.query}" if wanted.query else "")


def probe(fetch: Fetch) -> LoadedSpec:
    """The first spec found at :data:`USUAL_SPEC_PATHS` on the target; DiscoveryError when none is."""
    seen = []
    for path in USUAL_SPEC_PATHS:
        try:
            loaded = from_target(path, fetch, f"the target's {path}")
        except DiscoveryError as error:  # e.g. a single-page app answers every path with its HTML
            seen.append(f"{path}: {str(error).split(': ', 1)[-1][:80]}")
            continue
        if loaded is not None:
            return loaded
        seen.append(f"{path}: not found")
    raise DiscoveryError(
        "no OpenAPI or Swagger document at any usual path on the target ("
        + "; ".join(seen)
        + "). Set launchready_openapi to the spec's URL path on the target or to a spec file, or set "
        "launchready_app so the app's routes can be introspected"
    )


def _file_retriever() -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def retrieve(uri: str) -> Any:
        if uri not in cache:
            parts = urlsplit(uri)
            if parts.scheme != "file":
                raise LookupError(f"{uri} is not a local file; only $refs to local files are read")
            path = Path(unquote(parts.path))
            cache[uri] = _parse_any(path.read_bytes(), str(path))
        return cache[uri]

    return retrieve


def _target_retriever(fetch: Fetch) -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def retrieve(uri: str) -> Any:
        if not uri.startswith(TARGET_URI + "/"):
            raise LookupError(f"{uri} is not on the target; collection never reads other hosts")
        if uri not in cache:
            data = fetch(uri[len(TARGET_URI):])
            if data is None:
                raise LookupError(f"the target has nothing at {uri[len(TARGET_URI):]}")
            cache[uri] = _parse_any(data, uri[len(TARGET_URI):])
        return cache[uri]

    return retrieve


def _parse_any(data: bytes, where: str) -> Any:
    # A document referenced by $ref is usually a bare schema or a fragment, not a whole spec.
    text = data.decode("utf-8-sig", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return _parse_yaml(text, where)
