"""Tokens that must verify: the credentials' claims with changes, issued the way the app issues them.

Through the user's ``launchready_mint_token`` when defined, else re-signed with the key in
``launchready_jwt_key`` through PyJWT, keeping the original header. Used by the tokens check's
``expired`` case and the ``expired_token`` fixture. Nothing here sends a request or prints a token.
"""

from __future__ import annotations

import time
import warnings
from typing import TYPE_CHECKING, Any, Callable, Mapping

from pytest_launchready.checks.tokens.forge import CannotForge, describe_token, parse

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.tenants import Credentials

#: Seconds in the past an expired token's ``exp`` lies: well beyond any clock-skew leeway.
EXPIRED_AGO = 3600
_DEFAULT_LIFETIME = 3600
_MAX_LIFETIME = 30 * 24 * 3600


def expired_changes(claims: Mapping[str, Any], now: float | None = None) -> dict[str, int]:
    """``exp`` an hour in the past; ``iat`` (and ``nbf`` when present) moved back by the token's own lifetime.

    Keeping the lifetime keeps the token plausible to apps that also bound ``exp - iat``.
    """
    now_s = int(time.time() if now is None else now)
    exp, iat = claims.get("exp"), claims.get("iat")
    lifetime = _DEFAULT_LIFETIME
    if isinstance(exp, (int, float)) and isinstance(iat, (int, float)) and 0 < exp - iat <= _MAX_LIFETIME:
        lifetime = int(exp - iat)
    expired = now_s - EXPIRED_AGO
    changes = {"exp": expired, "iat": expired - lifetime}
    if "nbf" in claims:
        changes["nbf"] = expired - lifetime
    return changes


def reissue(credentials: Credentials, settings: Settings, mint: Callable[[dict[str, Any]], str] | None,
            changes: Mapping[str, Any]) -> str:
    """A token carrying the credentials' claims with ``changes``, that the app should otherwise accept.

    Through ``mint`` (the user's ``launchready_mint_token``) when given; else re-signed with the key
    in ``launchready_jwt_key`` (an HMAC secret, or a PEM private key for RS/PS/ES/EdDSA), keeping the
    original header (``kid``, ``typ``). Raises :class:`CannotForge` with the reason otherwise.
    """
    token = parse(credentials.token)
    claims = {**(token.claims if token else {}), **changes}
    if mint is not None:
        minted = mint(claims)
        if not isinstance(minted, str) or not minted:
            raise CannotForge(f"launchready_mint_token returned {type(minted).__name__}, not a token string")
        return minted
    if token is None:
        raise CannotForge(f"tenant A's {describe_token(credentials.token)}; define launchready_mint_token(claims) to issue one")
    if not settings.jwt_key_env:
        raise CannotForge("define launchready_mint_token(claims), or set launchready_jwt_key = env:VAR naming the signing key")
    key = settings.jwt_key
    if not key:
        raise CannotForge(f"launchready_jwt_key names the environment variable {settings.jwt_key_env}, which is not set")
    import jwt

    headers = {k: v for k, v in token.header.items() if k != "alg"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a short HMAC key is the app's problem (see the weak-secret case)
            return jwt.encode(claims, key, algorithm=token.alg, headers=headers)
    except (jwt.PyJWTError, NotImplementedError, ValueError, TypeError) as exc:
        raise CannotForge(
            f"the key in {settings.jwt_key_env} cannot sign {token.alg!r} tokens ({type(exc).__name__}): it must be the HMAC "
            "secret for HS*, or the PEM private key for RS/PS/ES"
        ) from None


def mint_expired(credentials: Credentials, settings: Settings, mint: Callable[[dict[str, Any]], str] | None,
                 now: float | None = None) -> str:
    """The credentials' token with ``exp`` in the past; raises :class:`CannotForge` with the reason."""
    token = parse(credentials.token)
    return reissue(credentials, settings, mint, expired_changes(token.claims if token else {}, now))


def expired_token(credentials: Credentials, settings: Settings, mint: Callable[[dict[str, Any]], str] | None) -> str | None:
    """The credentials' token with ``exp`` in the past, or None when there is no way to mint one."""
    try:
        return mint_expired(credentials, settings, mint)
    except CannotForge:
        return None
