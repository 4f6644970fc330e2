"""The one vocabulary of guesses about an app's routes and fields, which every part asks.

Sign-in, sign-up and credential-guessing routes, inbound webhook receivers, the route that ends a
session, the "who am I" read and the routes that rename, re-password or delete that user, login pages,
and the fields of a credentials body: heuristics on paths and field names, nothing else.
Two copies of a guess drift apart and disagree, so each lives here once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from pytest_launchready.routes.schemas import flatten

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

#: The last fixed path segment of a route where credentials or one-time codes are guessed.
_LOGIN_SEGMENT = re.compile(
    r"^(?:log-?in|log_in|sign-?in|sign_in|session|auth|authenticate|token|oauth2?-?token|otp|mfa|2fa|totp|magic-?link"
    r"|[\w-]*password[\w-]*|forgot[\w-]*|reset|reset[-_][\w-]+|[\w-]+[-_]reset|verify|verify[-_][\w-]+|[\w-]+[-_]verify)$"
)
#: Last path segments of the route that answers "who am I", most telling first (``GET /api/user`` is
#: RealWorld's, ``/userinfo`` OpenID Connect's). ``current`` counts only after a users-like segment
#: (``/users/current``): ``/plans/current`` is a plan.
_ME_SEGMENTS = ("me", "self", "whoami", "current-user", "current_user", "currentuser", "userinfo", "profile", "account",
                "user", "current")
_USERS_SEGMENTS = frozenset({"user", "users", "member", "members", "account", "accounts", "people", "person"})
_EMAIL_NAMES = ("email", "emailaddress", "mail")
_USER_NAMES = ("username", "login", "user", "identifier", "handle")
_PASSWORD_NAMES = ("password", "passwd", "pass", "pwd", "passphrase")
#: Body fields that name a user by something other than an id, and which of the user's values each holds.
_CALLER_FIELDS = {"username": "username", "email": "email", "emailaddress": "email", "useremail": "email",
                  "owner": "user_id"}
#: Last fixed path segments of writes whose body names another user (the invitee, the new member, the
#: person shared with), never the caller.
_OTHER_USERS_SEGMENT = re.compile(r"(invit|member|users|accounts|people|share|collaborat|recipient|follow|friend|block)",
                                  re.IGNORECASE)
_TOKEN_FIELDS = ("access_token", "accessToken", "token", "id_token", "jwt", "session_token", "sessionToken", "auth_token")


#: Words that, anywhere in a fixed path segment, end the caller's session: ``logout``, ``logoutAll``,
#: ``sign-out``, ``signOutEverywhere``, ``logout.json``, ``revoke``, ``revoke_all``...
_ENDS_SESSION_WORD = re.compile(r"log[-_.]?out|sign[-_.]?out|log[-_.]?off|revoke", re.IGNORECASE)
#: Words in a redirect's Location that say it is a login page.
_LOGIN_PAGE = re.compile(r"(log-?in|sign-?in|auth|sso|session)", re.IGNORECASE)
#: A POST that logs a user in, and paths that look so but do something else.
_SIGN_IN_PATH = re.compile(r"log[-_]?in|sign[-_]?in|session|token|authenticate", re.IGNORECASE)
_NOT_SIGN_IN_PATH = re.compile(r"sign[-_]?up|register|reset|forgot|invite|refresh", re.IGNORECASE)


#: Body fields that grant rights or move ownership: never filled in by the plugin's own requests, and
#: what mass assignment tries to sneak in.
PRIVILEGED_FIELDS = (
    "role", "roles", "is_admin", "admin", "is_superuser", "is_staff", "is_owner", "permissions", "scopes",
    "org_id", "organization_id", "tenant_id", "account_id", "owner_id", "user_id", "plan", "credits",
    "email_verified", "is_verified",
)  # fmt: skip


def is_privileged_field(name: str) -> bool:
    """``role``, ``isAdmin``, ``org_id``, ``owner``...: a field a client must not set for itself."""
    return normalise(name) in _PRIVILEGED_NORMALISED


def normalise(name: str) -> str:
    """``Password_Hash`` -> ``passwordhash``: field names compared without case or separators."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def camel_case(name: str) -> str:
    """``org_id`` as ``orgId``: the other spelling an app may give a field or id name."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def last_segment(path: str) -> str:
    """The last path segment that is not a ``{parameter}``: ``/auth/login`` -> ``login``."""
    fixed = [s for s in path.strip("/").split("/") if s and not s.startswith("{")]
    return fixed[-1].lower() if fixed else ""


def issues_tokens(route: Route) -> bool:
    """A route whose answer is a session token by design: its last fixed segment names a token, a
    refresh, a session or a login (``GET /api/auth/refresh``, ``GET /oauth/token``)."""
    return bool(_ISSUES_TOKENS.fullmatch(last_segment(route.path)))


_ISSUES_TOKENS = re.compile(r"(access[-_]?)?tokens?|refresh([-_]?tokens?)?|sessions?|log[-_]?in|sign[-_]?in")


def is_login_like(route: Route) -> bool:
    """A POST where passwords, tokens or one-time codes are tried: login, token, password reset, OTP."""
    return route.method == "POST" and bool(_LOGIN_SEGMENT.match(last_segment(route.path)))


#: A fixed path segment that names an inbound webhook receiver: ``webhooks``, ``webhook``, ``hooks``,
#: ``stripe-webhook``, ``githook``...
_WEBHOOK_SEGMENT = re.compile(r"hooks?\b|hooks?[-_.]|web-?hooks?", re.IGNORECASE)
#: A sender's name and then an ``events`` segment: where SDKs mount receivers by default (``/slack/events``).
_SENDER_SEGMENT = re.compile(r"(stripe|slack|github|gitlab|twilio|paddle|shopify|svix|sendgrid|postmark|mailgun)\b",
                             re.IGNORECASE)
_EVENTS_SEGMENT = re.compile(r"events?", re.IGNORECASE)


def is_webhook_receiver(route: Route) -> bool:
    """A POST whose path has a segment naming a webhook (``POST /webhooks/billing``, ``POST /hooks/slack``),
    or a sender's name followed by ``events`` (``POST /slack/events``)."""
    if route.method != "POST":
        return False
    fixed = [s for s in route.path.strip("/").split("/") if s and not s.startswith("{")]
    if any(_WEBHOOK_SEGMENT.search(s) for s in fixed):
        return True
    sender = next((i for i, s in enumerate(fixed) if _SENDER_SEGMENT.match(s)), None)
    return sender is not None and any(_EVENTS_SEGMENT.fullmatch(s) for s in fixed[sender + 1:])


