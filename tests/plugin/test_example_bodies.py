"""Example values from schemas: what auth, tokens and seeding send as a body the route would accept."""

from __future__ import annotations

import re

import pytest

from pytest_launchready.tenants.bodies import example


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("^(owner|admin|member)$", "owner"), ("^(?:draft|live)$", "draft"), ("draft|live", "draft"), ("^[a-z]+$", "launchready")],
)
def test_patterns_are_satisfied(pattern: str, expected: str) -> None:
    value = example({"type": "string", "pattern": pattern})
    assert value == expected and re.search(pattern, value)


def test_required_fields_only_and_formats() -> None:
    schema = {
        "type": "object",
        "required": ["email", "age", "tags", "kind"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "age": {"type": "integer", "minimum": 18},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 4}, "minItems": 2},
            "kind": {"enum": ["a", "b"]},
            "note": {"type": "string"},
        },
    }
    assert example(schema, required_only=True) == {"email": "launchready@example.com", "age": 18, "tags": ["laun", "laun"], "kind": "a"}
