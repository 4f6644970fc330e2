"""The cases where the user behind a token changes: it renames itself, changes its password, or is deleted.

Each works on a fresh user, never on tenant A's token. After a rename, a newcomer signs up holding the
user's old username (or email; its other fields named ``lr-<run>-<worker>-newcomer-...``, an account
no ``launchready_cleanup`` is told of): the old token must not open the newcomer's account, which it does
when the app finds the token's user by that name on each request. After a password change or a
deletion, the old token must be refused outright. The user's own fixtures
(``launchready_change_password``, ``launchready_delete_user``) come first; else the routes
``routes.vocabulary`` recognises. Every password and token learned is registered with the redactor
before anything is sent.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, HIGH, MEDIUM
from pytest_launchready.checks.probe import Probe
from pytest_launchready.checks.tokens.advice import DOCS, FIXES
from pytest_launchready.checks.tokens.probes import baseline, call_user, send, send_or_fail
from pytest_launchready.routes import vocabulary
from pytest_launchready.target.responses import json_body
from pytest_launchready.tenants import Credentials
from pytest_launchready.tenants.bodies import valid_body
from pytest_launchready.tenants.seeding import unwrap

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant


def run_after_rename(ctx: RunContext) -> None:
    """A fresh user renames itself and a newcomer signs up with the old name: the old token must not reach the newcomer."""
    me, update, signup = _me_route(ctx), vocabulary.rename_route(ctx.routes), vocabulary.sign_up_route(ctx.routes)
    if me is None or update is None or signup is None:
        pytest.skip(rename_not_run(me, update, signup) or "")
    user = ctx.fresh_tenant("rename")
    before = _read_me(ctx, me, user.credentials)
    if before is None:
        pytest.skip(f"GET {me.path} did not answer a fresh user's real token with its user: nothing to compare after the rename")
    key, schema = vocabulary.envelope(update.body_schema)
    _, signup_schema = vocabulary.envelope(signup.body_schema)
    shown = vocabulary.identity_fields({"properties": before})
    kinds = [k for k in ("username", "email") if k in vocabulary.identity_fields(schema) and k in shown
             and k in vocabulary.identity_fields(signup_schema)]
    if not kinds:
        pytest.skip(f"{update.key}, {signup.key} and GET {me.path} share no username or email field: nothing to rename and reuse")
    kind = kinds[0]
    old = str(before[shown[kind]])
    new = _fresh_value(ctx, kind, "renamed")
    body = valid_body(update.body_schema or {}, _unique(ctx))
    fields = vocabulary.fields_of(body, key)
    if fields is None:
        pytest.skip(f"{update.key} takes no JSON object to rename with")
    for other, name in vocabulary.identity_fields(schema).items():
        if name in fields and other in shown:
            fields[name] = before[shown[other]]  # a required field kept as it was: only one thing changes
    fields[vocabulary.identity_fields(schema)[kind]] = new
    renamed = ctx.client.request(update.method, update.path, json=body, auth=user.credentials)
    echoed = unwrap(json_body(renamed))
    if not renamed.is_success or (isinstance(echoed, dict) and str(echoed.get(shown[kind], new)) == old):
        pytest.skip(f"renaming a fresh user's {kind} through {update.key} answered {renamed.status_code} without the new "
                    "value: the user was not renamed, so nothing can be proven")
    _confirm_renamed(ctx, me, update, user, renamed, shown[kind], kind, new)
    newcomer, answer = _sign_up(ctx, signup, kind, old, "newcomer")
    if newcomer is None:
        control, answer = _sign_up(ctx, signup, kind, _fresh_value(ctx, kind, "control"), "control")
        if control is not None:
            return  # the old value stays reserved after a rename: no newcomer can take it
        pytest.skip(f"signing a newcomer up through {signup.key} answered {answer.status_code}, even with a fresh {kind}: "
                    "no second account to test against (list the sign-up route in launchready_public_routes if it is public)")
    response = send_or_fail(ctx, _me_probe(me), user.credentials, "with the old token after the rename", "after rename")
    if response.status_code >= 500:
        fail(f"A fresh user renamed its {kind} through {update.key} and a newcomer signed up with the old one; the first "
             f"user's old token sent to GET {me.path} then got {response.status_code}.",
             "a token must keep naming its own user after a rename, or be refused cleanly; a 5xx is not failing closed.",
             FIXES["after rename"], response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
             severity=MEDIUM)
    if not response.is_success:
        return
    read = unwrap(json_body(response))
    read_id = read.get("id") if isinstance(read, dict) else None
    # Proof, not a guess: a value only the newcomer holds (its other identity field, or the old value itself now that
    # the rename is confirmed), or another user's id.
    marks = {name: str(v) for name, v in newcomer.items() if name != "id" and str(v) != old}
    proof = next((f"the newcomer's {name} {value!r}" for name, value in marks.items() if value in str(read)), None)
    if proof is None and read_id is not None and (read_id == newcomer.get("id") or read_id != before.get("id", read_id)):
        proof = f"id {read_id!r}, not the first user's {before.get('id')!r}"
    if proof is None and isinstance(read, dict) and _same(read.get(shown[kind]), old):
        proof = f"the old {kind} {old!r}, which only the newcomer holds now: the first user was renamed to {new!r}"
    if proof is not None:
        fail(
            f"Account takeover: a fresh user renamed its {kind} through {update.key}; a newcomer then signed up "
            f"through {signup.key} with the old {kind}, and the first user's old token sent to GET {me.path} got the "
            f"newcomer's account (the answer shows {proof}).",
            f"the token names its user by {kind}: whoever signs up with a freed {kind} is reached by every token issued to the "
            "previous holder, who can then read and change the newcomer's account.",
            FIXES["after rename"], response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
            severity=CRITICAL,
        )


def _confirm_renamed(ctx: RunContext, me: Route, update: Route, user: Tenant, renamed: httpx.Response, field: str,
                     kind: str, new: str) -> None:
    """NOT RUN unless the rename took effect: the user's token, sent to who-am-I right away, shows ``new``, or is
    refused (a token that named its user by the old value no longer finds anyone)."""
    try:
        response = send(ctx, _me_probe(me), user.credentials)
    except httpx.TimeoutException:
        pytest.skip(f"GET {me.path} did not answer within {ctx.settings.timeout:g} s right after the rename: whether the "
                    "rename took effect is unknown, so nothing can be proven")
    if not response.is_success:
        return
    shown = unwrap(json_body(response))
    value = shown.get(field) if isinstance(shown, dict) else None
    if not _same(value, new):
        seen = f"the {kind} {value!r}" if value is not None else f"no {field} field"
        pytest.skip(f"the rename did not take effect: {update.key} answered {renamed.status_code}, yet GET {me.path} still "
                    f"shows {seen}, not the new {new!r} (a rename waiting for a confirmation, such as an e-mail link?): a "
                    "newcomer refused the old value would prove nothing")


def _same(value: Any, expected: str) -> bool:
    """``value`` is ``expected``, as apps that lower-case names or e-mails store it."""
    return isinstance(value, (str, int)) and str(value).casefold() == expected.casefold()


def rename_not_run(me: Route | None, update: Route | None, signup: Route | None) -> str | None:
    """Why the rename case cannot run with these routes (None when it can)."""
    if me is None:
        return "no who-am-I route (GET /me, /users/me, /user...) to see whose account a token opens"
    if update is None:
        return (f"no PUT/PATCH of GET {me.path}'s resource whose body takes a username or email: the app offers no rename "
                "to test (if it has one elsewhere, nothing here can find it)")
    if signup is None:
        return ("no public sign-up route (a POST such as /auth/signup, /register or /users whose body takes a password and an "
                "email or username) for a newcomer to take the old name: list it in launchready_public_routes")
    return None


def run_after_password_change(ctx: RunContext) -> None:
    """A fresh user changes its password (fixture or route); its old token must then be refused."""
    change = ctx.fixture("launchready_change_password")
    route = vocabulary.password_change_route(ctx.routes) if change is None else None
    if change is None and route is None:
        pytest.skip("no way to change a password: define launchready_change_password(credentials) -> Credentials | None "
                    "(no PUT/PATCH/POST route naming password, nor a who-am-I update taking one, was found)")
    user = ctx.fresh_tenant("password")
    probe = baseline(ctx, user, "a fresh user")
    if change is not None:
        issued = call_user("launchready_change_password", change, ctx, user.credentials)
        if issued is not None and not isinstance(issued, Credentials):
            pytest.fail(f"launchready_change_password returned {type(issued).__name__}: return the new Credentials or None",
                        pytrace=False)
        how = "launchready_change_password(credentials)"
    else:
        assert route is not None
        issued = _change_password(ctx, route, user)
        how = route.key
    if issued is not None:
        ctx.redact.add(*issued.secret_values())
    _expect_refused(ctx, probe, user, f"after a password change through {how}", "after password change",
                    f"A fresh user changed its password through {how}")
    if issued is not None and issued != user.credentials and not send(ctx, probe, issued).is_success:
        ctx.warn(f"after a password change through {how}, the new credentials were refused by {probe.route_key}: the user "
                 "would be locked out")


def run_after_deletion(ctx: RunContext) -> None:
    """A fresh user is deleted (fixture or route); its old token must then be refused."""
    delete = ctx.fixture("launchready_delete_user")
    route = vocabulary.self_delete_route(ctx.routes) if delete is None else None
    if delete is None and route is None:
        pytest.skip("no way to delete a user: define launchready_delete_user(credentials) (no DELETE of the who-am-I route "
                    "or of /users/{id} was found)")
    user = ctx.fresh_tenant("delete")
    probe = baseline(ctx, user, "a fresh user")
    if delete is not None:
        call_user("launchready_delete_user", delete, ctx, user.credentials)
        how = "launchready_delete_user(credentials)"
    else:
        assert route is not None
        path = _own_path(ctx, route, user, "launchready_delete_user(credentials)")
        response = ctx.client.request("DELETE", path, auth=user.credentials)
        if not response.is_success:
            pytest.skip(f"deleting a fresh user through {route.key} answered {response.status_code}: the user was not deleted, "
                        "so nothing can be proven (define launchready_delete_user(credentials) if another way works)")
        how = route.key
    _expect_refused(ctx, probe, user, f"after the user was deleted through {how}", "after user deletion",
                    f"A fresh user was deleted through {how}")


def _expect_refused(ctx: RunContext, probe: Probe, user: Tenant, when: str, case_id: str, story: str) -> None:
    """Send the old credentials again: a deny status passes, 2xx or 5xx fails, anything else warns."""
    response = send_or_fail(ctx, probe, user.credentials, when, case_id)
    if response.status_code in ctx.settings.deny_status:
        return
    if response.is_success or response.status_code >= 500:
        fail(
            f"{story}, then sent {probe.describe()} with the same credentials: the app answered {response.status_code} "
            "(before, it answered 2xx).",
            ("a session must end when its user's password changes: a thief who stole the token keeps the account after the "
             "owner changed the password to lock them out." if case_id == "after password change" else
             "a deleted user's token must stop working: the account is gone, yet whoever holds the token still acts as it.")
            if response.is_success else "a refused token must be refused cleanly; a 5xx is not failing closed.",
            FIXES[case_id] + " (If your fixture does not actually do it, fix the fixture.)",
            response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
            severity=HIGH if response.is_success else MEDIUM,
        )
    ctx.warn(f"{when}, {probe.route_key} refused the old credentials with {response.status_code}, a status outside "
             "launchready_deny_status: answer 401, or add the status to launchready_deny_status")


def _change_password(ctx: RunContext, route: Route, user: Tenant) -> Credentials | None:
    """Send a new password through ``route``; the credentials its answer issues, if any."""
    key, schema = vocabulary.envelope(route.body_schema)
    fresh, current = vocabulary.new_password_fields(schema)
    if current:
        pytest.skip(f"{route.key} asks for the current password ({', '.join(current)}), which only your login knows: define "
                    "launchready_change_password(credentials) -> Credentials | None")
    password = _password(ctx)
    body = valid_body(route.body_schema or {}, _unique(ctx))
    fields = vocabulary.fields_of(body, key)
    if fields is None:
        pytest.skip(f"{route.key} takes no JSON object to send a password in: define launchready_change_password(credentials)")
    fields.update({name: password for name in fresh})
    path = _own_path(ctx, route, user, "launchready_change_password(credentials) -> Credentials | None")
    response = ctx.client.request(route.method, path, json=body, auth=user.credentials)
    token = vocabulary.token_from(json_body(response))
    ctx.redact.add(token, *response.cookies.values())
    if not response.is_success:
        pytest.skip(f"changing a fresh user's password through {route.key} answered {response.status_code}: the password "
                    "did not change, so nothing can be proven (define launchready_change_password(credentials))")
    if token and user.credentials.token and token != user.credentials.token:
        return user.credentials.with_token(token)
    return None


def _own_path(ctx: RunContext, route: Route, user: Tenant, fixture: str) -> str:
    """``route``'s path filled with the user's own ids (``{username}``: its own), from its seeded ids,
    ``Credentials.identity`` or its who-am-I answer; NOT RUN naming ``fixture`` when one is unknown, or
    when a value from the who-am-I answer cannot be confirmed as the user's own (:func:`_confirm_own`)."""
    values = dict(user.ids)
    me = _me_route(ctx)
    own = _read_me(ctx, me, user.credentials) if me is not None and route.path_params else None
    guessed: dict[str, str] = {}
    for param in route.path_params:
        value = values.get(param) or (vocabulary.own_value(param, own) if own else None)
        if value is None:
            pytest.skip(f"{route.key} needs the user's own {param}, which neither its who-am-I answer nor "
                        f"Credentials.identity gives: define {fixture}")
        if param not in values:
            guessed[param] = value
        values[param] = value
    if guessed:
        assert me is not None and own is not None
        _confirm_own(ctx, route, values, guessed, own, user, f"GET {me.path}'s answer", fixture)
    return route.format_path(values)


