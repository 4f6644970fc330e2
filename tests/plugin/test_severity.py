"""Every finding carries a severity (critical, high, medium, low) chosen by its check, and leads its
message with it, so pytest's one-line summary already says how bad it is; the JSON report says the same."""

from __future__ import annotations

import json
import re

import pytest

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import SEVERITIES, Finding, finding_of, worst
from support.projects import isolation_project
from support.runs import CaseRun, short_id

LEAD = re.compile(r"^(?:AssertionError: )?\[(CRITICAL|HIGH|MEDIUM|LOW)\] \S")


def test_the_message_leads_with_the_severity() -> None:
    with pytest.raises(AssertionError) as raised:
        fail("Sent GET /items with no credentials: the route answered it successfully.", "why", "fix", severity="critical")
    assert str(raised.value).splitlines()[0] == "[CRITICAL] Sent GET /items with no credentials: the route answered it successfully."
    finding = finding_of(raised.value)
    assert finding is not None and finding.severity == "critical"
    assert finding.title.startswith("Sent GET")  # the title stays the check's words; the label is the message's


def test_a_severity_outside_the_four_is_refused() -> None:
    with pytest.raises(ValueError, match="severity 'severe' is not one of critical, high, medium, low"):
        Finding("t", "w", "f", severity="severe")
    assert SEVERITIES == ("critical", "high", "medium", "low")
    assert worst(["low", "high", "medium"]) == "high" and worst([]) == "low"


def test_cross_tenant_reads_are_critical_and_role_bypasses_high_in_message_summary_and_json(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", "read-any-conversation,member-deletes-users")
    monkeypatch.setenv("COLUMNS", "300")  # pytest cuts summary lines at the terminal's width
    isolation_project(pytester)
    result = CaseRun(pytester, "--launchready", "--launchready-checks=tenant_isolation,roles", "-p", "no:cacheprovider", "-rf",
                     "--launchready-report=launchready.json")
    failed = {short_id(r.nodeid): _message(r) for r in result.reports if r.failed}
    assert set(failed) == {"test_tenant_isolation[GET /conversations/{conversation_id}]", "test_roles[DELETE /admin/users/{user_id}]"}
    report = json.loads((pytester.path / "launchready.json").read_text())
    in_json = {t["id"]: t["severity"] for t in report["tests"] if t["outcome"] == "failed"}
    # The same severity in the message's label and in the JSON report.
    assert {test: LEAD.match(message).group(1).lower() for test, message in failed.items()} == in_json  # type: ignore[union-attr]
    assert in_json == {"test_tenant_isolation[GET /conversations/{conversation_id}]": "critical",
                       "test_roles[DELETE /admin/users/{user_id}]": "high"}
    result.stdout.fnmatch_lines([
        "FAILED launchready::test_tenant_isolation[[]GET /conversations/{conversation_id}[]] - AssertionError: [[]CRITICAL[]] Sent GET *",
    ])
    result.stdout.fnmatch_lines([
        "FAILED launchready::test_roles[[]DELETE /admin/users/{user_id}[]] - AssertionError: [[]HIGH[]] Sent DELETE *",
    ])




def _message(report: pytest.TestReport) -> str:
    return str(report.longrepr.reprcrash.message)  # type: ignore[union-attr]
