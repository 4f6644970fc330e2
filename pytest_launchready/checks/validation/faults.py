"""What the validation check records as a problem, and the fix path each kind of problem names."""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING, NoReturn

import httpx

from pytest_launchready.checks import disclosure
from pytest_launchready.checks.finding import HIGH, MEDIUM, SEVERITIES, worst
from pytest_launchready.checks.evidence import fail

if TYPE_CHECKING:
    from pytest_launchready.redact import Redactor

FIX_CRASH = (
    "Validate the body against its schema before any handler code runs (a pydantic model / serializer / JSON-schema "
    "validator), turn parse and validation errors into 400/422, and let no exception reach the client as a 500."
)
FIX_ENFORCE = (
    "Enforce the declared schema on this route: declare the body as a model (FastAPI/pydantic, DRF serializer, marshmallow) "
    "instead of reading raw JSON, so required fields and types are checked before the handler runs."
)
FIX_DISCLOSE = (
    "Answer errors with a generic message and an error id; log the details server-side. Turn debug mode off in production "
    "(FastAPI/Starlette debug=False, Flask/Werkzeug debugger off, Django DEBUG = False) and never put exception text or SQL in a response."
)
FIX_MASS = (
    "Build the object from an explicit allow-list of fields (a separate input model per operation, pydantic extra='forbid' or "
    "'ignore'); set role, org, owner and flags only server-side from the caller's identity."
)
FIX_EXPOSE = (
    "Serialise responses through an explicit output model that lists the fields that may leave the server (FastAPI "
    "response_model, DRF serializer fields); never return ORM/user records whole."
)


@dataclass
class Fault:
    """One problem: what was seen, why it fails, the fix, the answer (with the text to mark in it), and
    its severity (a test's finding takes the worst of its faults')."""

    what: str
    why: str
    fix: str
    response: httpx.Response | None = None
    mark: str | None = None
    severity: str = MEDIUM


def is_secret(found: disclosure.Disclosure) -> bool:
    """True for a disclosed secret (a hash, a sensitive field, a key) rather than debug output."""
    return any(word in found.kind for word in ("hash", "field", "key"))


def disclosure_severity(found: list[disclosure.Disclosure]) -> str:
    """HIGH when a secret, hash or key is disclosed; MEDIUM for debug output (traces, paths, SQL)."""
    return HIGH if any(is_secret(f) for f in found) else MEDIUM


#: Answers listed per kind of fault.
MAX_LISTED = 12


def fail_with(faults: list[Fault], sent: str, redact: Redactor, docs: str, notes: str = "") -> NoReturn:
    """Fail with ``faults``: the first is the failure (its title is the first line); faults of the same kind
    (the same why and fix) are listed under it, and each other kind follows under a title of its own, so
    that a mass assignment and a disclosure never read as one finding.

    ``sent`` says what was sent and as whom (``Sent POST /notes as ...``); ``notes`` are lines that are
    not findings (warnings, what could not be tried).
    """
    kinds: dict[tuple[str, str], list[Fault]] = {}
    for fault in faults:
        kinds.setdefault((fault.why, fault.fix), []).append(fault)
    # Worst first: the first line, the title in the report and the severity tell the same finding.
    groups = sorted(kinds.values(), key=lambda group: SEVERITIES.index(worst(f.severity for f in group)))
    first = groups[0][0]
    also: list[str] = []
    if len(groups[0]) > 1:
        also += [f"The same fault with {len(groups[0]) - 1} other request{'s' * (len(groups[0]) > 2)}:", *_listing(groups[0][1:])]
    for group in groups[1:]:
        lead = group[0]
        also += ["", f"Another finding in this test: {sent}: {lead.what}.", f"  Why this fails: {lead.why}", f"  Fix: {lead.fix}"]
        if len(group) > 1:
            also += [f"  The same with {len(group) - 1} other request{'s' * (len(group) > 2)}:", *_listing(group[1:], "    ")]
    if notes:
        also += ["", notes.strip("\n")]
    fail(f"{sent}: {first.what}.", first.why, first.fix, response=first.response, redact=redact,
         headers=("content-type",), mark=first.mark, docs=docs, also="\n".join(also).strip("\n"),
         severity=worst(f.severity for f in faults))


def _listing(faults: list[Fault], indent: str = "  ") -> list[str]:
    lines = [f"{indent}- {fault.what}" for fault in faults[:MAX_LISTED]]
    if len(faults) > MAX_LISTED:
        lines.append(f"{indent}... and {len(faults) - MAX_LISTED} more")
    return lines
