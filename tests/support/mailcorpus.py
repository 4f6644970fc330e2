"""A labelled set of sending domains and signed samples for the mail check: one defect each (or none).

Every defect the mail check knows has at least one domain or sample here, labelled with the grade it
must get (``fail`` or ``warn``) on the aspect it breaks; every other aspect must pass. The good domains
and samples vary what a correct set-up may look like (redirects, exactly 10 lookups, ed25519 keys,
per-domain selectors, inherited policies, split TXT strings...), so a rule that over-reaches shows as a
false alarm. Served on 127.0.0.1 by :class:`~support.dnsserver.LocalDNSServer`; the domains are under
``.example`` so none shares an organizational domain with another or with the main test world.
"""

from __future__ import annotations

import atexit
import functools
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from support.dnsserver import LocalDNSServer, LocalZone, MailKeys, dkim_record, shared_mail_world, sign

#: ``(aspect, grade)``: an aspect is ``SPF``, ``DKIM <selector>``, ``DMARC``, ``MX`` or ``sample``.
Label = tuple[str, str]
MAILHOST_SPF = "spf.mailhost.example"


@dataclass(frozen=True)
class CorpusDomain:
    """A sending domain, the selectors it signs with, and the grades its broken aspects must get."""

    name: str
    defect: str
    expected: tuple[Label, ...] = ()
    selectors: tuple[str, ...] = ("s1",)

    def grade(self, aspect: str) -> str:
        """The grade ``aspect`` must get: its label, else ``pass``."""
        return dict(self.expected).get(aspect, "pass")


@dataclass(frozen=True)
class CorpusSample:
    """A raw message, its grade, and what each of its signatures must verify to (topmost first)."""

    name: str
    defect: str
    raw: bytes
    grade: str = "pass"
    verified: tuple[bool | None, ...] = (True,)


@dataclass(frozen=True)
class Corpus:
    """The zone's server, its domains and samples."""

    server: LocalDNSServer
    domains: tuple[CorpusDomain, ...]
    samples: tuple[CorpusSample, ...] = field(default=())

    @property
    def defects(self) -> int:
        """Labelled (domain or sample, aspect) pairs that must not pass."""
        return sum(len(d.expected) for d in self.domains) + sum(s.grade != "pass" for s in self.samples)


def _d(name: str, defect: str, *expected: Label, selectors: tuple[str, ...] = ("s1",)) -> CorpusDomain:
    return CorpusDomain(f"{name}.example", defect, expected, selectors)


