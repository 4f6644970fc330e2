"""rate_limits: login-like routes and the routes in ``launchready_rate_limited`` throttle bursts.

One test per route: ``launchready_rate_limited`` (``*`` as the method means every method of that
path) plus, found by discovery, every POST whose last fixed path segment names a login, token,
password reset, OTP or verification step (:func:`pytest_launchready.routes.vocabulary.is_login_like`).

Each test sends one bounded burst (``launchready_rate_limit_burst`` requests, at most
``launchready_rate_limit_window`` seconds) from a loopback address of its own, so it throttles
nothing else: anonymously to public routes (the per-client limit), as a throwaway tenant's user to
private ones (the per-user limit). Login-like routes get wrong-password attempts for a throwaway
user, never a real one. A 429 at any point passes (a WARN when it has no valid ``Retry-After``); so
does a 423 Locked on a login burst (the account locked after failed attempts: a WARN, since anyone
can lock a user out that way and it does not slow a client trying many accounts); no 429 after the
whole burst fails; a 5xx during the burst fails. The plugin runs these tests last.
"""

from __future__ import annotations

import hashlib
import math
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Iterable

import httpx
import pytest

from pytest_launchready.routes import vocabulary
from pytest_launchready.tenants import bodies
from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.authz import required_role
from pytest_launchready.target.client_addresses import burst_address, client_at
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, MEDIUM
from pytest_launchready.tenants.bodies import dummy_path_values, example

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route

CONFIGURED, DISCOVERED = "launchready_rate_limited", "discovered (login-like)"
#: The account locked after failed logins (WebDAV's 423, which Mealie answers).
LOCKED = 423
_ADMIN_SEGMENTS = frozenset({"admin", "admins", "staff", "superuser", "backoffice"})
FIX = (
    "Throttle this route per client address and per account (e.g. a sliding window in Redis, slowapi / "
    "django-ratelimit / flask-limiter, or the API gateway), answer 429 Too Many Requests with a Retry-After header, "
    "and count failed attempts separately so real users are not locked out by someone else's guesses."
)

FIX_FORWARDED = (
    "Take the client address from the entry your own proxy appended (the rightmost one for one proxy): Werkzeug "
    "ProxyFix(x_for=1), uvicorn --forwarded-allow-ips=<your proxy's address>, Django: read REMOTE_ADDR set by a "
    "trusted middleware; never the first X-Forwarded-For entry. Count login failures per account as well."
)
#: The address a proxy would append (TEST-NET-2, RFC 5737; the made-up first ones come from TEST-NET-3).
FORWARDED_REAL = "198.51.100.10"
#: How many times it ends the X-Forwarded-For chain: covers apps that trust up to that many proxies.
FORWARDED_HOPS = 4
#: The longest a burst may take on a slow route, whatever its latency (each request is also bounded
#: by launchready_timeout).
MAX_BURST_SECONDS = 120.0
#: Requests a burst keeps in flight at most, on a route too slow to reach the criterion's rate one at a time.
MAX_LANES = 8


