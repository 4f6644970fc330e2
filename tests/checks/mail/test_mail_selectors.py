"""``launchready_dkim_selectors`` per domain: ``example.com: s1 s2`` lines, bare selectors for every
domain, and a malformed line refused at start-up with the line named."""

from __future__ import annotations

import checkdmarc.dmarc  # noqa: F401
import checkdmarc.spf  # noqa: F401
import pytest

import pytest_launchready.checks.mail.check  # noqa: F401
import pytest_launchready.checks.mail.domain  # noqa: F401
from pytest_launchready.config.settings import Settings
from pytest_launchready.config.values import DkimSelector, Reading, dkim_selectors
from support.dnsserver import MailWorld

# pytester's in-process runs unload modules first imported inside them, and checkdmarc cannot be
# imported twice in one process: the mail stack is imported here (as in test_mail_plugin).

ARGS = ("--launchready", "--launchready-checks=mail", "-p", "no:cacheprovider", "-rA")
DOMAINS = ("good.test", "pnone.test", "mail.good.test")


def parse(*lines: str) -> tuple[DkimSelector, ...]:
    return dkim_selectors(list(lines), Reading("launchready_dkim_selectors", ".", {"mail_domains": DOMAINS}))


def test_bare_and_per_domain_lines() -> None:
    entries = parse("s1", "good.test: google s2", "Mail.Good.Test.:k1,k2", "# a comment", "ed  weak")
    assert entries == (DkimSelector("s1"), DkimSelector("google", "good.test"), DkimSelector("s2", "good.test"),
                       DkimSelector("k1", "mail.good.test"), DkimSelector("k2", "mail.good.test"),
                       DkimSelector("ed"), DkimSelector("weak"))
    settings = Settings(mail_domains=DOMAINS, dkim_selectors=entries + (DkimSelector("s1", "good.test"),))
    # A bare selector keeps meaning every domain; a domain's own lines add to it, in the order listed.
    assert settings.dkim_selectors_for("good.test") == ("s1", "google", "s2", "ed", "weak")
    assert settings.dkim_selectors_for("mail.good.test") == ("s1", "k1", "k2", "ed", "weak")
    assert settings.dkim_selectors_for("pnone.test") == ("s1", "ed", "weak")
    assert Settings(dkim_selectors=(DkimSelector("s1", "good.test"),)).dkim_selectors_for("pnone.test") == ()


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("good.test:", "'selector ...' for every mail domain"),
        ("good.test:   ", "'selector ...' for every mail domain"),
        (": s1", "'selector ...' for every mail domain"),
        ("good..test: s1", "'selector ...' for every mail domain"),
        ("-good.test: s1", "'selector ...' for every mail domain"),
        ("http://good.test: s1", "'selector ...' for every mail domain"),
        ("good.test: s1; s2", "'selector ...' for every mail domain"),
        ("s1._domainkey.good.test;", "'selector ...' for every mail domain"),
        ("goood.test: s1", "a domain of launchready_mail_domains before the colon (good.test, pnone.test, mail.good.test)"),
    ],
)
def test_a_malformed_line_is_refused_naming_it(line: str, why: str) -> None:
    with pytest.raises(pytest.UsageError) as raised:
        parse("s1", line)
    assert f"launchready_dkim_selectors = {line.strip()!r} is not valid" in str(raised.value) and why in str(raised.value)


def _ini(pytester: pytest.Pytester, world: MailWorld, domains: list[str], selectors: list[str]) -> None:
    lines = ["[pytest]", "launchready_mail_domains ="] + [f"    {d}" for d in domains]
    lines += ["launchready_dkim_selectors ="] + [f"    {s}" for s in selectors]
    pytester.makeini("\n".join(lines + [f"launchready_nameservers = {world.server.setting}"]))


def test_each_domain_gets_its_own_selectors(pytester: pytest.Pytester, world: MailWorld) -> None:
    _ini(pytester, world, ["good.test", "pnone.test", "nomx.test"], ["good.test: ed weak", "pnone.test:s1", "s1"])
    result = pytester.runpytest_inprocess(*ARGS, "-k", "DKIM", "-v")
    result.stdout.fnmatch_lines([
        "*test_mail[[]good.test DKIM ed[]] PASSED*",
        "*test_mail[[]good.test DKIM weak[]] PASSED*",
        "*test_mail[[]good.test DKIM s1[]] PASSED*",
        "*test_mail[[]pnone.test DKIM s1[]] PASSED*",
        "*test_mail[[]nomx.test DKIM s1[]] PASSED*",
    ])
    result.assert_outcomes(passed=5)  # pnone.test's s1 line and the bare s1 are one test, not two


def test_a_domain_without_selectors_is_not_run_naming_the_line_to_add(pytester: pytest.Pytester, world: MailWorld) -> None:
    _ini(pytester, world, ["good.test", "nomx.test"], ["good.test: s1"])
    result = pytester.runpytest_inprocess(*ARGS, "-k", "DKIM", "-v")
    result.stdout.fnmatch_lines(["*test_mail[[]good.test DKIM s1[]] PASSED*",
                                 "*test_mail[[]nomx.test DKIM[]] SKIPPED (NOT RUN*"])
    result.stdout.fnmatch_lines(["*no DKIM selector to check for nomx.test*'nomx.test: s1'*"])


def test_a_malformed_line_is_a_usage_error(pytester: pytest.Pytester, world: MailWorld) -> None:
    _ini(pytester, world, ["good.test"], ["s1", "good.test:"])
    result = pytester.runpytest_inprocess(*ARGS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*launchready_dkim_selectors = 'good.test:' is not valid: expected*"])
