"""Messages a person reads: a failure opens with its finding (no plugin frames unless --full-trace), the
short summary and JUnit's message carry the first line even after redaction, and scorecard notes are
never cut."""

from __future__ import annotations

import re

import pytest

from support.projects import frame_project
from support.runs import CaseRun

FINDING = "AssertionError: [CRITICAL] Sent GET /items with no credentials: the route answered it successfully."


def _junit_messages(pytester: pytest.Pytester) -> list[str]:
    import html

    text = (pytester.path / "j.xml").read_text()
    return [html.unescape(m) for m in re.findall(r'<failure message="([^"]*)"', text)]


def test_a_finding_opens_its_failure(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    run = CaseRun(pytester, "--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider", "-rf", "--junitxml=j.xml")
    failed = [r for r in run.reports if r.failed]
    assert [r.nodeid for r in failed] == ["launchready::test_auth[GET /items]"]
    text = failed[0].longreprtext
    assert text.lstrip().startswith(f"E   {FINDING}"), text
    assert "def run(" not in text and "ctx = " not in text  # the check's own frames are hidden
    escaped = FINDING[:30].replace("[", "\0").replace("]", "[]]").replace("\0", "[[]")
    run.stdout.fnmatch_lines([f"FAILED launchready::test_auth[[]GET /items[]] - {escaped}*"])
    assert _junit_messages(pytester)[0].startswith(FINDING)
    assert run.messages()[0].startswith(FINDING) and "Why this fails: a private route must deny" in run.messages()[0]


def test_full_trace_keeps_the_checks_frames(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    run = CaseRun(pytester, "--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider", "--full-trace")
    assert "def run(ctx: RunContext, case: Case) -> None:" in next(r for r in run.reports if r.failed).longreprtext


def test_a_redacted_failure_keeps_its_first_line(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRAME_FLAWS", raising=False)
    frame_project(pytester)
    pytester.makepyfile(test_leaky='''
        def test_leaky(tenant_a):
            token = tenant_a.credentials.headers["Authorization"]
            assert token == "", f"the token is {token}"
        ''')
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "test_leaky.py", "-rf", "--junitxml=j.xml")
    result.stdout.fnmatch_lines(["FAILED test_leaky.py::test_leaky - AssertionError: the token is [[]REDACTED[]]"])
    assert _junit_messages(pytester)[0].startswith("AssertionError: the token is [REDACTED]")
    assert "Bearer tok-" not in result.stdout.str() + (pytester.path / "j.xml").read_text()


def test_scorecard_notes_are_never_cut() -> None:
    from pytest_launchready.report.protocol import CHECK_PROPERTY, ROUTE_PROPERTY, TOTAL_PROPERTY, WARN_PROPERTY
    from pytest_launchready.report.scorecard import Scorecard, render

    warning = ("GET /items: answered 429 after 6 requests but sent no Retry-After header, so a client cannot tell when "
               "to try again and retries at once, which turns one throttled caller into a burst of them")
    card = Scorecard()
    properties = [(CHECK_PROPERTY, "rate_limits"), (ROUTE_PROPERTY, "GET /items"), (TOTAL_PROPERTY, "1"), (WARN_PROPERTY, warning)]
    card.record("rate_limits", pytest.TestReport("launchready::test_rate_limits[GET /items]", ("x", 0, "x"), {}, "passed",
                                                 None, "call", user_properties=properties))
    lines = [text for text, _ in render(card.rows(["rate_limits"]))]
    row = next(line for line in lines if line.startswith("rate_limits "))
    assert row.split()[1:4] == ["WARN", "1/1", "routes"]
    assert row.endswith(f"1 warning: {warning}")
