"""The backups check on tests/apps/audit_fastapi.py: a snapshot that shares its rows fails the change case, one
that leaves a table out or a restore that does nothing fails both, a deep snapshot passes both, and without
the fixtures both are NOT RUN naming them."""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import INVITE_LOGIN
from support.projects import make_project
from support.runs import short_ids, skip_reasons

FIXTURES = '''

@pytest.fixture(scope="session")
def launchready_backup():
    import myapp
    return myapp.backup


@pytest.fixture(scope="session")
def launchready_restore_backup():
    import myapp
    return myapp.restore
'''
CHANGED, DELETED = "test_backups[restore after change]", "test_backups[restore after delete]"


def _run(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str = "",
         conftest: str = INVITE_LOGIN + FIXTURES, ini: str = "") -> Any:
    monkeypatch.setenv("BACKUP_FLAWS", flaws)
    make_project(pytester, "audit_fastapi", "launchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n"
                 + ini, conftest)
    return run_launchready("--launchready", "--launchready-checks=backups", "-rs")


@pytest.mark.parametrize(("flaw", "failed", "named"), [
    ("shallow", [CHANGED], "still holds the change made after the backup (lrchanged"),
    ("notes-left-out", [CHANGED, DELETED], "the record is still gone (answered 404"),
    ("restore-noop", [CHANGED, DELETED], "the record is still gone (answered 404"),
])
def test_each_backup_flaw_fails_the_cases_it_breaks(pytester: pytest.Pytester, run_launchready: Any,
                                                    monkeypatch: pytest.MonkeyPatch, flaw: str, failed: list[str],
                                                    named: str) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, flaw)
    text = result.stdout.str()
    assert short_ids(outcomes, "failed") == failed, text
    assert short_ids(outcomes, "passed") == sorted({CHANGED, DELETED} - set(failed)), text
    assert named in text and "[HIGH]" in text, text


def test_a_deep_snapshot_passes_both_cases(pytester: pytest.Pytester, run_launchready: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch)
    assert short_ids(outcomes, "passed") == [CHANGED, DELETED], result.stdout.str()
    result.stdout.fnmatch_lines(["*backups*PASS*"])


def test_without_a_delete_route_that_case_is_not_run(pytester: pytest.Pytester, run_launchready: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "restore-noop",
                            ini="    DELETE /notes/{note_id}\n")
    assert short_ids(outcomes, "failed") == [CHANGED], result.stdout.str()
    assert "no route deletes" in skip_reasons(result)["restore after delete"]


def test_a_raising_backup_fixture_is_a_setup_error(pytester: pytest.Pytester, run_launchready: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    conftest = INVITE_LOGIN + FIXTURES.replace("return myapp.backup", "return lambda: 1 / 0")
    result, outcomes = _run(pytester, run_launchready, monkeypatch, conftest=conftest)
    assert outcomes.ids("failed") == [] and len(outcomes.ids("error")) == 2, result.stdout.str()
    result.stdout.fnmatch_lines(["*launchready_backup() raised ZeroDivisionError*"])


def test_without_the_fixtures_both_cases_are_not_run_naming_them(pytester: pytest.Pytester, run_launchready: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "restore-noop", conftest=INVITE_LOGIN)
    reasons = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))
    assert sorted(reasons) == [CHANGED, DELETED] and short_ids(outcomes, "failed") == [], result.stdout.str()
    assert all("launchready_backup" in r and "launchready_restore_backup" in r for r in reasons.values()), reasons
    result.stdout.fnmatch_lines(["*backups*NOT RUN*"])


def test_two_workers_each_run_the_drill_and_agree(pytester: pytest.Pytester, run_launchready: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With the two cases and the audit cases spread over two xdist workers (each with its own in-process
    app), each worker's drill still judges its own records: the same verdicts as one process."""
    monkeypatch.setenv("BACKUP_FLAWS", "shallow")
    make_project(pytester, "audit_fastapi", "launchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n",
                 INVITE_LOGIN + FIXTURES + "\n\n@pytest.fixture(scope='session')\ndef launchready_audit_log():\n"
                 "    return lambda tenant: tenant.client.get('/audit').json()\n")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=backups,audit", "-n", "2", "--dist=load")
    assert short_ids(outcomes, "failed") == [CHANGED], result.stdout.str()
    assert short_ids(outcomes, "passed") == sorted([DELETED, "test_audit[denied cross-tenant]", "test_audit[login]",
                                                    "test_audit[write]"]), result.stdout.str()
    assert "created: 2/2 workers" in result.stdout.str()
