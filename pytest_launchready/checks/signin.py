"""Whether a user logs in with a password, through the app's own login route: how checks prove that a
password was set (an invite accepted twice, another tenant's password changed)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import httpx

from pytest_launchready.routes import Route, vocabulary
from pytest_launchready.tenants import Credentials, bodies

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

#: Answers that say the login request itself was not understood (not "wrong password"): nothing is learned.
_NOT_UNDERSTOOD = frozenset({400, 404, 405, 415, 422})


def login_route(ctx: RunContext) -> Route | None:
    """``launchready_login_route``, else the discovered sign-in route."""
    by_key = {r.key: r for r in ctx.routes}
    return by_key.get(ctx.settings.login_route) or next((r for r in ctx.routes if vocabulary.is_sign_in(r)), None)


def logs_in(ctx: RunContext, password: str, *, email: str | None = None, username: str | None = None) -> bool | None:
    """Whether the user named by ``email`` or ``username`` logs in with ``password``; None when that
    cannot be told: no login route, its body names users by a value not given, it did not understand
    the request (400, 422...), or it opens a session for a wrong password too (checked only when the
    password worked, with a random one). Anonymous requests, JSON or form as the route declares."""
    route = login_route(ctx)
    if route is None:
        return None
    key, schema = vocabulary.envelope(route.body_schema)
    field, secret = vocabulary.username_field(schema), vocabulary.password_field(schema)
    value = email if field is not None and field == vocabulary.email_field(schema) else username or email
    if not (field and secret and value):
        return None

    def attempt(candidate: str) -> httpx.Response:
        fields = {field: value, secret: candidate}
        body = {key: fields} if key else fields
        if bodies.is_json(bodies.body_content_type(route)):
            return ctx.client.post(route.path, json=body)
        return ctx.client.post(route.path, data=fields)

    answer = attempt(password)
    if answer.status_code in _NOT_UNDERSTOOD:
        return None
    if not opens_session(ctx, answer):
        return False
    wrong = attempt(f"Lr-wrong-{secrets.token_urlsafe(9)}")
    return None if wrong.status_code in _NOT_UNDERSTOOD or opens_session(ctx, wrong) else True


def opens_session(ctx: RunContext, response: httpx.Response) -> bool:
    """A login answer that signs the user in: 2xx with a session in it (:func:`credentials_in`). A bare
    2xx is not one: some apps answer a wrong password with ``200 {"status": "fail"}``."""
    return response.is_success and credentials_in(response, ctx) is not None


def credentials_in(response: httpx.Response, ctx: RunContext) -> Credentials | None:
    """The session an answer hands out: a token field (Bearer), else the cookies it set; registered
    with the redactor before anything can print it."""
    try:
        token = vocabulary.token_from(response.json())
    except ValueError:
        token = None
    if token:
        ctx.redact.add(token)
        return Credentials(headers={"Authorization": f"Bearer {token}"})
    cookies = dict(response.cookies.items())
    if cookies:
        ctx.redact.add(*cookies.values())
        return Credentials(cookies=cookies)
    return None
