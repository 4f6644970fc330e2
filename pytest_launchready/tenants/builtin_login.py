"""The built-in ``launchready_login``: sign a new user up and log it in through two routes the user named.

Used only when ``launchready_signup_route`` and ``launchready_login_route`` are both set and no
``launchready_login`` fixture is defined (an explicit fixture always wins). Each call signs up a new
user with unique values for the sign-up schema's fields (the tenant's name in an org/company/workspace
name field), then always sends the login route's body too, even when the sign-up already answered a
token: the login is what the user asked to use, and a login that does not work should show at
set-up, not in some later check. Its answer becomes ``Credentials``: a token field (the scheme tried
on a private GET, ``Bearer`` then ``Token``), else the session cookies it set.

It signs up users in ``launchready_tenant_role`` only. Another role of the same tenant (one below the
tenant role), or a second user of an org-based tenant, is invited instead when invites can be made
(:class:`pytest_launchready.tenants.invites.InviteFlow`: the invite fixtures or discovered
invite/accept routes): the tenant's first user invites, the invitee accepts and then logs in through
the login route. Without invites those tests are NOT RUN naming ``launchready_login``, as are staff
roles (above the tenant role: no sign-up makes one). A sign-up, invite or login that fails is a
:class:`SetupError` showing the request (no password) and the answer, and which setting or fixture
to write instead.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from typing import TYPE_CHECKING, Any, Mapping

import pytest

from pytest_launchready.errors import SetupError
from pytest_launchready.redact import MASK
from pytest_launchready.routes import vocabulary
from pytest_launchready.routes.schemas import flatten
from pytest_launchready.tenants import Credentials, Tenant
from pytest_launchready.tenants.invites import InviteFlow
from pytest_launchready.tenants.bodies import FORM, body_content_type, encode, example, is_json

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.config.settings import Settings
    from pytest_launchready.redact import Redactor
    from pytest_launchready.routes import Route

#: Optional sign-up fields that carry something the app hands out (a join token, an invite or referral
#: code): a made-up value is refused ("Invalid group token") where leaving the field out signs up.
_HANDED_OUT = re.compile(r"token|invite|invitation|referral|code$")
#: Boolean sign-up fields that choose who may see the new account or org, set to the private side.
_VISIBILITY = {"private": True, "isprivate": True, "public": False, "ispublic": False, "discoverable": False}
#: Fields of a password form that repeat the password (``password_confirmation``, ``password2``).
_PASSWORD_LIKE = re.compile(r"password|passwd|passphrase|^pwd|^pass$")
#: Schemes tried for a token, in order: RFC 6750's Bearer, then DRF's and RealWorld's Token.
_SCHEMES = ("Bearer", "Token")
#: Response headers that may carry a session token.
_TOKEN_HEADERS = re.compile(r"^(authorization|x-(auth|access|session)-token|x-token)$", re.IGNORECASE)
_EXCERPT = 300
HELP = ("set launchready_login_fields ('field: value' lines, $email $username $password $tenant $role filled in) for a "
        "field the built-in login cannot guess, or define a launchready_login fixture in your rootdir conftest.py "
        "(docs/first-run.md)")


class BuiltinLogin:
    """``login(tenant, role) -> Credentials`` through ``launchready_signup_route`` and ``launchready_login_route``."""

    def __init__(self, settings: Settings, routes: tuple[Route, ...], client: httpx.Client, redactor: Redactor,
                 invites: InviteFlow | None = None) -> None:
        by_key = {route.key: route for route in routes}
        self.settings = settings
        self.signup = by_key[settings.signup_route]
        self.login = by_key[settings.login_route]
        self.client = client
        self.redact = redactor
        self.fields = dict(settings.login_fields)
        self._serial = itertools.count(1)
        #: The first (tenant-role) user of each tenant signed up so far: the one who invites.
        self._owners: dict[str, Credentials] = {}
        self.invites = invites if invites is not None else InviteFlow(routes, client, redactor)
        #: How the app takes a credential, found on the first login: "Bearer", "Token", or "cookie".
        self._scheme: str | None = None
        self._probe = _probe_route(routes)

    def __call__(self, tenant: str, role: str) -> Credentials:
        if self.settings.is_global(role) or role not in self.settings.roles:
            pytest.skip(f"the built-in login signs up users in launchready_tenant_role ({self.settings.tenant_role}) only, "
                        f"not a {role}: define a launchready_login fixture that makes one (a staff account)")
        org_field = self._org_field()
        second_user = tenant in self._owners and org_field is not None
        if role == self.settings.tenant_role and not second_user:
            credentials = self._sign_up(tenant, role)
            self._owners.setdefault(tenant, credentials)
            return credentials
        if not self.invites.available:
            why = f"a second user of tenant {tenant} needs an invite into its org ({org_field})" if second_user else (
                f"the built-in login signs up users in launchready_tenant_role ({self.settings.tenant_role}) only, not a "
                f"{role}: a {role} needs an invite")
            pytest.skip(f"{why}, and the app has no invite routes: define launchready_invite and "
                        "launchready_accept_invite, or a launchready_login fixture that invites one")
        return self._invited(tenant, role)

    def _sign_up(self, tenant: str, role: str) -> Credentials:
        values = self._values(tenant, role)
        signed_up = self._send(self.signup, self._body(self.signup, values, creating=True), "launchready_signup_route")
        if not signed_up.is_success:
            raise self._error("sign-up", signed_up, values)
        return self._log_in(values)

    def _log_in(self, values: Mapping[str, str]) -> Credentials:
        answer = self._send(self.login, self._body(self.login, values, creating=False), "launchready_login_route")
        if not answer.is_success:
            raise self._error("login", answer, values)
        return self._credentials(answer, values)

    def _invited(self, tenant: str, role: str) -> Credentials:
        """A new user of ``tenant`` in ``role``: its first user invites (signed up now if need be), the invitee
        accepts, then logs in through the login route (or with what the accept answered, after a fixture)."""
        owner = self._owners.get(tenant) or self._owners.setdefault(tenant, self._sign_up(tenant, self.settings.tenant_role))
        inviter = Tenant(tenant, self.settings.tenant_role, owner, self.client, canary="")
        invite = self.invites.make(inviter, role)
        accepted = self.invites.accept(invite)
        if not accepted.response.is_success:
            answer = accepted.response
            raise SetupError(f"the built-in login invited a {role} into tenant {tenant} ({self.invites.how}), but accepting "
                             f"the invite answered {answer.status_code} {self.redact(answer.text[:_EXCERPT])}: define "
                             "launchready_accept_invite, or a launchready_login fixture that makes this user")
        email = accepted.email or ""
        values = {"email": email, "username": email.split("@", 1)[0], "password": accepted.password or "",
                  "tenant": tenant, "role": role}
        if accepted.password is None:  # a fixture accepted: the password is its own, so use what it answered
            return self._credentials(accepted.response, values)
        return self._log_in(values)

    def owner_of(self, tenant: str) -> Credentials:
        """The first (tenant-role) user of ``tenant``, who invites and changes roles."""
        if tenant not in self._owners:
            raise SetupError(f"the built-in login has made no user of tenant {tenant} yet, so no owner can change roles in it")
        return self._owners[tenant]

    def replace_owner(self, tenant: str) -> None:
        """Invite a new tenant-role user into ``tenant`` and make it the one who invites from now on."""
        self._owners[tenant] = self._invited(tenant, self.settings.tenant_role)

    # --- the bodies ---------------------------------------------------------------------------

    def _values(self, tenant: str, role: str) -> dict[str, str]:
        n = next(self._serial)
        password = f"Lr-{secrets.token_urlsafe(12)}-9x"
        self.redact.add(password)  # before any request or message can carry it
        return {"email": f"{tenant}-{n}@example.com", "username": f"{tenant}-{n}", "password": password,
                "tenant": tenant, "role": role}

    def _org_field(self) -> str | None:
        _, schema = vocabulary.envelope(self.signup.body_schema)
        mapped = {name for name, value in self.fields.items() if "$tenant" in value}
        named = [str(k) for k in schema.get("properties") or {} if vocabulary.ORG_NAME.match(vocabulary.normalise(str(k)))]
        return next(iter(sorted(mapped)), None) or next(iter(named), None)

    def _body(self, route: Route, values: Mapping[str, str], creating: bool) -> Any:
        """The route's body: its schema filled (all fields on sign-up, required ones on login), the
        account's fields set, ``launchready_login_fields`` last; wrapped as the schema wraps it."""
        key, schema = vocabulary.envelope(route.body_schema)
        properties = schema.get("properties") or {}
        filled = example(schema, text=values["username"].replace("-", "")[:40], required_only=not creating)
        fields: dict[str, Any] = filled if isinstance(filled, dict) else {}
        required = set(schema.get("required") or ())
        fields = {k: v for k, v in fields.items() if not vocabulary.is_privileged_field(k)
                  and not flatten(properties.get(k, {})).get("readOnly")
                  and not (creating and k not in required and _HANDED_OUT.search(vocabulary.normalise(k)))}
        for kind, name in vocabulary.identity_fields(schema).items():
            fields[name] = values[kind] if creating or kind == "email" else self._account_name(values)
        for name in properties:
            norm = vocabulary.normalise(str(name))
            if _PASSWORD_LIKE.search(norm) and not re.search("current|old", norm):
                fields[str(name)] = values["password"]
            elif creating and vocabulary.ORG_NAME.match(norm):
                fields[str(name)] = values["tenant"]
            elif norm == "granttype" and not creating:
                fields[str(name)] = "password"  # OAuth2's password grant form
            elif creating and flatten(properties.get(name, {})).get("type") == "boolean" and norm in _VISIBILITY:
                # The most private choice: anything of the tenant readable by strangers is then the app's doing.
                fields[str(name)] = _VISIBILITY[norm]
        for name, template in self.fields.items():
            if creating or name in properties:
                text = re.sub(r"\$([a-z]+)", lambda m: values.get(m.group(1), m.group(0)), template)
                fields[name] = _typed(text, flatten(properties.get(name, {})))
        return {key: fields} if key else fields

    def _signup_has_no_username(self) -> bool:
        return "username" not in vocabulary.identity_fields(vocabulary.envelope(self.signup.body_schema)[1])

    def _account_name(self, values: Mapping[str, str]) -> str:
        """What a login's account-name field takes: the username when sign-up set one, else the email
        (an OAuth2 form's ``username`` often holds the email)."""
        return values["email"] if self._signup_has_no_username() else values["username"]

    # --- the requests -------------------------------------------------------------------------

    def _send(self, route: Route, body: Any, setting: str) -> httpx.Response:
        content_type = body_content_type(route)
        if not is_json(content_type) and content_type != FORM:
            raise SetupError(f"the built-in login cannot send {setting} ({route.key}) a {content_type} body: {HELP}")
        return self.client.request(route.method, route.path, content=encode(body, content_type),
                                   headers={"content-type": content_type})

    def _credentials(self, answer: httpx.Response, values: Mapping[str, str]) -> Credentials:
        identity = {"username": values["username"], "email": values["email"]}
        identity = {k: v for k, v in identity.items() if k in self._identity_kinds()}
        token = _token_in(answer)
        cookies = {name: value for name, value in answer.cookies.items()}
        self.redact.add(token, *cookies.values())
        header = next(((k, v) for k, v in answer.headers.items() if _TOKEN_HEADERS.match(k)), None)
        candidates: dict[str, Credentials] = {}
        if token:
            for scheme in _SCHEMES:
                candidates[scheme] = Credentials(headers={"Authorization": f"{scheme} {token}"}, identity=identity)
        if header is not None:
            self.redact.add(header[1])
            candidates["header"] = Credentials(headers={header[0]: header[1]}, identity=identity)
        if cookies:
            candidates["cookie"] = Credentials(cookies=cookies, identity=identity)
        if not candidates:
            raise self._error("login", answer, values, "its answer holds no token field, token header or session cookie")
        if self._scheme in candidates:
            return candidates[self._scheme]
        if self._probe is None:  # nothing private to ask: the conventional scheme, unconfirmed
            self._scheme = next(iter(candidates))
            return candidates[self._scheme]
        tried = []
        for scheme, credentials in candidates.items():
            response = self.client.get(self._probe.path, auth=credentials)
            tried.append(f"{scheme}: {response.status_code}")
            if response.is_success:
                self._scheme = scheme
                return credentials
        raise self._error("login", answer, values, f"{self._probe.key} refused every way of sending what the login answered "
                                                   f"({', '.join(tried)})")

    def _identity_kinds(self) -> set[str]:
        return set(vocabulary.identity_fields(vocabulary.envelope(self.signup.body_schema)[1]))

    def _error(self, step: str, answer: httpx.Response, values: Mapping[str, str], why: str = "") -> SetupError:
        request = answer.request
        sent = _masked(request.content.decode("utf-8", "replace"), values["password"])
        excerpt = self.redact(answer.text[:_EXCERPT])
        reason = why or f"answered {answer.status_code}"
        return SetupError(
            f"the built-in login's {step} failed: {request.method} {request.url.path} {reason}.\n"
            f"  sent: {self.redact(sent)}\n  answer: {answer.status_code} {excerpt}\n"
            f"Its routes are launchready_signup_route = {self.settings.signup_route} and launchready_login_route = "
            f"{self.settings.login_route}: {HELP}."
        )


