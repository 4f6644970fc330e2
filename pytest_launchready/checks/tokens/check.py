"""tokens: expired, forged and revoked tokens are refused; a role change takes effect at once.

Every forgery starts from tenant A's real token and goes to one private GET route that A's real token
opens (the baseline, confirmed with a 2xx first), so a refusal is about the token and nothing else.
A forged token that gets a 2xx fails; a 5xx fails too (the app did not fail closed); a status in
``launchready_deny_status`` passes; any other status passes with a WARN. State-changing cases
(logout, demotion) work on fresh users, never on tenant A's token, which the other cases still need.
See docs/checks/tokens.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx
import pytest

from pytest_launchready.checks.tokens import forge, weak_keys
from pytest_launchready.checks.tokens.mint import mint_expired, reissue
from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.tenants.bodies import dummy_path_values, example, minimal_body
from pytest_launchready.target.errors import TargetStoppedError

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.tenants import Credentials, Tenant

CASE_IDS = (
    "expired",
    "alg none",
    "signature stripped",
    "signature altered",
    "payload changed",
    "key confusion",
    "weak secret",
    "revoked after logout",
    "role change",
)
#: Candidate baseline routes tried before giving up (each costs one request).
MAX_BASELINE_TRIES = 5
#: Privileged routes tried for the role-change case before giving up.
MAX_ROLE_TRIES = 3
_SESSION_WORDS = ("logout", "log-out", "log_out", "signout", "sign-out", "sign_out", "revoke")

FIX_VERIFY = (
    "Verify the signature of every token on every request with your own key, and pin the algorithm: "
    "jwt.decode(token, key, algorithms=['HS256']) (or your RS/ES algorithm). Never decode with "
    "options={'verify_signature': False}, never take the algorithm from the token header, and never accept 'none'."
)
FIXES = {
    "expired": "Check exp on every request (PyJWT does by default: do not pass verify_exp=False or a large leeway) and keep "
               "access tokens short-lived; refresh them through a separate, revocable refresh token.",
    "alg none": FIX_VERIFY,
    "signature stripped": FIX_VERIFY,
    "signature altered": FIX_VERIFY,
    "payload changed": FIX_VERIFY,
    "key confusion": "Pin the asymmetric algorithm when verifying (algorithms=['RS256'] or ['ES256']) and use a library that "
                     "refuses a public key as an HMAC secret (PyJWT does); never choose the verification algorithm from the token.",
    "weak secret": "Rotate the signing secret now to a random value of at least 32 bytes (python -c \"import secrets; "
                   "print(secrets.token_urlsafe(48))\"), kept in your secret store and never in code or a template; every "
                   "token signed with the old secret then stops working, which is what you want.",
    "revoked after logout": "Make logout revoke the token on the server: keep a denylist of token ids (jti) until they expire, "
                            "or keep sessions server-side, or bump a per-user token version that every request checks.",
    "role change": "Read the user's role (and org) from your database on every request instead of trusting a role claim in "
                   "the token, or bump a per-user token version on every role change so older tokens are refused.",
}
WHY = {
    "alg none": "an unsigned token ('alg: none') can be written by anyone: whoever crafts one is whoever they claim to be.",
    "signature stripped": "a token without a signature proves nothing: anyone can write its claims.",
    "signature altered": "a token whose signature does not verify was not issued by you: the app does not check signatures.",
    "payload changed": "claims were edited under the original signature and the app still served them: anyone holding any "
                       "token can become another user or org.",
    "key confusion": "the token was signed with HMAC using your public key as the secret; the public key is public, so anyone "
                     "can mint tokens your app accepts.",
}


# --- Collection --------------------------------------------------------------------------------


def cases(plan: Plan) -> Iterable[Case]:
    """The nine cases, each NOT RUN at collection when a setting it needs is known to be absent."""
    settings = plan.settings
    gets = [r for r in plan.private_routes if r.method == "GET" and not _ends_session(r, settings)]
    no_get = ("no private GET route to send tokens to: the forged tokens need a route tenant A's real token opens "
              "(check launchready_public_routes and launchready_exclude_routes)")
    for case_id in CASE_IDS:
        reason = None
        if case_id == "key confusion" and not settings.jwt_public_key:
            reason = ("applies only to RS/PS/ES-signed JWTs: if yours are, set launchready_jwt_public_key (env:VAR or a "
                      "file path) to their public key; HMAC-signed, opaque or cookie tokens cannot be confused this way")
        elif case_id == "role change":
            if len(settings.roles) < 2:
                reason = "only one role in launchready_roles: there is nothing to demote to"
            elif not privileged_routes(settings, plan.routes):
                reason = ("no route only a higher role may call: set launchready_role_routes ('admin: GET /admin/users') "
                          "or x-launchready-roles in your OpenAPI spec")
        elif case_id == "revoked after logout" and not any(not r.path_params for r in gets):
            reason = "no private GET route without path parameters: a fresh user owns no ids to fill them with"
        elif case_id != "weak secret" and not gets:
            reason = no_get
        yield Case(id=case_id, not_run=reason, counts_as_route=False)


def privileged_routes(settings: Settings, routes: Iterable[Route]) -> list[tuple[Route, str]]:
    """``(route, least role allowed)`` for private routes the lowest role may not call, safest first.

    From ``launchready_role_routes`` and the routes' ``x-launchready-roles``. Order: reads before
    writes, deletes last (a deleted object cannot prove a later denial), fewer path parameters first.
    """
    rank = settings.role_rank
    lowest = rank[settings.roles[-1]]
    by_key = {r.key: r for r in routes if not r.public}
    found: dict[str, tuple[Route, str]] = {}
    for role_route in settings.role_routes:
        route = by_key.get(role_route.route_key)
        if route is not None and rank.get(role_route.role, lowest) < lowest:
            found.setdefault(route.key, (route, role_route.role))
    for route in by_key.values():
        listed = [role for role in route.roles if role in rank]
        if listed and route.key not in found:
            least = max(listed, key=rank.__getitem__)
            if rank[least] < lowest:
                found[route.key] = (route, least)

    def preference(item: tuple[Route, str]) -> tuple[int, int, tuple[str, int]]:
        route = item[0]
        kind = 0 if route.method in ("GET", "HEAD") else 2 if route.method == "DELETE" else 1
        return (kind, len(route.path_params), route.sort_key())

    return sorted((item for item in found.values() if not _ends_session(item[0], settings)), key=preference)


def _ends_session(route: Route, settings: Settings) -> bool:
    """Never use a logout-like route as a probe: it would end the session under test."""
    return route.key == settings.logout_route or any(word in route.path.lower() for word in _SESSION_WORDS)


# --- Requests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One concrete request: a route with its path and query filled."""

    route: Route
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: Any = field(default=None, compare=False)

    def describe(self) -> str:
        """``GET /notes/{note_id} (sent as /notes/8f2c)``, or just the route key when the path has no parameters."""
        return self.route.key if self.path == self.route.path else f"{self.route.key} (sent as {self.path})"


