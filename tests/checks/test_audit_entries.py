"""Reading audit entries: loose field names, launchready_audit_fields mappings (dotted too), what an entry is
about, and what counts as a client IP address."""

from __future__ import annotations

import pytest

from pytest_launchready.checks.audit.entries import DENIED_WORDS, LOGIN_WORDS, ROLE_WORDS, WRITE_WORDS, Fields, is_address

ENTRY = {"eventType": "USER_LOGIN", "actorId": 7, "tenant_id": "t1", "createdAt": "2026-12-07T10:00:00Z",
         "remote_addr": "203.0.113.9"}


def test_loose_names_find_every_field() -> None:
    fields = Fields(())
    assert fields.missing(ENTRY) == []
    assert fields.about(ENTRY, LOGIN_WORDS) and not fields.about(ENTRY, ROLE_WORDS)


def test_a_mapping_reads_nested_fields_and_replaces_the_loose_names() -> None:
    entry = {"what": "member.promoted", "by": {"id": 7}, "scope": {"org": "o1"}, "ts": 1765101600, "net": {"peer": "::1"}}
    fields = Fields((("user", "by.id"), ("org", "scope.org"), ("ip", "net.peer"), ("action", "what")))
    assert fields.missing(entry) == []
    assert fields.about(entry, ROLE_WORDS)
    assert Fields((("user", "actor_ref"),)).missing(ENTRY) == ["user"]  # mapped: the loose names are not tried


@pytest.mark.parametrize(("entry", "missing"), [
    ({"action": "x", "user_id": 1, "org_id": 2, "at": "now"}, ["ip"]),
    ({"action": "x", "user_id": 1, "org_id": 2, "at": "now", "ip": "unknown"}, ["ip"]),
    ({"action": "x", "user_id": None, "org_id": "", "at": "now", "request": {"client_ip": "10.0.0.2:51234"}}, ["user", "org"]),
])
def test_missing_or_empty_fields_and_ips_that_are_no_address(entry: dict, missing: list[str]) -> None:
    assert Fields(()).missing(entry) == missing


def test_a_refusal_is_told_by_the_outcome_beside_the_action() -> None:
    fields = Fields(())
    assert fields.about({"action": "document.read", "outcome": "denied"}, DENIED_WORDS)
    assert not fields.about({"action": "document.read", "outcome": "success"}, DENIED_WORDS)
    assert fields.about({"action": "conversation.create"}, WRITE_WORDS)


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1", True), ("2001:db8::1", True), ("[::1]:8080", True), ("10.0.0.2:51234", True),
    ("testclient", False), ("", False), ("localhost", False),
])
def test_client_addresses(value: str, expected: bool) -> None:
    assert is_address(value) is expected
