"""A real, tiny authoritative DNS server on 127.0.0.1, and the zones the mail check's tests use.

It answers UDP queries from an in-memory table of records on an ephemeral port, in a background
thread, so the mail check's real resolver code (dnspython, checkdmarc, dkimpy) is exercised end to end
without any traffic leaving loopback. A name that has records of another type answers NOERROR with no
data; a name with no records at all answers NXDOMAIN, as a real server would (both count as void
lookups in SPF).
"""

from __future__ import annotations

import atexit
import base64
import functools
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from dnslib import AAAA, CNAME, MX, QTYPE, RCODE, RR, TXT, A, DNSLabel, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

_TTL = 60


def _txt(value: str) -> TXT:
    """A TXT rdata, split into 255-byte character-strings as a DNS provider does for long records."""
    data = value.encode()
    return TXT([data[i : i + 255] for i in range(0, len(data), 255)] or [b""])


def _rdata(rtype: str, value: str) -> object:
    if rtype == "TXT":
        return _txt(value)
    if rtype == "MX":
        preference, host = value.split()
        return MX(host, int(preference))
    if rtype == "A":
        return A(value)
    if rtype == "AAAA":
        return AAAA(value)
    if rtype == "CNAME":
        return CNAME(value)
    raise ValueError(f"unsupported record type {rtype}")


class _Resolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, zone: LocalZone) -> None:
        self.zone = zone

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        reply.header.aa = 1
        name = str(request.q.qname).lower().rstrip(".")
        qtype = QTYPE[request.q.qtype]
        records = self.zone.records.get(name)
        if not records:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for rtype, value in records:
            if rtype == qtype or (rtype == "CNAME" and qtype != "CNAME"):
                reply.add_answer(RR(DNSLabel(name + "."), QTYPE.reverse[rtype], rdata=_rdata(rtype, value), ttl=_TTL))
        return reply


class LocalZone:
    """Records served by a :class:`LocalDNSServer`: ``zone.add("example.test", "TXT", "v=spf1 -all")``."""

    def __init__(self) -> None:
        self.records: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def add(self, name: str, rtype: str, *values: str) -> LocalZone:
        """Add one record of ``rtype`` per value at ``name`` (no trailing dot needed)."""
        for value in values:
            self.records[name.lower().rstrip(".")].append((rtype.upper(), value))
        return self

    def names(self) -> Iterable[str]:
        """Every name that has records."""
        return self.records.keys()


class LocalDNSServer:
    """A UDP DNS server on 127.0.0.1 and an ephemeral port, serving a :class:`LocalZone`.

    Use as a context manager; ``address`` is ``(host, port)`` and ``setting`` is the value for
    ``launchready_nameservers``.
    """

    def __init__(self, zone: LocalZone) -> None:
        self.zone = zone
        quiet = DNSLogger(log="-recv,-send,-request,-reply,-truncated,-error,-data", logf=lambda _message: None)
        self._server = DNSServer(_Resolver(zone), port=0, address="127.0.0.1", logger=quiet)

    @property
    def address(self) -> tuple[str, int]:
        """``("127.0.0.1", port)``."""
        host, port = self._server.server.server_address[:2]
        return str(host), int(port)

    @property
    def setting(self) -> str:
        """``127.0.0.1:<port>``, as ``launchready_nameservers`` takes it."""
        host, port = self.address
        return f"{host}:{port}"

    def __enter__(self) -> LocalDNSServer:
        self._server.start_thread()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()
        self._server.server.server_close()


# --- the mail check's test world ------------------------------------------------------------------
# Keys are generated per test session (never stored in the repo). good.test is correct in every
# respect; each other domain copies it and breaks exactly one thing, named by the domain.

@dataclass(frozen=True)
class MailKeys:
    """DKIM keys for the test zones: RSA 2048/1024/512 and ed25519 for good.test, the provider's, and a stranger's (never published)."""

    rsa2048: rsa.RSAPrivateKey
    rsa1024: rsa.RSAPrivateKey
    rsa512: rsa.RSAPrivateKey
    ed: ed25519.Ed25519PrivateKey
    provider: rsa.RSAPrivateKey
    stranger: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> MailKeys:
        """Fresh keys (about 0.1 s)."""
        return cls(
            rsa2048=rsa.generate_private_key(65537, 2048),
            rsa1024=rsa.generate_private_key(65537, 1024),
            rsa512=_weak_rsa_key(512),
            ed=ed25519.Ed25519PrivateKey.generate(),
            provider=rsa.generate_private_key(65537, 2048),
            stranger=rsa.generate_private_key(65537, 2048),
        )


