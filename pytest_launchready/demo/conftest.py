"""The demo's set-up: the short form, with no login or seeding code.

pytest.ini names the sign-up and login routes, so the built-in login signs each tenant's owner up,
invites its admins and members through the demo's invite routes, and changes roles through its
role-change route. What is left here is what no route can say: the keys the demo app is started with,
how its billing webhook's deliveries are signed, where its audit log is read, and how it is backed up.

The long form, a hand-written ``launchready_login`` and friends for apps whose users no route can make,
is ../../conftest_example.py; tests/test_demo_app.py checks that every fixture here is there too, with
the same code, and that both forms give the demo the same verdicts.
"""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any, Callable

import pytest

from pytest_launchready import Tenant, Webhook

# Set before the plugin imports the app, so the app signs with it and launchready_jwt_key can read it.
os.environ.setdefault("DEMO_JWT_SECRET", secrets.token_urlsafe(32))
# The marker the demo writes into its bot's system prompt; launchready_system_prompt_canary reads it.
os.environ.setdefault("DEMO_PROMPT_CANARY", secrets.token_hex(8))
# The billing webhook's signing secret, shared with the app the same way (launchready_webhooks signs with it).
os.environ.setdefault("DEMO_WEBHOOK_SECRET", "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())


@pytest.fixture(scope="session")
def launchready_webhooks() -> list[Webhook]:
    """The billing webhook and how its deliveries are signed."""
    return [Webhook("POST /webhooks/billing", os.environ["DEMO_WEBHOOK_SECRET"], "standard",
                    body={"type": "invoice.paid", "customer": "cus_demo", "amount_cents": 4200})]


@pytest.fixture(scope="session")
def launchready_audit_log() -> Callable[[Tenant], list[dict[str, Any]]]:
    """The tenant's recent audit entries, read as its owner."""
    return lambda tenant: tenant.client.get("/audit").json()


@pytest.fixture(scope="session")
def launchready_backup(launchready_target: Any) -> Callable[[], Any]:
    """Take a backup: a snapshot of the demo's in-memory store."""
    return _demo_backups(launchready_target).take  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def launchready_restore_backup(launchready_target: Any) -> Callable[[Any], None]:
    """Restore a snapshot launchready_backup took."""
    return _demo_backups(launchready_target).restore  # type: ignore[no-any-return]


def _demo_backups(target: Any) -> Any:
    """The demo's backups: its in-process store's. A demo served live keeps its store in the server's process,
    which no fixture here can snapshot, so the backups drill is skipped there rather than judged on the wrong copy."""
    if not target.in_process:
        pytest.skip("the demo's backups snapshot its in-process store; a live demo server's store is in another "
                    "process (run the demo in-process to drill its backups)")
    from pytest_launchready.demo.app import app

    return app.state.demo.backups
