"""DKIM key records: look up ``<selector>._domainkey.<domain>``, parse it with dkimpy, size the key.

dkimpy's own key loader (``dkim.evaluate_pk``) needs PyNaCl for ed25519 keys and throws away why a
record is unusable, so we use its tag=value and RSA key parsers directly and keep the reason.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.report import DkimResult
from pytest_launchready.checks.mail.resolver import MailResolver

ED25519_KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRecord:
    """What a DKIM key record says: its tags, key type and size, or why it cannot be used."""

    tags: tuple[tuple[str, str], ...] = ()
    key_type: str | None = None
    key_bits: int | None = None
    revoked: bool = False
    testing: bool = False
    error: str = ""


def parse_key_record(text: str) -> KeyRecord:
    """Parse a DKIM key record (RFC 6376 3.6.1, RFC 8463 for ed25519)."""
    from dkim.crypto import parse_public_key
    from dkim.util import InvalidTagValueList, parse_tag_value

    try:
        raw_tags = parse_tag_value(text.encode("utf-8"))
    except InvalidTagValueList as error:
        return KeyRecord(error=f"not a tag=value list ({type(error).__name__}: {error})")
    tags = {key.decode(): value.decode() for key, value in raw_tags.items()}
    pairs = tuple(tags.items())
    if "v" in tags and (tags["v"] != "DKIM1" or pairs[0][0] != "v"):
        return KeyRecord(pairs, error="v= must be the first tag and read DKIM1")
    if "p" not in tags:
        return KeyRecord(pairs, error="no p= tag (the public key)")
    testing = "y" in tags.get("t", "").lower().replace(" ", "").split(":")
    public = re.sub(r"\s+", "", tags["p"])
    if not public:
        return KeyRecord(pairs, revoked=True, testing=testing)
    key_type = tags.get("k", "rsa").lower()
    try:
        key = base64.b64decode(public, validate=True)
    except (binascii.Error, ValueError):
        return KeyRecord(pairs, key_type=key_type, error="p= is not valid base64")
    if key_type == "ed25519":
        if len(key) != ED25519_KEY_BYTES:
            return KeyRecord(pairs, key_type=key_type, error=f"an ed25519 key is {ED25519_KEY_BYTES} bytes, p= holds {len(key)}")
        return KeyRecord(pairs, key_type=key_type, key_bits=256, testing=testing)
    if key_type != "rsa":
        return KeyRecord(pairs, key_type=key_type, error=f"unknown key type k={key_type} (rsa or ed25519)")
    try:
        modulus = parse_public_key(key)["modulus"]
    except Exception as error:  # dkimpy's ASN.1 reader raises assorted errors on garbage
        return KeyRecord(pairs, key_type=key_type, error=f"p= is not an RSA public key ({error})")
    return KeyRecord(pairs, key_type=key_type, key_bits=int(modulus).bit_length(), testing=testing)


def inspect_dkim(domain: str, selector: str, resolver: MailResolver) -> DkimResult:
    """Look up and judge the DKIM key of ``selector`` for ``domain``."""
    name = f"{selector}._domainkey.{domain}"
    lookup = resolver.txt(name)
    base = DkimResult(domain=domain, selector=selector, lookups=(lookup,))
    if lookup.failed:
        return replace(base, findings=(policy.lookup_failed(lookup),))
    records = lookup.answers
    key = parse_key_record(records[0]) if len(records) == 1 else KeyRecord()
    findings = policy.dkim_findings(name, records, key.key_type, key.key_bits, key.revoked, key.testing, key.error)
    return replace(base, records=records, tags=key.tags, key_type=key.key_type, key_bits=key.key_bits,
                    revoked=key.revoked, testing=key.testing, findings=tuple(findings))