def _me_rank(path: str) -> int | None:
    """How telling ``path`` is as a who-am-I path (0 best), or None when it is not one."""
    if "{" in path:
        return None
    fixed = [s.lower() for s in path.strip("/").split("/") if s]
    last = fixed[-1] if fixed else ""
    if last not in _ME_SEGMENTS or (last == "current" and (len(fixed) < 2 or fixed[-2] not in _USERS_SEGMENTS)):
        return None
    return _ME_SEGMENTS.index(last)


def is_me_route(route: Route) -> bool:
    """A GET that returns the caller's own user: ``GET /me``, ``/users/me``, ``/auth/whoami``, ``/user``."""
    return route.method == "GET" and _me_rank(route.path) is not None


def is_sign_in(route: Route) -> bool:
    """A POST that logs a user in (``/auth/login``, ``/sessions``, ``/token``): not sign-up, reset or logout."""
    return (route.method == "POST" and bool(_SIGN_IN_PATH.search(route.path)) and not _NOT_SIGN_IN_PATH.search(route.path)
            and not ends_session(route))


def ends_session(route: Route, logout_route: str = "") -> bool:
    """A route that ends the caller's session (``launchready_logout_route``, or a logout/revoke word in a
    fixed segment). Checks never use one as a probe or a fuzz target: it would log out the user under test.
    """
    segments = [s for s in route.path.strip("/").split("/") if s and not s.startswith("{")]
    return route.key == logout_route or any(_ENDS_SESSION_WORD.search(s) for s in segments)


