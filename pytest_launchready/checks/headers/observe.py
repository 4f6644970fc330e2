"""How the headers cases ask the app: as a browser would over https, a silent route as a finding,
and the :class:`Verdict` (FAIL and WARN lines) each case builds."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from pytest_launchready.checks.context import RunContext

#: The page ``CHECK.docs`` names; the case modules cite it without importing ``check`` (a cycle).
DOCS = "docs/checks/headers.md"


@dataclass
class Verdict:
    """Failures (FAIL) and weaknesses (WARN) found in one test."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, text: str, strict: bool) -> None:
        """A failure when ``strict``, else a warning."""
        (self.failures if strict else self.warnings).append(text)


def is_https_target(ctx: RunContext) -> bool:
    """True for a live https target: only there do HSTS and Secure count as failures, not warnings."""
    return ctx.settings.base_url.startswith("https://") and not ctx.target.in_process


def url_for(ctx: RunContext, path: str) -> str:
    """The URL to ask for ``path``: absolute https for an in-process app, else the path itself."""
    # In-process apps are asked as if behind their TLS proxy (see check.py's docstring).
    return ctx.target.base_url.replace("http://", "https://", 1) + path if ctx.target.in_process else path


def fetch(ctx: RunContext, method: str, url: str, **kwargs: object) -> httpx.Response:
    """Send the request. No answer is nothing to judge: the httpx error goes up, and the runner tells
    it as one line (an error, never a finding), naming the request."""
    return ctx.client.request(method, url, **kwargs)  # type: ignore[arg-type]
