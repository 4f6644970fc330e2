"""The cases about tenant A's token itself: expired, forged in five ways, or signed with a weak key.

Each forged token goes to the baseline route A's real token opens (see :mod:`.probes`); the tokens
come from :mod:`.forge` and :mod:`.mint`, the weak-key guess from :mod:`.weak_keys`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

import pytest

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH
from pytest_launchready.checks.tokens import forge, weak_keys
from pytest_launchready.checks.tokens.advice import DOCS, FIXES, WHY
from pytest_launchready.checks.tokens.mint import mint_expired, reissue
from pytest_launchready.checks.tokens.probes import baseline, call_user, send
from pytest_launchready.checks.tokens.verdict import judge, try_variants

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.tenants import Credentials


def _a_jwt(ctx: RunContext) -> tuple[Credentials, forge.Jwt]:
    credentials = ctx.tenant_a.credentials
    token = forge.parse(credentials.token)
    if token is None:
        pytest.skip(f"tenant A's {forge.describe_token(credentials.token)}: the JWT forgeries do not apply")
    return credentials, token


def run_expired(ctx: RunContext) -> None:
    """A token with ``exp`` in the past, minted the way the app mints them (control: a current one is accepted)."""
    credentials = ctx.tenant_a.credentials
    if not credentials.token:
        pytest.skip(f"tenant A's {forge.describe_token(None)}")
    mint = ctx.fixture("launchready_mint_token")
    via = "launchready_mint_token" if mint is not None else f"launchready_jwt_key ({ctx.settings.jwt_key_env or 'not set'})"
    guarded_mint = (lambda claims: call_user("launchready_mint_token", mint, ctx, claims)) if mint is not None else None
    parsed = forge.parse(credentials.token)
    now = int(time.time())
    current = {} if parsed is not None else {"iat": now, "exp": now + 3600}
    try:
        control = reissue(credentials, ctx.settings, guarded_mint, current)
        expired = mint_expired(credentials, ctx.settings, guarded_mint)
    except forge.CannotForge as exc:
        pytest.skip(f"cannot mint an expired token: {exc}")
    ctx.redact.add(control, expired)
    probe = baseline(ctx, ctx.tenant_a, "tenant A")
    response = send(ctx, probe, credentials.with_token(control))
    if not response.is_success:
        pytest.skip(f"a current token minted through {via} got {response.status_code} on {probe.route_key}: that mint or key "
                    "does not make tokens this app accepts, so a refused expired token would prove nothing")
    outcome = try_variants(ctx, probe, credentials, {f"minted through {via} with exp an hour in the past": expired})
    judge(ctx, "expired", probe, outcome, "re-issued with exp in the past",
          "an expired token still works: a token that leaked once (logs, a shared laptop, a browser extension) opens the "
          "account for as long as the app runs.")


def _run_forged(ctx: RunContext, case_id: str, family: Callable[[forge.Jwt], dict[str, str]], forged_how: str) -> None:
    credentials, token = _a_jwt(ctx)
    probe = baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = try_variants(ctx, probe, credentials, family(token))
    judge(ctx, case_id, probe, outcome, forged_how, WHY[case_id])


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
    probe = baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = try_variants(ctx, probe, credentials, forge.payload_variants(token, other.claims if other else None))
    judge(ctx, "payload changed", probe, outcome, "with its claims edited under the original signature", WHY["payload changed"])


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
    probe = baseline(ctx, ctx.tenant_a, "tenant A")
    outcome = try_variants(ctx, probe, credentials, forge.key_confusion_variants(token, public_key))
    judge(ctx, "key confusion", probe, outcome, f"turned from {token.alg} into HMAC signed with your public key", WHY["key confusion"])


def run_weak_secret(ctx: RunContext) -> None:
    """Guess A's HMAC secret offline from the bundled list and generated patterns (no request sent)."""
    _, token = _a_jwt(ctx)
    if not token.is_hmac:
        pytest.skip(f"tenant A's token is signed with {token.alg!r}: there is no shared secret to guess")
    progress = ctx.progress(0, "candidate keys")

    def report(tried: int, total: int) -> None:
        progress.total = total
        progress.update(tried)

    found, tried = weak_keys.crack_weak_secret(token, report)
    progress.finish(tried, "found" if found is not None else "none signs the token")
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
        FIXES["weak secret"], redact=ctx.redact, docs=DOCS, severity=HIGH,
    )
