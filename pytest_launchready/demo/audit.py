"""The demo's audit log: who did what, in which org, when and from where; ``GET /audit`` reads the caller's org's.

Logins, creates, role changes and refused reads of another org's objects are recorded by the routes
that do them (:func:`record`). The deliberate defect (audit): with ``denied_reads_not_audited`` on, a
request for an object of another org is refused but leaves no entry, so probing for other customers'
data goes unseen.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Request


class AuditLog:
    """Append-only entries, per org (thread-safe: the sync routes run in a thread pool)."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        """Append one entry."""
        with self._lock:
            self._entries.append(entry)

    def for_org(self, org_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """The org's most recent entries, oldest first."""
        with self._lock:
            return [dict(e) for e in self._entries if e["org_id"] == org_id][-limit:]


def record(request: Request, action: str, user: Any, outcome: str = "success", target: str | None = None) -> None:
    """Log ``action`` by ``user`` (a store User) from this request's client address."""
    state = request.app.state.demo
    if outcome == "denied" and state.defects.denied_reads_not_audited:
        return  # DEFECT (audit): refused cross-org reads leave no trace.
    state.audit.add({"at": datetime.now(timezone.utc).isoformat(), "action": action, "outcome": outcome,
                     "actor_id": user.id, "org_id": user.org_id, "ip": request.client.host if request.client else None,
                     "target": target})


def router_for(admin: Any) -> APIRouter:
    """``GET /audit`` behind ``admin``, the app's own dependency for admins and owners."""
    router = APIRouter()

    @router.get("/audit", tags=["admin"], openapi_extra={"x-launchready-roles": ["admin"]})
    def audit_log(request: Request, user: Any = admin) -> list[dict[str, Any]]:
        """Your org's recent audit entries (admin and owner)."""
        return request.app.state.demo.audit.for_org(user.org_id)  # type: ignore[no-any-return]

    return router
