"""Template conftest.py for pytest-launchready: copy it next to your tests and adapt the marked lines.

As written it drives the bundled demo (``pytest_launchready/demo``), whose API is:

    POST /auth/signup        {email, password, org_name} -> {user_id, org_id}   a new org, you its owner
    POST /auth/login         {email, password}           -> {access_token}
    POST /orgs/invites       {email, role}               -> {invite_token}      (owner/admin)
    POST /auth/accept-invite {invite_token, password}    -> {id, ...}           joins the inviter's org
    PATCH /admin/users/{id}  {role}                                             (owner)
    GET /audit               -> [{at, action, outcome, actor_id, org_id, ip}]   (owner/admin)

This is the long form, for apps whose users no route can make. The demo itself runs with the short
form (pytest_launchready/demo/conftest.py: only the keys it starts with), because its pytest.ini names
the sign-up and login routes and the built-in login invites the other roles; both give the same verdicts.

Only ``launchready_login`` is required; the other fixtures switch on more checks (see each docstring).
Every fixture uses ``launchready_client``: a plain, anonymous ``httpx.Client`` the plugin binds to your
app (in-process or a running server), so the same code works in both cases.
"""

from __future__ import annotations

import base64
import itertools
import os
import secrets
from typing import Any, Callable

import httpx
import jwt  # PyJWT; only for launchready_mint_token
import pytest

from pytest_launchready import Credentials, Tenant, Webhook