def _confirm_own(ctx: RunContext, route: Route, values: dict[str, str], guessed: dict[str, str], own: dict[str, Any],
                 user: Tenant, source: str, fixture: str) -> None:
    """NOT RUN naming ``fixture`` unless the user at ``values`` is the caller: the GET of that user shows its
    username, e-mail or id as ``own`` (the who-am-I answer) or ``Credentials.identity`` do, and nothing else.

    The who-am-I route may describe the company (``GET /account``: ``{"id": 12, "name": "acme"}``), and
    ``/users/12`` is then someone else: a deletion or a new password must never reach them. A value that
    only echoes the path (the id the path was filled with) proves nothing, so it is not compared.
    """
    filled = ", ".join(f"{{{param}}} = {value!r}" for param, value in guessed.items())
    stop = (f"{route.key} would be sent with {filled} taken from {source}, which may describe something else than the "
            "user (a company, a membership), and the write would then reach someone else's account")
    read = vocabulary.user_read_route(route, ctx.routes)
    if read is None:
        pytest.skip(f"{stop}; no GET of that user shows whose it is: define {fixture}")
    path = read.format_path(values)
    try:
        response = ctx.client.get(path, auth=user.credentials)
    except httpx.TimeoutException:
        pytest.skip(f"{stop}; GET {path} did not answer within {ctx.settings.timeout:g} s: define {fixture}")
    shown = unwrap(json_body(response)) if response.is_success else None
    known = {**_identity_of(own), **_identity_of(user.credentials.identity)}
    seen = _identity_of(shown) if isinstance(shown, dict) else {}
    echoes = {value.casefold() for value in guessed.values()}
    compared = {kind: (value, known[kind]) for kind, value in seen.items()
                if kind in known and value.casefold() not in echoes}
    differ = [f"{kind} {value!r}, not the caller's {mine!r}" for kind, (value, mine) in compared.items()
              if not _same(value, mine)]
    if shown is None:
        pytest.skip(f"{stop}; GET {path} answered {response.status_code}, so nothing confirms it is the caller's: "
                    f"define {fixture}")
    if differ:
        pytest.skip(f"{stop}; GET {path} shows {', '.join(differ)}: define {fixture}")
    if not compared:
        mine = ", ".join(f"{kind} {value!r}" for kind, value in known.items()) or "nothing"
        pytest.skip(f"{stop}; GET {path} shares no username, e-mail or id with what the who-am-I answer and "
                    f"Credentials.identity give ({mine}) beyond the value the path was filled with: define {fixture}")


