"""auth: every private route rejects missing, malformed and foreign credentials.

Sent to each private route (path parameters filled with tenant A's ids when seeded, for writes those
of a stand-in tenant, else dummies, so that a missing object cannot answer 404 before authentication
is even tried): no credentials; an ``Authorization`` header of ``Bearer``, ``Bearer `` and a wrong
scheme; a garbage token; a well-formed JWT signed with a key the app does not know; and, when a login
is defined, forged values under the cookie and header names tenant A's credentials use. Each must get
a denial status (``launchready_deny_status``, 401/403 by default) or a redirect to a login page. A
2xx fails; a 5xx fails too: the route did not fail closed cleanly. Public routes are listed, not
probed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Iterable

import httpcore
import httpx

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, MEDIUM
from pytest_launchready.tenants.bodies import dummy_path_values, minimal_body
from pytest_launchready.tenants.seeding import seed_tenant
from pytest_launchready.routes.vocabulary import is_login_page

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

FIX = (
    "Put authentication in front of every private route (a router-level dependency or middleware, not a per-handler "
    "check), reject anything that is not a valid token issued by you with 401, and mark intentionally public routes "
    "in launchready_public_routes."
)


def _foreign_jwt() -> str:
    import jwt

    now = int(time.time())
    claims = {"sub": "launchready-foreign-user", "iat": now, "exp": now + 3600, "role": "owner"}
    return jwt.encode(claims, "launchready-key-your-app-does-not-know", algorithm="HS256")


def _probes() -> list[tuple[str, dict[str, str]]]:
    return [
        ("no credentials", {}),
        ("'Bearer' with no token", {"Authorization": "Bearer"}),
        ("'Bearer ' with an empty token", {"Authorization": "Bearer "}),
        ("a wrong scheme (Basic)", {"Authorization": "Basic bGF1bmNocmVhZHk6cHJvYmU="}),
        ("a garbage token", {"Authorization": "Bearer launchready.garbage.token"}),
        ("a JWT signed with a foreign key", {"Authorization": f"Bearer {_foreign_jwt()}"}),
    ]


def _credential_probes(ctx: RunContext) -> list[tuple[str, dict[str, str]]]:
    """Forged values under the names tenant A's own credentials use: a session cookie or an API-key
    header is where a cookie- or key-authenticated app looks, not at ``Authorization``."""
    if not ctx.login_defined:
        return []
    credentials = ctx.tenant_a.credentials
    probes = [(f"a forged {name!r} cookie", {"Cookie": f"{name}=launchready-forged-{index}"})
              for index, name in enumerate(credentials.cookies)]
    probes += [(f"a forged {name!r} header", {name: "launchready-forged-value"})
               for name in credentials.headers if name.lower() not in ("authorization", "cookie")]
    return probes


def _redirects_to_login(response: httpx.Response) -> bool:
    """A 3xx to a login page is how server-rendered apps deny (Django's login_required, Flask-Login)."""
    return response.is_redirect and is_login_page(response.headers.get("location", ""))


def cases(plan: Plan) -> Iterable[Case]:
    """One case per route; public routes are listed as not run."""
    for route in plan.routes:
        if route.public:
            yield Case(id=route.key, route=route, counts_as_route=False,
                       by_design="public route (launchready_public_routes or security: []), not probed")
        else:
            yield Case(id=route.key, route=route)


def _real_ids(ctx: RunContext, route: Route) -> dict[str, str]:
    """Tenant A's ids for reads; for writes, those of a stand-in tenant seeded once: a write that wrongly
    succeeds without credentials must not change A's shared data, which other checks read."""
    if not route.is_mutating:
        return ctx.tenant_a.ids
    def seeded_stand_in() -> Tenant:
        stand_in = ctx.fresh_tenant("auth")
        seed_tenant(stand_in, ctx.routes, ctx.settings, ctx.fixture("launchready_seed"))
        return stand_in

    return ctx.shared("stand-in tenant", seeded_stand_in).ids


def run(ctx: RunContext, case: Case) -> None:
    """Send every unauthenticated probe; any non-denial fails."""
    route = case.route
    assert route is not None
    # Real ids when a login is defined: a route that answers 404 for a dummy id may still serve a real
    # object without credentials.
    known = _real_ids(ctx, route) if ctx.login_defined else {}
    path = route.format_path(dummy_path_values(route, known))
    body = minimal_body(route)
    deny = ctx.settings.deny_status
    for label, headers in [*_probes(), *_credential_probes(ctx)]:
        request_kwargs: dict[str, object] = {"headers": headers}
        if body is not None:
            request_kwargs["json"] = body
        try:
            response = ctx.client.request(route.method, path, **request_kwargs)  # type: ignore[arg-type]
        except (httpx.LocalProtocolError, httpcore.LocalProtocolError):
            continue  # HTTP/1.1 cannot carry this header over a socket (e.g. trailing space), so no client can send it
        except httpx.TimeoutException:
            fail(f"{route.key} with {label} did not answer within {ctx.settings.timeout:g} s.",
                 "a private route must answer a request without valid credentials with a quick denial.", FIX,
                 redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)
        if response.status_code in deny or _redirects_to_login(response):
            continue
        if response.is_redirect:
            ctx.warn(
                f"{route.key} with {label} answered {response.status_code} to {ctx.redact(response.headers.get('location', '?'))}, "
                "not a login page: authentication was not exercised on this route (fix the path, or deny with 401)"
            )
            return
        if 200 <= response.status_code < 300 or response.status_code >= 500 or response.status_code not in (404, 405, 422, 400):
            verdict = "answered it successfully" if response.status_code < 300 else f"answered {response.status_code}"
            fail(
                f"Sent {route.key} with {label}: the route {verdict}.",
                f"a private route must deny a request without valid credentials with {'/'.join(map(str, sorted(deny)))}; "
                + ("a 5xx means it crashed instead of failing closed." if response.status_code >= 500 else "it did not."),
                FIX, response=response, redact=ctx.redact, headers=("content-type", "www-authenticate"), docs=CHECK.docs,
                # Answered without credentials: anyone reads (or writes) what the route holds.
                severity=CRITICAL if response.is_success else MEDIUM,
            )
        # 400/404/405/422 before authentication: the route validated or routed first. Not a leak on its own,
        # but authentication was never exercised, so this route is not counted as tested.
        fail_closed_first = response.status_code
        ctx.warn(
            f"{route.key} with {label} answered {fail_closed_first} instead of {'/'.join(map(str, sorted(deny)))}: "
            "the request was rejected before authentication ran, so authentication was not exercised on this route"
        )
        return


CHECK = Check(
    name="auth",
    title="Every private route rejects missing, malformed and foreign credentials.",
    cases=cases,
    run=run,
)
