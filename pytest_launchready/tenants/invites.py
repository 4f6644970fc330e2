"""The invite flow: make an invite into a tenant in a role, and accept it.

Through the user's fixtures when defined (``launchready_invite(tenant: Tenant, role) -> str``, the
token or a link holding it, and ``launchready_accept_invite(token) -> httpx.Response``), else through
discovered routes (:func:`pytest_launchready.routes.invite_vocabulary.invite_route` and
:func:`~pytest_launchready.routes.invite_vocabulary.accept_invite_route`): the inviter is the tenant's
tenant-role user, the invitee a new email; the accept body gets the token, a password chosen here and
the invitee's email or username when it asks for them. Either half may come from either source. The
sessions check and the built-in login use it; it judges nothing.
"""

from __future__ import annotations

import inspect
import itertools
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from pytest_launchready.errors import SetupError
from pytest_launchready.routes import invite_vocabulary, vocabulary
from pytest_launchready.routes.schemas import flatten
from pytest_launchready.tenants.bodies import FORM, body_content_type, encode, example, is_json

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.redact import Redactor
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Credentials, Tenant

#: What enables invites, for NOT RUN reasons.
ENABLE = ("define launchready_invite(tenant, role) -> token and launchready_accept_invite(token) -> httpx.Response "
          "in conftest.py, or expose a POST route naming invites (email/role -> a token field) and one naming "
          "accept/join/redeem (invite token, password)")
_PASSWORD_LIKE = re.compile(r"password|passwd|passphrase|^pwd|^pass$")
_EXCERPT = 200


@dataclass(frozen=True)
class Invite:
    """An invite made by the flow: its token (redacted everywhere), the tenant and role it is for, and the
    invitee's email when the flow chose it (discovered routes) or None (a fixture chose)."""

    token: str
    tenant: str
    role: str
    email: str | None = None

    def __repr__(self) -> str:
        return f"Invite(tenant={self.tenant!r}, role={self.role!r}, email={self.email!r})"


@dataclass(frozen=True)
class Accepted:
    """What accepting an invite gave: the app's answer and the password chosen for the new user (None when a
    fixture accepted)."""

    response: httpx.Response
    password: str | None
    email: str | None


