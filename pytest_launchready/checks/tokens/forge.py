"""Forged variants of a JSON Web Token: pure functions that read a token and return new ones.

Used by the tokens check and by the ``tampered_tokens`` fixture. Nothing here sends a request or
prints a token. Malformed variants (``alg: none``, a stripped or altered signature, a payload changed
under the old signature, HMAC signed with a public key) are built from base64url pieces by hand,
because a JWT library refuses to make them. Tokens that must verify (an expired token re-signed with
the app's own key) are made in :mod:`~pytest_launchready.checks.tokens.mint`; guessing a weak HMAC
key, in :mod:`~pytest_launchready.checks.tokens.weak_keys`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.tenants import Credentials

#: HMAC algorithm name -> hashlib name.
HMAC_HASHES = {"HS256": "sha256", "HS384": "sha384", "HS512": "sha512"}
#: Asymmetric algorithms a key-confusion attack turns into HMAC (same hash size first).
ASYMMETRIC_PREFIXES = ("RS", "PS", "ES")
#: Claims that say who the caller is or which org it acts for: changed in the "payload changed" variants.
IDENTITY_CLAIMS = ("sub", "user_id", "uid", "userId", "email", "org", "org_id", "orgId", "organization",
                   "organization_id", "tenant", "tenant_id", "tenantId", "account_id", "accountId")


class CannotForge(Exception):
    """This variant cannot be made from this token and these settings; the message says why and what enables it."""


@dataclass(frozen=True)
class Jwt:
    """A compact JWS split into its parts, decoded without verification."""

    header: dict[str, Any]
    claims: dict[str, Any]
    # The segments rebuild the token: never in a repr (--showlocals).
    header_segment: str = field(repr=False)
    payload_segment: str = field(repr=False)
    signature: bytes = field(repr=False)

    @property
    def alg(self) -> str:
        """The ``alg`` header value, as written (``HS256``, ``RS256``, ``none``...)."""
        return str(self.header.get("alg", ""))

    @property
    def signing_input(self) -> bytes:
        """``header.payload``: the bytes the signature covers."""
        return f"{self.header_segment}.{self.payload_segment}".encode("ascii")

    @property
    def is_hmac(self) -> bool:
        """True when the token is signed with a shared secret (HS256/384/512)."""
        return self.alg in HMAC_HASHES

    @property
    def is_asymmetric(self) -> bool:
        """True for RS*, PS* and ES* tokens (signed with a private key, verified with a public one)."""
        return self.alg.startswith(ASYMMETRIC_PREFIXES)


def b64url_encode(data: bytes) -> str:
    """base64url without padding, as JWTs write it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """Decode a base64url segment with or without padding; raises ``ValueError`` when it is not one."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", segment):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error as exc:
        raise ValueError(str(exc)) from None


def _json_segment(obj: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def parse(token: str | None) -> Jwt | None:
    """The parts of ``token`` when it is a signed JWT (three segments, JSON header with ``alg``), else None."""
    if not token:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None  # opaque, or a five-part encrypted JWE whose claims cannot be edited
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str) or not isinstance(claims, dict):
        return None
    return Jwt(header, claims, parts[0], parts[1], signature)


def describe_token(token: str | None) -> str:
    """What kind of token this is, for NOT RUN reasons (``token is opaque (not a JWT)``; never the token)."""
    if not token:
        return ("credentials carry no token (no Authorization: Bearer/Token/JWT value, and no JWT in a header or "
                "cookie); pass Credentials(token=...)")
    if token.count(".") == 4:
        return "token is an encrypted JWE: its claims cannot be read or edited"
    if parse(token) is None:
        return "token is opaque (not a JWT)"
    return f"token is a JWT signed with {parse(token).alg!r}"  # type: ignore[union-attr]


# --- Malformed variants --------------------------------------------------------------------------


def alg_none_variants(token: Jwt) -> dict[str, str]:
    """``alg`` set to none / None / NONE, with an empty signature and with the original one kept."""
    variants = {}
    original = b64url_encode(token.signature)
    for spelling in ("none", "None", "NONE"):
        header = _json_segment({**token.header, "alg": spelling})
        variants[f"alg {spelling!r}, empty signature"] = f"{header}.{token.payload_segment}."
        variants[f"alg {spelling!r}, original signature kept"] = f"{header}.{token.payload_segment}.{original}"
    return variants


def stripped_variants(token: Jwt) -> dict[str, str]:
    """The original header and payload with no signature: an empty third part, and no third part."""
    return {
        "signature removed (empty third part)": f"{token.header_segment}.{token.payload_segment}.",
        "signature removed (two parts only)": f"{token.header_segment}.{token.payload_segment}",
    }


def altered_variants(token: Jwt) -> dict[str, str]:
    """The original header and payload with signature bytes flipped (first and last byte).

    Bits are flipped in the decoded bytes, not in the text: changing the last base64url character
    may only touch padding bits that decoders ignore, leaving the signature valid.
    """
    signature = token.signature or b"\x00" * 32
    first = bytes([signature[0] ^ 0x01]) + signature[1:]
    last = signature[:-1] + bytes([signature[-1] ^ 0x80])
    return {
        "first signature byte changed": f"{token.header_segment}.{token.payload_segment}.{b64url_encode(first)}",
        "last signature byte changed": f"{token.header_segment}.{token.payload_segment}.{b64url_encode(last)}",
    }


def payload_variants(token: Jwt, other_claims: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The claims changed under the original header and signature.

    With ``other_claims`` (another real user's claims), every identity claim both share takes the
    other user's value: an app that skips verification then serves that real user. Otherwise ``sub``
    (or the first identity claim present) gets a made-up value. A harmless extra claim is always sent
    too, so an app that looks the user up (and rejects an unknown one) still shows it did not verify.
    """
    signature = b64url_encode(token.signature)
    variants = {}
    swapped = {k: other_claims[k] for k in IDENTITY_CLAIMS if other_claims and k in token.claims and k in other_claims
               and other_claims[k] != token.claims[k]}
    if swapped:
        names = ", ".join(sorted(swapped))
        variants[f"{names} set to another real user's"] = _with_claims(token, swapped, signature)
    else:
        name = next((k for k in IDENTITY_CLAIMS if k in token.claims), "sub")
        variants[f"{name} set to a made-up user"] = _with_claims(token, {name: f"launchready-forged-{name}"}, signature)
    variants["an extra claim added"] = _with_claims(token, {"launchready_tampered": True}, signature)
    return variants


