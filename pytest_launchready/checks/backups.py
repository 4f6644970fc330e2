"""backups: a backup taken with ``launchready_backup()`` and put back with ``launchready_restore_backup(backup)``
brings back a canary record, as it was, after it was changed and after it was deleted.

The drill runs once per session (both tests read its outcome): two fresh tenants each create a record
through the app's create route (seeding fills its free-text fields with the tenant's canary) and read
it back; then one backup; then one record is changed (PATCH/PUT at its object path, a new marker in its
free-text fields) and the other deleted, each re-read to prove the change took; then one restore; then
both are read again.

- ``restore after change``: the changed record reads back with its canary, and without the marker
  written after the backup.
- ``restore after delete``: the deleted record reads back, with its canary.

NOT RUN naming the fixtures when either is absent; a case is NOT RUN when the app has no route to
change (or delete) the record, or when the change (or delete) did not take. See docs/checks/backups.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH
from pytest_launchready.checks.records import Record, RecordRoutes, record_routes, write_record
from pytest_launchready.errors import SetupError
from pytest_launchready.tenants.seeding import seed_body

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

DOCS = "docs/checks/backups.md"
CHANGED, DELETED = "restore after change", "restore after delete"
CASE_IDS = (CHANGED, DELETED)
ENABLE = ("define launchready_backup() -> backup and launchready_restore_backup(backup) -> None (a database dump and "
          "restore, a snapshot of a test database, your provider's point-in-time restore) to check that a restore "
          "brings data back")
FIX = ("back up every table the product writes (list them from the schema, not by hand), take consistent snapshots (a "
       "transaction-consistent dump such as pg_dump, or the provider's snapshot, never a copy of live rows that later "
       "writes still reach), and rehearse the restore on a schedule: restore into a scratch database and read known "
       "records back.")


@dataclass
class Outcome:
    """What the drill saw for one case: ``skip`` (why it proves nothing), or a verdict on ``response``."""

    skip: str = ""
    failure: str = ""
    response: httpx.Response | None = None


def cases(plan: Plan) -> Iterable[Case]:
    """The two cases; whether the fixtures exist is known only at run time."""
    for case_id in CASE_IDS:
        yield Case(id=case_id, variant=case_id, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Judge this case from the session's one backup-and-restore drill."""
    backup, restore = ctx.fixture("launchready_backup"), ctx.fixture("launchready_restore_backup")
    if backup is None or restore is None:
        pytest.skip(ENABLE)
    if not ctx.login_defined:
        pytest.skip("the backups drill writes records as a fresh tenant: define launchready_login (or set "
                    "launchready_signup_route and launchready_login_route)")
    outcome = ctx.shared("drill", lambda: _drill(ctx, backup, restore))[case.variant]
    if outcome.skip:
        pytest.skip(outcome.skip)
    if outcome.failure:
        fail(outcome.failure,
             "a backup that does not restore is found out during the incident it was kept for: data a customer "
             "changed or deleted by mistake, or lost to a bad migration or an attacker, cannot be put back.",
             FIX, response=outcome.response, redact=ctx.redact, headers=("content-type",), docs=DOCS, severity=HIGH)


def _drill(ctx: RunContext, backup: Callable[[], Any], restore: Callable[[Any], None]) -> dict[str, Outcome]:
    kinds = record_routes(ctx.routes, ctx.settings)
    if not kinds:
        why = "no record to write: no create route (POST /things) with an object route to read it back (GET /things/{thing_id})"
        return {c: Outcome(skip=why) for c in CASE_IDS}
    kind = kinds[0]
    outcomes: dict[str, Outcome] = {}
    records: dict[str, Record] = {}
    for case_id, mutation in ((CHANGED, kind.update), (DELETED, kind.delete)):
        if mutation is None:
            verb = "changes" if case_id == CHANGED else "deletes"
            outcomes[case_id] = Outcome(skip=f"no route {verb} a {kind.read.key} record (PATCH, PUT or DELETE at its path)")
            continue
        made = write_record(ctx.fresh_tenant(f"backup-{case_id.rsplit(' ', 1)[-1]}"), kind, ctx.routes, ctx.settings)
        if isinstance(made, str):
            outcomes[case_id] = Outcome(skip=made)
        else:
            records[case_id] = made
    if not records:
        return outcomes
    handle = _call(ctx, "launchready_backup()", backup)
    marker = f"lrchanged{secrets.token_hex(6)}"
    if CHANGED in records:
        outcomes[CHANGED] = _change(records[CHANGED], kind, marker)
    if DELETED in records:
        outcomes[DELETED] = _delete(records[DELETED], kind)
    _call(ctx, "launchready_restore_backup(backup)", lambda: restore(handle))
    if CHANGED in records and not outcomes[CHANGED].skip:
        outcomes[CHANGED] = _after_change(records[CHANGED], marker)
    if DELETED in records and not outcomes[DELETED].skip:
        outcomes[DELETED] = _after_delete(records[DELETED])
    return outcomes


def _call(ctx: RunContext, what: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:  # the user's code: a set-up error, not a finding
        raise SetupError(f"{what} raised {type(exc).__name__}: {ctx.redact(str(exc))}") from None


def _change(record: Record, kind: RecordRoutes, marker: str) -> Outcome:
    """Overwrite the record's free-text fields with ``marker`` and prove the change took."""
    assert kind.update is not None
    body = seed_body(kind.update, marker, lambda name: None, complete=True)
    answer = record.tenant.client.request(kind.update.method, record.path, json=body)
    if not answer.is_success or marker not in record.read().text:
        return Outcome(skip=f"changing the record ({kind.update.key} answered {answer.status_code}) did not show in its "
                            "re-read: a restore could not be told from no change")
    return Outcome()


def _delete(record: Record, kind: RecordRoutes) -> Outcome:
    """Delete the record and prove it is gone."""
    assert kind.delete is not None
    answer = record.tenant.client.request(kind.delete.method, record.path)
    gone = record.read()
    if not answer.is_success or gone.status_code not in (404, 410):
        return Outcome(skip=f"deleting the record ({kind.delete.key} answered {answer.status_code}, its re-read "
                            f"{gone.status_code}) did not remove it: a restore could not be told from no delete")
    return Outcome()


def _after_change(record: Record, marker: str) -> Outcome:
    response = record.read()
    if record.shows_canary(response) and marker not in response.text:
        return Outcome()
    state = (f"still holds the change made after the backup ({marker})" if marker in response.text
             else f"answered {response.status_code} without its canary")
    return Outcome(failure=f"A record ({record.path}) was backed up with launchready_backup(), changed, then the backup "
                           f"restored with launchready_restore_backup(): the record {state}, not as it was backed up.",
                   response=response)


def _after_delete(record: Record) -> Outcome:
    response = record.read()
    if record.shows_canary(response):
        return Outcome()
    return Outcome(failure=f"A record ({record.path}) was backed up with launchready_backup(), deleted, then the backup "
                           f"restored with launchready_restore_backup(): the record is still gone (answered "
                           f"{response.status_code} without its canary).",
                   response=response)


CHECK = Check(
    name="backups",
    title="A restored backup brings a changed and a deleted canary record back as they were.",
    cases=cases,
    run=run,
    enable_hint="define launchready_backup and launchready_restore_backup",
)
