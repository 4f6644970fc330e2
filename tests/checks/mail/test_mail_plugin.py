"""The mail check as users meet it: ``pytest --launchready --launchready-checks=mail`` against a real
DNS server on 127.0.0.1, with exact passing and failing ids."""

from __future__ import annotations

import socket
from typing import Iterator

import checkdmarc.dmarc  # noqa: F401
import checkdmarc.spf  # noqa: F401
import pytest

import pytest_launchready.checks.mail.check  # noqa: F401
import pytest_launchready.checks.mail.domain  # noqa: F401
import pytest_launchready.checks.mail.samples  # noqa: F401
from support.dnsserver import MailWorld, message, sign

# pytester's in-process runs unload every module first imported inside them, and checkdmarc (with
# cryptography under it) cannot be imported a second time in one process: import the mail stack here.

ARGS = ("--launchready", "--launchready-checks=mail", "-p", "no:cacheprovider", "-rA")


def run(pytester: pytest.Pytester, world: MailWorld, domains: list[str], selectors: list[str] = ["s1"],
        extra: str = "", *args: str) -> pytest.RunResult:
    lines = ["[pytest]", "launchready_mail_domains ="] + [f"    {d}" for d in domains]
    lines += ["launchready_dkim_selectors ="] + [f"    {s}" for s in selectors]
    lines += [f"launchready_nameservers = {world.server.setting}", extra]
    pytester.makeini("\n".join(lines))
    return pytester.runpytest_inprocess(*ARGS, *args)


def outcomes(result: pytest.RunResult) -> dict[str, list[str]]:
    """Generated test id -> outcome, from the -rA summary."""
    found: dict[str, list[str]] = {}
    for line in result.outlines:
        for outcome in ("PASSED", "FAILED", "SKIPPED"):
            prefix = f"{outcome} launchready::test_mail["
            if line.startswith(prefix):
                found.setdefault(outcome, []).append(line[len(prefix):].split("]")[0])
    return {k: sorted(v) for k, v in found.items()}


def test_cases_are_made_offline_one_per_domain_and_aspect() -> None:
    from pytest_launchready.checks import Plan
    from pytest_launchready.checks.mail.check import CHECK
    from pytest_launchready.config.settings import Settings

    from pytest_launchready.config.values import DkimSelector

    selectors = (DkimSelector("s1"), DkimSelector("ed"), DkimSelector("s1", "b.test"), DkimSelector("b2", "b.test"))
    settings = Settings(mail_domains=("a.test", "b.test", "a.test"), dkim_selectors=selectors, mail_samples=("x.eml",),
                        nameservers=(("127.0.0.1", 9),))  # nothing answers there: cases() must not ask
    cases = list(CHECK.cases(Plan(settings, (), has_target=False)))
    assert [c.id for c in cases] == [
        "a.test SPF", "a.test DKIM s1", "a.test DKIM ed", "a.test DMARC", "a.test MX",
        "b.test SPF", "b.test DKIM s1", "b.test DKIM ed", "b.test DKIM b2", "b.test DMARC", "b.test MX", "x.eml",
    ]
    assert not any(c.counts_as_route or c.not_run for c in cases)
    assert not CHECK.needs_target and CHECK.enable_hint == "set launchready_mail_domains"
    assert list(CHECK.cases(Plan(Settings(), (), has_target=False))) == []


def test_a_good_domain_passes_every_aspect(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["good.test"], ["s1", "ed"])
    assert outcomes(result) == {"PASSED": ["good.test DKIM ed", "good.test DKIM s1", "good.test DMARC", "good.test MX", "good.test SPF"]}
    result.stdout.re_match_lines([r"mail\s+PASS\s"])
    assert result.ret == 0


def test_generated_ids_are_one_per_domain_and_aspect(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["good.test", "nomx.test"], ["s1", "ed"], "", "--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "launchready::test_mail[[]good.test SPF[]]",
        "launchready::test_mail[[]good.test DKIM s1[]]",
        "launchready::test_mail[[]good.test DKIM ed[]]",
        "launchready::test_mail[[]good.test DMARC[]]",
        "launchready::test_mail[[]good.test MX[]]",
        "launchready::test_mail[[]nomx.test SPF[]]",
        "launchready::test_mail[[]nomx.test DKIM s1[]]",
        "launchready::test_mail[[]nomx.test DKIM ed[]]",
        "launchready::test_mail[[]nomx.test DMARC[]]",
        "launchready::test_mail[[]nomx.test MX[]]",
    ])


def test_spf_defects_fail_the_spf_test_only(pytester: pytest.Pytester, world: MailWorld) -> None:
    broken = ["nospf.test", "twospf.test", "plusall.test", "toomany.test", "void.test"]
    result = run(pytester, world, broken)
    found = outcomes(result)
    assert found["FAILED"] == sorted(f"{d} SPF" for d in broken)
    assert len(found["PASSED"]) == 3 * len(broken)
    result.stdout.fnmatch_lines([
        "*Looked up the SPF record of plusall.test through 127.0.0.1:*",
        '*TXT plusall.test -> "v=spf1 +all"',
        "*Why this fails: the SPF record of plusall.test ends in +all*",
        "*Fix: End the record with -all*",
        "*Docs: docs/checks/mail.md",
    ])
    result.stdout.fnmatch_lines(["*toomany.test takes 11 DNS-querying terms*"])
    result.stdout.fnmatch_lines(["*void.test hits 3 lookups that return nothing*"])
    result.stdout.re_match_lines([r"mail\s+FAIL\s"])
    assert result.ret == 1


