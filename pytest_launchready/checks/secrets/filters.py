"""The one filter every engine's findings pass: stand-ins, local defaults and user-name passwords are dropped.

Our rules already apply these tests to their own candidates; running them again over everything
found (Kingfisher's findings included) keeps one notion of "not a real secret" for the whole scan.
"""

from __future__ import annotations

from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder


def is_stand_in(data: bytes, start: int, secret: bytes) -> bool:
    """True when ``secret`` (found at ``start`` in ``data``) is a placeholder rather than a real secret.

    Besides :func:`~.placeholders.is_placeholder`: a documented local default (``postgres``,
    ``guest``), or a password equal to the user name written just before it (``app:app@``).
    """
    value = secret.decode("utf-8", errors="replace")
    if is_placeholder(value) or value.lower() in DEFAULT_PASSWORDS:
        return True
    before = data[max(0, start - len(secret) - 1) : start]
    return before == secret + b":" and (start - len(secret) - 1 == 0 or data[start - len(secret) - 2] in b"/ \t'\"")
