"""Signed samples: verify every DKIM signature of a raw message (dkimpy, keys fetched through our
resolver) and check DMARC alignment of the signing and Return-Path domains with the From domain.
"""

from __future__ import annotations

import logging
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from pathlib import Path

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.report import SampleReport, SignatureResult
from pytest_launchready.checks.mail.resolver import MailResolver, organizational_domain

#: Signatures verified per message at most (a real message has one to three).
MAX_SIGNATURES = 10


def inspect_sample(path: str, rootpath: str, resolver: MailResolver) -> SampleReport:
    """Verify the DKIM signatures of the message at ``path`` (relative to ``rootpath``) and its alignment."""
    try:
        message = (Path(rootpath) / path).read_bytes()
    except OSError as error:
        reason = str(error.strerror or error)
        finding = policy.fail(f"cannot read the mail sample {path}: {reason}",
                              "Fix the path in launchready_mail_samples (relative to the rootdir).")
        return SampleReport(path=path, read_error=reason, findings=(finding,))
    headers = BytesHeaderParser().parsebytes(message)
    from_domain = _single_domain(headers.get_all("From") or [])
    return_path_domain = _domain(parseaddr(str(headers.get("Return-Path", "")))[1])
    signatures = verify_signatures(message, resolver)
    from_org = organizational_domain(from_domain) if from_domain else ""
    return_path_org = organizational_domain(return_path_domain) if return_path_domain else ""
    facts = [(s.domain, organizational_domain(s.domain) if s.domain else "", s.valid, s.error) for s in signatures]
    findings = policy.alignment_findings(path, from_domain, from_org, facts, return_path_domain, return_path_org)
    return SampleReport(
        path=path,
        findings=tuple(findings),
        from_domain=from_domain,
        return_path_domain=return_path_domain,
        signatures=signatures,
        dkim_aligned=any(s.valid and organizational_domain(s.domain) == from_org for s in signatures if s.domain),
        spf_aligned=(return_path_org == from_org) if return_path_domain and from_domain else None,
    )


def verify_signatures(message: bytes, resolver: MailResolver) -> tuple[SignatureResult, ...]:
    """Verify each ``DKIM-Signature`` (topmost first); keys are looked up through ``resolver``."""
    import dkim
    from dkim.util import InvalidTagValueList, parse_tag_value

    headers = dkim.DKIM(message).headers
    values = [value for name, value in headers if name.lower() == b"dkim-signature"][:MAX_SIGNATURES]
    results = []
    for index, value in enumerate(values):
        try:
            tags = parse_tag_value(value)
        except InvalidTagValueList as error:
            results.append(SignatureResult("", "", False, error=f"unparseable DKIM-Signature ({error})"))
            continue
        domain = tags.get(b"d", b"").decode("ascii", "replace").lower()
        selector = tags.get(b"s", b"").decode("ascii", "replace")
        algorithm = tags.get(b"a", b"").decode("ascii", "replace")
        valid, problem = _verify_one(message, index, algorithm, resolver)
        results.append(SignatureResult(domain, selector, valid, algorithm, problem))
    return tuple(results)


def _verify_one(message: bytes, index: int, algorithm: str, resolver: MailResolver) -> tuple[bool | None, str]:
    """(verified, why not); None when it could not be checked at all (an algorithm dkimpy does not
    know, or ed25519 without PyNaCl): such a signature is neither good nor bad."""
    import dkim
    from dkim.crypto import HASH_ALGORITHMS

    if algorithm.lower().encode() not in HASH_ALGORITHMS:
        return None, policy.unsupported_algorithm(algorithm)
    captured = _Capture()
    logger = logging.Logger("pytest_launchready.checks.mail.dkim", logging.DEBUG)
    logger.addHandler(captured)
    verifier = dkim.DKIM(message, logger=logger, minkey=policy.RSA_MINIMUM_BITS, timeout=resolver.timeout)
    try:
        if verifier.verify(idx=index, dnsfunc=resolver.dkim_dnsfunc):
            # dkimpy still accepts rsa-sha1; RFC 8301 3.1 says verifiers must not, and receivers don't.
            return (False, policy.SHA1_SIGNATURE) if algorithm.lower() == "rsa-sha1" else (True, "")
    except dkim.NaClNotFoundError:
        return None, policy.NO_NACL
    except dkim.DKIMException as error:
        if str(error).startswith("body hash mismatch"):
            return False, "the body was changed after signing (body hash mismatch)"
        return False, str(error)
    if captured.errors:
        return False, "; ".join(captured.errors)
    return False, ("the signature does not match the signed headers: the message was changed after signing, or "
                   "signed with a different key than the one published")


class _Capture(logging.Handler):
    """Keeps the errors dkimpy logs (it logs, rather than raises, why a key could not be used)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage())


def _single_domain(values: list[str]) -> str:
    addresses = [address for _, address in getaddresses(values) if address]
    return _domain(addresses[0]) if len(addresses) == 1 else ""


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[1].strip().strip(">").lower().rstrip(".") if "@" in address else ""