def is_login_page(location: str) -> bool:
    """A redirect target that is a login page: how server-rendered apps deny (Django, Flask-Login)."""
    return bool(_LOGIN_PAGE.search(location))


def me_route(routes: Iterable[Route]) -> Route | None:
    """The most telling who-am-I route (:func:`is_me_route`) of ``routes``, or None."""
    candidates = [r for r in routes if is_me_route(r)]
    candidates.sort(key=lambda r: (_me_rank(r.path), len(r.path)))
    return candidates[0] if candidates else None


def is_me_path(path: str) -> bool:
    """True for ``/me``-like paths (an update there changes the caller's own user)."""
    return _me_rank(path) is not None


def caller_value(name: str) -> str | None:
    """Which of a user's own values (``username``, ``email``) a field or parameter named ``name`` holds,
    by its name alone: ``user_email`` and ``emailAddress`` hold the email; None for anything else."""
    kind = _CALLER_FIELDS.get(normalise(name))
    return kind if kind in ("username", "email") else None


def caller_field(route: Route, name: str) -> str | None:
    """Which of the caller's own values (``username``, ``email``, ``user_id``) body field ``name`` of
    ``route`` holds, or None. ``PUT /profile {"username": ...}`` names the caller; a write on invites,
    members or shares names someone else (the invitee), so its fields are never taken for the caller.
    Id fields (``user_id``, ``owner_id``) are not asked about here: they are swapped as ids."""
    kind = _CALLER_FIELDS.get(normalise(name))
    if route.method not in ("POST", "PUT", "PATCH", "DELETE") or _OTHER_USERS_SEGMENT.search(last_segment(route.path)):
        return None
    return kind


def caller_fields(route: Route) -> list[tuple[str, str, str | None]]:
    """``(field, kind, wrapper)`` for each scalar body field of ``route`` that names the caller
    (:func:`caller_field`), top-level or inside the one-key envelope ``wrapper``."""
    wrapper, schema = envelope(route.body_schema)
    found = []
    for name, sub in (schema.get("properties") or {}).items():
        kind = caller_field(route, str(name))
        if kind is not None and flatten(sub).get("type") in (None, "string", "integer"):
            found.append((str(name), kind, wrapper))
    return found


def envelope(schema: Mapping[str, Any] | None) -> tuple[str | None, dict[str, Any]]:
    """The one property of a body schema that wraps the real object (``{"user": {...}}``) and that
    object's schema; ``(None, the schema)`` for a body that is not wrapped. Both flattened."""
    flat = flatten(schema or {})
    properties = flat.get("properties") or {}
    if len(properties) == 1:
        (key, inner), = properties.items()
        if flatten(inner).get("properties"):
            return str(key), flatten(inner)
    return None, flat


def fields_of(body: Any, key: str | None) -> dict[str, Any] | None:
    """The dict in ``body`` that holds the real object's fields: ``body[key]`` when wrapped (made
    when missing), else ``body`` itself; None when that is not a dict."""
    fields = body.setdefault(key, {}) if key and isinstance(body, dict) else body
    return fields if isinstance(fields, dict) else None


def field_named(schema: Mapping[str, Any] | None, names: tuple[str, ...]) -> str | None:
    """The first top-level property whose normalised name is one of ``names`` (or contains the first)."""
    properties = (schema or {}).get("properties") or {}
    by_norm = {normalise(str(k)): str(k) for k in properties}
    for name in names:
        if name in by_norm:
            return by_norm[name]
    return next((original for norm, original in by_norm.items() if names[0] in norm), None)


#: Normalised names of a sign-up field that names the new org (not its id: ids are privileged).
ORG_NAME = re.compile(r"^(org|organi[sz]ation|company|workspace|team|tenant|household|group)(name|title|slug)?$")


def org_name_field(schema: Mapping[str, Any] | None) -> str | None:
    """The property of ``schema`` that names a new org (``org_name``, ``company``), or None."""
    return next((str(k) for k in (schema or {}).get("properties") or {} if ORG_NAME.match(normalise(str(k)))), None)


