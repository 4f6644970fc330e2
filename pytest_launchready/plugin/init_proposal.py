"""What ``--launchready-init`` proposes for an app: read from discovery's routes, rendered as text.

:func:`propose` turns the discovered routes into a :class:`Proposal` (public routes with the reason
each is believed public, the sign-up and login routes, the roles the schema names);
:func:`ini_block` and :func:`conftest_text` render it as the commented ini block and ``conftest.py``
the user confirms. Nothing here sends a request: discovery already read the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

from pytest_launchready.routes import Route
from pytest_launchready.routes import vocabulary
from pytest_launchready.routes.health_vocabulary import discovered_health_route

#: Property names whose enum lists the app's roles.
_ROLE_PROPERTIES = ("role", "roles", "user_role", "userrole", "member_role")
#: Conventional role names, highest first: roles all found here can be ordered; others cannot.
_RANKING = ("owner", "superuser", "superadmin", "admin", "administrator", "manager", "maintainer", "editor",
            "member", "user", "contributor", "viewer", "reader", "guest", "readonly")
#: Boolean properties that mark a user as the app's staff, and the role name proposed for them.
_STAFF_FLAGS = {"issuperuser": "superuser", "superuser": "superuser", "isadmin": "admin", "admin": "admin",
                "isstaff": "staff", "staff": "staff"}
#: Last path segments of routes that are usually public (health probes, version pages).
_USUALLY_PUBLIC = ("health", "healthz", "livez", "readyz", "ping", "status", "version")
#: A path segment of a third-party sign-in flow: its redirect and callback are called without a session.
_SIGN_IN_FLOW = re.compile(r"/(?:oauth2?|oidc|openid|sso|saml)(?:/|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Proposal:
    """The settings ``--launchready-init`` proposes: each public route with why it is believed public,
    routes it is unsure of with why, the sign-up and login routes, and the roles it saw."""

    target: tuple[str, str]
    public: tuple[tuple[str, str], ...]
    unsure: tuple[tuple[str, str], ...]
    signup: Route | None
    login: Route | None
    roles: tuple[str, ...]
    roles_ordered: bool
    source: str = ""
    #: The role tenants A and B log in as, when the sign-up tells it, and why; None leaves the default.
    tenant_role: str | None = None
    tenant_role_why: str = ""
    #: The route that ends a session (``POST /auth/logout``), for the tokens check's revocation test.
    logout: Route | None = None

    @property
    def builtin_login(self) -> bool:
        """True when both a sign-up and a login route were found: the built-in login can sign users up."""
        return self.signup is not None and self.login is not None


def propose(routes: Iterable[Route], target: tuple[str, str], source: str = "", framework_own: Iterable[str] = (),
            open_gets: Iterable[str] = ()) -> Proposal:
    """The proposal for ``routes`` (discovery's, public flags set) of ``target`` (ini key, value).

    ``framework_own`` (the framework's docs pages) are public without being listed, so they are left out.
    ``open_gets`` are the keys of routes that answered an anonymous GET with 2xx: listed as unsure.
    """
    open_gets = set(open_gets)
    own = set(framework_own)
    routes = [r for r in routes if r.key not in own]
    as_public = [replace(r, public=True) for r in routes]
    # A route the spec secures is no stranger's way in: an admin's POST /api/users (create a user) and
    # POST /api/users/api-tokens come after the open POST /api/users/register and POST /api/auth/token.
    signups = [r for r in as_public if vocabulary.is_sign_up(r)]
    signup = min(signups, key=lambda r: (r.secured, not vocabulary.names_sign_up(r), len(r.path), r.path), default=None)
    logins = [r for r in as_public if vocabulary.is_sign_in(r) and "{" not in r.path]
    login = min(logins, key=lambda r: (r.secured, not _same_prefix(r, signup), len(r.path), r.path), default=None)
    public: dict[str, str] = {}
    health = discovered_health_route(routes)
    for route in routes:
        if health is not None and route.key == health.key:
            public[route.key] = "it is the health route, public by design (monitors call it without credentials)"
        elif route.public:
            public[route.key] = "the spec declares no security requirement for it"
    for found, why in ((signup, "it is the sign-up route (a POST taking a password and an email or username)"),
                       (login, "it is the login route (a POST where users sign in)")):
        if found is not None and found.key not in public:
            public[found.key] = why
    unsure: dict[str, str] = {}
    for route in routes:
        if route.key in public:
            continue
        if vocabulary.is_login_like(route) and not vocabulary.ends_session(route):
            unsure[route.key] = "login-like (password reset, token or one-time code): public if anyone may call it"
        elif route.method == "GET" and "{" not in route.path and vocabulary.last_segment(route.path) in _USUALLY_PUBLIC:
            unsure[route.key] = "a health or status page, usually public"
        elif route.key in open_gets:
            unsure[route.key] = ("it answered an anonymous GET with 2xx: public by design, or a hole the "
                                 "auth check will report")
        elif route.method == "GET" and "{" in route.path and (parent := _open_parent(route, open_gets)) is not None:
            unsure[route.key] = f"it reads below {parent}, which answered an anonymous GET with 2xx: public too if that one is"
        elif _SIGN_IN_FLOW.search(route.path):
            unsure[route.key] = ("a step of a sign-in flow (OAuth, OIDC, SSO or SAML: a redirect or its callback), reached "
                                 "before having a session")
        elif route.method == "POST" and "invite" in route.path.lower() and "accept" in route.path.lower():
            unsure[route.key] = "accepting an invite is usually done before having a session"
    roles = _roles(routes)
    ordered = bool(roles) and all(r.lower() in _RANKING for r in roles)
    if ordered:
        roles = sorted(roles, key=lambda r: _RANKING.index(r.lower()))
    tenant_role, why = _tenant_role(roles, ordered, signup, routes)
    if not roles and (flag := _staff_flag(routes)) is not None:
        roles, ordered = [_STAFF_FLAGS[vocabulary.normalise(flag)], "user"], True
        tenant_role, why = "user", (f"the schema marks the app's staff with a boolean {flag!r}, so a signed-up user is a "
                                    f"plain user, its own tenant; {roles[0]} is global staff, which only a launchready_login "
                                    "fixture can make")
    return Proposal(target=target, public=tuple(public.items()), unsure=tuple(unsure.items()), signup=signup,
                    login=login, roles=tuple(roles), roles_ordered=ordered, source=source,
                    tenant_role=tenant_role, tenant_role_why=why, logout=_logout_route(routes))


def _logout_route(routes: list[Route]) -> Route | None:
    """The one POST without path parameters that ends a session (``/auth/logout``, ``/sessions/revoke``), or None."""
    found = [r for r in routes if r.method == "POST" and not r.path_params and vocabulary.ends_session(r)]
    return min(found, key=lambda r: (len(r.path), r.path)) if found else None


def _tenant_role(roles: list[str], ordered: bool, signup: Route | None, routes: list[Route]) -> tuple[str | None, str]:
    """The role a sign-up gives, read from the sign-up's shape: an org's creator holds its top role;
    without an org, the new user is its own tenant in the role the schema defaults to (else the lowest),
    and the roles above it are the app's staff."""
    if not ordered or len(roles) < 2 or signup is None:
        return None, ""
    _, schema = vocabulary.envelope(signup.body_schema)
    org = vocabulary.org_name_field(schema)
    if org is not None:
        return roles[0], f"the sign-up creates an org ({org!r}) whose first user holds the top role; lower roles join by invite"
    default = _role_default(routes)
    role = default if default in roles else roles[-1]
    source = "the role the schema defaults to" if default in roles else "the lowest role"
    return role, (f"the sign-up creates no org, so each user is its own tenant in {source}; the roles above it are the "
                  "app's staff, which only a launchready_login fixture can make")


def _role_default(routes: list[Route]) -> str | None:
    """The ``default`` of a role-like property in any body or answer schema."""
    names = {vocabulary.normalise(n) for n in _ROLE_PROPERTIES}
    for route in routes:
        for schema in (route.body_schema, route.response_schema):
            for name, prop in _properties(schema):
                if vocabulary.normalise(name) in names and isinstance(prop, Mapping) and isinstance(prop.get("default"), str):
                    return str(prop["default"])
    return None


def _staff_flag(routes: list[Route]) -> str | None:
    """The name of a boolean property that marks staff users (``is_superuser``), in any schema."""
    for route in routes:
        for schema in (route.body_schema, route.response_schema):
            for name, prop in _properties(schema):
                if vocabulary.normalise(name) in _STAFF_FLAGS and isinstance(prop, Mapping) and prop.get("type") == "boolean":
                    return name
    return None


def _properties(schema: Any, depth: int = 0) -> Iterable[tuple[str, Any]]:
    """Every (name, property schema) pair in ``schema``, nested ones included."""
    if depth > 12:
        return
    if isinstance(schema, list):
        for item in schema:
            yield from _properties(item, depth + 1)
    if not isinstance(schema, Mapping):
        return
    for name, prop in (schema.get("properties") or {}).items():
        yield str(name), prop
    for key, value in schema.items():
        if key != "properties" and isinstance(value, (Mapping, list)):
            yield from _properties(value, depth + 1)
    for prop in (schema.get("properties") or {}).values():
        yield from _properties(prop, depth + 1)


def _open_parent(route: Route, open_gets: set[str]) -> str | None:
    """The longest parameterless GET above ``route``'s path that answered anonymously (``GET /api/articles``
    for ``GET /api/articles/{slug}/comments``), or None."""
    fixed = route.path.split("{", 1)[0].rstrip("/")
    while fixed:
        for key in (f"GET {fixed}", f"GET {fixed}/"):
            if key in open_gets:
                return key
        fixed = fixed.rsplit("/", 1)[0]
    return None


def _same_prefix(login: Route, signup: Route | None) -> bool:
    if signup is None:
        return False
    return login.path.rsplit("/", 1)[0] == signup.path.rsplit("/", 1)[0] or login.path.startswith(signup.path + "/")


def _roles(routes: list[Route]) -> list[str]:
    """Role names as found: enums of role-like properties in bodies and answers, then x-launchready-roles."""
    found: list[str] = []
    for route in routes:
        for schema in (route.body_schema, route.response_schema, *(p.schema for p in route.parameters if p.name.lower() in _ROLE_PROPERTIES)):
            _walk(schema, found)
        for name in route.roles:
            if name not in found:
                found.append(name)
    return found


def _walk(schema: Any, found: list[str], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(schema, list):
        for item in schema:
            _walk(item, found, depth + 1)
    if not isinstance(schema, Mapping):
        return
    for name, prop in (schema.get("properties") or {}).items():
        if vocabulary.normalise(str(name)) in {vocabulary.normalise(n) for n in _ROLE_PROPERTIES}:
            for value in _enum_of(prop):
                if value not in found:
                    found.append(value)
    for key, value in schema.items():
        if key != "enum":
            _walk(value, found, depth + 1)


def _enum_of(schema: Any) -> list[str]:
    if not isinstance(schema, Mapping):
        return []
    values = [str(v) for v in schema.get("enum") or () if isinstance(v, str)]
    for key in ("items", "anyOf", "oneOf", "allOf"):
        part = schema.get(key)
        for sub in part if isinstance(part, list) else [part]:
            values += [v for v in _enum_of(sub) if v not in values]
    return values


def _fields(route: Route) -> str:
    key, schema = vocabulary.envelope(route.body_schema)
    names = ", ".join(str(n) for n in (schema.get("properties") or {})) or "none declared"
    return f"{names} (wrapped in {key!r})" if key else names


def ini_block(proposal: Proposal) -> str:
    """The commented ``[pytest]`` block for the proposal, ready to paste into the rootdir's config."""
    key, value = proposal.target
    lines = ["[pytest]", "# Written by pytest --launchready-init" + (f" from {proposal.source}" if proposal.source else "")
             + ". Confirm every line, then run: pytest --launchready", f"{key} = {value}", ""]
    lines += ["# Public by design; every other route must refuse a request without valid credentials.",
              "launchready_public_routes ="]
    for route, why in proposal.public:
        lines += [f"    # confirm: believed public because {why}", f"    {route}"]
    for route, why in proposal.unsure:
        lines += [f"    # unsure, uncomment if public: {why}", f"    # {route}"]
    lines.append("")
    if proposal.builtin_login:
        assert proposal.signup is not None and proposal.login is not None
        lines += ["# The built-in login signs a fresh user up per tenant and logs in (no launchready_login fixture needed).",
                  f"# Sign-up body fields seen: {_fields(proposal.signup)}",
                  f"launchready_signup_route = {proposal.signup.key}",
                  f"# Login body fields seen: {_fields(proposal.login)}",
                  f"launchready_login_route = {proposal.login.key}",
                  "# If a field name is not guessed right, map it, e.g.:",
                  "# launchready_login_fields =", "#     email: $email", "#     org_name: $tenant", ""]
    else:
        found = proposal.signup or proposal.login
        lines += ["# No sign-up and login pair was found" + (f" (only {found.key})" if found else "")
                  + ": fill in the launchready_login fixture in conftest.py.", ""]
    if proposal.logout is not None:
        lines += ["# The route that ends a session: the tokens check logs out and replays the old token.",
                  f"launchready_logout_route = {proposal.logout.key}", ""]
    if proposal.roles:
        lines.append("# Roles, highest first: seen in the schema" + ("." if proposal.roles_ordered else "; ORDER THEM highest first."))
        lines += ["launchready_roles ="] + [f"    {role}" for role in proposal.roles]
        lines.append("# The role tenant_a and tenant_b log in as (default: the first); roles above it are global staff.")
        if proposal.tenant_role:
            lines += [f"# guessed: {proposal.tenant_role_why}", f"launchready_tenant_role = {proposal.tenant_role}", ""]
        else:
            lines += [f"# launchready_tenant_role = {proposal.roles[0]}", ""]
    else:
        lines += ["# No roles were seen in the schema: one role, every user alike. List yours, highest first, if you have some.",
                  "launchready_roles = user", ""]
    lines += ["# TODO: the browser origins of your frontend allowed by CORS, one per line, e.g. https://app.example.com",
              "launchready_allowed_origins =", ""]
    return "\n".join(lines)


def conftest_text(proposal: Proposal) -> str:
    """A commented ``conftest.py``: a note when the built-in login applies, else a ``launchready_login`` skeleton."""
    head = '"""pytest-launchready set-up for this app, written by pytest --launchready-init."""\n\nfrom __future__ import annotations\n\n'
    if proposal.builtin_login:
        return head + (
            "# The built-in login (launchready_signup_route / launchready_login_route in the ini block) signs users\n"
            "# up and in. Define a launchready_login fixture here only if it cannot: an explicit fixture always wins.\n"
            "# See conftest_example.py in pytest-launchready for the long form (invites, seeding).\n"
        )
    login = proposal.login.key if proposal.login else "POST /auth/login  # TODO: your login route"
    return head + f"""import pytest  # noqa: F401 - used once the fixture below is uncommented

from pytest_launchready import Credentials, Tenant  # noqa: F401

# No sign-up and login pair was found, so pytest --launchready stops with a usage error naming
# launchready_login until you uncomment and fill in this fixture (long form: conftest_example.py).
#
# @pytest.fixture(scope="session")
# def launchready_login(launchready_client):
#     \"\"\"Log a fresh user of ``tenant`` in ``role`` in; return its Credentials.\"\"\"
#
#     def login(tenant: str, role: str) -> Credentials:
#         # TODO: create the user in ``tenant`` with ``role`` (your sign-up, invite or admin route).
#         # TODO: log in: {login}
#         answer = launchready_client.post("/auth/login", json={{"username": f"{{tenant}}-{{role}}", "password": "..."}})
#         answer.raise_for_status()
#         # TODO: the token field of the answer, and the scheme (Bearer, Token) or a cookie.
#         return Credentials(headers={{"Authorization": f"Bearer {{answer.json()['access_token']}}"}})
#
#     return login
"""