def pem(key: rsa.RSAPrivateKey) -> bytes:
    """The PKCS#1 PEM dkimpy signs with."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def dkim_record(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey, extra: str = "") -> str:
    """The TXT record that publishes ``key``'s public half."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return f"v=DKIM1; k=ed25519; {extra}p={base64.b64encode(raw).decode()}"
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return f"v=DKIM1; k=rsa; {extra}p={base64.b64encode(der).decode()}"


def _weak_rsa_key(bits: int) -> rsa.RSAPrivateKey:
    """An RSA key below cryptography's 1024-bit generation floor, to prove such keys fail."""
    half = bits // 2
    p, q = _prime(half), _prime(half)
    while p == q:
        q = _prime(half)
    n, e = p * q, 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, n))
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def _prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if (candidate - 1) % 65537 and _probably_prime(candidate):
            return candidate


def _probably_prime(n: int, rounds: int = 40) -> bool:
    for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


GOOD_SPF = "v=spf1 include:_spf.provider.test ip4:192.0.2.0/24 -all"
GOOD_DMARC = "v=DMARC1; p=reject; rua=mailto:dmarc@good.test,mailto:dmarc@reports.test"


def _domain(zone: LocalZone, keys: MailKeys, name: str, *, spf: tuple[str, ...] = (GOOD_SPF,),
            dmarc: tuple[str, ...] | None = None, mx: tuple[str, ...] = ("10 mx1.good.test",)) -> None:
    """A sending domain like good.test, with the records given instead of the good ones."""
    zone.add(name, "TXT", f"site-verification={name}", *spf)
    zone.add(f"s1._domainkey.{name}", "TXT", dkim_record(keys.rsa2048))
    zone.add(f"_dmarc.{name}", "TXT",
             *(dmarc if dmarc is not None else (GOOD_DMARC.replace("good.test", name),)))
    if dmarc is None:
        zone.add(f"{name}._report._dmarc.reports.test", "TXT", "v=DMARC1")
    if mx:
        zone.add(name, "MX", *mx)