# The app signs tokens with this key. The plugin reads it through `launchready_jwt_key = env:DEMO_JWT_SECRET`
# in the ini file, so the key itself is never written anywhere. Set it before the app is imported.
os.environ.setdefault("DEMO_JWT_SECRET", secrets.token_urlsafe(32))
# The marker the demo writes into its bot's system prompt; launchready_system_prompt_canary reads it.
os.environ.setdefault("DEMO_PROMPT_CANARY", secrets.token_hex(8))
# The signing secret of the demo's billing webhook (Standard Webhooks: whsec_ and base64), shared with
# the app the same way; launchready_webhooks below signs deliveries with it.
os.environ.setdefault("DEMO_WEBHOOK_SECRET", "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())

# One random password per run: a literal password in the tree is exactly what the secrets check flags.
PASSWORD = secrets.token_urlsafe(18)


class DemoAccounts:
    """Creates orgs and users through the public API, the way a real customer would.

    For each tenant it keeps a private owner session (the "steward") to invite users and change
    roles, so the checklist may log out, demote or delete any user it was given without breaking
    the setup of the next test.
    """

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.stewards: dict[str, tuple[Credentials, str]] = {}  # tenant -> (owner session, its user id)
        self._serial = itertools.count(1)

    def login(self, tenant: str, role: str) -> Credentials:
        """A new user of ``tenant`` in ``role``, logged in; the first call creates the org."""
        if tenant not in self.stewards:
            # ADAPT: how your product creates a tenant. Signing up makes an org with its first user as owner.
            email = self._email(tenant, "owner")
            user = self.call("POST", "/auth/signup", {"email": email, "password": PASSWORD, "org_name": tenant})
            self.stewards[tenant] = (self._session(email), user["user_id"])
            if role == "owner":
                return self._session(email)  # a session of its own: logging it out leaves the steward's alone
        # Any other user (or any later call for the tenant) joins the same org by invitation.
        return self._session(self.add_user(tenant, role)[0])

    def add_user(self, tenant: str, role: str) -> tuple[str, str]:
        """Invite and accept a new user of ``tenant`` in ``role``; returns its email and id."""
        # ADAPT: how your product adds a user in a given role to an existing tenant.
        email = self._email(tenant, role)
        invite = self.call("POST", "/orgs/invites", {"email": email, "role": role}, auth=self.stewards[tenant][0])
        user = self.call("POST", "/auth/accept-invite", {"invite_token": invite["invite_token"], "password": PASSWORD})
        return email, user["id"]

    def set_role(self, tenant: str, credentials: Credentials, role: str) -> None:
        """Change the role of the user behind ``credentials``, as the tenant's owner."""
        # ADAPT: how to find a user's id, and how an owner changes a role.
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
        # Unique per call; tenant names are already unique per run and per xdist worker.
        return f"{role}-{next(self._serial)}@{tenant}.example.com"

    def _session(self, email: str) -> Credentials:
        # ADAPT: how your product logs in. Credentials also take cookies=... for cookie sessions,
        # and token=... for a raw token they cannot find themselves (they find Authorization: Bearer,
        # Token and JWT values, and a JWT in any header or cookie).
        token = self.call("POST", "/auth/login", {"email": email, "password": PASSWORD})["access_token"]
        return Credentials(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
def demo_accounts(launchready_client: httpx.Client) -> DemoAccounts:
    """The account helper shared by the fixtures below."""
    return DemoAccounts(launchready_client)


@pytest.fixture(scope="session")
def launchready_login(demo_accounts: DemoAccounts) -> Callable[[str, str], Credentials]:
    """Required. ``login(tenant, role)``: a fresh user of ``tenant`` in ``role``, logged in.

    The first call for a tenant creates it; later calls add users to that same tenant. Roles are
    those of ``launchready_roles`` (default ``owner admin member``, highest first).
    """
    return demo_accounts.login


@pytest.fixture(scope="session")
def launchready_logout(launchready_client: httpx.Client) -> Callable[[Credentials], None]:
    """Optional (tokens check: revocation). ``logout(credentials)`` ends that session.

    Without it the plugin uses ``launchready_logout_route`` from the ini file.
    """

    def logout(credentials: Credentials) -> None:
        launchready_client.post("/auth/logout", auth=credentials).raise_for_status()

    return logout


# Optional too (tokens check: sessions that outlive identity changes), when your app changes passwords or
# deletes users in a way the plugin cannot find (the demo has neither, so they are not defined here):
#
#     @pytest.fixture(scope="session")
#     def launchready_change_password(launchready_client):
#         def change(credentials: Credentials) -> Credentials | None:
#             answer = launchready_client.post("/account/password", json={"current": PASSWORD, "new": NEW_PASSWORD},
#                                              auth=credentials)
#             answer.raise_for_status()
#             return None  # or the new Credentials, when the app issues new ones (the old ones must then be refused)
#         return change
#
#     @pytest.fixture(scope="session")
#     def launchready_delete_user(launchready_client):
#         return lambda credentials: launchready_client.delete("/account", auth=credentials).raise_for_status()


@pytest.fixture(scope="session")
def launchready_set_role(demo_accounts: DemoAccounts) -> Callable[[str, Credentials, str], None]:
    """Optional (tokens check: a role change takes effect at once). ``set_role(tenant, credentials, role)``."""
    return lambda tenant, credentials, role: demo_accounts.set_role(getattr(tenant, "name", tenant), credentials, role)


@pytest.fixture(scope="session")
def launchready_mint_token() -> Callable[[dict[str, Any]], str]:
    """Optional (tokens check: expired tokens). ``mint(claims)`` signs claims the way the app does.

    The plugin passes a real user's decoded claims with one thing changed (``exp`` in the past...).
    """
    # ADAPT: your algorithm and key (for RS256, sign with the private key).
    return lambda claims: jwt.encode(claims, os.environ["DEMO_JWT_SECRET"], algorithm="HS256")


@pytest.fixture(scope="session")
def launchready_seed(demo_accounts: DemoAccounts) -> Callable[[Tenant], dict[str, str]]:
    """Optional (tenant_isolation, roles). The plugin seeds each tenant by itself: it calls the create
    routes of your spec parents first (POST /conversations, then POST /conversations/{id}/messages),
    writes the tenant's canary into every free-text field and harvests the ids from the answers.
    ``seed(tenant)`` returns ``{path-parameter name: id}`` only for what it cannot create that way:
    here ``user_id``, since users join by invitation, not by a POST the plugin can see.
    """

    def seed(tenant: Tenant) -> dict[str, str]:
        # ADAPT: ids your product creates in ways a generic client cannot (invitations, imports, ...).
        if tenant.name not in demo_accounts.stewards:
            return {}
        # A throwaway member, so tests that remove or re-role {user_id} never touch a login in use.
        return {"user_id": demo_accounts.add_user(tenant.name, "member")[1]}

    return seed


@pytest.fixture(scope="session")
def launchready_webhooks() -> list[Webhook]:
    """Optional (webhooks check). Your inbound webhook receivers and how their deliveries are signed.

    ``scheme`` is "standard" (Standard Webhooks), "stripe", "slack", "github", or your own
    ``sign(body, timestamp, secret) -> headers``. ``body`` is a payload your receiver accepts (a dict,
    or ``lambda tenant: {...}``); leave it out to build one from the route's schema.
    """
    # ADAPT: one Webhook per receiver, with the secret your test configuration gives the app.
    return [Webhook("POST /webhooks/billing", os.environ["DEMO_WEBHOOK_SECRET"], "standard",
                    body={"type": "invoice.paid", "customer": "cus_demo", "amount_cents": 4200})]


@pytest.fixture(scope="session")
def launchready_audit_log() -> Callable[[Tenant], list[dict[str, Any]]]:
    """Optional (audit check). ``(tenant) -> list[dict]``: the tenant's recent audit entries.

    Each entry should say who (user), in which org, when (time) and from where (client IP); names are
    matched loosely (actor_id, org_id, at, ip...), or mapped in ``launchready_audit_fields``.
    """
    # ADAPT: your audit route (here read as the tenant's own owner), or a query on your audit table.
    return lambda tenant: tenant.client.get("/audit").json()


@pytest.fixture(scope="session")
def launchready_backup(launchready_target: Any) -> Callable[[], Any]:
    """Optional (backups check). ``() -> backup``: take a backup of the test database, return what restoring needs."""
    # ADAPT: your real mechanism against a test database (pg_dump, a provider snapshot); the demo snapshots its
    # in-memory store.
    return _demo_backups(launchready_target).take  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def launchready_restore_backup(launchready_target: Any) -> Callable[[Any], None]:
    """Optional (backups check). ``(backup) -> None``: restore what launchready_backup returned."""
    # ADAPT: pg_restore --clean, or your provider's restore.
    return _demo_backups(launchready_target).restore  # type: ignore[no-any-return]


def _demo_backups(target: Any) -> Any:
    """The demo's backups: its in-process store's. A demo served live keeps its store in the server's process,
    which no fixture here can snapshot, so the backups drill is skipped there rather than judged on the wrong copy."""
    if not target.in_process:
        pytest.skip("the demo's backups snapshot its in-process store; a live demo server's store is in another "
                    "process (run the demo in-process to drill its backups)")
    from pytest_launchready.demo.app import app

    return app.state.demo.backups
