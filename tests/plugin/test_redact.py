"""Redaction: known values, credential headers, bearer values, JWTs and secret JSON fields; and, end to end,
no credential in a run's output, --showlocals and captured logs included."""

from __future__ import annotations

import pytest

from pytest_launchready.redact import MASK, Redactor, preview
from pytest_launchready.tenants import Credentials
from support.projects import frame_project


def test_known_values_are_masked_everywhere() -> None:
    redact = Redactor()
    redact.add("sess-0123456789", "abc")  # too short to mask safely: ordinary words would vanish
    assert redact("cookie sess-0123456789 and abc") == f"cookie {MASK} and abc"


def test_a_secret_holding_another_is_masked_whole_and_late_values_still_count() -> None:
    redact = Redactor()
    redact.add("key-abcdef")
    assert redact("plain text") == "plain text"
    redact.add("key-abcdef-0123456789")  # registered after a first message was masked
    assert redact("sent key-abcdef-0123456789 then key-abcdef.") == f"sent {MASK} then {MASK}."


def test_shapes_are_masked_without_being_registered() -> None:
    redact = Redactor()
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
    text = f'Authorization: Bearer abcdefghijklmnop {jwt} {{"password": "hunter22", "name": "ok"}}'
    out = redact(text)
    assert "abcdefghijklmnop" not in out and jwt not in out and "hunter22" not in out
    assert '"name": "ok"' in out
    assert redact("the token verifies with the key") == "the token verifies with the key"
    assert redact("curl https://deploy:pw-staging-9@staging.example/items") == f"curl https://deploy:{MASK}@staging.example/items"
    assert redact("mailto:a@b.example and https://user@host.example/") == "mailto:a@b.example and https://user@host.example/"


def test_credentials_redact_their_own_repr() -> None:
    creds = Credentials(headers={"Authorization": "Bearer s3cr3t-value"}, cookies={"sid": "c00kie-value"})
    assert "s3cr3t" not in repr(creds) and "c00kie" not in str(creds)
    assert creds.token == "s3cr3t-value"
    assert set(creds.secret_values()) >= {"s3cr3t-value", "c00kie-value"}


def test_equal_credentials_mean_one_identity() -> None:
    assert Credentials(token="t-1234567") == Credentials(token="t-1234567")
    assert Credentials(token="t-1234567") != Credentials(token="t-7654321")


def test_preview_shows_at_most_four_characters() -> None:
    assert preview("sk_live_abcdefgh") == "sk_l... (16 chars)"


def test_credentials_never_reach_the_output(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)
    pytester.makepyfile(
        test_qa="import logging\n"
        "def test_show(tenant_a):\n"
        "    token = tenant_a.credentials.token\n"
        "    logging.getLogger('qa').warning('using %s', token)\n"
        "    assert (tenant_a.credentials, token) is None\n"
    )
    result, outcomes = run_launchready("test_qa.py", "--showlocals", "-vv")
    out = result.stdout.str()
    assert outcomes.ids("failed") == ["test_qa.py::test_show"]
    assert "Credentials(headers={'Authorization': '[REDACTED]'})" in out
    assert "using [REDACTED]" in out  # the captured log section too
    assert "tok-lr-" not in out