_BASELINES = pytest.StashKey[dict[str, Probe]]()


def _probe(route: Route, ids: dict[str, str], body_text: str = "launchready") -> Probe:
    query = tuple((p.name, str(example(p.schema, name=p.name))) for p in route.params_in("query") if p.required)
    body = minimal_body(route, text=body_text) if route.is_mutating else None
    return Probe(route, route.format_path(dummy_path_values(route, ids)), query, body)


def _send(ctx: RunContext, probe: Probe, credentials: Credentials) -> httpx.Response:
    kwargs: dict[str, Any] = {"params": list(probe.query), "auth": credentials}
    if probe.body is not None:
        kwargs["json"] = probe.body
    return ctx.client.request(probe.route.method, probe.path, **kwargs)


def _send_or_fail(ctx: RunContext, probe: Probe, credentials: Credentials, when: str, case_id: str) -> httpx.Response:
    """Send a request whose answer is the verdict: a hang is a finding, not an error."""
    try:
        return _send(ctx, probe, credentials)
    except httpx.TimeoutException:
        fail(f"Sent {probe.describe()} {when}: no answer within {ctx.settings.timeout:g} s.",
             "a refused token must get a quick denial; a hang is not failing closed.", FIXES[case_id],
             redact=ctx.redact, docs=CHECK.docs)