def test_dkim_key_strength_and_revocation(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["good.test"], ["s1", "ed", "weak", "tiny", "revoked"])
    found = outcomes(result)
    assert found["FAILED"] == ["good.test DKIM revoked", "good.test DKIM tiny"]
    assert "good.test DKIM weak" in found["PASSED"] and "good.test DKIM ed" in found["PASSED"]
    result.stdout.fnmatch_lines(["*tiny._domainkey.good.test is RSA 512 bits*", "*revoked._domainkey.good.test is revoked*"])
    result.stdout.fnmatch_lines(["*weak._domainkey.good.test is RSA 1024 bits*"])  # the warning is shown


def test_dmarc_defects_and_inheritance(pytester: pytest.Pytester, world: MailWorld) -> None:
    domains = ["pnone.test", "spweak.test", "norua.test", "unauth.test", "sub.good.test", "sub.spweak.test"]
    result = run(pytester, world, domains, [], "", "-k", "DMARC")
    found = outcomes(result)
    assert found["FAILED"] == ["norua.test DMARC", "pnone.test DMARC", "sub.spweak.test DMARC"]
    # A weak sp= (the domain's own mail still meets p) and an unauthorized report address (RFC 7489
    # 7.1: only the reports are lost) warn; the subdomain that inherits sp=none fails.
    assert found["PASSED"] == ["spweak.test DMARC", "sub.good.test DMARC", "unauth.test DMARC"]
    result.stdout.fnmatch_lines(["*TXT _dmarc.sub.spweak.test -> NXDOMAIN*", '*TXT _dmarc.spweak.test -> "v=DMARC1; p=reject; sp=none*'])
    result.stdout.fnmatch_lines(['*Have collector.test publish "v=DMARC1" as a TXT record at unauth.test._report._dmarc.collector.test*'])
    strict = run(pytester, world, ["spweak.test", "unauth.test", "nomx.test"], [], "", "-k", "DMARC", "--launchready-strict")
    assert outcomes(strict) == {"FAILED": ["nomx.test DMARC", "spweak.test DMARC", "unauth.test DMARC"]}


def test_an_own_report_address_without_mx_warns_in_dmarc(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["nomx.test"], ["s1"])
    assert outcomes(result) == {"FAILED": ["nomx.test MX"], "PASSED": ["nomx.test DKIM s1", "nomx.test DMARC", "nomx.test SPF"]}
    result.stdout.re_match_lines([r"mail\s+FAIL\s.*1 failed: test_mail\[nomx.test MX\]",
                                  r"\s+1 warning: the DMARC report address mailto:dmarc@nomx.test cannot receive mail"])


def test_missing_mx_fails(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["nomx.test", "nullmx.test"], ["s1"])
    assert outcomes(result)["FAILED"] == ["nomx.test MX", "nullmx.test MX"]
    result.stdout.fnmatch_lines(["*MX nomx.test -> NODATA (no MX records)", "*MX nullmx.test -> 0 ."])


def test_warnings_pass_unless_strict_mail(pytester: pytest.Pytester, world: MailWorld) -> None:
    relaxed = run(pytester, world, ["softfail.test"], ["s1"])
    assert outcomes(relaxed)["PASSED"] == ["softfail.test DKIM s1", "softfail.test DMARC", "softfail.test MX", "softfail.test SPF"]
    relaxed.stdout.re_match_lines([r"mail\s+WARN\s.*~all"])
    assert relaxed.ret == 0
    strict = run(pytester, world, ["softfail.test"], ["s1"], "launchready_strict_mail = true")
    assert outcomes(strict)["FAILED"] == ["softfail.test SPF"]
    strict.stdout.fnmatch_lines(["*ends in ~all*warnings fail because launchready_strict_mail is set*"])
    strict_run = run(pytester, world, ["softfail.test"], ["s1"], "", "--launchready-strict")
    assert outcomes(strict_run)["FAILED"] == ["softfail.test SPF"]


