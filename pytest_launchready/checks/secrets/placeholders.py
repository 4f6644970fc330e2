"""Values that look like secrets but are obviously stand-ins: ``changeme``, ``<your-key>``, ``${TOKEN}``.

Words are matched in lower, upper and title case only (never case-insensitively), so a random key
that happens to contain ``TeSt`` is still reported.
"""

from __future__ import annotations

import re

_WORDS = (
    "xxxx",  # not "xxx": one long random key in a few thousand holds three x in a row
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
_VARIANTS = re.compile("|".join(sorted({re.escape(f) for w in _WORDS for f in (w, w.upper(), w.title())})))
#: Template and variable syntax: the value is read from somewhere else.
_TEMPLATE_MARKS = ("${", "{{", "}}", "%(", "$(", "<%", "#{", "<", ">")
#: ``$VAR``: a shell or compose variable (a random password may start with ``$`` followed by a digit or symbol).
_VARIABLE = re.compile(r"\$[A-Za-z_]")
#: Passwords that are the documented defaults of local development images, not secrets.
DEFAULT_PASSWORDS = frozenset(
    {"password", "pass", "passwd", "secret", "postgres", "root", "admin", "guest", "mysql", "redis", "rabbitmq",
     "mongo", "user", "pw"}
)
_SEQUENCE_RUN = 6
_ALPHABETS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: Every run of 6 consecutive characters, up or down: ``123456``, ``abcdef``, ``987654``.
_SEQUENCES = re.compile(
    "|".join(
        run
        for alphabet in _ALPHABETS
        for ordered in (alphabet, alphabet[::-1])
        for run in (ordered[i : i + _SEQUENCE_RUN] for i in range(len(ordered) - _SEQUENCE_RUN + 1))
    )
)


def is_placeholder(value: str) -> bool:
    """True when ``value`` is a stand-in rather than a real secret."""
    if not value:
        return True
    if any(mark in value for mark in _TEMPLATE_MARKS) or _VARIABLE.match(value):
        return True
    if "{" in value and "}" in value:  # str.format fields: "{password}"
        return True
    if len(set(value)) <= 3 or value.strip("*.•#-_") == "":
        return True
    return bool(_VARIANTS.search(value) or _SEQUENCES.search(value))