def _baseline(ctx: RunContext, tenant: Tenant, who: str) -> Probe:
    """A private GET route the tenant's real token opens (2xx), confirmed now; cached per tenant."""
    cache = ctx.config.stash.setdefault(_BASELINES, {})
    cached = cache.get(tenant.name)
    if cached is not None:
        candidates = [cached]
    else:
        routes = [r for r in ctx.routes if r.method == "GET" and not r.public and not _ends_session(r, ctx.settings)
                  and all(name in tenant.ids for name in r.path_params)]
        # Routes any role may call first: the baseline should not depend on tenant A's role.
        privileged = {route.key for route, _ in privileged_routes(ctx.settings, ctx.routes)}
        routes.sort(key=lambda r: (r.key in privileged, len(r.path_params), len(r.params_in("query")), r.sort_key()))
        candidates = [_probe(r, tenant.ids) for r in routes[:MAX_BASELINE_TRIES]]
    tried: list[str] = []
    for probe in candidates:
        try:
            response = _send(ctx, probe, tenant.credentials)
        except httpx.TimeoutException:
            tried.append(f"{probe.route.key}: no answer within {ctx.settings.timeout:g} s")
            continue
        if not response.is_success:
            tried.append(f"{probe.route.key}: {response.status_code}")
            continue
        if cached is None and _answers_anyone(ctx, probe):
            # A route that serves a request with no token at all would also serve any forgery: no proof.
            tried.append(f"{probe.route.key}: 2xx without any credentials too (see the auth check)")
            continue
        cache[tenant.name] = probe
        return probe
    detail = "; ".join(tried) or "no private GET route whose path parameters it has ids for"
    pytest.skip(f"no private GET route answered 2xx to {who}'s real token ({detail}): a refused forgery would prove "
                "nothing. Seed ids with launchready_seed, or check launchready_exclude_routes.")


def _answers_anyone(ctx: RunContext, probe: Probe) -> bool:
    kwargs: dict[str, Any] = {"params": list(probe.query)}
    if probe.body is not None:
        kwargs["json"] = probe.body
    try:
        return ctx.client.request(probe.route.method, probe.path, **kwargs).is_success
    except httpx.TimeoutException:
        return False


@dataclass
class Outcome:
    """What the forged variants of one case got back."""

    accepted: list[tuple[str, httpx.Response]] = field(default_factory=list)
    crashed: list[tuple[str, httpx.Response]] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    other: list[tuple[str, int]] = field(default_factory=list)


def _try_variants(ctx: RunContext, probe: Probe, credentials: Credentials, variants: dict[str, str]) -> Outcome:
    outcome = Outcome()
    ctx.redact.add(*variants.values())  # an accepted forgery is as good as a real token
    for name, token in variants.items():
        try:
            response = _send(ctx, probe, credentials.with_token(token))
        except httpx.TimeoutException:
            outcome.timed_out.append(name)
            continue
        if response.is_success:
            outcome.accepted.append((name, response))
        elif response.status_code >= 500:
            outcome.crashed.append((name, response))
        elif response.status_code not in ctx.settings.deny_status:
            outcome.other.append((name, response.status_code))
    return outcome


def _judge(ctx: RunContext, case_id: str, probe: Probe, outcome: Outcome, forged_how: str, why: str) -> None:
    """FAIL on any acceptance, crash or hang; WARN on a refusal with an unexpected status; else PASS."""
    deny = "/".join(map(str, sorted(ctx.settings.deny_status)))
    bad = outcome.accepted or outcome.crashed
    if bad or outcome.timed_out:
        parts = []
        if outcome.accepted:
            parts.append("accepted (2xx): " + "; ".join(f"{n} -> {r.status_code}" for n, r in outcome.accepted))
        if outcome.crashed:
            parts.append("crashed (5xx, not failing closed): " + "; ".join(f"{n} -> {r.status_code}" for n, r in outcome.crashed))
        if outcome.timed_out:
            parts.append(f"no answer within {ctx.settings.timeout:g} s: " + "; ".join(outcome.timed_out))
        what = (f"Sent {probe.describe()} as tenant A with a forged token ({forged_how}). With the real token this request gets "
                f"2xx; each forged variant must get {deny}.\n" + "\n".join(f"  {p}" for p in parts))
        reason = why if outcome.accepted else "a forged token must be refused cleanly with " + deny + "; a crash or a hang is not failing closed."
        fail(what, reason, FIXES[case_id], response=bad[0][1] if bad else None, redact=ctx.redact,
             headers=("content-type", "www-authenticate"), docs=CHECK.docs)
    if outcome.other:
        shown = "; ".join(f"{n} -> {status}" for n, status in outcome.other)
        ctx.warn(f"{probe.route.key} refused a forged token of tenant A ({forged_how}) with a status outside launchready_deny_status "
                 f"({deny}): {shown}. Answer 401 so clients and monitoring see an authentication failure, or add the "
                 "status to launchready_deny_status.")


