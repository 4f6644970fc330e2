"""The demo's set-up: the short form, with no login or seeding code.

pytest.ini names the sign-up and login routes, so the built-in login signs each tenant's owner up,
invites its admins and members through the demo's invite routes, and changes roles through its
role-change route. What is left here is what no route can say: the keys the demo app is started with,
and how its billing webhook's deliveries are signed.

The long form, a hand-written ``launchready_login`` and friends for apps whose users no route can make,
is ../../conftest_example.py; tests/test_demo_app.py checks that every fixture here is there too, with
the same code, and that both forms give the demo the same verdicts.
"""

from __future__ import annotations

import base64
import os
import secrets

import pytest

from pytest_launchready import Webhook

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
