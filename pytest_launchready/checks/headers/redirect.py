"""The ``https redirect`` case: the site's plain-http URL must answer with a redirect to https."""

from __future__ import annotations

import httpx

from pytest_launchready.checks import Case
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import MEDIUM
from pytest_launchready.checks.headers.observe import DOCS

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def http_url_for(base_url: str, http_url: str = "") -> str:
    """The plain-http URL of the site: ``launchready_http_url``, else the https host on port 80."""
    if http_url:
        return http_url.rstrip("/")
    host = httpx.URL(base_url).host
    return f"http://[{host}]" if ":" in host else f"http://{host}"


def judge_redirect(response: httpx.Response) -> tuple[str | None, str | None]:
    """(failure, warning) for the first answer of the plain-http URL."""
    location = response.headers.get("location")
    if response.status_code not in _REDIRECTS or not location:
        return (f"it answered {response.status_code} instead of redirecting to https: pages and cookies travel "
                "unencrypted and can be altered on the way", None)
    target = response.request.url.join(location)
    if target.scheme != "https":
        return f"its first redirect goes to {target}, not to https", None
    if target.host != response.request.url.host:
        return None, (f"the first redirect goes to another host ({target.host}); HSTS preload asks for https on the same "
                      "host first")
    return None, None


def run_redirect(ctx: RunContext, case: Case) -> None:
    """One GET of the plain-http URL, redirects not followed; nothing listening there is a WARN."""
    url = http_url_for(ctx.settings.base_url, ctx.settings.http_url) + "/"
    with httpx.Client(timeout=ctx.settings.timeout, follow_redirects=False, trust_env=False) as client:
        try:
            response = client.get(url)
        except (httpx.ConnectError, httpx.TimeoutException) as exc:
            ctx.warn(f"nothing answered on {url} ({type(exc).__name__}): no page is served over plain http, but people "
                     "typing the bare address get an error; redirect port 80 to https (or set launchready_http_url)")
            return
    failure, warning = judge_redirect(response)
    if failure:
        fail(f"Sent GET {url} (plain http): {failure}.", "a site that answers on http can be downgraded by anyone on the "
             "network path before HSTS ever applies.", "Redirect every plain-http request with 301/308 to the same URL on "
             "https (at the load balancer or proxy), and send HSTS on the https side.", response=response,
             redact=ctx.redact, headers=("location", "strict-transport-security"), docs=DOCS, severity=MEDIUM)
    if warning:
        ctx.warn(warning)