def _a_jwt(ctx: RunContext) -> tuple[Credentials, forge.Jwt]:
    credentials = ctx.tenant_a.credentials
    token = forge.parse(credentials.token)
    if token is None:
        pytest.skip(f"tenant A's {forge.describe_token(credentials.token)}: the JWT forgeries do not apply")
    return credentials, token


def _call_user(name: str, function: Callable[..., Any], ctx: RunContext, *args: Any) -> Any:
    """Call a user fixture's function; an exception is reported (redacted) as a broken fixture."""
    try:
        return function(*args)
    except TargetStoppedError:
        raise  # not the fixture's fault: the one-line "target stopped" error
    except Exception as exc:  # noqa: BLE001 - any failure of user code is reported, redacted
        pytest.fail(f"{name} raised {type(exc).__name__}: {ctx.redact(str(exc))}", pytrace=False)


# --- The cases ---------------------------------------------------------------------------------


def run_expired(ctx: RunContext) -> None:
    """A token with ``exp`` in the past, minted the way the app mints them (control: a current one is accepted)."""
    credentials = ctx.tenant_a.credentials
    if not credentials.token:
        pytest.skip(f"tenant A's {forge.describe_token(None)}")
    mint = ctx.fixture("launchready_mint_token")
    via = "launchready_mint_token" if mint is not None else f"launchready_jwt_key ({ctx.settings.jwt_key_env or 'not set'})"
    guarded_mint = (lambda claims: _call_user("launchready_mint_token", mint, ctx, claims)) if mint is not None else None
    parsed = forge.parse(credentials.token)
    now = int(time.time())
    current = {} if parsed is not None else {"iat": now, "exp": now + 3600}
    try:
        control = reissue(credentials, ctx.settings, guarded_mint, current)
        expired = mint_expired(credentials, ctx.settings, guarded_mint)
    except forge.CannotForge as exc:
        pytest.skip(f"cannot mint an expired token: {exc}")
    ctx.redact.add(control, expired)
    probe = _baseline(ctx, ctx.tenant_a, "tenant A")
    response = _send(ctx, probe, credentials.with_token(control))
    if not response.is_success:
        pytest.skip(f"a current token minted through {via} got {response.status_code} on {probe.route.key}: that mint or key "
                    "does not make tokens this app accepts, so a refused expired token would prove nothing")
    outcome = _try_variants(ctx, probe, credentials, {f"minted through {via} with exp an hour in the past": expired})
    _judge(ctx, "expired", probe, outcome, "re-issued with exp in the past",
           "an expired token still works: a token that leaked once (logs, a shared laptop, a browser extension) opens the "
           "account for as long as the app runs.")


def _run_forged(ctx: RunContext, case_id: str, family: Callable[[forge.Jwt], dict[str, str]], forged_how: str) -> None:
    credentials, token = _a_jwt(ctx)
    probe = _baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = _try_variants(ctx, probe, credentials, family(token))
    _judge(ctx, case_id, probe, outcome, forged_how, WHY[case_id])


def run_alg_none(ctx: RunContext) -> None:
    """``alg`` none / None / NONE, with an empty signature and with the original one kept."""
    _run_forged(ctx, "alg none", forge.alg_none_variants, "alg set to none, None or NONE, with and without a signature")


def run_stripped(ctx: RunContext) -> None:
    """The signature removed."""
    _run_forged(ctx, "signature stripped", forge.stripped_variants, "with its signature removed")