def _identity_of(data: Any) -> dict[str, str]:
    """``{"username"|"email"|"id": value}`` from a user object (or ``Credentials.identity``)."""
    if not isinstance(data, dict):
        return {}
    ids = [key for key in data if vocabulary.normalise(str(key)) in ("id", "userid")]
    fields = {**vocabulary.identity_fields({"properties": data}), **({"id": ids[0]} if ids else {})}
    return {kind: str(data[name]) for kind, name in fields.items()
            if isinstance(data.get(name), (str, int)) and not isinstance(data.get(name), bool)}


def _sign_up(ctx: RunContext, route: Route, kind: str, value: str,
             label: str) -> tuple[dict[str, Any] | None, httpx.Response]:
    """Sign a newcomer up through ``route`` holding ``value`` as its ``kind``, its other identity fields
    named for the run (``lr-<run>-<worker>-<label>-...``, to be found and removed): what it sent (its
    identity fields), or None when refused, and the answer."""
    key, schema = vocabulary.envelope(route.body_schema)
    body = valid_body(route.body_schema or {}, _unique(ctx))
    fields = vocabulary.fields_of(body, key)
    if fields is None:
        pytest.skip(f"{route.key} takes no JSON object to sign up with")
    names = vocabulary.identity_fields(schema)
    for other, name in names.items():
        fields[name] = _fresh_value(ctx, other, label)
    fields[names[kind]] = value
    password = _password(ctx)
    fields.update(dict.fromkeys(vocabulary.new_password_fields(schema)[0], password))  # a confirmation field matches
    response = ctx.client.post(route.path, json=body)
    ctx.redact.add(vocabulary.token_from(json_body(response)), *response.cookies.values())
    if not response.is_success:
        return None, response
    made = {name: fields[name] for name in names.values()}
    answered = unwrap(json_body(response))
    if isinstance(answered, dict) and isinstance(answered.get("id"), (str, int)):
        made["id"] = answered["id"]
    return made, response


