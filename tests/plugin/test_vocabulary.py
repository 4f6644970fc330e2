"""The one vocabulary of route guesses: each guess answers the same for every part that asks it."""

from __future__ import annotations

import pytest

from pytest_launchready.routes import Route
from pytest_launchready.routes.vocabulary import (caller_value, ends_session, is_login_like, is_login_page, is_me_route, is_sign_in,
                                                  is_webhook_receiver, me_route)
from pytest_launchready.tenants.seeding.answers import identities


@pytest.mark.parametrize(("path", "expected"), [
    ("/auth/logout", True), ("/logout-all", True), ("/auth/logout/all", True), ("/oauth/revoke", True),
    ("/tokens/revoke_all", True), ("/sign-out", True), ("/auth/signout", True), ("/session/log_off", True),
    ("/auth/logoutAll", True), ("/sessions/revokeAll", True), ("/users/me/signOutEverywhere", True),
    ("/auth/logout.json", True), ("/revoked-tokens", True),
    ("/items", False), ("/logs", False), ("/catalogue/{revoke}", False), ("/blog/posts", False),
])
def test_a_route_ends_the_session_by_any_of_its_segments(path: str, expected: bool) -> None:
    assert ends_session(Route("POST", path)) is expected


def test_the_configured_logout_route_ends_the_session_whatever_its_name() -> None:
    assert ends_session(Route("DELETE", "/me/current"), logout_route="DELETE /me/current")
    assert not ends_session(Route("DELETE", "/me/current"))


@pytest.mark.parametrize(("path", "expected"), [
    ("/auth/login", True), ("/sessions", True), ("/api/token", True), ("/users/sign_in", True),
    ("/auth/signup", False), ("/register", False), ("/password/reset", False), ("/auth/logout", False),
    ("/token/refresh", False), ("/invites/login", False), ("/session/logoff", False), ("/sessions/revoke", False),
])
def test_sign_in_routes_log_a_user_in_and_nothing_else(path: str, expected: bool) -> None:
    assert is_sign_in(Route("POST", path)) is expected
    assert not is_sign_in(Route("GET", path))


@pytest.mark.parametrize("path", ["/me", "/users/me", "/auth/whoami", "/api/user", "/users/current", "/oauth/userinfo"])
def test_who_am_i_routes(path: str) -> None:
    assert is_me_route(Route("GET", path))
    assert not is_me_route(Route("POST", path))


@pytest.mark.parametrize("path", ["/api/plans/current", "/billing/subscription/current", "/current", "/users/{id}"])
def test_current_is_the_caller_only_after_a_users_segment(path: str) -> None:
    assert not is_me_route(Route("GET", path))


def test_the_most_telling_who_am_i_route_wins() -> None:
    routes = [Route("GET", "/api/user"), Route("GET", "/users/{id}"), Route("GET", "/api/users/me")]
    assert me_route(routes) == Route("GET", "/api/users/me")
    assert me_route([Route("GET", "/api/plans/current"), Route("GET", "/api/user")]) == Route("GET", "/api/user")
    assert me_route([Route("GET", "/users/{id}")]) is None


@pytest.mark.parametrize(("location", "expected"), [
    ("/accounts/login/?next=/items", True), ("https://sso.example.com/start", True), ("/items/2", False),
])
def test_login_pages(location: str, expected: bool) -> None:
    assert is_login_page(location) is expected


def test_a_session_resource_is_where_credentials_are_guessed() -> None:
    """POST /api/session signs in (Rails' singular resource), so it is login-like and gets bursts too."""
    assert is_login_like(Route("POST", "/api/session")) and is_sign_in(Route("POST", "/api/session"))
    assert not is_login_like(Route("POST", "/chat/sessions"))


@pytest.mark.parametrize(("name", "expected"), [
    ("email", "email"), ("user_email", "email"), ("userEmail", "email"), ("email_address", "email"),
    ("username", "username"), ("user_name", "username"), ("owner", None), ("slug", None), ("invitee_email", None),
])
def test_the_user_value_a_name_holds(name: str, expected: str | None) -> None:
    assert caller_value(name) == expected


def test_the_caller_s_own_values_fill_parameters_named_for_them() -> None:
    """GET /me says ``email``; /members/{user_email}/activity takes it by another name, as a body field would."""
    me = {"id": 7, "email": "a@example.com", "username": "ann", "slug": "ann-1"}
    assert identities(me, ["user_email", "user_name", "slug", "invitee_email", "item_id"]) == {
        "user_email": "a@example.com", "user_name": "ann", "slug": "ann-1"}


@pytest.mark.parametrize(("path", "expected"), [
    ("/webhooks/stripe", True), ("/api/webhook", True), ("/hooks/{integration_id}", True), ("/stripe-webhook", True),
    ("/integrations/github_hooks", True), ("/slack/events", True), ("/api/stripe/v1/event", True),
    ("/events", False), ("/books", False), ("/{hook}", False), ("/slack/channels", False), ("/events/slack", False),
    ("/hookah/orders", False),
])
def test_webhook_receivers_are_named_by_a_fixed_segment(path: str, expected: bool) -> None:
    assert is_webhook_receiver(Route("POST", path)) is expected
    assert not is_webhook_receiver(Route("GET", path))