def email_field(schema: Mapping[str, Any] | None) -> str | None:
    """The body field that holds an email address."""
    return field_named(schema, _EMAIL_NAMES)


def username_field(schema: Mapping[str, Any] | None) -> str | None:
    """The body field that names the account (email first, else a username)."""
    return email_field(schema) or field_named(schema, _USER_NAMES)


def password_field(schema: Mapping[str, Any] | None) -> str | None:
    """The body field that holds a password."""
    return field_named(schema, _PASSWORD_NAMES)


def token_from(data: Any) -> str | None:
    """The token in a login response body (``access_token``, ``token``...), one level deep at most."""
    if not isinstance(data, dict):
        return None
    for holder in (data, *(v for v in data.values() if isinstance(v, dict))):
        for name in _TOKEN_FIELDS:
            value = holder.get(name)
            if isinstance(value, str) and value:
                return value
    return None


#: Last path segments of a public POST that creates an account (besides a users-like collection).
_SIGN_UP_SEGMENT = re.compile(r"^(?:sign[-_]?up|register|registration|join|create[-_]?account)$")
#: Password routes that do not change a signed-in user's password: they reset a forgotten one.
_NOT_PASSWORD_CHANGE = re.compile(r"forgot|reset|recover", re.IGNORECASE)
#: Password fields that hold the current password, which only the user's login knows.
_CURRENT_PASSWORD = re.compile(r"current|old|existing|previous")


def is_sign_up(route: Route) -> bool:
    """A public POST that creates an account: ``/auth/signup``, ``/register``, RealWorld's ``POST /api/users``,
    whose body (enveloped or not) takes a password and an email or username."""
    if route.method != "POST" or not route.public or "{" in route.path or is_sign_in(route) or ends_session(route):
        return False
    last = last_segment(route.path)
    if not (_SIGN_UP_SEGMENT.match(last) or last in _USERS_SEGMENTS):
        return False
    schema = envelope(route.body_schema)[1]
    return bool(password_field(schema) and username_field(schema))


def names_sign_up(route: Route) -> bool:
    """The route's last segment says sign-up (``/register``, ``/signup``), not just a users collection."""
    return bool(_SIGN_UP_SEGMENT.match(last_segment(route.path).lower()))


def sign_up_route(routes: Iterable[Route]) -> Route | None:
    """The first sign-up route (:func:`is_sign_up`) of ``routes``, shortest path first, or None."""
    return min((r for r in routes if is_sign_up(r)), key=lambda r: (len(r.path), r.path), default=None)