class InviteFlow:
    """``make(tenant, role) -> Invite`` and ``accept(invite, credentials=None) -> Accepted``."""

    def __init__(self, routes: tuple[Route, ...], client: httpx.Client, redactor: Redactor, *,
                 invite: Callable[..., Any] | None = None, accept: Callable[..., Any] | None = None,
                 mint: Callable[..., Any] | None = None) -> None:
        self.client = client
        self.redact = redactor
        self.invite_fixture = invite
        self.accept_fixture = accept
        self.mint_fixture = mint
        self.invite_route = invite_vocabulary.invite_route(routes)
        self.accept_route = invite_vocabulary.accept_invite_route(routes)
        self._serial = itertools.count(1)

    # --- what is available --------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether invites can be made and accepted at all."""
        return (self.invite_fixture or self.invite_route) is not None and (self.accept_fixture or self.accept_route) is not None

    @property
    def how(self) -> str:
        """How invites are made and accepted, for messages: ``POST /orgs/invites then POST /auth/accept-invite``."""
        made = "launchready_invite" if self.invite_fixture else self.invite_route.key if self.invite_route else "?"
        used = "launchready_accept_invite" if self.accept_fixture else self.accept_route.key if self.accept_route else "?"
        return f"{made} then {used}"

    @property
    def accepts_with_session(self) -> bool:
        """Whether an invite can be accepted by a signed-in user: the accept route with that user's credentials,
        or an accept fixture that takes a ``credentials`` keyword."""
        if self.accept_fixture is not None:
            try:
                return "credentials" in inspect.signature(self.accept_fixture).parameters
            except (TypeError, ValueError):
                return False
        return self.accept_route is not None

    # --- making and accepting -----------------------------------------------------------------

    def new_email(self, tenant: str) -> str:
        """A fresh invitee address for ``tenant``."""
        return f"invitee-{next(self._serial)}-{secrets.token_hex(3)}@{tenant}.example.com"

    def make(self, tenant: Tenant, role: str, email: str | None = None) -> Invite:
        """An invite into ``tenant`` (its user invites) in ``role``; for ``email`` when given (routes only)."""
        if self.invite_fixture is not None:
            return Invite(self._token(self._call("launchready_invite", self.invite_fixture, tenant, role)), tenant.name, role)
        route = self._need(self.invite_route, "invite")
        email = email or self.new_email(tenant.name)
        key, schema = vocabulary.envelope(route.body_schema)
        fields = self._filled(schema, email)
        email_name = vocabulary.email_field(schema)
        role_name = vocabulary.field_named(schema, ("role",))
        if email_name:
            fields[email_name] = email
        if role_name:
            fields[role_name] = role
        answer = self._send(route, {key: fields} if key else fields, tenant.credentials)
        token = invite_vocabulary.invite_token_from(_json(answer))
        if not answer.is_success or token is None:
            raise SetupError(f"making an invite through {route.key} as tenant {tenant.name}'s {tenant.role} answered "
                             f"{answer.status_code} {self.redact(answer.text[:_EXCERPT])}"
                             f"{' (no token field in the answer)' if answer.is_success else ''}: {ENABLE}")
        self.redact.add(token)
        return Invite(token, tenant.name, role, email)

    def mint(self, tenant: Tenant, role: str, expires_at: Any) -> Invite | None:
        """An invite that expires at ``expires_at`` through ``launchready_mint_invite``, or None without it."""
        if self.mint_fixture is None:
            return None
        return Invite(self._token(self._call("launchready_mint_invite", self.mint_fixture, tenant, role, expires_at)),
                      tenant.name, role)

    def accept(self, invite: Invite, credentials: Credentials | None = None, password: str | None = None,
               username: str | None = None) -> Accepted:
        """Accept ``invite``, signed in as ``credentials`` when given (else anonymously): the app's answer."""
        if self.accept_fixture is not None:
            if credentials is not None:
                response = self._call("launchready_accept_invite", self.accept_fixture, invite.token, credentials=credentials)
            else:
                response = self._call("launchready_accept_invite", self.accept_fixture, invite.token)
            if not hasattr(response, "status_code"):
                raise SetupError(f"launchready_accept_invite returned {type(response).__name__}, not an httpx.Response")
            return Accepted(response, None, invite.email)
        route = self._need(self.accept_route, "accept")
        password = password or f"Lr-{secrets.token_urlsafe(12)}-9x"
        self.redact.add(password)
        email = invite.email or self.new_email(invite.tenant)
        key, schema = vocabulary.envelope(route.body_schema)
        fields = self._filled(schema, email)
        fields[str(invite_vocabulary.invite_token_field(schema))] = invite.token
        for name in schema.get("properties") or {}:
            norm = vocabulary.normalise(str(name))
            if _PASSWORD_LIKE.search(norm) and not re.search("current|old", norm):
                fields[str(name)] = password
        for kind, name in vocabulary.identity_fields(schema).items():
            fields[name] = email if kind == "email" else (username or email.split("@", 1)[0])
        return Accepted(self._send(route, {key: fields} if key else fields, credentials), password, email)

    # --- helpers ------------------------------------------------------------------------------

    def _filled(self, schema: dict[str, Any], email: str) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        filled = example(schema, text=email.split("@", 1)[0].replace("-", "")[:40])
        fields: dict[str, Any] = filled if isinstance(filled, dict) else {}
        return {k: v for k, v in fields.items() if not vocabulary.is_privileged_field(k)
                and not flatten(properties.get(k, {})).get("readOnly")}

    def _send(self, route: Route, body: Any, credentials: Credentials | None) -> httpx.Response:
        content_type = body_content_type(route)
        if not is_json(content_type) and content_type != FORM:
            raise SetupError(f"the invite flow cannot send {route.key} a {content_type} body: {ENABLE}")
        extra = {"auth": credentials} if credentials is not None else {}
        return self.client.request(route.method, route.path, content=encode(body, content_type),
                                   headers={"content-type": content_type}, **extra)

    def _token(self, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise SetupError(f"an invite fixture returned {type(value).__name__}, not the invite's token or link (a str)")
        token = invite_vocabulary.token_of_link(value)
        self.redact.add(value, token)
        return token

    def _call(self, name: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a user fixture that raises is a set-up error, redacted
            raise SetupError(f"{name} raised {type(exc).__name__}: {self.redact(str(exc))}") from None

    @staticmethod
    def _need(route: Route | None, what: str) -> Route:
        if route is None:
            raise SetupError(f"no way to {what} invites: {ENABLE}")
        return route


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