def run_altered(ctx: RunContext) -> None:
    """Signature bytes flipped."""
    _run_forged(ctx, "signature altered", forge.altered_variants, "with its signature bytes changed")


def run_payload_changed(ctx: RunContext) -> None:
    """Identity claims set to tenant B's user (a real one) under A's signature, and an extra claim added."""
    credentials, token = _a_jwt(ctx)
    other = forge.parse(ctx.tenant_b.credentials.token)
    probe = _baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = _try_variants(ctx, probe, credentials, forge.payload_variants(token, other.claims if other else None))
    _judge(ctx, "payload changed", probe, outcome, "with its claims edited under the original signature", WHY["payload changed"])


def run_key_confusion(ctx: RunContext) -> None:
    """An RS/ES token turned into HS*, signed with the public key's bytes as the HMAC secret."""
    credentials, token = _a_jwt(ctx)
    if not token.is_asymmetric:
        pytest.skip(f"tenant A's token is signed with {token.alg!r}: key confusion turns an RS/PS/ES token into HS, so it does not apply")
    try:
        public_key = forge.load_public_key(ctx.settings)
    except forge.CannotForge as exc:
        pytest.skip(str(exc))
    if not forge.public_key_verifies(credentials.token or "", public_key):
        pytest.skip(f"the key in launchready_jwt_public_key does not verify tenant A's {token.alg} token: a refused forgery would "
                    "prove nothing. Point it at the public key your app verifies with.")
    probe = _baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = _try_variants(ctx, probe, credentials, forge.key_confusion_variants(token, public_key))
    _judge(ctx, "key confusion", probe, outcome, f"turned from {token.alg} into HMAC signed with your public key", WHY["key confusion"])


def run_weak_secret(ctx: RunContext) -> None:
    """Guess A's HMAC secret offline from the bundled list and generated patterns (no request sent)."""
    _, token = _a_jwt(ctx)
    if not token.is_hmac:
        pytest.skip(f"tenant A's token is signed with {token.alg!r}: there is no shared secret to guess")
    found, tried = weak_keys.crack_weak_secret(token)
    if found is None:
        return
    ctx.redact.add(found)
    # Not even a preview: four characters of a short common word are most of it.
    shown = "the empty string" if found == "" else f"a {len(found)}-character common secret"
    fail(
        f"Tenant A's {token.alg} token is signed with {shown}, found offline among the {tried} "
        "weak secrets pytest-launchready tries (its bundled list and generated word/year patterns).",
        "anyone holding one token (their own) can find this secret the same way in well under a second and then mint "
        "tokens for any user, org and role.",
        FIXES["weak secret"], redact=ctx.redact, docs=CHECK.docs,
    )


def run_revoked(ctx: RunContext) -> None:
    """A fresh user logs out (fixture or route); the same credentials must then be refused."""
    logout = ctx.fixture("launchready_logout")
    route_key = ctx.settings.logout_route
    if logout is None and not route_key:
        pytest.skip("no way to log out: define launchready_logout(credentials) or set launchready_logout_route = POST /auth/logout")
    user = ctx.fresh_tenant("revoke")
    probe = _baseline(ctx, user, "a fresh user")
    if logout is not None:
        _call_user("launchready_logout", logout, ctx, user.credentials)
        how = "launchready_logout(credentials)"
    else:
        method, path = route_key.split(" ", 1)
        if "{" in path:
            pytest.skip(f"launchready_logout_route {route_key} has path parameters: define launchready_logout(credentials) instead")
        route = next((r for r in ctx.routes if r.key == route_key), None)
        body = minimal_body(route) if route is not None else None
        response = ctx.client.request(method, path, auth=user.credentials, **({"json": body} if body is not None else {}))
        if response.status_code >= 400:
            pytest.skip(f"logging out through {route_key} answered {response.status_code}: the user was not logged out, so "
                        "nothing can be proven about revocation")
        how = route_key
    response = _send_or_fail(ctx, probe, user.credentials, f"after logout through {how}", "revoked after logout")
    if response.status_code in ctx.settings.deny_status:
        return
    if response.is_success or response.status_code >= 500:
        fail(
            f"A fresh user logged out through {how}, then sent {probe.describe()} with the same credentials: the app "
            f"answered {response.status_code} (before logout it answered 2xx).",
            "a token must stop working at logout: otherwise a stolen or shared-device token stays valid until it expires."
            if response.is_success else "a revoked token must be refused cleanly; a 5xx is not failing closed.",
            FIXES["revoked after logout"] + " (If your logout fixture does not actually log out, fix the fixture.)",
            response=response, redact=ctx.redact, headers=("content-type",), docs=CHECK.docs,
        )
    ctx.warn(f"after logout, {probe.route.key} refused the old credentials with {response.status_code}, a status outside "
             "launchready_deny_status: answer 401, or add the status to launchready_deny_status")


