"""audit: a login, a write, a role change and a denied cross-tenant attempt each leave an audit entry
with the user, the org, the time and the client IP.

The log is read through the user's ``launchready_audit_log(tenant) -> list[dict]`` (the tenant's
recent entries). Every case works on tenants made for it, and reads the log before and after its
action, so the entries judged are the ones the action added:

- ``login``: a fresh tenant is signed up and logged in (``launchready_login``); its log must hold an
  entry about a login.
- ``write``: a fresh tenant creates a record through seeding's create routes; an entry about a create
  (or naming the record's id) must follow.
- ``role change``: a second user of a fresh tenant is given another role through
  ``launchready_set_role``; an entry about a role must follow.
- ``denied cross-tenant``: tenant B, signed in, reads tenant A's record and is refused; an entry about a
  denial must follow in B's log or A's.

The entry found must hold a user, an org, a time and a client IP address (names matched loosely, or
mapped by ``launchready_audit_fields``); a missing field fails, naming it. See docs/checks/audit.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.audit.entries import DENIED_WORDS, LOGIN_WORDS, ROLE_WORDS, WRITE_WORDS, Fields, entry_key
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import MEDIUM
from pytest_launchready.checks.records import record_routes, write_record
from pytest_launchready.errors import SetupError

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.tenants import Tenant

DOCS = "docs/checks/audit.md"
LOGIN, WRITE, ROLE, DENIED = "login", "write", "role change", "denied cross-tenant"
CASE_IDS = (LOGIN, WRITE, ROLE, DENIED)
FIXTURE = "launchready_audit_log"
#: Record kinds the denied case tries, at most, for one tenant B is refused.
MAX_DENIED_TRIES = 3
FIX = ("write an audit entry in the same code path as the action (a service-layer call or middleware, not the UI), with "
       "the acting user's id, the org id, a UTC timestamp and the client IP (from the connection, or the left-most "
       "X-Forwarded-For entry your own proxy appended), and keep entries append-only, outside the tenant's reach.")
WHY = {
    LOGIN: "without login entries nobody can tell when a stolen password was used, or from where.",
    WRITE: "without write entries a customer's question \"who changed this?\" has no answer, and neither has an incident.",
    ROLE: "a role change is how an attacker keeps access: unlogged, a self-granted admin role goes unseen.",
    DENIED: "refused cross-tenant requests are what an attacker probing for another customer's data leaves behind: "
            "unlogged, the probing is invisible until one succeeds.",
}


def cases(plan: Plan) -> Iterable[Case]:
    """The four cases; whether the log can be read is known only at run time (a fixture)."""
    for case_id in CASE_IDS:
        yield Case(id=case_id, variant=case_id, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Do this case's action between two reads of the log, and judge the entries it added."""
    reader = ctx.fixture(FIXTURE)
    if reader is None:
        pytest.skip(f"define the {FIXTURE} fixture, (tenant) -> list[dict] of that tenant's recent audit entries, to "
                    "check that key actions are logged")
    if not ctx.login_defined:
        pytest.skip("the audit cases act as users of fresh tenants: define launchready_login (or set "
                    "launchready_signup_route and launchready_login_route)")
    _RUNNERS[case.variant](ctx, _Log(ctx, reader))


class _Log:
    """Reads the log through the fixture, validating what it returns."""

    def __init__(self, ctx: RunContext, reader: Callable[[Tenant], Any]) -> None:
        self.ctx, self.reader = ctx, reader
        self.fields = Fields(ctx.settings.audit_fields)

    def read(self, tenant: Tenant) -> list[Mapping[str, Any]]:
        try:
            entries = self.reader(tenant)
        except Exception as exc:  # the user's code: a set-up error, not a finding
            raise SetupError(f"{FIXTURE}({tenant.name!r}) raised {type(exc).__name__}: {self.ctx.redact(str(exc))}") from None
        if not isinstance(entries, (list, tuple)) or not all(isinstance(e, Mapping) for e in entries):
            raise SetupError(f"{FIXTURE}({tenant.name!r}) returned {type(entries).__name__}: return a list of dicts, "
                             "the tenant's recent audit entries")
        return list(entries)

    def added(self, before: list[Mapping[str, Any]], tenant: Tenant) -> list[Mapping[str, Any]]:
        seen = {entry_key(e) for e in before}
        return [e for e in self.read(tenant) if entry_key(e) not in seen]


def _judge(ctx: RunContext, log: _Log, action: str, did: str, entries: list[Mapping[str, Any]],
           words: tuple[str, ...], also: Callable[[Mapping[str, Any]], bool] = lambda e: False) -> None:
    """Pass when one of ``entries`` is about the action and holds every required field; else fail saying why."""
    fields = log.fields
    if entries and not any(fields.has_action(e) for e in entries):
        about = entries  # the entries say no action at all: the ones this action added stand for it
    else:
        about = [e for e in entries if fields.about(e, words) or also(e)]
    if not about:
        seen = "; ".join(_summary(ctx, fields, e) for e in entries[:5]) or "none"
        fail(f"After {did}, the audit log ({FIXTURE}) held no entry about it: the entries it added were: {seen}.",
             WHY[action], FIX, docs=DOCS, severity=MEDIUM)
    best = min(about, key=lambda e: len(fields.missing(e)))
    gaps = fields.missing(best)
    if gaps:
        wanted = "; ".join(f"{g} (looked for {fields.names(g)})" for g in gaps)
        fail(f"After {did}, the audit entry for it lacks {', '.join(gaps)}: {_summary(ctx, fields, best)}. Missing: "
             f"{wanted}.",
             f"an audit entry must say who did what, in which org, when and from where: {WHY[action]}",
             FIX + " If the entry names these fields otherwise, map them in launchready_audit_fields (user: actor_id).",
             docs=DOCS, severity=MEDIUM)


