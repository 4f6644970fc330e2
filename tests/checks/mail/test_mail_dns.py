"""The mail inspections against a real DNS server on 127.0.0.1 serving good and broken domains."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Iterator

import dkim
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from pytest_launchready.checks.mail import inspect_domain
from pytest_launchready.checks.mail.dkim import inspect_dkim
from pytest_launchready.checks.mail.dmarc import inspect_dmarc
from pytest_launchready.checks.mail.mx import inspect_mx
from pytest_launchready.checks.mail.resolver import MailResolver
from pytest_launchready.checks.mail.samples import inspect_sample
from pytest_launchready.checks.mail.spf import inspect_spf
from pytest_launchready.config.settings import Settings
from pytest_launchready.config.values import DkimSelector
from support.dnsserver import MailKeys, MailWorld, message, sign


@pytest.fixture
def resolver(world: MailWorld) -> MailResolver:
    return MailResolver((world.server.address,), timeout=2.0, budget=10.0)


def levels(result: object) -> list[str]:
    return [f.level for f in result.findings]  # type: ignore[attr-defined]


# --- SPF --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("domain", "expected", "qualifier", "lookups", "void"),
    [
        ("good.test", [], "-", 1, 0),
        ("redirect.test", [], "-", 1, 0),
        ("tenlookups.test", [], "-", 10, 0),
        ("twovoid.test", [], "-", 2, 2),
        ("softfail.test", ["warn"], "~", 1, 0),
        ("plusall.test", ["fail"], "+", 0, 0),
        ("neutral.test", ["fail"], "?", 0, 0),
        ("noall.test", ["fail"], None, 0, 0),
        ("toomany.test", ["fail"], "-", 11, None),
        ("void.test", ["fail"], "-", None, 3),
        ("syntax.test", ["fail"], "-", None, None),
        ("nospf.test", ["fail"], None, None, None),
        ("twospf.test", ["fail"], None, None, None),
        ("nxdomain.test", ["fail"], None, None, None),
    ],
)
def test_spf(resolver: MailResolver, domain: str, expected: list[str], qualifier: str | None, lookups: int | None, void: int | None) -> None:
    result = inspect_spf(domain, resolver)
    assert levels(result) == expected
    assert (result.all_qualifier, result.dns_lookups, result.void_lookups) == (qualifier, lookups, void)


def test_spf_result_shows_what_is_published(resolver: MailResolver) -> None:
    good = inspect_spf("good.test", resolver)
    assert good.record == "v=spf1 include:_spf.provider.test ip4:192.0.2.0/24 -all"
    assert good.includes == ("_spf.provider.test",) and good.passed
    two = inspect_spf("twospf.test", resolver)
    assert len(two.records) == 2 and two.record is None
    assert "site-verification=twospf.test" in two.lookups[0].describe()  # every TXT record is evidence


# --- DKIM -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("selector", "expected", "key_type", "bits"),
    [
        ("s1", [], "rsa", 2048),
        ("ed", [], "ed25519", 256),
        ("weak", ["warn"], "rsa", 1024),
        ("tiny", ["fail"], "rsa", 512),
        ("revoked", ["fail"], None, None),
        ("testing", ["warn"], "rsa", 2048),
        ("two", ["fail"], None, None),
        ("garbage", ["fail"], "rsa", None),
        ("absent", ["fail"], None, None),
    ],
)
def test_dkim(resolver: MailResolver, selector: str, expected: list[str], key_type: str | None, bits: int | None) -> None:
    result = inspect_dkim("good.test", selector, resolver)
    assert levels(result) == expected
    assert (result.key_type, result.key_bits) == (key_type, bits)
    assert result.name == f"{selector}._domainkey.good.test"


def test_dkim_revoked_is_flagged(resolver: MailResolver) -> None:
    result = inspect_dkim("good.test", "revoked", resolver)
    assert result.revoked and "revoked" in result.findings[0].message


# --- DMARC ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("good.test", []),
        ("quarantine.test", []),
        ("sub.good.test", []),
        ("pnone.test", ["fail"]),
        ("spweak.test", ["warn"]),
        ("sub.spweak.test", ["fail"]),
        ("npweak.test", ["warn"]),
        ("norua.test", ["fail"]),
        ("unauth.test", ["warn"]),
        ("nodmarc.test", ["fail"]),
        ("twodmarc.test", ["fail"]),
        ("badtag.test", ["fail"]),
        ("pct.test", ["warn"]),
        ("nomx.test", ["warn"]),
        ("norecv.test", ["warn"]),
        ("nullrua.test", ["warn"]),
        ("arua.test", []),
    ],
)
def test_dmarc(resolver: MailResolver, domain: str, expected: list[str]) -> None:
    assert levels(inspect_dmarc(domain, resolver)) == expected


def test_dmarc_parsed_fields_and_authorized_external_reports(resolver: MailResolver) -> None:
    result = inspect_dmarc("good.test", resolver)
    assert (result.policy, result.subdomain_policy, result.nonexistent_policy) == ("reject", "reject", "reject")
    assert not result.inherited and result.source == "_dmarc.good.test"
    own, external = result.rua
    assert own.uri == "mailto:dmarc@good.test" and not own.external
    assert external.external and external.authorized and external.authorization_name == "good.test._report._dmarc.reports.test"


def test_dmarc_subdomain_inherits_the_organizational_policy(resolver: MailResolver) -> None:
    result = inspect_dmarc("sub.good.test", resolver)
    assert result.inherited and result.source == "_dmarc.good.test"
    assert result.organizational_domain == "good.test" and result.effective_policy == "reject"
    assert [lookup.name for lookup in result.lookups[:2]] == ["_dmarc.sub.good.test", "_dmarc.good.test"]
    weak = inspect_dmarc("sub.spweak.test", resolver)
    assert weak.inherited and weak.effective_policy == "none" and "sp=none" in weak.findings[0].message


def test_dmarc_unauthorized_external_reports_name_the_record_to_publish(resolver: MailResolver) -> None:
    (finding,) = inspect_dmarc("unauth.test", resolver).findings
    assert "unauth.test._report._dmarc.collector.test" in finding.fix and "v=DMARC1" in finding.fix
    assert "the policy still applies" in finding.message


def test_dmarc_own_report_address_must_receive_mail(resolver: MailResolver) -> None:
    result = inspect_dmarc("nomx.test", resolver)
    own, external = result.rua
    assert (own.domain, own.external, own.deliverable) == ("nomx.test", False, False)
    assert external.deliverable is None  # a report service's own mail servers are its business
    assert [(l.rtype, l.name, l.status) for l in result.lookups[1:4]] == [
        ("MX", "nomx.test", "NODATA"), ("A", "nomx.test", "NODATA"), ("AAAA", "nomx.test", "NODATA")]
    (finding,) = result.findings
    assert "dmarc@nomx.test cannot receive mail: nomx.test has no mail server" in finding.message
    # Two addresses in one domain: asked once, told once. An A record is enough (RFC 5321's implicit MX).
    two = inspect_dmarc("norecv.test", resolver)
    assert len(two.lookups) == 4 and len(two.findings) == 1
    assert inspect_dmarc("nullrua.test", resolver).rua[0].deliverable is False
    assert inspect_dmarc("arua.test", resolver).rua[0].deliverable is True
    assert inspect_dmarc("good.test", resolver).rua[0].deliverable is True


# --- MX ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("domain", "expected", "hosts"),
    [
        ("good.test", [], ((10, "mx1.good.test"),)),
        ("nomx.test", ["fail"], ()),
        ("nullmx.test", ["fail"], ((0, "."),)),
        ("lamemx.test", ["warn"], ((10, "nowhere.lamemx.test"),)),
    ],
)
def test_mx(resolver: MailResolver, domain: str, expected: list[str], hosts: tuple[tuple[int, str], ...]) -> None:
    result = inspect_mx(domain, resolver)
    assert levels(result) == expected and result.hosts == hosts


# --- the whole domain (the mail_domain fixture's value) ---------------------------------------------

def test_inspect_domain_good(world: MailWorld) -> None:
    settings = Settings(mail_domains=("good.test",), dkim_selectors=(DkimSelector("s1"), DkimSelector("ed")),
                        nameservers=(world.server.address,))
    report = inspect_domain("Good.Test.", settings)
    assert report.domain == "good.test" and report.passed and report.findings == ()
    assert report.spf.all_qualifier == "-" and report.dmarc.policy == "reject" and report.mx.hosts
    assert [d.selector for d in report.dkim] == ["s1", "ed"] and report.dkim_for("ed").key_type == "ed25519"
    assert report.nameservers == world.server.setting


def test_inspect_domain_collects_every_aspects_findings(world: MailWorld) -> None:
    settings = Settings(dkim_selectors=(DkimSelector("s1"), DkimSelector("tiny", "pnone.test")), nameservers=(world.server.address,))
    report = inspect_domain("pnone.test", settings)
    assert not report.passed
    assert [f.level for f in report.findings] == ["fail", "fail"]  # the missing tiny key, p=none
    assert not report.dkim_for("tiny").passed and report.spf.passed and not report.dmarc.passed


# --- signed samples ---------------------------------------------------------------------------------

@pytest.fixture
def samples(world: MailWorld, tmp_path: Path) -> Path:
    keys = world.keys
    good = sign(message(), keys.rsa2048)
    files = {
        "good.eml": good,
        "subdomain.eml": sign(message(sender="alice@mail.good.test"), keys.rsa2048),
        "tampered.eml": good.replace(b"Welcome aboard.", b"Welcome aboard!"),
        "tampered-header.eml": good.replace(b"Subject: Your invite", b"Subject: Your invoice"),
        "wrong-key.eml": sign(message(), keys.stranger),
        "provider-signed.eml": sign(message(), keys.provider, "p1", "provider.test"),
        "dual-signed.eml": sign(sign(message(), keys.provider, "p1", "provider.test"), keys.rsa2048),
        "esp-bounce.eml": sign(message(return_path="bounces@esp.test"), keys.rsa2048),
        "no-return-path.eml": sign(message(return_path=None), keys.rsa2048),
        "unsigned.eml": message(),
        "small-key.eml": sign(message(), keys.rsa512, "tiny"),
        "revoked.eml": sign(message(), keys.rsa2048, "revoked"),
        "sha1.eml": sign(message(), keys.rsa2048, algorithm="rsa-sha1"),
        "unknown-algorithm.eml": good.replace(b"a=rsa-sha256", b"a=rsa-sha512"),
        **ed25519_samples(keys),
    }
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    return tmp_path


def ed25519_samples(keys: MailKeys) -> dict[str, bytes]:
    """ed25519-sha256 samples (RFC 8463) signed here by dkimpy: good, changed, and a key never published."""
    ed = sign(message(), keys.ed, "ed")
    stranger = ed25519.Ed25519PrivateKey.generate()
    return {
        "ed25519.eml": ed,
        "ed25519-tampered.eml": ed.replace(b"Welcome aboard.", b"Welcome abroad."),
        "ed25519-wrong-key.eml": sign(message(), stranger, "ed"),
        "ed25519-and-rsa.eml": sign(sign(message(), keys.ed, "ed"), keys.rsa2048),
    }


@pytest.mark.parametrize(
    ("name", "expected", "valid"),
    [
        ("good.eml", [], [True]),
        ("ed25519.eml", [], [True]),
        ("ed25519-and-rsa.eml", [], [True, True]),
        ("ed25519-tampered.eml", ["fail"], [False]),
        ("ed25519-wrong-key.eml", ["fail"], [False]),
        ("sha1.eml", ["fail"], [False]),
        ("unknown-algorithm.eml", ["fail"], [None]),
        ("subdomain.eml", [], [True]),
        ("dual-signed.eml", [], [True, True]),
        ("tampered.eml", ["fail"], [False]),
        ("tampered-header.eml", ["fail"], [False]),
        ("wrong-key.eml", ["fail"], [False]),
        ("small-key.eml", ["fail"], [False]),
        ("revoked.eml", ["fail"], [False]),
        ("provider-signed.eml", ["fail"], [True]),
        ("esp-bounce.eml", ["warn"], [True]),
        ("no-return-path.eml", ["warn"], [True]),
        ("unsigned.eml", ["fail"], []),
        ("missing.eml", ["fail"], []),
    ],
)
def test_samples(samples: Path, resolver: MailResolver, name: str, expected: list[str], valid: list[bool]) -> None:
    report = inspect_sample(name, str(samples), resolver)
    assert levels(report) == expected
    assert [s.valid for s in report.signatures] == valid


def test_sample_report_fields(samples: Path, resolver: MailResolver) -> None:
    report = inspect_sample("esp-bounce.eml", str(samples), resolver)
    assert (report.from_domain, report.return_path_domain) == ("good.test", "esp.test")
    assert report.dkim_aligned and report.spf_aligned is False
    (signature,) = report.signatures
    assert (signature.domain, signature.selector, signature.algorithm) == ("good.test", "s1", "rsa-sha256")
    tampered = inspect_sample("tampered.eml", str(samples), resolver)
    assert "body was changed after signing" in tampered.findings[0].message


def test_ed25519_and_unknown_algorithms_say_what_was_checked(samples: Path, resolver: MailResolver) -> None:
    changed = inspect_sample("ed25519-tampered.eml", str(samples), resolver)
    assert "body was changed after signing" in changed.findings[0].message
    forged = inspect_sample("ed25519-wrong-key.eml", str(samples), resolver)
    assert "signed with a different key than the one published" in forged.findings[0].message
    (unknown,) = inspect_sample("unknown-algorithm.eml", str(samples), resolver).findings
    assert "could not be checked: its algorithm a=rsa-sha512 is not one verifiers know" in unknown.message
    assert "d=good.test (a custom DKIM domain)" not in unknown.fix and "a=rsa-sha256" in unknown.fix
    (sha1,) = inspect_sample("sha1.eml", str(samples), resolver).findings
    assert "rsa-sha1, which RFC 8301 forbids" in sha1.message


def test_without_pynacl_an_ed25519_signature_is_unchecked_not_misadvised(
        samples: Path, resolver: MailResolver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(dkim, "nacl")  # what dkimpy sees when PyNaCl is not installed
    alone = inspect_sample("ed25519.eml", str(samples), resolver)
    assert [s.valid for s in alone.signatures] == [None]
    (finding,) = alone.findings
    assert finding.level == "fail" and "could not be checked: dkimpy cannot check an ed25519 signature without PyNaCl" in finding.message
    assert "dkimpy[ed25519]" in finding.fix and "sign with d=" not in finding.fix
    both = inspect_sample("ed25519-and-rsa.eml", str(samples), resolver)
    assert [s.valid for s in both.signatures] == [True, None] and levels(both) == ["warn"]


def test_dkimpy_verifies_through_our_resolver_only(samples: Path, world: MailWorld) -> None:
    asked: list[str] = []
    resolver = MailResolver((world.server.address,))

    def dnsfunc(name: bytes | str, timeout: float = 2.0) -> bytes | None:
        asked.append(name.decode() if isinstance(name, bytes) else name)
        return resolver.dkim_dnsfunc(name, timeout)

    assert dkim.verify((samples / "good.eml").read_bytes(), dnsfunc=dnsfunc)
    assert asked == ["s1._domainkey.good.test."]


# --- bounded time, failing closed -------------------------------------------------------------------

@pytest.fixture
def silent_server() -> Iterator[tuple[str, int]]:
    """A UDP socket that receives queries and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()
    sock.close()


