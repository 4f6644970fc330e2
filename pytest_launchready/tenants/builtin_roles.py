"""The built-in ``launchready_set_role``: the tenant's owner changes a member's role through the app's route.

Used with the built-in login only (it holds each tenant's first user, the owner), when the app has a
role-change route (:func:`pytest_launchready.routes.vocabulary.role_change_route`). The member's id is
read from the list route above it as the owner sees it (the entry with the member's email or username),
else from the member's own who-am-I answer when its id names the user. Demoting the owner itself first
hands the org to a newly invited owner, so the org always keeps one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_launchready.errors import SetupError
from pytest_launchready.routes import vocabulary
from pytest_launchready.tenants.seeding import items_of

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Credentials
    from pytest_launchready.tenants.builtin_login import BuiltinLogin

_EXCERPT = 200


class BuiltinSetRole:
    """``set_role(tenant, credentials, role)`` through ``route`` as the tenant's owner."""

    def __init__(self, login: BuiltinLogin, route: Route, routes: tuple[Route, ...]) -> None:
        self.login = login
        self.route = route
        self.param = route.path_params[-1]
        parent = route.path.rsplit("/", 1)[0]
        self.list_route = next((r for r in routes if r.method == "GET" and r.path == parent), None)
        self.me_route = vocabulary.me_route(routes)

    def __call__(self, tenant: Any, credentials: Credentials, role: str) -> None:
        name = str(getattr(tenant, "name", tenant))
        owner = self.login.owner_of(name)
        user_id = self._id_of(credentials, owner)
        if credentials == owner:  # never leave the org without an owner: hand it over first
            self.login.replace_owner(name)
            owner = self.login.owner_of(name)
        key, _ = vocabulary.envelope(self.route.body_schema)
        body = {str(vocabulary.field_named(vocabulary.envelope(self.route.body_schema)[1], ("role",))): role}
        path = self.route.format_path({self.param: user_id})
        answer = self.login.client.request(self.route.method, path, json={key: body} if key else body, auth=owner)
        if not answer.is_success:
            raise SetupError(f"the built-in launchready_set_role sent {self.route.method} {path} as tenant {name}'s owner and got "
                             f"{answer.status_code} {self.login.redact(answer.text[:_EXCERPT])}: define launchready_set_role")

    def _id_of(self, credentials: Credentials, owner: Credentials) -> str:
        identity = dict(credentials.identity or {})
        if self.list_route is not None and identity:
            listed = self.login.client.get(self.list_route.path, auth=owner)
            for item in (items_of(_json(listed)) or []) if listed.is_success else []:
                if isinstance(item, dict) and any(item.get(k) == v for k, v in identity.items()):
                    found = item.get(self.param, item.get("id"))
                    if found is not None:
                        return str(found)
        if self.me_route is not None:
            me = _json(self.login.client.get(self.me_route.path, auth=credentials))
            found = vocabulary.own_value(self.param, me) if isinstance(me, dict) else None
            if found is not None:
                return found
        raise SetupError(f"the built-in launchready_set_role could not tell which {{{self.param}}} is this user's "
                         f"(no entry with its {' or '.join(identity) or 'email'} in "
                         f"{self.list_route.key if self.list_route else 'a list route'}): define launchready_set_role")


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
