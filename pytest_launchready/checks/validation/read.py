"""One read test: a GET as the shared read tenant, scanned for sensitive fields, password hashes,
keys and debug output (:mod:`pytest_launchready.checks.disclosure`), then the same GET with a NUL
byte in its text parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pytest_launchready.checks import disclosure
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.validation import payloads
from pytest_launchready.checks.validation.caller import Caller, address, who_calls
from pytest_launchready.checks.validation.common import READ
from pytest_launchready.checks.validation.faults import (FIX_CRASH, FIX_DISCLOSE, FIX_EXPOSE, Fault, disclosure_severity,
                                                     fail_with, is_secret)
from pytest_launchready.routes import vocabulary
from pytest_launchready.routes.schemas import accepted_types, flatten
from pytest_launchready.target.responses import json_body

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route

#: Query parameters of a read that get a NUL byte, one request each.
MAX_ODD_QUERY = 4


def run_read(ctx: RunContext, route: Route, docs: str) -> None:
    """Read ``route`` once and fail on any disclosure, then on a 5xx, hang or leak from the NUL reads."""
    caller = who_calls(ctx, route, READ)
    path, query = address(ctx, route, caller)
    try:
        response = caller.client.get(path, params=query or None)
    except httpx.TimeoutException:
        pytest.skip(f"GET {path} did not answer within {ctx.settings.timeout:g} s: nothing to scan")
    content_type = response.headers.get("content-type", "")
    found = disclosure.scan(response.content, response.status_code, content_type, read=True,
                            issues_tokens=vocabulary.issues_tokens(route))
    if found:
        secret = any(is_secret(f) for f in found)
        ctx.redact.add(*(f.evidence for f in found if is_secret(f)))
        listing = "\n".join(f"  - {f.describe()}" for f in found[:12])
        fail(
            f"Read GET {path} as {caller.who}; the {response.status_code} answer discloses:\n{listing}",
            "a response must carry only what the client may see: no password hashes, secrets or keys, no stack traces, "
            "file paths or SQL." if secret else "responses must not reveal stack traces, file paths or SQL.",
            FIX_EXPOSE if secret else FIX_DISCLOSE, response=response, redact=ctx.redact,
            headers=("content-type",), mark=None if secret else found[0].evidence, docs=docs,
            severity=disclosure_severity(found),
        )
    odd = _odd_reads(ctx, route, caller, path, query)
    if odd:
        fail_with(odd, f"Sent GET {path} as {caller.who}", ctx.redact, docs)
    if not response.is_success:
        pytest.skip(f"GET {path} answered {response.status_code} to {caller.who}: nothing to scan")
    data = json_body(response)
    if not response.content.strip() or data in ({}, [], None) and "json" in content_type:
        pytest.skip(f"GET {path} answered an empty body to {caller.who}: nothing to scan (seed objects with launchready_seed)")


def _odd_reads(ctx: RunContext, route: Route, caller: Caller, path: str, query: dict[str, Any]) -> list[Fault]:
    """GET with a NUL byte in each free-text query parameter, then in the last path parameter: a 4xx
    or a 2xx passes; a 5xx, a hang or debug output is a finding (the body fuzz never reaches these)."""
    variants: list[tuple[str, str, dict[str, Any]]] = []
    for param in route.params_in("query"):
        if _free_text(param.schema) and len(variants) < MAX_ODD_QUERY:
            variants.append((f"a NUL byte in the query parameter {param.name!r}", path,
                             {**query, param.name: payloads.NUL_TEXT}))
    if route.path_params and _free_text(next(
            (p.schema for p in route.params_in("path") if p.name == route.path_params[-1]), {})):
        head, _, _ = path.rpartition("/")
        if route.path.endswith("}"):
            variants.append((f"a NUL byte in the path parameter {{{route.path_params[-1]}}}", f"{head}/lr%00nul", query))
    findings = []
    for label, url, params in variants:
        try:
            response = caller.client.get(url, params=params or None)
        except httpx.TimeoutException:
            findings.append(Fault(f"{label}: no answer within {ctx.settings.timeout:g} s",
                                    "an odd character must be rejected quickly; a hang is a denial of service.", FIX_CRASH))
            continue
        leaks = disclosure.scan(response.content, response.status_code, response.headers.get("content-type", ""),
                                read=False, sent=str(response.request.url))
        if leaks:
            secret = [f for f in leaks if is_secret(f)]
            ctx.redact.add(*(f.evidence for f in secret))
            findings.append(Fault(f"{label}: answered {response.status_code}, disclosing "
                                    + ", ".join(f.describe() for f in leaks),
                                    "responses must not reveal stack traces, debug pages, file paths or SQL.",
                                    FIX_EXPOSE if secret else FIX_DISCLOSE, response, None if secret else leaks[0].evidence,
                                    disclosure_severity(leaks)))
        elif response.status_code >= 500:
            findings.append(Fault(f"{label}: answered {response.status_code}",
                                    "a NUL byte in a parameter must get a 4xx (or be handled); a 5xx means it reached "
                                    "code that crashed on it, typically a database driver.", FIX_CRASH, response))
    return findings


def _free_text(schema: dict[str, Any]) -> bool:
    """A parameter that takes any text: a string without enum, format or pattern (or no schema at all)."""
    flat = flatten(schema)
    types = accepted_types(flat)
    return (types is None or "string" in types) and not (flat.get("enum") or flat.get("format") or flat.get("pattern"))
