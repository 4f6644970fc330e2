"""headers: security headers, cookie flags, and for an https target the redirect, certificate and TLS version.

Tests (ids between the brackets of ``test_headers[...]``):

- ``app-wide``: the same anonymous GET of every GET route (once per process, shared with the
  routes' own tests); FAIL when at least 2 routes miss exactly the same headers (same rules broken,
  same values seen), listing them. Those routes' own tests are then skipped as covered; a route
  that misses more fails on its own for the rest, one that differs for everything.
- one per GET route (``GET /items``): an anonymous GET; the response must carry
  ``X-Content-Type-Options: nosniff``, frame protection (``X-Frame-Options: DENY``/``SAMEORIGIN`` or a
  CSP ``frame-ancestors`` that is not a wildcard), a ``Referrer-Policy`` other than ``unsafe-url``,
  and ``Strict-Transport-Security`` with ``max-age`` of at least 180 days. HSTS is judged strictly
  (FAIL) only on an https target: on plain http (an in-process app, a local server) a missing or short
  HSTS is a WARN, because the TLS-terminating proxy in front of the app often adds it. In-process
  requests are sent as ``https://testserver`` so that apps behave as behind that proxy (Django's
  SecurityMiddleware only sends HSTS on secure requests; redirect-to-https middleware stays quiet).
- ``cookies``: the Set-Cookie headers of public GET routes and of login-like public POST routes sent
  a minimal (failing) login. Session-like cookies (by name, or a JWT or long token value) must be
  ``HttpOnly``, ``Secure`` and ``SameSite=Lax``/``Strict`` (``None`` with Secure is a WARN: embedded
  widgets need it). CSRF cookies (``csrf``/``xsrf`` in the name) are readable by JavaScript by design:
  only ``Secure`` is required of them. Other cookies (preferences) are not judged. ``Secure`` is a
  WARN instead of a FAIL on a plain-http target. No cookie at all: NOT RUN.
- ``https redirect``: the plain-http URL (``launchready_http_url``, else the https host on port 80)
  must answer its first request with a redirect to an https URL.
- ``tls certificate``: the certificate must verify (chain and host name; ``launchready_ca_bundle``
  or the system store) and stay valid for more than ``launchready_tls_min_days`` days.
- ``tls version``: the negotiated protocol must be TLS 1.2 or newer, and TLS 1.1 and older must be
  refused (when this machine's OpenSSL can still offer them).

The last three are NOT RUN with "target is not https" unless ``launchready_base_url`` is https.

Each case lives in its own module: :mod:`.rules` (the security headers of a GET route),
:mod:`.cookies`, :mod:`.redirect` and :mod:`.tls`; :mod:`.observe` holds how they ask the app.
"""

from __future__ import annotations

from typing import Iterable

import httpx

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.appwide import APP_WIDE_ID, app_wide_case
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.headers.cookies import run_cookies
from pytest_launchready.checks.headers.redirect import run_redirect
from pytest_launchready.checks.headers.rules import run_app_wide, run_route
from pytest_launchready.checks.headers.tls import run_certificate, run_version
from pytest_launchready.routes import Route

NOT_HTTPS = "target is not https (point launchready_base_url at an https deployment to check TLS)"


def cases(plan: Plan) -> Iterable[Case]:
    """``app-wide``, one case per GET route, then ``cookies``, ``https redirect``, ``tls certificate``, ``tls version``."""
    gets = [r for r in plan.routes if r.method == "GET"]
    yield app_wide_case(len(gets), "GET routes")
    for route in gets:
        yield Case(id=route.key, route=route, variant="route")
    if not gets:
        yield Case(id="GET /", route=Route("GET", "/"), variant="route", counts_as_route=False)
    yield Case(id="cookies", variant="cookies", counts_as_route=False)
    base_url = plan.settings.base_url
    https = base_url.startswith("https://")
    redirect_not_run = None if https else NOT_HTTPS
    if https and not plan.settings.http_url and httpx.URL(base_url).port not in (None, 443):
        redirect_not_run = (f"set launchready_http_url: {base_url} uses a port of its own, so the plain-http URL of "
                            "the site cannot be guessed")
    yield Case(id="https redirect", variant="redirect", not_run=redirect_not_run, counts_as_route=False)
    yield Case(id="tls certificate", variant="certificate", not_run=None if https else NOT_HTTPS, counts_as_route=False)
    yield Case(id="tls version", variant="version", not_run=None if https else NOT_HTTPS, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Dispatch on the kind of case."""
    {APP_WIDE_ID: run_app_wide, "route": run_route, "cookies": run_cookies, "redirect": run_redirect, "certificate": run_certificate,
     "version": run_version}[case.variant](ctx, case)


CHECK = Check(
    name="headers",
    title="Security headers and cookie flags; http redirects to https; TLS certificate valid and TLS >= 1.2.",
    cases=cases,
    run=run,
)
