"""The results of inspecting a mail domain: what was looked up, what it parsed to, and the findings.

These plain frozen objects are what the ``mail_domain`` fixture hands to QA's own tests, and what the
generated ``test_mail[...]`` items turn into failures and warnings. They import nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["fail", "warn"]


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a record: ``level`` is ``fail`` or ``warn``; ``fix`` says what to publish."""

    level: Level
    message: str
    fix: str


@dataclass(frozen=True)
class Lookup:
    """One DNS query and its outcome.

    ``status`` is ``NOERROR`` (``answers`` holds the records as text, TXT strings joined),
    ``NXDOMAIN``, ``NODATA`` (the name exists without records of this type), or ``ERROR`` with the
    reason in ``error`` (timeout, SERVFAIL, refused: nothing can be concluded).
    """

    name: str
    rtype: str
    status: str
    answers: tuple[str, ...] = ()
    error: str = ""

    @property
    def failed(self) -> bool:
        """The query got no usable answer (timeout, SERVFAIL...), as opposed to "no such record"."""
        return self.status == "ERROR"

    def describe(self) -> str:
        """``TXT example.com -> "v=spf1 -all"``, one line per record."""
        head = f"{self.rtype} {self.name}"
        if self.status == "ERROR":
            return f"{head} -> no answer ({self.error})"
        if not self.answers:
            return f"{head} -> {self.status} (no {self.rtype} records)"
        return "\n".join(f"{head} -> {_quote(answer, self.rtype)}" for answer in self.answers)


def _quote(answer: str, rtype: str) -> str:
    return f'"{answer}"' if rtype == "TXT" else answer


@dataclass(frozen=True)
class _Result:
    """Shared shape: the lookups made and the findings; passes when no finding is a failure."""

    lookups: tuple[Lookup, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def failures(self) -> tuple[Finding, ...]:
        """Findings that fail the launch."""
        return tuple(f for f in self.findings if f.level == "fail")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Weaknesses that fail only with ``launchready_strict_mail`` or ``--launchready-strict``."""
        return tuple(f for f in self.findings if f.level == "warn")

    @property
    def passed(self) -> bool:
        """No failing finding (warnings allowed)."""
        return not self.failures


@dataclass(frozen=True)
class SpfResult(_Result):
    """The SPF record of ``domain`` and what evaluating it costs.

    ``records`` are all ``v=spf1`` TXT records found (exactly one is valid). ``all_qualifier`` is the
    qualifier of the ``all`` that ends evaluation (``-``, ``~``, ``+``, ``?``, following ``redirect=``),
    or None when the record has none. ``dns_lookups`` and ``void_lookups`` count through includes and
    redirects (RFC 7208 4.6.4); None when the record could not be evaluated.
    """

    domain: str = ""
    records: tuple[str, ...] = ()
    all_qualifier: str | None = None
    dns_lookups: int | None = None
    void_lookups: int | None = None
    includes: tuple[str, ...] = ()
    redirect: str | None = None

    @property
    def record(self) -> str | None:
        """The SPF record when there is exactly one."""
        return self.records[0] if len(self.records) == 1 else None


@dataclass(frozen=True)
class DkimResult(_Result):
    """The DKIM key record at ``<selector>._domainkey.<domain>``.

    ``key_type`` is ``rsa`` or ``ed25519`` (None when unparseable), ``key_bits`` the RSA modulus size
    (256 for ed25519), ``revoked`` True when ``p=`` is empty, ``tags`` the record's tag=value pairs.
    """

    domain: str = ""
    selector: str = ""
    records: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    key_type: str | None = None
    key_bits: int | None = None
    revoked: bool = False
    testing: bool = False

    @property
    def name(self) -> str:
        """The DNS name of the key record."""
        return f"{self.selector}._domainkey.{self.domain}"


@dataclass(frozen=True)
class ReportDestination:
    """A DMARC ``rua`` address; an external one must be authorized by its domain's DNS.

    ``deliverable`` says whether an address in your own domain can receive mail (its domain has an
    MX record, or no MX but an A/AAAA address; a null MX cannot); None when it was not looked up.
    """

    uri: str
    domain: str
    external: bool
    authorized: bool | None = None
    authorization_name: str = ""
    deliverable: bool | None = None


@dataclass(frozen=True)
class DmarcResult(_Result):
    """The DMARC policy that applies to ``domain``.

    ``source`` is where the record was found: ``_dmarc.<domain>`` or, for a subdomain without its own
    record, ``_dmarc.<organizational domain>`` (``inherited`` True; then ``effective_policy`` is that
    record's ``sp``). ``policy``, ``subdomain_policy`` and ``nonexistent_policy`` are ``p``, ``sp`` and
    ``np`` with their defaults applied.
    """

    domain: str = ""
    organizational_domain: str = ""
    source: str = ""
    records: tuple[str, ...] = ()
    inherited: bool = False
    policy: str | None = None
    subdomain_policy: str | None = None
    nonexistent_policy: str | None = None
    percent: int = 100
    rua: tuple[ReportDestination, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def record(self) -> str | None:
        """The DMARC record when there is exactly one."""
        return self.records[0] if len(self.records) == 1 else None

    @property
    def effective_policy(self) -> str | None:
        """What receivers apply to mail from ``domain`` itself."""
        return self.subdomain_policy if self.inherited else self.policy


@dataclass(frozen=True)
class MxResult(_Result):
    """The MX hosts of ``domain``, ``(preference, host)`` sorted by preference."""

    domain: str = ""
    hosts: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class SignatureResult:
    """One ``DKIM-Signature`` of a sample: its ``d=``/``s=``, whether it verified, and why not.

    ``valid`` is None when the signature could not be checked at all (ed25519 without PyNaCl).
    """

    domain: str
    selector: str
    valid: bool | None
    algorithm: str = ""
    error: str = ""


@dataclass(frozen=True)
class SampleReport(_Result):
    """A raw signed message checked for DKIM validity and DMARC alignment with its From domain."""

    path: str = ""
    read_error: str = ""
    from_domain: str = ""
    return_path_domain: str = ""
    signatures: tuple[SignatureResult, ...] = ()
    dkim_aligned: bool = False
    spf_aligned: bool | None = None


@dataclass(frozen=True)
class MailDomainReport:
    """Everything the mail check knows about one sending domain (the ``mail_domain`` fixture's value)."""

    domain: str
    spf: SpfResult
    dkim: tuple[DkimResult, ...]
    dmarc: DmarcResult
    mx: MxResult
    nameservers: str = field(default="the system resolver")

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings, SPF first, then DKIM (per selector), DMARC and MX."""
        parts = (self.spf, *self.dkim, self.dmarc, self.mx)
        return tuple(f for part in parts for f in part.findings)

    @property
    def passed(self) -> bool:
        """No aspect has a failing finding."""
        return all(f.level != "fail" for f in self.findings)

    def dkim_for(self, selector: str) -> DkimResult:
        """The DKIM result of ``selector`` (KeyError when it was not configured)."""
        for result in self.dkim:
            if result.selector == selector:
                return result
        raise KeyError(selector)