DOMAINS: tuple[CorpusDomain, ...] = (
    # Good set-ups: every aspect passes.
    _d("good", "none"),
    _d("good-ed", "none: an RSA and an ed25519 selector", selectors=("s1", "ed")),
    _d("good-quarantine", "none: p=quarantine with a stricter sp=reject"),
    _d("good-redirect", "none: SPF by redirect= to the provider"),
    _d("good-ten", "none: exactly 10 SPF lookups"),
    _d("good-twovoid", "none: exactly 2 void SPF lookups"),
    _d("good-external", "none: an authorized external rua beside an own one"),
    _d("good-arua", "none: own rua whose domain has only an A record"),
    _d("good-selectors", "none: provider selectors named per domain", selectors=("google", "k2")),
    _d("good-4096", "none: a 4096-bit key split over TXT strings"),
    CorpusDomain("mail.good.example", "none: a subdomain inheriting p=reject"),
    # SPF.
    _d("spf-missing", "no SPF record", ("SPF", "fail")),
    _d("spf-two", "two SPF records", ("SPF", "fail")),
    _d("spf-lookups", "11 DNS-querying terms", ("SPF", "fail")),
    _d("spf-void", "3 void lookups", ("SPF", "fail")),
    _d("spf-dead-include", "include of a domain without SPF", ("SPF", "fail")),
    _d("spf-loop", "include loop", ("SPF", "fail")),
    _d("spf-syntax", "invalid ip4", ("SPF", "fail")),
    _d("spf-softfail", "~all", ("SPF", "warn")),
    _d("spf-plusall", "+all", ("SPF", "fail")),
    _d("spf-neutral", "?all", ("SPF", "fail")),
    _d("spf-noall", "no all term", ("SPF", "fail")),
    # DKIM keys.
    _d("dkim-missing", "no key at the selector", ("DKIM s1", "fail")),
    _d("dkim-two", "two keys at one selector", ("DKIM s1", "fail")),
    _d("dkim-garbage", "p= is not an RSA key", ("DKIM s1", "fail")),
    _d("dkim-edlen", "an ed25519 p= of 31 bytes", ("DKIM s1", "fail")),
    _d("dkim-revoked", "revoked key (empty p=)", ("DKIM s1", "fail")),
    _d("dkim-512", "RSA 512 bits", ("DKIM s1", "fail")),
    _d("dkim-1024", "RSA 1024 bits", ("DKIM s1", "warn")),
    _d("dkim-testing", "t=y", ("DKIM s1", "warn")),
    # DMARC.
    _d("dmarc-missing", "no DMARC record", ("DMARC", "fail")),
    _d("dmarc-two", "two DMARC records", ("DMARC", "fail")),
    _d("dmarc-syntax", "p=rejected", ("DMARC", "fail")),
    _d("dmarc-none", "p=none", ("DMARC", "fail")),
    _d("dmarc-norua", "no rua", ("DMARC", "fail")),
    _d("dmarc-spweak", "sp=none under p=reject", ("DMARC", "warn")),
    _d("dmarc-npweak", "np=none under p=reject", ("DMARC", "warn")),
    _d("dmarc-unauth", "external rua without authorization", ("DMARC", "warn")),
    _d("dmarc-pct", "pct=25", ("DMARC", "warn")),
    _d("dmarc-deadrua", "own rua whose domain has no MX nor A", ("DMARC", "warn")),
    CorpusDomain("mail.dmarc-inherit.example", "subdomain inheriting sp=none", (("DMARC", "fail"),)),
    # MX (an own rua at a domain that cannot receive is a DMARC warning too).
    _d("mx-missing", "no MX", ("MX", "fail"), ("DMARC", "warn")),
    _d("mx-null", "null MX", ("MX", "fail"), ("DMARC", "warn")),
    _d("mx-lame", "MX host without an address", ("MX", "warn")),
)


def _good(zone: LocalZone, keys: MailKeys, name: str, *, spf: tuple[str, ...] | None = None,
          dkim: dict[str, tuple[str, ...]] | None = None, dmarc: tuple[str, ...] | None = None,
          mx: tuple[str, ...] | None = None) -> None:
    """``name`` set up correctly, except for the records given."""
    zone.add(name, "TXT", f"verification={name}", *(spf if spf is not None else (f"v=spf1 include:{MAILHOST_SPF} -all",)))
    for selector, records in (dkim if dkim is not None else {"s1": (dkim_record(keys.rsa2048),)}).items():
        zone.add(f"{selector}._domainkey.{name}", "TXT", *records)
    zone.add(f"_dmarc.{name}", "TXT", *(dmarc if dmarc is not None else (f"v=DMARC1; p=reject; rua=mailto:dmarc@{name}",)))
    zone.add(name, "MX", *(mx if mx is not None else (f"10 mx.{name}",)))
    zone.add(f"mx.{name}", "A", "192.0.2.25")


