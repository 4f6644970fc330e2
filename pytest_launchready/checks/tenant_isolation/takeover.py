"""A cross-tenant write that sets a password shows nothing a GET can read back: the proof is a login.

Each attack on a route whose body takes a password sets a password made for that request (never a
schema example a login fixture might use too). When tenant B's request aimed at tenant A's user
(A's username in the path, or in the body of B's own request) answers 2xx, tenant A's user logs in
with that password through the app's login route: if it works, and a wrong password does not, B
changed A's password and holds the account.
"""

from __future__ import annotations

import copy
import secrets
from typing import TYPE_CHECKING, Any

from pytest_launchready.checks.signin import logs_in
from pytest_launchready.routes import Route, vocabulary

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.probe import Probe
    from pytest_launchready.tenants import Tenant

#: Logins tried per test at most: a wrong password counts against the victim's login throttle.
MAX_LOGINS = 5

FIX_PASSWORD = (
    "Change a password only for the signed-in user: take the user from the session or token (never from the path "
    "or the body), ask for the current password, and end the user's other sessions when it changes."
)


def _password_field(route: Route) -> tuple[str | None, str | None]:
    key, schema = vocabulary.envelope(route.body_schema)
    return key, vocabulary.password_field(schema)


def with_fresh_password(ctx: RunContext, route: Route, body: Any) -> Any:
    """``body`` with a password made for this request in the route's password field (none: unchanged)."""
    key, name = _password_field(route)
    if name is None or not isinstance(body, dict):
        return body
    body = copy.deepcopy(body)
    fields = vocabulary.fields_of(body, key)
    if fields is None:
        return body
    fields[name] = f"Lr-{secrets.token_urlsafe(12)}-7q"
    ctx.redact.add(fields[name])
    return body


def password_in(route: Route, body: Any) -> str | None:
    """The new password ``body`` sets through ``route``'s password field (inside its envelope), if any."""
    key, name = _password_field(route)
    fields = vocabulary.fields_of(copy.deepcopy(body), key) if name else None
    value = fields.get(name) if fields is not None and name else None
    return value if isinstance(value, str) and value else None


class PasswordProof:
    """Tries, at most :data:`MAX_LOGINS` times per test, whether ``owner``'s user logs in with the
    password an attacker's request set; :meth:`warn` says what could not be tried."""

    def __init__(self, ctx: RunContext, owner: Tenant) -> None:
        self.ctx = ctx
        self.identity = owner.credentials.identity
        self.tries = 0
        self.untried: str | None = None

    def taken(self, route: Route, probe: Probe) -> str | None:
        """``username=alice`` (the victim's user) when it logged in with the password ``probe`` set; None
        when it did not, or that could not be told (:attr:`untried` says why)."""
        password = password_in(route, probe.body)
        if password is None:
            return None
        if self.tries >= MAX_LOGINS:
            self.untried = f"only the first {MAX_LOGINS} such answers were tried (each is a login attempt on that user)"
            return None
        email, username = self.identity.get("email"), self.identity.get("username")
        if not (email or username):
            self.untried = ("tenant A's username and email are unknown (return them from launchready_login: "
                            "Credentials(identity={'username': ...}))")
            return None
        self.tries += 1
        worked = logs_in(self.ctx, password, email=email, username=username)
        if worked is None:
            self.untried = ("no login route could tell: none found (set launchready_login_route), it did not take a "
                            "plain username or email and password, or it also signed in with a wrong password")
        return ", ".join(f"{k}={v}" for k, v in (("username", username), ("email", email)) if v) if worked else None

    def warn(self, route: Route) -> None:
        """A warning naming what kept a 2xx password write from being verified, if anything did."""
        if self.untried:
            self.ctx.warn(f"{route.key}: tenant B's request set a password on tenant A's user and answered 2xx, but "
                          f"{self.untried}: whether B can take over tenant A's account was not verified")
