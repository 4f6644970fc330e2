"""Values that look like secrets but are obviously stand-ins: ``changeme``, ``<your-key>``, ``${TOKEN}``.

Words are matched in lower, upper and title case only (never case-insensitively), so a random key
that happens to contain ``TeSt`` is still reported.
"""

from __future__ import annotations

_WORDS = (
    "xxx",
    "changeme",
    "change_me",
    "change-me",
    "example",
    "your-",
    "your_",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "placeholder",
    "dummy",
    "test",
    "fake",
    "sample",
    "redacted",
    "replaceme",
    "replace_me",
    "replace-me",
    "notreal",
    "not_real",
    "not-real",
    "insert",
    "here",
    "mock",
)
_VARIANTS = tuple({form for word in _WORDS for form in (word, word.upper(), word.title())})
#: Template and variable syntax: the value is read from somewhere else.
_TEMPLATE_MARKS = ("${", "{{", "}}", "%(", "$(", "<%", "#{", "<", ">")
#: Passwords that are the documented defaults of local development images, not secrets.
DEFAULT_PASSWORDS = frozenset(
    {"password", "pass", "passwd", "secret", "postgres", "root", "admin", "guest", "mysql", "redis", "rabbitmq",
     "mongo", "user", "pw"}
)
_SEQUENCE_RUN = 6


def is_placeholder(value: str) -> bool:
    """True when ``value`` is a stand-in rather than a real secret."""
    if not value:
        return True
    if any(mark in value for mark in _TEMPLATE_MARKS) or value[0] in "$%":
        return True
    if "{" in value and "}" in value:  # str.format fields: "{password}"
        return True
    if any(word in value for word in _VARIANTS):
        return True
    if len(set(value)) <= 3 or value.strip("*.•#-_") == "":
        return True
    return _has_sequence(value)


def _has_sequence(value: str) -> bool:
    """True when ``value`` contains a run like ``123456``, ``abcdef`` or ``987654``."""
    up = down = 1
    for previous, current in zip(value, value[1:]):
        step = ord(current) - ord(previous)
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= _SEQUENCE_RUN or down >= _SEQUENCE_RUN:
            return True
    return False
