"""Ask the target for what an anonymous visitor can read, and for its error pages, then scan the bodies.

What is requested, all anonymously and each at most once:

- every public GET route (path parameters filled with ``1``), and a few well-known paths that leak
  configuration when they exist (``/.env``, ``/config.js``, ``/env.js``, ``/health``...);
- the same-origin ``<script src>`` bundles named by any HTML page among those;
- error responses: an unknown path (404), a method the path does not have (405), a truncated JSON
  body to POST routes (400/422, or a 500 that shows its stack).

Counts are bounded (:data:`MAX_ROUTES`, :data:`MAX_SCRIPTS`, :data:`MAX_POSTS`), every request by
``launchready_timeout``, and the whole probe by :data:`DEADLINE_SECONDS`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

import httpx

from pytest_launchready.routes import Route
from pytest_launchready.checks.secrets.scanner import Finding, scan_bytes
from pytest_launchready.target import UnsafeRequestError
from pytest_launchready.checks.probe import Probe

if TYPE_CHECKING:
    from pytest_launchready.checks.secrets.allowlist import Allowlist

MAX_ROUTES = 60
MAX_SCRIPTS = 20
MAX_POSTS = 5
DEADLINE_SECONDS = 120.0
MAX_BODY_BYTES = 20 * 1024 * 1024
#: Paths that serve configuration to browsers or leak it when present.
WELL_KNOWN_PATHS = ("/", "/.env", "/config.js", "/env.js", "/config.json", "/health", "/healthz", "/status", "/version")
MALFORMED_JSON = b'{"launchready": '
_DUMMY = "1"
_SCRIPT_SRC = re.compile(rb"""<script\b[^>]*?\bsrc\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)
_WRONG_METHODS = ("DELETE", "PUT", "PATCH")
#: Response headers never scanned: session cookies are expected to carry random values.
_SKIPPED_HEADERS = frozenset({"set-cookie"})


@dataclass
class ResponseScan:
    """The findings, the requests answered, and the probes that could not be sent (with why)."""

    findings: list[Finding] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)


def plan_probes(routes: Iterable[Route], unknown_path: str) -> list[Probe]:
    """The requests to send, in order, before any script discovered in HTML pages."""
    routes = list(routes)
    probes: list[Probe] = []
    seen: set[tuple[str, str]] = set()

    def add(probe: Probe) -> None:
        if (probe.method, probe.path) not in seen:
            seen.add((probe.method, probe.path))
            probes.append(probe)

    public_gets = [r for r in routes if r.public and r.method == "GET"]
    for route in public_gets[:MAX_ROUTES]:
        add(Probe("GET", _fill(route), label="public route"))
    for path in WELL_KNOWN_PATHS:
        add(Probe("GET", path, label="well-known path"))
    add(Probe("GET", unknown_path, label="unknown path (404)"))
    wrong = _wrong_method(routes)
    if wrong is not None:
        add(wrong)
    posts = sorted((r for r in routes if r.method == "POST"), key=lambda r: (not r.public, bool(r.path_params), r.path))
    for route in posts[:MAX_POSTS]:
        add(Probe("POST", _fill(route), body=MALFORMED_JSON, label="malformed JSON body"))
    return probes


def _fill(route: Route) -> str:
    return route.format_path({name: _DUMMY for name in route.path_params})


def _wrong_method(routes: list[Route]) -> Probe | None:
    """A method the path of a (preferably public, parameter-free) route does not answer to."""
    by_path: dict[str, set[str]] = {}
    for route in routes:
        by_path.setdefault(route.path, set()).add(route.method)
    candidates = sorted(routes, key=lambda r: (not r.public, bool(r.path_params), r.method != "GET", r.path))
    for route in candidates:
        for method in _WRONG_METHODS:
            if method not in by_path[route.path]:
                return Probe(method, _fill(route), label=f"method not allowed on {route.path} (405)")
    return None


def scan_responses(
    client: httpx.Client, routes: Iterable[Route], allowlist: Allowlist, unknown_path: str,
    deadline: float = DEADLINE_SECONDS,
) -> ResponseScan:
    """Send the probes with ``client`` (anonymous) and scan every body and header that comes back."""
    result = ResponseScan()
    stop = time.monotonic() + deadline
    queue = plan_probes(routes, unknown_path)
    scripts = 0
    base = client.base_url
    index = 0
    while index < len(queue):
        probe = queue[index]
        index += 1
        if time.monotonic() > stop:
            result.not_sent.append(f"{probe.method} {probe.path}: the {deadline:g} s budget ran out")
            continue
        response = _send(client, probe, result)
        if response is None:
            continue
        label = f"{probe.method} {probe.path} -> {response.status_code}"
        result.answered.append(label)
        result.findings += _scan(response, label, allowlist)
        if "html" in response.headers.get("content-type", ""):
            for path in _same_origin_scripts(response.content, response.url, base):
                if scripts < MAX_SCRIPTS and all(p.path != path for p in queue):
                    scripts += 1
                    queue.append(Probe("GET", path, label="script served to browsers"))
    return result


def _send(client: httpx.Client, probe: Probe, result: ResponseScan) -> httpx.Response | None:
    try:
        return probe.send(client)
    except httpx.TimeoutException:
        result.not_sent.append(f"{probe.method} {probe.path}: no answer within launchready_timeout")
    except UnsafeRequestError as error:
        result.not_sent.append(f"{probe.method} {probe.path}: {error}")
    return None


def _scan(response: httpx.Response, label: str, allowlist: Allowlist) -> list[Finding]:
    if allowlist.skips_path(label):
        return []
    findings = scan_bytes(response.content[:MAX_BODY_BYTES], label)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items() if k.lower() not in _SKIPPED_HEADERS)
    findings += scan_bytes(headers.encode(), f"{label} (headers)")
    return allowlist.keep(findings)


def _same_origin_scripts(html: bytes, page: httpx.URL, base: httpx.URL) -> Iterator[str]:
    for match in _SCRIPT_SRC.finditer(html[:MAX_BODY_BYTES]):
        try:
            url = page.join(match.group(1).decode("utf-8", errors="replace"))
        except (httpx.InvalidURL, ValueError):
            continue
        if url.scheme in ("http", "https") and url.host == base.host and url.port == base.port:
            # below a base path (http://host/api), ask for the full URL, not a path joined to the base
            yield url.raw_path.decode("ascii", errors="replace") if base.raw_path in (b"", b"/") else str(url)
