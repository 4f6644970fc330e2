"""Mass assignment: privileged fields the schema does not declare, sent with a valid body, then the
object re-read (:mod:`~pytest_launchready.checks.validation.readback`) to see whether they stuck."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx

from pytest_launchready.checks import disclosure
from pytest_launchready.checks.validation import payloads
from pytest_launchready.checks.validation.common import unique
from pytest_launchready.checks.finding import HIGH
from pytest_launchready.checks.validation.faults import FIX_MASS, Fault
from pytest_launchready.checks.validation.payload import NONE, Payload
from pytest_launchready.checks.validation.readback import Reader, reader_for, safe_read
from pytest_launchready.routes.schemas import flatten, is_object_schema
from pytest_launchready.target.responses import json_body
from pytest_launchready.routes.vocabulary import camel_case
from pytest_launchready.tenants import bodies
from pytest_launchready.routes.vocabulary import PRIVILEGED_FIELDS
from pytest_launchready.routes import vocabulary

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.validation.session import Session

#: Privileged fields tried on every write route that does not declare them (plus launchready_privileged_fields).
#: Privileged fields that move an object to another owner: once taken, the caller may no longer read it.
OWNERSHIP = frozenset({"orgid", "organizationid", "tenantid", "accountid", "ownerid", "userid"})


def try_mass_assignment(session: Session, schema: dict[str, Any], content_type: str, base: Any, baseline: httpx.Response) -> None:
    """Send privileged fields the schema does not declare; re-read the object to see whether they stuck.

    Privilege flags (role, is_admin, plan...) and ownership ids (org_id, owner_id...) go in two
    requests: an ownership id that takes effect can move the object out of the caller's reach, which
    is itself the proof, and must not hide whether the flags stuck.
    """
    ctx = session.ctx
    flat = flatten(schema)
    if not bodies.is_json(content_type) or not is_object_schema(flat) or not isinstance(base, dict):
        return
    # In {"user": {...}} the app reads the fields inside: that is where privileged ones are sent.
    envelope, inner = vocabulary.envelope(flat)
    fields = privileged_fields(inner, ctx.settings.privileged_fields)
    reader, how = reader_for(session)
    before = safe_read(reader, baseline, base)
    before_echo = json_body(baseline)
    fabricate = _fabricator(ctx)
    for ownership in (False, True):
        values: dict[str, Any] = {}
        for name in fields:
            if (disclosure.normalise(name) in OWNERSHIP) is ownership:
                value = payloads.privileged_value(name, _find(before if before is not None else before_echo, name),
                                                  ctx.settings.roles, fabricate)
                if value is not None:
                    values[name] = value
        if values:
            _try_privileged(session, schema, values, reader, how, before, before_echo, envelope)


def _try_privileged(session: Session, schema: dict[str, Any], values: dict[str, Any], reader: Reader | None, how: str,
                    before: Any, before_echo: Any, envelope: str | None = None) -> None:
    ctx = session.ctx
    known = session.caller.tenant.ids if session.caller.tenant is not None else {}
    body = bodies.valid_body(schema, unique(ctx), known)
    fields = vocabulary.fields_of(body, envelope)
    if fields is not None:
        fields.update(values)
    label = f"privileged field(s) {', '.join(f'{n}={v!r}' for n, v in values.items())}"
    response = session.send(Payload(label, "mass assignment", bodies.encode(body), session.content_type, NONE))
    if response is None or not response.is_success:
        return  # a 4xx rejects the fields: a pass; a 5xx is already a finding
    after = safe_read(reader, response, body)
    if after is not None:
        taken = [n for n, v in values.items() if _matches(_find(after, n), v) and not _matches(_find(before, n), v)]
        if taken:
            shown = ", ".join(f"{n}={values[n]!r}" for n in taken)
            session.findings.append(Fault(
                f"{label}: accepted with {response.status_code}, and re-reading the object ({how}) shows {shown}",
                "a client chose its own privileges or ownership: the write copied fields it should have ignored.",
                FIX_MASS, response, severity=HIGH))
        return
    if reader is not None and before is not None and any(disclosure.normalise(n) in OWNERSHIP for n in values):
        session.findings.append(Fault(
            f"{label}: accepted with {response.status_code}, and the object can no longer be read back ({how}), "
            "while the same write without these fields could",
            "the ownership fields took effect: the object was moved to an owner or org the client chose.",
            FIX_MASS, response, severity=HIGH))
        return
    echoed = [n for n, v in values.items() if _matches(_find(json_body(response), n), v) and not _matches(_find(before_echo, n), v)]
    if echoed:
        session.warnings.append(
            f"privileged field(s) {', '.join(echoed)} were accepted and echoed in the {response.status_code} answer, and "
            "the object could not be re-read to verify whether they were stored"
        )


def privileged_fields(schema: dict[str, Any], extra: Iterable[str]) -> list[str]:
    """The privileged fields to try: the defaults and ``extra``, minus those the schema declares
    (a declared field is a legitimate input, e.g. ``role`` in an invite). camelCase schemas get camelCase names."""
    properties = [str(p) for p in (schema.get("properties") or {})]
    declared = {disclosure.normalise(p) for p in properties}
    camel = any(re.search(r"[a-z][A-Z]", p) for p in properties) and not any("_" in p for p in properties)
    names = [camel_case(n) if camel else n for n in PRIVILEGED_FIELDS] + list(extra)
    return [n for n in dict.fromkeys(names) if disclosure.normalise(n) not in declared]


def _find(obj: Any, name: str) -> Any:
    """The value of field ``name`` (any case or separators) in ``obj`` or one level down."""
    if not isinstance(obj, dict):
        return None
    wanted = disclosure.normalise(name)
    for key, value in obj.items():
        if disclosure.normalise(str(key)) == wanted:
            return value
    for value in obj.values():
        if isinstance(value, dict):
            for key, inner in value.items():
                if disclosure.normalise(str(key)) == wanted:
                    return inner
    return None


def _matches(found: Any, sent: Any) -> bool:
    if found is None:
        return False
    if isinstance(sent, list):
        have = {str(v).lower() for v in found} if isinstance(found, list) else {str(found).lower()}
        return all(str(v).lower() in have for v in sent)
    if isinstance(sent, bool):
        return found is sent or str(found).lower() == str(sent).lower()
    return str(found).lower() == str(sent).lower()


def _fabricator(ctx: RunContext) -> Callable[[Any], Any]:
    def fabricate(baseline: Any) -> Any:
        if isinstance(baseline, int) and not isinstance(baseline, bool):
            return baseline + 7_919_000
        if isinstance(baseline, str) and re.fullmatch(r"[0-9a-fA-F-]{36}", baseline):
            return str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
        if isinstance(baseline, str) and baseline.isdigit():
            return str(int(baseline) + 7_919_000)
        return f"lr-foreign-{ctx.rng.getrandbits(32):08x}"

    return fabricate
