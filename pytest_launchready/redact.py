"""The one place that knows what must never be printed.

Redaction works two ways: by name (headers, cookies and JSON fields that carry credentials) and by
value (every token, cookie and secret the run has handled is registered here and masked wherever it
appears: ids, messages, reports, logs).
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping

MASK = "[REDACTED]"

#: Header names whose values are credentials (lower case).
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-xsrf-token",
    }
)

#: JSON field names whose values are credentials (compared lower case, without - and _).
_SECRET_FIELD = re.compile(
    r"(password|passwd|secret|token|apikey|privatekey|credential|sessionid|authorization|cookie)", re.IGNORECASE
)
_JSON_FIELD_VALUE = re.compile(r'("(?P<key>[^"\\]{1,64})"\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"')
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
#: A password in a URL (``https://deploy:pw@staging.example``): a base URL or a curl line may carry one.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]+@")

_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


def is_secret_header(name: str) -> bool:
    """True when a header of this name carries a credential."""
    return name.lower() in SECRET_HEADERS


def is_secret_field(name: str) -> bool:
    """True when a JSON field of this name usually carries a credential."""
    return bool(_SECRET_FIELD.search(name.replace("-", "").replace("_", "")))


class Redactor:
    """Masks known secret values and credential-shaped text.

    One instance lives per session (in the config stash); credentials register their values with it
    as they are created, so a token that reaches a message by any road is still masked.
    """

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, *values: str | None) -> None:
        """Remember values that must never be printed."""
        self._values.update(v for v in values if v and len(v) >= _MIN_SECRET_LENGTH)

    def __call__(self, text: str) -> str:
        """``text`` with every known secret, bearer value, JWT and secret JSON field masked."""
        if not text:
            return text
        # Only values that occur can match, so the pattern is built from those: secrets keep arriving all run
        # long, and recompiling one alternation of all of them for every message cost seconds.
        present = frozenset(v for v in self._values if v in text)
        if present:
            text = _alternation(present).sub(MASK, text)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
        text = _JWT.sub(MASK, text)
        text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
        return _JSON_FIELD_VALUE.sub(_mask_field, text)

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Header pairs with credential headers masked and other values scrubbed."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        return [(k, MASK if is_secret_header(k) else self(v)) for k, v in items]

    def __repr__(self) -> str:
        return f"Redactor({len(self._values)} values)"


@functools.lru_cache(maxsize=256)
def _alternation(values: frozenset[str]) -> re.Pattern[str]:
    """One pattern matching any of ``values``, longest first, so a secret that contains another is masked whole."""
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


def _mask_field(match: re.Match[str]) -> str:
    if is_secret_field(match.group("key")) and match.group("value"):
        return f'{match.group(1)}"{MASK}"'
    return match.group(0)


class Secret(str):
    """A string whose ``repr`` never shows its value: safe as a local under ``--showlocals``.

    Every secret the plugin learns or is given (a cracked signing key, ``launchready_jwt_key``) is held
    as one, so a frame printed by pytest shows ``<secret: 12 chars>`` instead of the value.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<secret: {len(self)} chars>"


def preview(secret: str) -> str:
    """What may be shown of a secret: its first 4 characters and its length."""
    return f"{secret[:4]}... ({len(secret)} chars)"