def _with_claims(token: Jwt, changes: Mapping[str, Any], signature: str) -> str:
    return f"{token.header_segment}.{_json_segment({**token.claims, **changes})}.{signature}"


def key_confusion_variants(token: Jwt, public_key: bytes) -> dict[str, str]:
    """The claims signed with HMAC using the public key's bytes as the secret.

    An app that takes ``alg`` from the token and hands its RSA/EC public key to the verifier accepts
    these. The key is tried as given and in its usual PEM spellings (with and without the final
    newline, SubjectPublicKeyInfo and PKCS#1), with the HMAC of the same hash size and HS256.
    """
    bits = token.alg[2:] if token.is_asymmetric else "256"
    algs = dict.fromkeys([f"HS{bits}" if f"HS{bits}" in HMAC_HASHES else "HS256", "HS256"])
    variants = {}
    for label, key in _public_key_spellings(public_key).items():
        for alg in algs:
            header = _json_segment({**token.header, "alg": alg})
            signing_input = f"{header}.{token.payload_segment}".encode("ascii")
            signature = hmac.digest(key, signing_input, HMAC_HASHES[alg])
            variants[f"{alg} signed with the public key ({label})"] = f"{header}.{token.payload_segment}.{b64url_encode(signature)}"
    return variants


def _public_key_spellings(public_key: bytes) -> dict[str, bytes]:
    spellings = {"as given": public_key, "trailing newline": public_key.strip() + b"\n", "no trailing newline": public_key.strip()}
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        loaded = serialization.load_pem_public_key(public_key.strip() + b"\n")
        pem = serialization.Encoding.PEM
        spellings["SubjectPublicKeyInfo PEM"] = loaded.public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo)
        if isinstance(loaded, rsa.RSAPublicKey):
            spellings["PKCS#1 PEM"] = loaded.public_bytes(pem, serialization.PublicFormat.PKCS1)
    except Exception:  # noqa: BLE001 - not a PEM public key (a certificate, a JWK): the given bytes still count
        pass
    unique: dict[bytes, str] = {}
    for label, key in spellings.items():
        unique.setdefault(key, label)
    return {label: key for key, label in unique.items()}


def load_public_key(settings: Settings) -> bytes:
    """The bytes ``launchready_jwt_public_key`` names (``env:VAR`` or a file path, relative to the rootdir)."""
    value = settings.jwt_public_key.strip()
    if not value:
        raise CannotForge("set launchready_jwt_public_key (env:VAR or a file path) to the public key that verifies your tokens")
    if value.startswith("env:"):
        name = value[4:].strip()
        key = os.environ.get(name, "")
        if not key.strip():
            raise CannotForge(f"launchready_jwt_public_key names the environment variable {name}, which is not set")
        return key.encode("utf-8")
    path = value if os.path.isabs(value) else os.path.join(settings.rootpath, value)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CannotForge(f"launchready_jwt_public_key = {value!r} cannot be read ({exc.strerror or type(exc).__name__})") from None


def public_key_verifies(token: str, public_key: bytes) -> bool:
    """True when ``public_key`` verifies the signature of ``token`` under its own asymmetric ``alg``.

    Proves the configured key is the app's before a refused key-confusion token is counted as a pass.
    """
    parsed = parse(token)
    if parsed is None or not parsed.is_asymmetric:
        return False
    import jwt

    try:
        jwt.PyJWS().decode(token, public_key, algorithms=[parsed.alg])
    except (jwt.PyJWTError, ValueError, TypeError):
        return False
    return True


def tampered_tokens(credentials: Credentials, settings: Settings, other: Credentials | None = None) -> dict[str, str]:
    """Forged variants of the credentials' JWT by name (empty when the token is not a JWT).

    Names start with the tokens check's case they belong to: ``alg none: ...``, ``signature
    stripped: ...``, ``signature altered: ...``, ``payload changed: ...`` and, when
    ``launchready_jwt_public_key`` is readable and the token is RS/PS/ES-signed, ``key confusion: ...``.
    ``other`` (another user's credentials) makes the payload variants impersonate that real user.
    """
    token = parse(credentials.token)
    if token is None:
        return {}
    other_token = parse(other.token) if other is not None else None
    families: dict[str, dict[str, str]] = {
        "alg none": alg_none_variants(token),
        "signature stripped": stripped_variants(token),
        "signature altered": altered_variants(token),
        "payload changed": payload_variants(token, other_token.claims if other_token else None),
    }
    if token.is_asymmetric and settings.jwt_public_key:
        try:
            families["key confusion"] = key_confusion_variants(token, load_public_key(settings))
        except CannotForge:
            pass
    return {f"{family}: {name}": forged for family, variants in families.items() for name, forged in variants.items()}