def identity_fields(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """``{"username": field, "email": field}`` for the fields of an (unwrapped) body schema or object
    that name the account, the kinds it lacks left out."""
    found = {"username": field_named(schema, _USER_NAMES), "email": email_field(schema)}
    return {kind: name for kind, name in found.items() if name}


def rename_route(routes: Iterable[Route]) -> Route | None:
    """A PUT/PATCH of the who-am-I resource whose body takes a username or an email: how a user renames itself."""
    candidates = [r for r in routes if r.method in ("PUT", "PATCH") and not r.public and is_me_path(r.path)
                  and identity_fields(envelope(r.body_schema)[1])]
    return min(candidates, key=lambda r: (r.method != "PATCH", r.path), default=None)


def new_password_fields(schema: Mapping[str, Any] | None) -> tuple[list[str], list[str]]:
    """The fields of an (unwrapped) body schema that take the new password (``password``,
    ``new_password``, ``password_confirmation``) and those that take the current one (``old_password``)."""
    fresh: list[str] = []
    current: list[str] = []
    for key in (schema or {}).get("properties") or {}:
        norm = normalise(str(key))
        if any(word in norm for word in _PASSWORD_NAMES[:2]) or norm in _PASSWORD_NAMES:
            (current if _CURRENT_PASSWORD.search(norm) else fresh).append(str(key))
    return fresh, current


def password_change_route(routes: Iterable[Route]) -> Route | None:
    """A private PUT/PATCH/POST that changes the caller's password: a route whose fixed path names
    ``password`` (not a forgotten-password reset), else the who-am-I update when its body takes a password."""
    def named(route: Route) -> bool:
        fixed = [s for s in route.path.lower().split("/") if s and not s.startswith("{")]
        return any("password" in s for s in fixed) and not _NOT_PASSWORD_CHANGE.search(route.path)

    writes = [r for r in routes if r.method in ("PUT", "PATCH", "POST") and not r.public
              and (not r.path_params or names_one_user(r)) and new_password_fields(envelope(r.body_schema)[1])[0]]
    dedicated = [r for r in writes if named(r)]
    updates = [r for r in writes if r.method != "POST" and is_me_path(r.path)]
    return min(dedicated, key=lambda r: r.path, default=None) or min(updates, key=lambda r: r.path, default=None)


def self_delete_route(routes: Iterable[Route]) -> Route | None:
    """A DELETE that removes the caller's own user: of the who-am-I path (``DELETE /me``), else of a
    user by one id or username (``DELETE /users/{user_id}``), to be filled with the caller's own."""
    deletes = [r for r in routes if r.method == "DELETE" and not r.public]
    own = [r for r in deletes if is_me_path(r.path)]
    if own:
        return min(own, key=lambda r: r.path)
    by_id = [r for r in deletes if r.path.rstrip("/").endswith("}") and names_one_user(r)]
    return min(by_id, key=lambda r: r.path, default=None)


def names_one_user(route: Route) -> bool:
    """True when ``route``'s one path parameter names a user: under a users segment
    (``/users/{id}``, ``/users/v1/{username}/password``) or by its own name (``{username}``)."""
    if len(route.path_params) != 1:
        return False
    param = normalise(route.path_params[0])
    fixed = {s.lower() for s in route.path.split("/") if s and not s.startswith("{")}
    return bool(fixed & _USERS_SEGMENTS) or param in ("username", "userid", "useremail")


def own_value(param: str, me: Mapping[str, Any]) -> str | None:
    """The value of path parameter ``param`` (``user_id``, ``id``, ``username``) for the caller, read
    from its who-am-I answer ``me``, or None. A guess: the who-am-I route may describe the company
    (``GET /account`` is often the org), so confirm it (:func:`user_read_route`) before a write.
    ``account_id``, ``member_id`` and ``org_id`` never take the answer's ``id``: in B2B apps they name
    the company or a membership."""
    norm = normalise(param)
    by_norm = {normalise(str(k)): v for k, v in me.items() if isinstance(v, (str, int)) and not isinstance(v, bool)}
    for key in (norm, "id" if norm in ("id", "userid", "uid") else "",
                "username" if norm in ("username", "name", "login", "handle") else ""):
        if key and key in by_norm:
            return str(by_norm[key])
    return None


def user_read_route(route: Route, routes: Iterable[Route]) -> Route | None:
    """The GET that shows the user ``route`` (a :func:`names_one_user` write) addresses: of the same path
    (``GET /users/{id}`` for ``DELETE /users/{id}``), else of the longest leading part of it that holds the
    same parameter (``GET /users/{id}`` for ``PUT /users/{id}/password``), or None."""
    segments = route.path.rstrip("/").split("/")
    by_path = {r.path.rstrip("/"): r for r in routes if r.method == "GET" and r.path_params == route.path_params}
    for end in range(len(segments), 0, -1):
        found = by_path.get("/".join(segments[:end]))
        if found is not None:
            return found
    return None


_PRIVILEGED_NORMALISED = frozenset({*(normalise(n) for n in PRIVILEGED_FIELDS), "owner", "org", "organization", "tenant"})


def role_change_route(routes: Iterable[Route]) -> Route | None:
    """The route an org's owner changes a member's role with: a PATCH or PUT of one user or member
    (``PATCH /admin/users/{user_id}``, ``PUT /members/{member_id}``) whose body takes a ``role``."""
    found = [r for r in routes if r.method in ("PATCH", "PUT") and names_one_user(r) and r.path.endswith("}")
             and field_named(envelope(r.body_schema)[1], ("role",)) is not None]
    return min(found, key=lambda r: (r.method != "PATCH", len(r.path), r.path), default=None)