def test_a_silent_nameserver_fails_within_the_timeout(silent_server: tuple[str, int]) -> None:
    resolver = MailResolver((silent_server,), timeout=0.3, budget=5.0)
    started = time.monotonic()
    result = inspect_spf("good.test", resolver)
    assert time.monotonic() - started < 2.0
    (finding,) = result.findings
    assert finding.level == "fail" and "no answer from 127.0.0.1" in finding.message and result.lookups[0].failed


def test_the_budget_bounds_every_query_of_an_inspection(silent_server: tuple[str, int]) -> None:
    resolver = MailResolver((silent_server,), timeout=0.5, budget=0.2)
    started = time.monotonic()
    lookups = [resolver.txt(f"n{i}.good.test") for i in range(5)]
    assert time.monotonic() - started < 1.5
    assert all(lookup.failed for lookup in lookups)


def test_dkim_dnsfunc_reports_a_dead_server_as_a_timeout(silent_server: tuple[str, int]) -> None:
    resolver = MailResolver((silent_server,), timeout=0.2, budget=1.0)
    with pytest.raises(dkim.DnsTimeoutError):
        resolver.dkim_dnsfunc(b"s1._domainkey.good.test.")


def test_resolver_describes_its_servers(world: MailWorld) -> None:
    assert MailResolver((world.server.address,)).description == world.server.setting
    assert MailResolver((("::1", 5353),)).description == "[::1]:5353"


def test_no_system_resolver_fails_every_query_with_the_setting_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import dns.resolver

    def no_config(self: object, *args: object) -> None:
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr(dns.resolver.Resolver, "read_resolv_conf", no_config)
    (finding,) = inspect_spf("good.test", MailResolver()).findings
    assert finding.level == "fail" and "set launchready_nameservers" in finding.message