def mail_zone(keys: MailKeys) -> LocalZone:
    """good.test, its provider, and one broken domain per defect the mail check must catch."""
    zone = LocalZone()
    # The mail provider and report service good.test relies on.
    zone.add("_spf.provider.test", "TXT", "v=spf1 ip4:198.51.100.0/24 -all")
    zone.add("p1._domainkey.provider.test", "TXT", dkim_record(keys.provider))
    zone.add("reports.test", "MX", "10 mx.reports.test")
    zone.add("mx.reports.test", "A", "192.0.2.30")
    zone.add("mx1.good.test", "A", "192.0.2.10")

    _domain(zone, keys, "good.test")
    zone.add("ed._domainkey.good.test", "TXT", dkim_record(keys.ed))
    zone.add("weak._domainkey.good.test", "TXT", dkim_record(keys.rsa1024))
    zone.add("tiny._domainkey.good.test", "TXT", dkim_record(keys.rsa512))
    zone.add("revoked._domainkey.good.test", "TXT", "v=DKIM1; k=rsa; p=")
    zone.add("testing._domainkey.good.test", "TXT", dkim_record(keys.rsa2048, extra="t=y; "))
    zone.add("two._domainkey.good.test", "TXT", dkim_record(keys.rsa2048), dkim_record(keys.provider))
    zone.add("garbage._domainkey.good.test", "TXT", "v=DKIM1; k=rsa; p=bm90IGEga2V5")
    zone.add("sub.good.test", "A", "192.0.2.40")  # a subdomain with no DMARC record of its own

    # SPF, one defect each.
    _domain(zone, keys, "nospf.test", spf=())
    _domain(zone, keys, "twospf.test", spf=(GOOD_SPF, "v=spf1 ip4:203.0.113.0/24 -all"))
    _domain(zone, keys, "plusall.test", spf=("v=spf1 +all",))
    _domain(zone, keys, "neutral.test", spf=("v=spf1 ip4:192.0.2.0/24 ?all",))
    _domain(zone, keys, "noall.test", spf=("v=spf1 ip4:192.0.2.0/24",))
    _domain(zone, keys, "softfail.test", spf=("v=spf1 include:_spf.provider.test ~all",))
    _domain(zone, keys, "syntax.test", spf=("v=spf1 ip4:999.0.2.1 -all",))
    _domain(zone, keys, "redirect.test", spf=("v=spf1 redirect=_spf.provider.test",))
    _domain(zone, keys, "toomany.test", spf=("v=spf1 include:l0.chain.test -all",))
    for i in range(11):  # l0 includes l1 ... l10: 11 include lookups
        zone.add(f"l{i}.chain.test", "TXT", f"v=spf1 include:l{i + 1}.chain.test -all" if i < 10 else "v=spf1 ip4:192.0.2.1 -all")
    _domain(zone, keys, "tenlookups.test", spf=("v=spf1 include:l1.chain.test -all",))  # exactly 10 lookups
    _domain(zone, keys, "void.test", spf=("v=spf1 a:gone1.void.test mx:gone2.void.test a:gone3.void.test ip4:192.0.2.0/24 -all",))
    _domain(zone, keys, "twovoid.test", spf=("v=spf1 a:gone1.void.test a:gone2.void.test ip4:192.0.2.0/24 -all",))

    # DMARC, one defect each.
    _domain(zone, keys, "pnone.test", dmarc=("v=DMARC1; p=none; rua=mailto:dmarc@pnone.test",))
    _domain(zone, keys, "quarantine.test", dmarc=("v=DMARC1; p=quarantine; rua=mailto:dmarc@quarantine.test",))
    _domain(zone, keys, "spweak.test", dmarc=("v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@spweak.test",))
    _domain(zone, keys, "npweak.test", dmarc=("v=DMARC1; p=reject; np=quarantine; rua=mailto:dmarc@npweak.test",))
    _domain(zone, keys, "norua.test", dmarc=("v=DMARC1; p=reject",))
    _domain(zone, keys, "unauth.test", dmarc=("v=DMARC1; p=reject; rua=mailto:dmarc@collector.test",))
    _domain(zone, keys, "nodmarc.test", dmarc=())
    _domain(zone, keys, "twodmarc.test", dmarc=("v=DMARC1; p=reject; rua=mailto:d@twodmarc.test", "v=DMARC1; p=none"))
    _domain(zone, keys, "badtag.test", dmarc=("v=DMARC1; p=rejected; rua=mailto:d@badtag.test",))
    _domain(zone, keys, "pct.test", dmarc=("v=DMARC1; p=reject; pct=20; rua=mailto:d@pct.test",))
    zone.add("sub.spweak.test", "A", "192.0.2.41")
    # Own report addresses that cannot receive: no MX nor address, a null MX; an A record is enough.
    _domain(zone, keys, "norecv.test", dmarc=("v=DMARC1; p=reject; rua=mailto:a@reports.norecv.test,mailto:b@reports.norecv.test",))
    zone.add("reports.norecv.test", "TXT", "site-verification=reports")
    _domain(zone, keys, "nullrua.test", dmarc=("v=DMARC1; p=reject; rua=mailto:d@dmarc.nullrua.test",))
    zone.add("dmarc.nullrua.test", "MX", "0 .")
    _domain(zone, keys, "arua.test", dmarc=("v=DMARC1; p=reject; rua=mailto:d@inbox.arua.test",))
    zone.add("inbox.arua.test", "A", "192.0.2.42")

    # MX.
    _domain(zone, keys, "nomx.test", mx=())
    _domain(zone, keys, "nullmx.test", mx=("0 .",))
    _domain(zone, keys, "lamemx.test", mx=("10 nowhere.lamemx.test",))
    return zone


@dataclass(frozen=True)
class MailWorld:
    """The running DNS server for the mail tests and the keys its zones publish."""

    server: LocalDNSServer
    keys: MailKeys


@functools.cache
def shared_mail_world() -> MailWorld:
    """One server per test process, shared by every mail test module (and pytester runs in-process)."""
    keys = MailKeys.generate()
    server = LocalDNSServer(mail_zone(keys)).__enter__()
    atexit.register(server.__exit__)
    return MailWorld(server, keys)


def message(sender: str = "alice@good.test", return_path: str | None = "bounce@good.test", body: str = "Welcome aboard.") -> bytes:
    """A plain message as a receiving server stores it (CRLF line ends, Return-Path added)."""
    lines = [f"Return-Path: <{return_path}>"] if return_path else []
    lines += [f"From: Alice <{sender}>", "To: bob@customer.test", "Subject: Your invite",
              "Date: Mon, 01 Jan 2024 00:00:00 +0000", "Message-ID: <invite-1@good.test>", "", body, ""]
    return "\r\n".join(lines).encode()


def sign(raw: bytes, key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey, selector: str = "s1",
         domain: str = "good.test", algorithm: str = "") -> bytes:
    """``raw`` with a DKIM-Signature made by dkimpy prepended (ed25519-sha256 for an ed25519 key,
    else ``algorithm`` or rsa-sha256)."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        private, algorithm = base64.b64encode(seed), algorithm or "ed25519-sha256"
    else:
        private = pem(key)
    signature = dkim.sign(raw, selector.encode(), domain.encode(), private,
                          signature_algorithm=(algorithm or "rsa-sha256").encode(),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return bytes(signature) + raw