def corpus_zone(keys: MailKeys, big: rsa.RSAPrivateKey, ed: ed25519.Ed25519PrivateKey) -> LocalZone:
    """Every domain of :data:`DOMAINS`, the provider they use, and the report service."""
    zone = LocalZone()
    rsa_key = (dkim_record(keys.rsa2048),)
    zone.add(MAILHOST_SPF, "TXT", "v=spf1 ip4:198.51.100.0/24 -all")
    zone.add("m1._domainkey.mailhost.example", "TXT", dkim_record(keys.provider))
    zone.add("reports.example", "MX", "10 mx.reports.example").add("mx.reports.example", "A", "192.0.2.30")
    for i in range(11):  # c0 includes c1 ... c10: 11 include lookups from c0, 10 from c1
        zone.add(f"c{i}.chain.example", "TXT", f"v=spf1 include:c{i + 1}.chain.example -all" if i < 10 else "v=spf1 ip4:192.0.2.1 -all")

    _good(zone, keys, "good.example", dkim={"s1": rsa_key, "tiny": (dkim_record(keys.rsa512),), "gone": ("v=DKIM1; k=rsa; p=",)})
    zone.add("mail.good.example", "TXT", f"v=spf1 include:{MAILHOST_SPF} -all")
    zone.add("s1._domainkey.mail.good.example", "TXT", *rsa_key)
    zone.add("mail.good.example", "MX", "10 mx.good.example")
    _good(zone, keys, "good-ed.example", dkim={"s1": rsa_key, "ed": (dkim_record(ed),)})
    _good(zone, keys, "good-quarantine.example", dmarc=("v=DMARC1; p=quarantine; sp=reject; rua=mailto:d@good-quarantine.example",))
    _good(zone, keys, "good-redirect.example", spf=(f"v=spf1 redirect={MAILHOST_SPF}",))
    _good(zone, keys, "good-ten.example", spf=("v=spf1 include:c1.chain.example -all",))
    _good(zone, keys, "good-twovoid.example", spf=("v=spf1 a:gone1.good-twovoid.example a:gone2.good-twovoid.example -all",))
    _good(zone, keys, "good-external.example",
          dmarc=("v=DMARC1; p=reject; rua=mailto:d@good-external.example,mailto:agg@reports.example",))
    zone.add("good-external.example._report._dmarc.reports.example", "TXT", "v=DMARC1")
    _good(zone, keys, "good-arua.example", dmarc=("v=DMARC1; p=reject; rua=mailto:d@inbox.good-arua.example",))
    zone.add("inbox.good-arua.example", "A", "192.0.2.26")
    _good(zone, keys, "good-selectors.example", dkim={"google": rsa_key, "k2": (dkim_record(keys.provider),)})
    _good(zone, keys, "good-4096.example", dkim={"s1": (dkim_record(big),)})

    _good(zone, keys, "spf-missing.example", spf=())
    _good(zone, keys, "spf-two.example", spf=(f"v=spf1 include:{MAILHOST_SPF} -all", "v=spf1 ip4:203.0.113.0/24 -all"))
    _good(zone, keys, "spf-lookups.example", spf=("v=spf1 include:c0.chain.example -all",))
    _good(zone, keys, "spf-void.example", spf=("v=spf1 a:n1.spf-void.example a:n2.spf-void.example mx:n3.spf-void.example -all",))
    _good(zone, keys, "spf-dead-include.example", spf=("v=spf1 include:nospf.mailhost.example -all",))
    zone.add("nospf.mailhost.example", "A", "198.51.100.9")
    _good(zone, keys, "spf-loop.example", spf=("v=spf1 include:loop.spf-loop.example -all",))
    zone.add("loop.spf-loop.example", "TXT", "v=spf1 include:spf-loop.example -all")
    _good(zone, keys, "spf-syntax.example", spf=("v=spf1 ip4:300.1.2.3 -all",))
    _good(zone, keys, "spf-softfail.example", spf=(f"v=spf1 include:{MAILHOST_SPF} ~all",))
    _good(zone, keys, "spf-plusall.example", spf=("v=spf1 +all",))
    _good(zone, keys, "spf-neutral.example", spf=(f"v=spf1 include:{MAILHOST_SPF} ?all",))
    _good(zone, keys, "spf-noall.example", spf=(f"v=spf1 include:{MAILHOST_SPF}",))

    _good(zone, keys, "dkim-missing.example", dkim={})
    _good(zone, keys, "dkim-two.example", dkim={"s1": (*rsa_key, dkim_record(keys.provider))})
    _good(zone, keys, "dkim-garbage.example", dkim={"s1": ("v=DKIM1; k=rsa; p=aGVsbG8gd29ybGQ=",)})
    _good(zone, keys, "dkim-edlen.example", dkim={"s1": ("v=DKIM1; k=ed25519; p=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",)})
    _good(zone, keys, "dkim-revoked.example", dkim={"s1": ("v=DKIM1; k=rsa; p=",)})
    _good(zone, keys, "dkim-512.example", dkim={"s1": (dkim_record(keys.rsa512),)})
    _good(zone, keys, "dkim-1024.example", dkim={"s1": (dkim_record(keys.rsa1024),)})
    _good(zone, keys, "dkim-testing.example", dkim={"s1": (dkim_record(keys.rsa2048, extra="t=y; "),)})

    _good(zone, keys, "dmarc-missing.example", dmarc=())
    _good(zone, keys, "dmarc-two.example", dmarc=("v=DMARC1; p=reject; rua=mailto:d@dmarc-two.example", "v=DMARC1; p=quarantine"))
    _good(zone, keys, "dmarc-syntax.example", dmarc=("v=DMARC1; p=rejected; rua=mailto:d@dmarc-syntax.example",))
    _good(zone, keys, "dmarc-none.example", dmarc=("v=DMARC1; p=none; rua=mailto:d@dmarc-none.example",))
    _good(zone, keys, "dmarc-norua.example", dmarc=("v=DMARC1; p=reject",))
    _good(zone, keys, "dmarc-spweak.example", dmarc=("v=DMARC1; p=reject; sp=none; rua=mailto:d@dmarc-spweak.example",))
    _good(zone, keys, "dmarc-npweak.example", dmarc=("v=DMARC1; p=reject; np=none; rua=mailto:d@dmarc-npweak.example",))
    _good(zone, keys, "dmarc-unauth.example", dmarc=("v=DMARC1; p=reject; rua=mailto:agg@reports.example",))
    _good(zone, keys, "dmarc-pct.example", dmarc=("v=DMARC1; p=reject; pct=25; rua=mailto:d@dmarc-pct.example",))
    _good(zone, keys, "dmarc-deadrua.example", dmarc=("v=DMARC1; p=reject; rua=mailto:d@reports.dmarc-deadrua.example",))
    zone.add("reports.dmarc-deadrua.example", "TXT", "verification=reports")
    zone.add("_dmarc.dmarc-inherit.example", "TXT", "v=DMARC1; p=reject; sp=none; rua=mailto:d@dmarc-inherit.example")
    zone.add("dmarc-inherit.example", "MX", "10 mx.good.example")
    zone.add("mail.dmarc-inherit.example", "TXT", f"v=spf1 include:{MAILHOST_SPF} -all")
    zone.add("s1._domainkey.mail.dmarc-inherit.example", "TXT", *rsa_key)
    zone.add("mail.dmarc-inherit.example", "MX", "10 mx.good.example")

    zone.add("mx-missing.example", "TXT", f"v=spf1 include:{MAILHOST_SPF} -all")
    zone.add("s1._domainkey.mx-missing.example", "TXT", *rsa_key)
    zone.add("_dmarc.mx-missing.example", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@mx-missing.example")
    _good(zone, keys, "mx-null.example", mx=("0 .",))
    zone.add("mx-lame.example", "TXT", f"v=spf1 include:{MAILHOST_SPF} -all")
    zone.add("s1._domainkey.mx-lame.example", "TXT", *rsa_key)
    zone.add("_dmarc.mx-lame.example", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@mx-lame.example")
    zone.add("mx-lame.example", "MX", "10 gone.mx-lame.example")
    return zone


def message(sender: str = "team@good.example", return_path: str | None = "bounce@good.example",
            body: str = "Your password reset link is inside.", extra: tuple[str, ...] = ()) -> bytes:
    """A plain message as a receiving server stores it (CRLF line ends, Return-Path added)."""
    lines = [f"Return-Path: <{return_path}>"] if return_path else []
    lines += [f"From: Team <{sender}>", "To: user@customer.example", "Subject: Reset your password",
              "Date: Tue, 02 Jan 2024 09:00:00 +0000", "Message-ID: <reset-7@good.example>", *extra, "", body, ""]
    return "\r\n".join(lines).encode()


def samples(keys: MailKeys, ed: ed25519.Ed25519PrivateKey) -> tuple[CorpusSample, ...]:
    """Signed (and unsigned) messages from good.example, each good or broken in one way."""
    rsa_signed = sign(message(), keys.rsa2048, "s1", "good.example")
    ed_from = sign(message(sender="team@good-ed.example", return_path="b@good-ed.example"), ed, "ed", "good-ed.example")
    relaxed = sign_relaxed(message(), keys.rsa2048)
    stranger_ed = ed25519.Ed25519PrivateKey.generate()
    return (
        CorpusSample("rsa.eml", "none", rsa_signed),
        CorpusSample("ed25519.eml", "none: ed25519-sha256 only", ed_from),
        CorpusSample("ed25519-and-rsa.eml", "none: ed25519 and RSA",
                     sign(sign(message(sender="team@good-ed.example", return_path="b@good-ed.example"), ed, "ed",
                               "good-ed.example"), keys.rsa2048, "s1", "good-ed.example"), verified=(True, True)),
        CorpusSample("subdomain-from.eml", "none: From a subdomain, d= the parent",
                     sign(message(sender="team@mail.good.example"), keys.rsa2048, "s1", "good.example")),
        CorpusSample("relaxed.eml", "none: relaxed canonicalization survives refolded headers",
                     relaxed.replace(b"Subject: Reset your password", b"Subject:  Reset   your password")),
        CorpusSample("provider-too.eml", "none: aligned plus a provider signature",
                     sign(rsa_signed, keys.provider, "m1", "mailhost.example"), verified=(True, True)),
        CorpusSample("tampered-body.eml", "body changed", rsa_signed.replace(b"link is inside", b"link is below"),
                     "fail", (False,)),
        CorpusSample("tampered-header.eml", "signed header changed",
                     rsa_signed.replace(b"Reset your password", b"Reset your passcode"), "fail", (False,)),
        CorpusSample("wrong-key.eml", "signed with a key never published",
                     sign(message(), keys.stranger, "s1", "good.example"), "fail", (False,)),
        CorpusSample("ed25519-tampered.eml", "ed25519, body changed", ed_from.replace(b"inside", b"here"),
                     "fail", (False,)),
        CorpusSample("ed25519-wrong-key.eml", "ed25519 key never published",
                     sign(message(sender="team@good-ed.example"), stranger_ed, "ed", "good-ed.example"), "fail", (False,)),
        CorpusSample("small-key.eml", "RSA 512-bit key", sign(message(), keys.rsa512, "tiny", "good.example"),
                     "fail", (False,)),
        CorpusSample("revoked.eml", "revoked selector", sign(message(), keys.rsa2048, "gone", "good.example"),
                     "fail", (False,)),
        CorpusSample("unaligned.eml", "signed by the provider's domain only",
                     sign(message(), keys.provider, "m1", "mailhost.example"), "fail", (True,)),
        CorpusSample("sha1.eml", "rsa-sha1", sign(message(), keys.rsa2048, "s1", "good.example", "rsa-sha1"),
                     "fail", (False,)),
        CorpusSample("unknown-algorithm.eml", "a= no verifier knows",
                     rsa_signed.replace(b"a=rsa-sha256", b"a=rsa-sha384"), "fail", (None,)),
        CorpusSample("rsa-and-unknown.eml", "a verified signature beside one no verifier can check",
                     sign(rsa_signed, keys.rsa2048, "s1", "good.example").replace(b"a=rsa-sha256", b"a=rsa-sha384", 1),
                     "warn", (None, True)),
        CorpusSample("unsigned.eml", "no DKIM-Signature", message(), "fail", ()),
        CorpusSample("no-from.eml", "no From header",
                     sign(message(), keys.rsa2048, "s1", "good.example").replace(b"From: Team <team@good.example>\r\n", b""),
                     "fail", (False,)),
        CorpusSample("esp-bounce.eml", "Return-Path at the provider",
                     sign(message(return_path="bounces@mailhost.example"), keys.rsa2048, "s1", "good.example"), "warn"),
        CorpusSample("no-return-path.eml", "no Return-Path",
                     sign(message(return_path=None), keys.rsa2048, "s1", "good.example"), "warn"),
    )


def sign_relaxed(raw: bytes, key: rsa.RSAPrivateKey) -> bytes:
    """``raw`` signed by good.example's s1 with relaxed/relaxed canonicalization."""
    import dkim

    from support.dnsserver import pem

    signature = dkim.sign(raw, b"s1", b"good.example", pem(key), canonicalize=(b"relaxed", b"relaxed"),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return bytes(signature) + raw


@functools.cache
def shared_corpus() -> Corpus:
    """The corpus zone on its own server, once per process (keys shared with the main test world)."""
    keys = shared_mail_world().keys
    big = rsa.generate_private_key(65537, 4096)
    ed = ed25519.Ed25519PrivateKey.generate()
    server = LocalDNSServer(corpus_zone(keys, big, ed)).__enter__()
    atexit.register(server.__exit__)
    return Corpus(server, DOMAINS, samples(keys, ed))
