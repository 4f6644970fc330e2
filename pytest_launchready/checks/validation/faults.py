"""What the validation check records as a problem, and the fix path each kind of problem names."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pytest_launchready.checks import disclosure
from pytest_launchready.checks.finding import HIGH, MEDIUM

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
