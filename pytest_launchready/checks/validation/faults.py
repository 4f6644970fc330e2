"""What the validation check records as a problem, and the fix path each kind of problem names."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from pytest_launchready.checks import disclosure

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
    """One problem: what was seen, why it fails, the fix, and the answer (with the text to mark in it)."""

    what: str
    why: str
    fix: str
    response: httpx.Response | None = None
    mark: str | None = None


def is_secret(found: disclosure.Disclosure) -> bool:
    """True for a disclosed secret (a hash, a sensitive field, a key) rather than debug output."""
    return any(word in found.kind for word in ("hash", "field", "key"))