def _summary(ctx: RunContext, fields: Fields, entry: Mapping[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in list(entry.items())[:8])
    return ctx.redact("{" + text[:240] + "}")


def run_login(ctx: RunContext, log: _Log) -> None:
    """A fresh tenant's sign-up and login; its log must hold a login entry."""
    tenant = ctx.fresh_tenant("audit-login")
    _judge(ctx, log, LOGIN, f"launchready_login signed a user of the fresh tenant {tenant.name} in", log.read(tenant),
           LOGIN_WORDS)


def _records(ctx: RunContext) -> list[Any]:
    kinds = record_routes(ctx.routes, ctx.settings)
    if not kinds:
        pytest.skip("no record to write: no create route (POST /things) with an object route to read it back "
                    "(GET /things/{thing_id})")
    return kinds


def run_write(ctx: RunContext, log: _Log) -> None:
    """A fresh tenant creates a record; a create entry must follow."""
    kind = _records(ctx)[0]
    tenant = ctx.fresh_tenant("audit-write")
    before = log.read(tenant)
    record = write_record(tenant, kind, ctx.routes, ctx.settings)
    if isinstance(record, str):
        pytest.skip(f"{record}: there was no write to look for in the log")
    object_id = record.path.rstrip("/").rsplit("/", 1)[-1]
    _judge(ctx, log, WRITE, f"the fresh tenant {tenant.name} created {record.path} (through the create route of "
           f"{kind.collection})", log.added(before, tenant), WRITE_WORDS,
           also=lambda e: object_id in entry_key(e))


def run_role(ctx: RunContext, log: _Log) -> None:
    """A second user of a fresh tenant gets another role; a role entry must follow."""
    set_role = ctx.fixture("launchready_set_role")
    if set_role is None:
        pytest.skip("no way to change a role: define launchready_set_role(tenant, credentials, role) (built in with the "
                    "built-in login when the app has a role-change route)")
    settings = ctx.settings
    in_tenant = settings.roles[settings.roles.index(settings.tenant_role):]
    if len(in_tenant) < 2:
        pytest.skip(f"only one role within a tenant ({settings.tenant_role}): no role to change to")
    tenant = ctx.fresh_tenant("audit-role")
    user = ctx.tenant_role(in_tenant[-1], tenant)
    before = log.read(tenant)
    try:
        set_role(tenant.name, user.credentials, in_tenant[-2])
    except Exception as exc:  # the user's code, or the app refused the change: no role change to look for
        raise SetupError(f"launchready_set_role({tenant.name!r}, <{in_tenant[-1]}>, {in_tenant[-2]!r}) raised "
                         f"{type(exc).__name__}: {ctx.redact(str(exc))}") from None
    _judge(ctx, log, ROLE, f"a {in_tenant[-1]} of the fresh tenant {tenant.name} was made {in_tenant[-2]} "
           "(launchready_set_role)", log.added(before, tenant), ROLE_WORDS)


def run_denied(ctx: RunContext, log: _Log) -> None:
    """Tenant B reads tenant A's record and is refused; a denial entry must follow in either log."""
    owner, intruder = ctx.fresh_tenant("audit-owner"), ctx.fresh_tenant("audit-intruder")
    tried = []
    for kind in _records(ctx)[:MAX_DENIED_TRIES]:
        record = write_record(owner, kind, ctx.routes, ctx.settings)
        if isinstance(record, str):
            tried.append(record)
            continue
        before_a, before_b = log.read(owner), log.read(intruder)
        response = intruder.client.request(kind.read.method, record.path)
        if response.status_code not in ctx.settings.deny_status | {404}:
            tried.append(f"tenant B's read of tenant A's {record.path} answered {response.status_code}, not a denial "
                         "(see the tenant_isolation check)")
            continue
        added = log.added(before_b, intruder) + log.added(before_a, owner)
        _judge(ctx, log, DENIED, f"tenant B ({intruder.name}) asked for tenant A's {record.path} and was refused "
               f"({response.status_code})", added, DENIED_WORDS, also=lambda e: _denied_status(e))
        return
    pytest.skip("no refused cross-tenant request to look for in the log: " + "; ".join(tried))


def _denied_status(entry: Mapping[str, Any]) -> bool:
    """An entry recording a refusal by its status or outcome (``"status": 404``, ``"outcome": "deny"``)."""
    return any(str(entry.get(k)) in ("401", "403", "404") for k in ("status", "status_code", "statusCode", "code"))


_RUNNERS: dict[str, Callable[[RunContext, _Log], None]] = {
    LOGIN: run_login, WRITE: run_write, ROLE: run_role, DENIED: run_denied,
}

CHECK = Check(
    name="audit",
    title="Logins, writes, role changes and denied cross-tenant requests leave audit entries with user, org, time and IP.",
    cases=cases,
    run=run,
    enable_hint=f"define {FIXTURE}",
)