def run_role_change(ctx: RunContext) -> None:
    """Demote a user who can call a privileged route; the same token must lose that right at once."""
    set_role = ctx.fixture("launchready_set_role")
    if set_role is None:
        pytest.skip("define launchready_set_role(tenant, credentials, role) to change a user's role")
    candidates = privileged_routes(ctx.settings, ctx.routes)
    if not candidates:
        pytest.skip("no route only a higher role may call (launchready_role_routes / x-launchready-roles)")
    lowest = ctx.settings.roles[-1]
    tenant = ctx.fresh_tenant("demote")
    ids: dict[str, str] | None = None
    users: dict[str, Tenant] = {}
    tried: list[str] = []
    for route, role in candidates:
        if len(tried) >= MAX_ROLE_TRIES:
            break
        if route.path_params and ids is None:
            seed = ctx.fixture("launchready_seed")
            ids = {str(k): str(v) for k, v in (_call_user("launchready_seed", seed, ctx, tenant) or {}).items()} if seed else {}
        if route.path_params and not all(name in (ids or {}) for name in route.path_params):
            continue
        user = users.get(role) or users.setdefault(role, ctx.tenant_role(role, tenant))
        before = _probe(route, ids or {}, "launchready-before")
        response = _send(ctx, before, user.credentials)
        if not response.is_success:
            tried.append(f"{route.key} as {role}: {response.status_code}")
            continue
        _call_user("launchready_set_role", set_role, ctx, tenant.name, user.credentials, lowest)
        after = _probe(route, ids or {}, "launchready-after")
        response = _send_or_fail(ctx, after, user.credentials, f"after demotion to {lowest!r}", "role change")
        if response.status_code in ctx.settings.deny_status:
            return
        if response.is_success or response.status_code >= 500:
            fail(
                f"A user of a fresh tenant in role {role!r} called {after.describe()} successfully; launchready_set_role then "
                f"demoted it to {lowest!r}, and the same credentials sent again got {response.status_code}.",
                f"only {role} and higher may call {route.key}: a demoted (or removed) user keeps the higher rights for as long "
                "as the token lives." if response.is_success else "a refused call must not crash the app (5xx).",
                FIXES["role change"] + " (If your launchready_set_role fixture did not actually change the role, fix the fixture.)",
                response=response, redact=ctx.redact, headers=("content-type",), docs=CHECK.docs,
            )
        ctx.warn(f"after demotion to {lowest!r}, {route.key} refused the old token with {response.status_code}, a status outside "
                 "launchready_deny_status: answer 403, or add the status to launchready_deny_status")
        return
    detail = "; ".join(tried) or "no privileged route whose path parameters a fresh tenant has ids for (define launchready_seed)"
    pytest.skip(f"cannot prove a demotion: no user in the required role could call a privileged route first ({detail})")


_RUNNERS: dict[str, Callable[[RunContext], None]] = {
    "expired": run_expired,
    "alg none": run_alg_none,
    "signature stripped": run_stripped,
    "signature altered": run_altered,
    "payload changed": run_payload_changed,
    "key confusion": run_key_confusion,
    "weak secret": run_weak_secret,
    "revoked after logout": run_revoked,
    "role change": run_role_change,
}


def run(ctx: RunContext, case: Case) -> None:
    """Run one of the nine cases."""
    _RUNNERS[case.id](ctx)


CHECK = Check(
    name="tokens",
    title="Expired, forged and revoked tokens are refused; role changes take effect at once.",
    cases=cases,
    run=run,
    needs_login=True,
)