def _read_me(ctx: RunContext, me: Route, credentials: Credentials) -> dict[str, Any] | None:
    """The caller's own user, as the who-am-I route shows it to ``credentials``, or None."""
    try:
        response = send(ctx, _me_probe(me), credentials)
    except httpx.TimeoutException:
        return None
    found = unwrap(json_body(response)) if response.is_success else None
    return found if isinstance(found, dict) else None


def _me_route(ctx: RunContext) -> Route | None:
    """The who-am-I route among the private routes, as :func:`.check.cases` chose it at collection."""
    return vocabulary.me_route(r for r in ctx.routes if not r.public)


def _me_probe(me: Route) -> Probe:
    return Probe("GET", me.path, [], None, route=me)


def _password(ctx: RunContext) -> str:
    """A strong new password, registered with the redactor before anything can print it."""
    password = f"Lr-{secrets.token_urlsafe(18)}"
    ctx.redact.add(password)
    return password


def _unique(ctx: RunContext) -> str:
    return f"{ctx.run_id}{ctx.rng.randrange(16 ** 6):06x}"


def _fresh_value(ctx: RunContext, kind: str, label: str) -> str:
    """A username or email no one holds yet, named like the run's tenants: ``lr-<run>-<worker>-<label>-<hex>``."""
    value = ctx.name(f"{label}-{ctx.rng.randrange(16 ** 6):06x}")
    return f"{value}@example.com" if kind == "email" else value
