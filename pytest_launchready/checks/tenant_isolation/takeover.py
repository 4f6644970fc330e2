"""A cross-tenant write that sets a password shows nothing a GET can read back: the proof is a login.

When tenant B's request aimed at tenant A's user (A's username in the path, or in the body of B's own
request) answers 2xx with a new password in its body, tenant A's user logs in with that password
through the app's login route: if it works, B changed A's password and holds the account.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from pytest_launchready.checks.signin import logs_in
from pytest_launchready.routes import Route, vocabulary

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.probe import Probe
    from pytest_launchready.tenants import Tenant

#: Logins tried per test at most: a wrong password counts against the victim's login throttle.
MAX_LOGINS = 3

FIX_PASSWORD = (
    "Change a password only for the signed-in user: take the user from the session or token (never from the path "
    "or the body), ask for the current password, and end the user's other sessions when it changes."
)


def password_in(route: Route, body: Any) -> str | None:
    """The new password ``body`` sets through ``route``'s password field (inside its envelope), if any."""
    key, schema = vocabulary.envelope(route.body_schema)
    name = vocabulary.password_field(schema)
    fields = vocabulary.fields_of(copy.deepcopy(body), key) if name else None
    value = fields.get(name) if fields is not None and name else None
    return value if isinstance(value, str) and value else None


class PasswordProof:
    """Tries, at most :data:`MAX_LOGINS` times per test, whether ``owner``'s user logs in with the
    password an attacker's request set."""

    def __init__(self, ctx: RunContext, owner: Tenant) -> None:
        self.ctx = ctx
        self.identity = owner.credentials.identity
        self.tries = 0
        self.untried: str | None = None

    def taken(self, route: Route, probe: Probe) -> str | None:
        """``username=alice`` (how the victim's user was named at the login) when it logged in with the
        password ``probe`` set; None when it did not, or could not be tried (:attr:`untried` says why)."""
        password = password_in(route, probe.body)
        if password is None or self.tries >= MAX_LOGINS:
            return None
        email, username = self.identity.get("email"), self.identity.get("username")
        if not (email or username):
            self.untried = ("tenant A's username and email are unknown (return them from launchready_login: "
                            "Credentials(identity={'username': ...}))")
            return None
        self.tries += 1
        worked = logs_in(self.ctx, password, email=email, username=username)
        if worked is None:
            self.untried = ("no login route takes that user's name and a password (set launchready_login_route)")
        return ", ".join(f"{k}={v}" for k, v in (("username", username), ("email", email)) if v) if worked else None
