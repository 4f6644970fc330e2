"""Backups of the demo's in-memory store: a snapshot of every table, and a restore that puts it back.

A real product dumps its database (``pg_dump``, the provider's snapshots); the demo's conftest.py hands
these to ``launchready_backup`` and ``launchready_restore_backup``. The deliberate defect (backups): with
``backup_shares_live_rows`` on, the snapshot copies each table but not its rows, so a row changed after
the backup is changed in the backup too, and the restore cannot undo the change.
"""

from __future__ import annotations

import copy
from typing import Any

from pytest_launchready.demo.store import Store

#: The store's tables: every attribute that holds data (the lock and the id counter are not data).
TABLES = ("orgs", "users", "_users_by_email", "_invites", "conversations", "messages", "documents", "_revoked_jti")


class Backups:
    """Takes and restores snapshots of one store."""

    def __init__(self, store: Store, *, shares_live_rows: bool) -> None:
        self.store = store
        self.shares_live_rows = shares_live_rows

    def take(self) -> dict[str, Any]:
        """A snapshot of every table."""
        with self.store._lock:
            if self.shares_live_rows:
                # DEFECT (backups): a new dict per table, the same row objects: later edits reach the backup.
                return {name: copy.copy(getattr(self.store, name)) for name in TABLES}
            return {name: copy.deepcopy(getattr(self.store, name)) for name in TABLES}

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put every table of ``snapshot`` back (the snapshot stays usable for another restore)."""
        with self.store._lock:
            for name in TABLES:
                setattr(self.store, name, copy.deepcopy(snapshot[name]))
