"""How pytest-launchready signs users of the demo app up and in.

The code is that of ../../conftest_example.py, the commented template users copy: the demo needs its
own copy because it must run from an installed package, where the template is absent.
tests/test_demo_app.py checks that the two stay the same code, so change them together.
"""

from __future__ import annotations

import base64
import itertools
import os
import secrets
from typing import Any, Callable

import httpx
import jwt
import pytest

from pytest_launchready import Credentials, Tenant, Webhook

# Set before the plugin imports the app, so the app signs with it and launchready_jwt_key can read it.
os.environ.setdefault("DEMO_JWT_SECRET", secrets.token_urlsafe(32))
# The marker the demo writes into its bot's system prompt; launchready_system_prompt_canary reads it.
os.environ.setdefault("DEMO_PROMPT_CANARY", secrets.token_hex(8))
# The billing webhook's signing secret, shared with the app the same way (launchready_webhooks signs with it).
os.environ.setdefault("DEMO_WEBHOOK_SECRET", "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())

PASSWORD = secrets.token_urlsafe(18)  # one random password per run: nothing secret is written in the tree


class DemoAccounts:
    """Signs orgs up and invites users, keeping one private owner session per tenant for that."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.stewards: dict[str, tuple[Credentials, str]] = {}  # tenant -> (owner session, its user id)
        self._serial = itertools.count(1)

    def login(self, tenant: str, role: str) -> Credentials:
        """A new user of ``tenant`` in ``role``, logged in; the first call creates the org."""
        if tenant not in self.stewards:
            email = self._email(tenant, "owner")
            user = self.call("POST", "/auth/signup", {"email": email, "password": PASSWORD, "org_name": tenant})
            self.stewards[tenant] = (self._session(email), user["user_id"])
            if role == "owner":
                return self._session(email)  # a session of its own: logging it out leaves the steward's alone
        return self._session(self.add_user(tenant, role)[0])

    def add_user(self, tenant: str, role: str) -> tuple[str, str]:
        """Invite and accept a new user of ``tenant`` in ``role``; returns its email and id."""
        email = self._email(tenant, role)
        invite = self.call("POST", "/orgs/invites", {"email": email, "role": role}, auth=self.stewards[tenant][0])
        user = self.call("POST", "/auth/accept-invite", {"invite_token": invite["invite_token"], "password": PASSWORD})
        return email, user["id"]

    def set_role(self, tenant: str, credentials: Credentials, role: str) -> None:
        """Change the role of the user behind ``credentials``, as the tenant's owner."""
        user_id = self.call("GET", "/me", auth=credentials)["id"]
        if user_id == self.stewards[tenant][1]:  # never demote the org's only owner: hand over first
            email, new_id = self.add_user(tenant, "owner")
            self.stewards[tenant] = (self._session(email), new_id)
        self.call("PATCH", f"/admin/users/{user_id}", {"role": role}, auth=self.stewards[tenant][0])

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, auth: Credentials | None = None) -> dict[str, Any]:
        """Send one request; any error status stops the setup with a clear message."""
        response = self.client.request(method, path, json=body, auth=auth) if auth else self.client.request(method, path, json=body)
        if response.is_error:
            raise RuntimeError(f"setup: {method} {path} answered {response.status_code}: {response.text[:200]}")
        return response.json() if response.content else {}

    def _email(self, tenant: str, role: str) -> str:
        return f"{role}-{next(self._serial)}@{tenant}.example.com"

    def _session(self, email: str) -> Credentials:
        token = self.call("POST", "/auth/login", {"email": email, "password": PASSWORD})["access_token"]
        return Credentials(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
def demo_accounts(launchready_client: httpx.Client) -> DemoAccounts:
    """The demo's account helper, shared by the fixtures below."""
    return DemoAccounts(launchready_client)


@pytest.fixture(scope="session")
def launchready_login(demo_accounts: DemoAccounts) -> Callable[[str, str], Credentials]:
    """``login(tenant, role)``: a fresh user of ``tenant`` in ``role``, logged in."""
    return demo_accounts.login


@pytest.fixture(scope="session")
def launchready_logout(launchready_client: httpx.Client) -> Callable[[Credentials], None]:
    """``logout(credentials)``: end that session."""

    def logout(credentials: Credentials) -> None:
        launchready_client.post("/auth/logout", auth=credentials).raise_for_status()

    return logout


@pytest.fixture(scope="session")
def launchready_set_role(demo_accounts: DemoAccounts) -> Callable[[str, Credentials, str], None]:
    """``set_role(tenant, credentials, role)``: change that user's role."""
    return lambda tenant, credentials, role: demo_accounts.set_role(getattr(tenant, "name", tenant), credentials, role)


@pytest.fixture(scope="session")
def launchready_mint_token() -> Callable[[dict[str, Any]], str]:
    """``mint(claims)``: a token the demo would accept, for forging expired or altered tokens."""
    return lambda claims: jwt.encode(claims, os.environ["DEMO_JWT_SECRET"], algorithm="HS256")


@pytest.fixture(scope="session")
def launchready_seed(demo_accounts: DemoAccounts) -> Callable[[Tenant], dict[str, str]]:
    """``seed(tenant)``: the ids automatic seeding cannot create (users join by invitation)."""

    def seed(tenant: Tenant) -> dict[str, str]:
        if tenant.name not in demo_accounts.stewards:
            return {}
        # A throwaway member: tests that remove or re-role {user_id} never touch a login in use.
        return {"user_id": demo_accounts.add_user(tenant.name, "member")[1]}

    return seed


@pytest.fixture(scope="session")
def launchready_webhooks() -> list[Webhook]:
    """The billing webhook and how its deliveries are signed."""
    return [Webhook("POST /webhooks/billing", os.environ["DEMO_WEBHOOK_SECRET"], "standard",
                    body={"type": "invoice.paid", "customer": "cus_demo", "amount_cents": 4200})]
