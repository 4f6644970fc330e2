"""The one filter every engine's findings pass: stand-ins, local defaults and user-name passwords are dropped.

Our rules already apply these tests to their own candidates; running them again over everything
found (Kingfisher's findings included) keeps one notion of "not a real secret" for the whole scan.
"""

from __future__ import annotations

import base64
import binascii
import json

from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder


def is_stand_in(data: bytes, start: int, secret: bytes) -> bool:
    """True when ``secret`` (found at ``start`` in ``data``) is a placeholder rather than a real secret.

    Besides :func:`~.placeholders.is_placeholder`: a documented local default (``postgres``,
    ``guest``), a password equal to the user name written just before it (``app:app@``) or in the
    same ``user:password`` pair (``admin:admin``), or an
    unsigned ``alg: none`` JSON Web Token (it grants nothing).
    """
    value = secret.decode("utf-8", errors="replace")
    bare = value.strip("[](){}`'\"")  # [:password] in a doc, `password` in Markdown
    if is_placeholder(value) or bare.lower() in DEFAULT_PASSWORDS or _unsigned_jwt(secret):
        return True
    user, colon, password = value.partition(":")
    if colon and "/" not in value and (password == user or password.lower() in DEFAULT_PASSWORDS or is_placeholder(password)):
        return True  # a "user:password" pair (curl -u admin:admin) whose password is a stand-in
    before = data[max(0, start - len(secret) - 1) : start]
    return before == secret + b":" and (start - len(secret) - 1 == 0 or data[start - len(secret) - 2] in b"/ \t'\"")


def _unsigned_jwt(secret: bytes) -> bool:
    if not secret.startswith(b"eyJ") or secret.count(b".") != 2:
        return False
    header = secret.split(b".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and str(decoded.get("alg", "")).lower() == "none"
