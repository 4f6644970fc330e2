"""Credentials find the token they carry, whatever scheme or place the app uses."""

from __future__ import annotations

import jwt
import pytest

from pytest_launchready import Credentials

JWT = jwt.encode({"sub": "u1"}, "k" * 32, algorithm="HS256")


@pytest.mark.parametrize("credentials", [
    Credentials(headers={"Authorization": f"Bearer {JWT}"}),
    Credentials(headers={"authorization": f"Token {JWT}"}),
    Credentials(headers={"Authorization": f"JWT {JWT}"}),
    Credentials(headers={"X-Access-Token": JWT}),
    Credentials(cookies={"session": JWT}),
    Credentials(headers={"X-Api-Key": "opaque"}, cookies={"access_token": JWT}),
], ids=["bearer", "token scheme", "jwt scheme", "custom header", "cookie", "cookie beside an api key"])
def test_the_token_is_found_wherever_it_is_carried(credentials: Credentials) -> None:
    assert credentials.token == JWT
    assert credentials.with_token("forged").token == "forged"


def test_an_opaque_bearer_or_token_value_is_the_token_too() -> None:
    assert Credentials(headers={"Authorization": "Token 9944b09199c62bcf9418ad846dd0e4bb"}).token == "9944b09199c62bcf9418ad846dd0e4bb"


@pytest.mark.parametrize("credentials", [
    Credentials(headers={"Authorization": "Basic dXNlcjpwYXNz"}),
    Credentials(cookies={"sessionid": "k1c9x0opaque"}),
    Credentials(headers={"X-Api-Key": "sk-opaque-123"}),
], ids=["basic auth", "opaque session cookie", "api key"])
def test_credentials_without_a_token_say_so(credentials: Credentials) -> None:
    assert credentials.token is None


def test_an_explicit_token_wins() -> None:
    assert Credentials(cookies={"session": JWT}, token="raw").token == "raw"


def test_identity_is_kept_by_with_token_and_is_not_part_of_equality() -> None:
    plain = Credentials(headers={"Authorization": f"Bearer {JWT}"})
    named = Credentials(headers={"Authorization": f"Bearer {JWT}"}, identity={"username": "alice-7"})
    assert named == plain and hash(named) == hash(plain)
    assert named.with_token("forged").identity == {"username": "alice-7"}
    assert "alice-7" not in repr(named) and plain.identity == {}