def cases(plan: Plan) -> Iterable[Case]:
    """Configured routes first matched against discovery, then login-like routes; one address each."""
    chosen: dict[str, tuple[Route, str]] = {}
    missing: list[str] = []
    for entry in plan.settings.rate_limited:
        method, path = entry.split(" ", 1)
        matched = [r for r in plan.routes if r.path == path and (method == "*" or r.method == method)]
        if not matched:
            missing.append(entry)
        for route in matched:
            chosen.setdefault(route.key, (route, CONFIGURED))
    for route in plan.routes:
        if vocabulary.is_login_like(route):
            chosen.setdefault(route.key, (route, DISCOVERED))
    ordered = sorted(chosen.values(), key=lambda pair: pair[0].sort_key())
    for index, (route, source) in enumerate(ordered):
        yield Case(id=route.key, route=route, data=(("address", burst_address(index)), ("source", source)))
    for entry in missing:
        yield Case(id=entry, not_run=f"{entry} is listed in launchready_rate_limited but no such route was discovered",
                   counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Send one burst; pass at the first 429, fail on a 5xx or when the whole burst gets through."""
    route = case.route
    assert route is not None
    settings = ctx.settings
    target = ctx.target
    refused = target.refusal(f"a burst of {settings.rate_limit_burst} requests")
    if refused is not None:
        pytest.skip(refused)
    needed = required_role(route, settings)
    if not route.public and needed is not None and settings.role_rank[needed] < settings.role_rank[settings.tenant_role]:
        pytest.skip(f"{route.key} is reserved for {needed}, above launchready_tenant_role ({settings.tenant_role}): a burst "
                    f"as a {settings.tenant_role} would only test the denial (the roles check tests who may call it)")
    content_type = bodies.body_content_type(route)
    if route.body_schema and not bodies.is_json(content_type) and content_type != bodies.FORM:
        pytest.skip(f"the body is {content_type}: bursts send JSON and form bodies only")
    address = case.get("address")
    client, who, email, known = _caller(ctx, route, address)
    path = _path(route, known)
    query = {p.name: known.get(p.name) or example(p.schema, name=p.name) for p in route.params_in("query") if p.required}
    body = _burst_body(ctx, route, email)
    request_kwargs: dict[str, Any] = {"params": query or None}
    if body is not None:
        request_kwargs["content"] = bodies.encode(body, content_type)
        request_kwargs["headers"] = {"content-type": content_type}
    burst, window = settings.rate_limit_burst, settings.rate_limit_window
    budget = window
    what = (f"{'wrong-password attempts' if vocabulary.is_login_like(route) and route.public else 'requests'} "
            f"to {route.method} {path} as {who}")
    started = time.monotonic()
    sent = 0
    statuses: dict[int, int] = {}
    last: httpx.Response | None = None
    lanes = 1
    progress = ctx.progress(burst, "requests")
    with ThreadPoolExecutor(MAX_LANES) as pool:
        while sent < burst and time.monotonic() - started <= budget:
            progress.update(sent)
            for response in _round(pool, client, route.method, path, request_kwargs, min(lanes, burst - sent)):
                if response is None:
                    fail(f"Sent {sent + 1} {what}: request {sent + 1} got no answer within {settings.timeout:g} s.",
                         "a burst must be answered with 429, not by a server that stops answering.", FIX,
                         redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)
                sent += 1
                last = response
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code == 429:
                    progress.finish(sent, "answered 429")
                    _after_429(ctx, client, route, path, request_kwargs, sent, budget, what, response)
                    return
                if response.status_code == LOCKED and vocabulary.is_login_like(route):
                    progress.finish(sent, "account locked")
                    ctx.warn(f"{route.key} locked the account after {sent - 1} wrong attempts (423) instead of throttling "
                             "the client with 429: the guessing stops, but anyone can lock any user out this way, and a "
                             "client trying one password on many accounts is never slowed. Throttle per client too.")
                    return
                if response.status_code >= 500:
                    fail(f"Sent {sent} {what}: request {sent} answered {response.status_code}.",
                         "a burst must be throttled with 429; a 5xx means the route broke under it instead.", FIX,
                         response=response, redact=ctx.redact, headers=("content-type", "retry-after"), docs=CHECK.docs,
                         severity=MEDIUM)
                if sent == 1:
                    _gate(ctx, route, response, who)
                    latency = time.monotonic() - started
                    budget, lanes = burst_budget(window, burst, latency), burst_lanes(window, burst, latency)
    assert last is not None
    progress.finish(sent, "no 429")
    seen = ", ".join(f"{count}x {status}" for status, count in sorted(statuses.items()))
    malformed = sum(count for status, count in statuses.items() if _malformed(route, status))
    if malformed:
        # Refused as malformed (a duplicate sign-up's 422, say), those requests never reached what a limit
        # protects: the verdict rests only on the ones the route took as well-formed.
        pytest.skip(f"{malformed} of the {sent} {what} were refused as malformed ({seen}), so only {sent - malformed} reached "
                    f"the route's work and none was answered 429: cannot tell whether {burst} well-formed requests would "
                    "be throttled. Give the body's rules (a unique field, a pattern) in your OpenAPI spec")
    if sent < burst:
        pytest.skip(f"only {sent} of {burst} requests fit in {budget:g} s (launchready_rate_limit_window, or at most "
                    f"{MAX_BURST_SECONDS:g} s on a slow route), none answered 429 ({seen}): cannot tell whether a faster "
                    "burst would be throttled")
    elapsed = time.monotonic() - started
    pace = f", {lanes} at a time" if lanes > 1 else ""
    fail(
        f"Sent {sent} {what} in {elapsed:.1f} s ({sent / max(elapsed, 1e-3):.1f}/s{pace}; source: {case.get('source')}): "
        f"none was answered 429 ({seen}).",
        f"a route where {'passwords or codes can be guessed' if vocabulary.is_login_like(route) else 'each call costs'} must "
        f"throttle a client after a bounded number of attempts; {burst} within {max(window, elapsed):.1f} s all got through.",
        FIX, response=last, redact=ctx.redact, headers=("content-type", "retry-after", "ratelimit-limit", "x-ratelimit-limit"),
        docs=CHECK.docs, severity=_unthrottled(route),
    )


def _after_429(ctx: RunContext, client: httpx.Client, route: Route, path: str, request_kwargs: dict[str, Any], sent: int,
               budget: float, what: str, response: httpx.Response) -> None:
    """The burst drew a 429: fail when a made-up X-Forwarded-For gets around it, else judge Retry-After."""
    bypass = _forwarded_bypass(client, route, path, request_kwargs, sent, budget)
    if bypass is not None:
        count, answer = bypass
        fail(f"Sent {sent} {what}: request {sent} was answered 429. Then {count} more, each with another first "
             f"X-Forwarded-For address (the last: {answer.request.headers['x-forwarded-for']}): none was "
             f"answered 429 (the last: {answer.status_code}).",
             "the limit counts per the leftmost X-Forwarded-For address, which the client writes itself (a proxy "
             "appends the real address at the end): an attacker sends a new made-up address with every attempt "
             "and is never throttled.", FIX_FORWARDED, response=answer, redact=ctx.redact,
             headers=("content-type", "retry-after"), docs=CHECK.docs, severity=_unthrottled(route))
    _check_retry_after(ctx, route, sent, response)


def _round(pool: ThreadPoolExecutor, client: httpx.Client, method: str, path: str, kwargs: dict[str, Any],
           size: int) -> list[httpx.Response | None]:
    """``size`` requests at once (one: just that one), in the order sent; None for one that timed out."""
    def one(_: int) -> httpx.Response | None:
        try:
            return client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            return None
    return [one(0)] if size == 1 else list(pool.map(one, range(size)))


def burst_lanes(window: float, burst: int, first: float) -> int:
    """How many requests to keep in flight so that ``burst`` of them, each as slow as the first, fit
    in ``window`` (the rate the criterion asks for), at most MAX_LANES."""
    return max(1, min(MAX_LANES, math.ceil(burst * first / window)))


def _admin_path(route: Route) -> bool:
    """A fixed path segment says the route is for the app's staff: ``/admin/...``, ``/staff/...``."""
    return any(segment.lower() in _ADMIN_SEGMENTS for segment in route.path.strip("/").split("/"))


def _unthrottled(route: Route) -> str:
    """No working limit: HIGH where passwords or codes can be guessed, MEDIUM where each call only costs."""
    return HIGH if vocabulary.is_login_like(route) else MEDIUM


def burst_budget(window: float, burst: int, first: float) -> float:
    """Seconds a burst may take: ``window``, or on a route slower than that allows (a costly password
    hash), time for every request at 1.5 times the first one's latency, never over MAX_BURST_SECONDS."""
    return max(window, min(MAX_BURST_SECONDS, 1.5 * burst * first))


def _caller(ctx: RunContext, route: Route, address: str) -> tuple[httpx.Client, str, str | None, dict[str, str]]:
    """The client of the burst, who it is, the throwaway user's email (for login bursts) and known ids."""
    login_like = vocabulary.is_login_like(route) and route.public
    if route.public:
        email = _victim_email(ctx, route) if login_like else None
        return client_at(ctx.target, address), f"an anonymous client ({address})", email, {}
    if not ctx.login_defined:
        pytest.skip("needs launchready_login: a private route is burst as a throwaway tenant's user (per-user limit)")
    tenant = ctx.fresh_tenant(f"r{hashlib.sha1(route.key.encode()).hexdigest()[:6]}")
    known: dict[str, str] = {}
    if route.path_params:
        from pytest_launchready.tenants.seeding import resolve_ids, seed_tenant

        seed_tenant(tenant, ctx.routes, ctx.settings, ctx.fixture("launchready_seed"), needed=[route])
        known, missing = resolve_ids(tenant, route)
        if missing:
            pytest.skip(f"no id for {', '.join('{' + m + '}' for m in missing)} in the throwaway tenant's seeded objects: "
                        "define launchready_seed to provide one")
    me = _me(ctx, tenant.client) if vocabulary.is_login_like(route) else None
    email = me.get("email") if isinstance(me, dict) and isinstance(me.get("email"), str) else None
    client = client_at(ctx.target, address, auth=tenant.credentials)
    return client, f"throwaway tenant {tenant.name} ({tenant.role}) from {address}", email, known


def _victim_email(ctx: RunContext, route: Route) -> str:
    """The email of a throwaway user whose password the burst guesses; a made-up one without login."""
    if ctx.login_defined:
        tenant = ctx.fresh_tenant(f"rv{hashlib.sha1(route.key.encode()).hexdigest()[:6]}")
        me = _me(ctx, tenant.client)
        if isinstance(me, dict) and isinstance(me.get("email"), str):
            return str(me["email"])
    return f"lr-burst-{ctx.run_id}-{ctx.rng.getrandbits(24):06x}@example.com"


def _me(ctx: RunContext, client: httpx.Client) -> Any:
    me = vocabulary.me_route(ctx.routes)
    if me is None:
        return None
    try:
        response = client.get(me.path)
    except httpx.HTTPError:
        return None
    if not response.is_success:
        return None
    try:
        from pytest_launchready.tenants.seeding import unwrap

        return unwrap(response.json())
    except ValueError:
        return None


def _burst_body(ctx: RunContext, route: Route, email: str | None) -> Any:
    """A valid body; for login-like routes the throwaway email and a wrong password."""
    schema = route.body_schema
    if not schema:
        return None
    unique = f"{ctx.run_id}{ctx.rng.getrandbits(24):06x}"
    body = bodies.valid_body(schema, unique)
    if isinstance(body, dict) and vocabulary.is_login_like(route):
        # The credentials go where the app reads them: inside {"user": {...}} when the body is wrapped.
        key, inner = vocabulary.envelope(schema)
        fields = vocabulary.fields_of(body, key)
        user_field, password = vocabulary.username_field(inner), vocabulary.password_field(inner)
        if user_field and email and fields is not None:
            fields[user_field] = email
        if password and fields is not None:
            fields[password] = f"lr-wrong-{unique}-Aa1!"
            ctx.redact.add(fields[password])  # an answer may echo it (a 422 detail)
    return body


def _gate(ctx: RunContext, route: Route, response: httpx.Response, who: str) -> None:
    """Skip when the first request shows the burst cannot exercise the route."""
    status = response.status_code
    if status == 405:
        pytest.skip(f"{route.key} answered 405: the method is not served there")
    # On a login-like route (change password, verify a code) a 401/403 is the wrong guess being refused,
    # unless the path says the route is for admins (Mealie's POST /api/admin/users/password-reset-token).
    if not route.public and status in (401, 403) and (not vocabulary.is_login_like(route) or _admin_path(route)):
        pytest.skip(f"{route.key} denied {who} with {status}: the burst would only test the denial (if only a higher role "
                    "may call it, list it in launchready_role_routes: the roles check tests who may)")
    if route.path_params and status == 404:
        pytest.skip(f"{route.key} answered 404 at {response.request.url.path}: the ids were not found")
    if _malformed(route, status):
        # Refused as malformed, the requests never reach the password check or the costly work: counting them
        # proves nothing.
        reached = "the credential check" if vocabulary.is_login_like(route) else "the route's work"
        pytest.skip(f"{route.key} answered {status} to the burst's first body ({_excerpt(response)}): the requests would "
                    f"not reach {reached}. Give the body's schema (or an example) in your OpenAPI spec, "
                    "or list the route in launchready_rate_limited with a spec that describes its body")


def _malformed(route: Route, status: int) -> bool:
    """Whether ``status`` refuses the body before the route's work: malformed (400/422), or a conflict
    with what the first request made (409: the burst's one body signs up one email). A login's 400 is
    a wrong guess refused, not that."""
    if vocabulary.is_login_like(route):
        return status == 422
    return status in (400, 409, 422)


def _excerpt(response: httpx.Response) -> str:
    return response.text[:120].replace("\n", " ")


def _forwarded_bypass(client: httpx.Client, route: Route, path: str, kwargs: dict[str, Any], limit: int,
                      budget: float) -> tuple[int, httpx.Response] | None:
    """After a 429: a second burst, each request claiming another first address in X-Forwarded-For.

    Every header ends with one fixed address, repeated, as a proxy in front of the app appends the
    real client's (repeated so that apps trusting several proxies still land on it): an app that
    takes its client address from the right keeps counting one client and throttles again, one that
    ignores the header is still throttling. Only an app keyed on the leftmost entry, which the
    client writes itself, lets the whole second burst through. Returns (requests, last answer) then.
    """
    started = time.monotonic()
    sent = 0
    last = None
    # Twice the attempts the first burst needed: a fixed window that restarts midway is filled again.
    while sent < 2 * limit and time.monotonic() - started <= budget:
        chain = ", ".join([f"203.0.113.{1 + sent % 250}"] + [FORWARDED_REAL] * FORWARDED_HOPS)
        try:
            last = client.request(route.method, path, **{**kwargs, "headers": {**kwargs.get("headers", {}),
                                                                               "X-Forwarded-For": chain}})
        except httpx.TimeoutException:
            return None
        sent += 1
        if last.status_code == 429 or last.status_code >= 500:
            return None
    return (sent, last) if last is not None and sent == 2 * limit else None


def _check_retry_after(ctx: RunContext, route: Route, sent: int, response: httpx.Response) -> None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        ctx.warn(f"{route.key} answered 429 after {sent} requests but sent no Retry-After header: clients cannot tell "
                 "when to try again (add Retry-After: <seconds>)")
    elif not (value.isdigit() or _is_http_date(value)):
        ctx.warn(f"{route.key} answered 429 with Retry-After: {value[:40]!r}, which is neither a number of seconds "
                 "nor an HTTP date")


def _is_http_date(value: str) -> bool:
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return False
    return True


def _path(route: Route, known: dict[str, str]) -> str:
    values = dummy_path_values(route, known)
    return route.format_path(values)


CHECK = Check(
    name="rate_limits",
    title="Login-like routes and the routes in launchready_rate_limited answer a bounded burst with 429.",
    cases=cases,
    run=run,
    enable_hint="set launchready_rate_limited (no login-like route was discovered)",
)