def _typed(text: str, schema: Mapping[str, Any]) -> Any:
    """A ``launchready_login_fields`` value as the field's type: ``true`` for a boolean, ``3`` for a number."""
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind in ("integer", "number"):
        try:
            return int(text) if kind == "integer" else float(text)
        except ValueError:
            return text
    return text


def _masked(body: str, password: str) -> str:
    # Letters, digits, - and _ only: the password reads the same in a JSON body and in a form.
    return body.replace(password, MASK) if password else body


def _token_in(answer: httpx.Response) -> str | None:
    """A token field anywhere in the JSON answer, two levels deep at most (``user.token``, ``data.auth.jwt``)."""
    try:
        data = answer.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None
    found = vocabulary.token_from(data)
    if found is None and isinstance(data, dict):
        found = next((t for v in data.values() if isinstance(v, dict) and (t := vocabulary.token_from(v))), None)
    return found


def _probe_route(routes: tuple[Route, ...]) -> Route | None:
    """A private GET without path parameters that tells whether a credential works: who-am-I first."""
    me = vocabulary.me_route(r for r in routes if not r.public)
    if me is not None:
        return me
    plain = [r for r in routes if r.method == "GET" and not r.public and not r.path_params
             and not vocabulary.ends_session(r)]
    return min(plain, key=lambda r: (len(r.path), r.path), default=None)
