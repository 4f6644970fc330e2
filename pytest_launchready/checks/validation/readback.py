"""Re-reading what a write stored, so that a mass assignment is proven, not guessed from an echo.

After a PUT/PATCH: ``GET`` of the same path (or the collection list); after a create:
``GET <collection>/{id}`` (or the collection list); after an update of ``/me``: ``GET /me``; after a
public sign-up: logging in with the new credentials through the login route, then ``GET /me``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

import httpx

from pytest_launchready.checks.validation.common import unique
from pytest_launchready.routes import vocabulary
from pytest_launchready.target.client_addresses import VALIDATION_ADDRESS, client_at
from pytest_launchready.target.responses import json_body
from pytest_launchready.tenants import bodies

if TYPE_CHECKING:
    from pytest_launchready.checks.validation.session import Session
    from pytest_launchready.routes import Route

Reader = Callable[[httpx.Response, Any], Any]


def reader_for(session: Session) -> tuple[Reader | None, str]:
    """How to re-read what a write stored, and a description of it for messages."""
    route, caller, ctx = session.route, session.caller, session.ctx
    routes = ctx.routes
    gets = {r.path: r for r in routes if r.method == "GET"}
    me = vocabulary.me_route(routes)
    client = caller.client
    if caller.tenant is not None:
        if route.method in ("PUT", "PATCH") and route.path in gets:
            return (lambda response, body: _get(client, session.path)), f"GET {session.path}"
        if vocabulary.is_me_path(route.path) and me is not None:
            return (lambda response, body: _get(client, me.path)), f"GET {me.path}"
        values = dict(zip(route.path_params, _path_values(route, session.path)))
        if route.method == "POST":
            item = next((r for r in routes if r.method == "GET" and r.path.startswith(route.path.rstrip("/") + "/{")
                         and r.path.count("/") == route.path.rstrip("/").count("/") + 1), None)
            if item is not None:
                param = item.path_params[-1]

                def read_item(response: httpx.Response, body: Any) -> Any:
                    created = _created_id(response, param)
                    return None if created is None else _get(client, item.format_path({**values, param: created}))

                return read_item, f"GET {item.path}"
            if route.path in gets:
                listing = route.format_path(values)
                return (lambda response, body: _in_list(_get(client, listing), _created_id(response, "id"))), f"GET {route.path}"
        if route.method in ("PUT", "PATCH") and route.path_params and route.path.endswith("}"):
            collection = route.path.rsplit("/", 1)[0]
            if collection in gets:
                listing = route.format_path(values).rsplit("/", 1)[0]
                own_id = values.get(route.path_params[-1])
                return (lambda response, body: _in_list(_get(client, listing), own_id)), f"GET {collection}"
    elif route.method == "POST" and me is not None:
        login = _login_reader(session, me)
        if login is not None:
            return login, f"logging in as the new user and GET {me.path}"
    return None, ""


def _in_list(data: Any, wanted: str | None) -> Any:
    """The element of a list answer (or of the first list in an envelope) whose id is ``wanted``."""
    if wanted is None:
        return None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        return None
    return next((item for item in data if isinstance(item, dict) and str(item.get("id")) == str(wanted)), None)


def _login_reader(session: Session, me: Route) -> Reader | None:
    """For a public create of a user (sign-up): log in with the body's credentials, then read ``me``."""
    ctx, route = session.ctx, session.route
    schema = route.body_schema or {}
    user_field, password = vocabulary.username_field(schema), vocabulary.password_field(schema)
    if user_field is None or password is None:
        return None
    logins = [r for r in ctx.routes if vocabulary.is_login_like(r) and r.public and r.body_schema
              and vocabulary.password_field(r.body_schema) and vocabulary.username_field(r.body_schema)]
    if not logins:
        return None
    login = logins[0]
    login_schema = login.body_schema or {}

    def read(response: httpx.Response, body: Any) -> Any:
        if not isinstance(body, dict):
            return None
        credentials = {**bodies.valid_body(login_schema, unique(ctx)),
                       vocabulary.username_field(login_schema): body.get(user_field),
                       vocabulary.password_field(login_schema): body.get(password)}
        try:
            answer = session.caller.client.post(login.path, json=credentials)
        except httpx.HTTPError:
            return None
        if not answer.is_success:
            return None
        from pytest_launchready.tenants import Credentials

        token = vocabulary.token_from(json_body(answer))
        cookies = dict(answer.cookies)
        if not token and not cookies:
            return None
        auth = Credentials(headers={"Authorization": f"Bearer {token}"}) if token else Credentials(cookies=cookies)
        ctx.redact.add(*auth.secret_values())
        return _get(client_at(ctx.target, VALIDATION_ADDRESS, auth=auth), me.path)

    return read


def _get(client: httpx.Client, path: str) -> Any:
    try:
        response = client.get(path)
    except httpx.HTTPError:
        return None
    return json_body(response) if response.is_success else None


def safe_read(reader: Reader | None, response: httpx.Response, body: Any) -> Any:
    """What ``reader`` reads back after the write answered ``response`` to ``body``: an object, or None."""
    if reader is None:
        return None
    from pytest_launchready.tenants.seeding import unwrap

    found = unwrap(reader(response, body))
    return found if isinstance(found, dict) else None


def _created_id(response: httpx.Response, param: str) -> str | None:
    from pytest_launchready.tenants.seeding import created_id, unwrap

    return created_id(response, unwrap(json_body(response)), param)


def _path_values(route: Route, path: str) -> list[str]:
    pattern = re.escape(route.path)
    for name in route.path_params:
        pattern = pattern.replace(re.escape("{" + name + "}"), "([^/]+)")
    match = re.fullmatch(pattern, path)
    return list(match.groups()) if match else []