def test_no_mail_domains_is_not_run_with_the_hint(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_inprocess(*ARGS)  # mail alone: nothing else would run, so the run is refused
    result.stderr.fnmatch_lines(["*can test nothing with the current settings (mail: set launchready_mail_domains*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_no_selectors_leaves_dkim_not_run(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["good.test"], [], "", "-v")
    found = outcomes(result)
    result.stdout.fnmatch_lines(["*test_mail[[]good.test DKIM[]] SKIPPED (NOT RUN*"])
    result.stdout.re_match_lines([r"mail\s+PASS \(1 not run\)\s+3/4 tests\s+1 not run: no DKIM selector to check for good.test: set launchready_dkim_selectors"])
    assert found["PASSED"] == ["good.test DMARC", "good.test MX", "good.test SPF"]


def test_signed_samples(pytester: pytest.Pytester, world: MailWorld) -> None:
    good = sign(message(), world.keys.rsa2048)
    pytester.path.joinpath("mail").mkdir()
    files = {
        "mail/good.eml": good,
        "mail/tampered.eml": good.replace(b"Welcome aboard.", b"Welcome aboard, click here."),
        "mail/wrong-key.eml": sign(message(), world.keys.stranger),
        "mail/provider-signed.eml": sign(message(), world.keys.provider, "p1", "provider.test"),
        "mail/esp-bounce.eml": sign(message(return_path="bounces@esp.test"), world.keys.rsa2048),
        "mail/ed25519.eml": sign(message(), world.keys.ed, "ed"),
        "mail/unknown-algorithm.eml": good.replace(b"a=rsa-sha256", b"a=rsa-sha512"),
    }
    for name, raw in files.items():
        pytester.path.joinpath(name).write_bytes(raw)
    samples = "launchready_mail_samples =\n" + "".join(f"    {name}\n" for name in [*files, "mail/missing.eml"])
    pytester.makeini(f"[pytest]\nlaunchready_nameservers = {world.server.setting}\n{samples}")
    result = pytester.runpytest_inprocess(*ARGS)
    assert outcomes(result) == {
        "FAILED": ["mail/missing.eml", "mail/provider-signed.eml", "mail/tampered.eml", "mail/unknown-algorithm.eml",
                   "mail/wrong-key.eml"],
        "PASSED": ["mail/ed25519.eml", "mail/esp-bounce.eml", "mail/good.eml"],
    }
    result.stdout.fnmatch_lines(["*d=good.test s=s1 a=rsa-sha512: not checked (its algorithm a=rsa-sha512 is not one verifiers know*"])
    result.stdout.fnmatch_lines(["*d=good.test s=s1 a=rsa-sha256: FAILED (the body was changed after signing*"])
    result.stdout.fnmatch_lines(["*no valid DKIM signature in mail/provider-signed.eml is aligned with its From domain good.test*"])
    result.stdout.fnmatch_lines(["*Read the mail sample mail/missing.eml (relative to the rootdir): No such file*"])
    result.stdout.re_match_lines([r"mail\s+FAIL\s"])


def test_the_mail_domain_fixture_for_qa_tests(pytester: pytest.Pytester, world: MailWorld) -> None:
    pytester.makepyfile(test_qa="""
        def test_policy(mail_domain):
            assert mail_domain.dmarc.policy == "reject"
            assert mail_domain.dkim_for("s1").key_bits >= 2048
            assert mail_domain.spf.dns_lookups <= 8
    """)
    pytester.makeini(f"[pytest]\nlaunchready_mail_domains =\n    good.test\n    pnone.test\n"
                     f"launchready_dkim_selectors = s1\nlaunchready_nameservers = {world.server.setting}\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rA")  # no --launchready needed
    result.stdout.fnmatch_lines(["PASSED test_qa.py::test_policy[[]good.test[]]", "FAILED test_qa.py::test_policy[[]pnone.test[]]*"])


@pytest.fixture
def silent_port() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    yield sock
    sock.close()


def test_collection_sends_no_dns_query(pytester: pytest.Pytester, silent_port: socket.socket) -> None:
    port = silent_port.getsockname()[1]
    pytester.makeini(f"[pytest]\nlaunchready_mail_domains = good.test\nlaunchready_dkim_selectors = s1\n"
                     f"launchready_nameservers = 127.0.0.1:{port}\n")
    result = pytester.runpytest_inprocess(*ARGS, "--collect-only", "-q")
    result.stdout.fnmatch_lines(["launchready::test_mail[[]good.test SPF[]]"])
    with pytest.raises(BlockingIOError):
        silent_port.recv(512)


def test_an_unreachable_nameserver_fails_rather_than_passes(pytester: pytest.Pytester, silent_port: socket.socket) -> None:
    port = silent_port.getsockname()[1]
    pytester.makeini(f"[pytest]\nlaunchready_mail_domains = good.test\nlaunchready_nameservers = 127.0.0.1:{port}\n"
                     "launchready_timeout = 1\n")
    result = pytester.runpytest_inprocess(*ARGS, "-k", "SPF")
    assert outcomes(result) == {"FAILED": ["good.test SPF"]}
    result.stdout.fnmatch_lines([f"*no answer from 127.0.0.1:{port} within 1s*"])


def test_xdist_gives_the_same_verdicts(pytester: pytest.Pytester, world: MailWorld) -> None:
    result = run(pytester, world, ["good.test", "plusall.test"], ["s1"], "", "-n", "2")
    found = outcomes(result)
    assert found["FAILED"] == ["plusall.test SPF"]
    assert found["PASSED"] == sorted(f"{d} {a}" for d in ("good.test", "plusall.test") for a in ("SPF", "DKIM s1", "DMARC", "MX")
                                     if (d, a) != ("plusall.test", "SPF"))
    result.stdout.re_match_lines([r"mail\s+FAIL\s+8/8 tests"])
