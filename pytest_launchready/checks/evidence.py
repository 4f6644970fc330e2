"""Failure messages that prove a finding: what was sent, what came back, why it fails, how to
reproduce it (curl, credentials redacted) and how to fix it. Nothing secret gets through.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Iterable, NoReturn

from pytest_launchready.checks.finding import Finding, finding_error
from pytest_launchready.redact import MASK, Redactor, is_secret_header

if TYPE_CHECKING:
    import httpx

EXCERPT_CHARS = 300
#: Request headers worth repeating in a curl command (the rest is httpx's defaults).
_CURL_HEADERS = ("authorization", "cookie", "content-type", "origin", "x-api-key", "access-control-request-method",
                 "access-control-request-headers")
#: ... and every header starting so, or naming a signature (Stripe-Signature): a webhook delivery is
#: its signature headers (their values are registered secrets, so they print masked).
_CURL_HEADER_PREFIXES = ("x-", "webhook-")


def curl(request: httpx.Request, redact: Redactor) -> str:
    """A curl command that sends ``request`` again, credential values masked."""
    parts = ["curl", "-i", "-X", request.method]
    for name, value in request.headers.items():
        if name.lower() in _CURL_HEADERS or name.lower().startswith(_CURL_HEADER_PREFIXES) or "signature" in name.lower():
            shown = MASK if is_secret_header(name) else redact(value)
            if name.lower() == "authorization" and " " in value:
                shown = f"{value.split(' ', 1)[0]} {MASK}"
            parts += ["-H", f"{name}: {shown}"]
    body = request.content if request.content else b""
    if body:
        parts += ["--data-binary", redact(_text(body, 500))]
    parts.append(redact(str(request.url)))
    return " ".join(shlex.quote(p) for p in parts)


def excerpt(response: httpx.Response, redact: Redactor, mark: str | None = None, limit: int = EXCERPT_CHARS) -> str:
    """A short, redacted piece of the body; around ``mark`` (e.g. a canary) when it appears."""
    text = redact(_text(response.content, 100_000))
    if mark and mark in text:
        start = max(0, text.index(mark) - limit // 2)
        piece = text[start : start + limit]
        return ("..." if start else "") + piece.replace(mark, f">>>{mark}<<<") + "..."
    return text[:limit] + ("..." if len(text) > limit else "")


def exchange(response: httpx.Response, redact: Redactor, headers: Iterable[str] = (), mark: str | None = None) -> str:
    """``METHOD URL -> STATUS``, the named response headers, and a body excerpt."""
    request = response.request
    lines = [f"{request.method} {redact(str(request.url))} -> {response.status_code} {response.reason_phrase}"]
    for name in headers:
        if name in response.headers:
            value = MASK if is_secret_header(name) else redact(response.headers[name])
            lines.append(f"  {name}: {value}")
    body = excerpt(response, redact, mark)
    if body:
        lines.append(f"  body: {body}")
    return "\n".join(lines)


def fail(
    what: str,
    why: str,
    fix: str,
    response: httpx.Response | None = None,
    redact: Redactor | None = None,
    headers: Iterable[str] = (),
    mark: str | None = None,
    docs: str = "",
    also: str = "",
    *,
    severity: str,
    locations: Iterable[tuple[str, int]] = (),
) -> NoReturn:
    """Raise the ``AssertionError`` every check uses: sent / came back / why / reproduce / fix.

    ``also``: the test's other findings, each with its own title, shown after the fix.
    ``locations``: ``(path, line)`` of each file the fault sits in (paths relative to the repository root).
    ``severity`` (``critical``, ``high``, ``medium``, ``low``: see
    :data:`pytest_launchready.checks.finding.SEVERITIES`) has no default: each check says what its
    fault lets an attacker do.
    """
    redact = redact or Redactor()
    finding = Finding(
        title=redact(what),
        why=redact(why),
        fix=redact(fix),
        severity=severity,
        evidence=exchange(response, redact, headers, mark) if response is not None else "",
        reproduce=curl(response.request, redact) if response is not None else "",
        docs=docs,
        also=redact(also),
        locations=tuple((redact(path), int(line)) for path, line in locations),
    )
    __tracebackhide__ = True
    raise finding_error(finding)


def _text(data: bytes, limit: int) -> str:
    return data[:limit].decode("utf-8", errors="replace")
