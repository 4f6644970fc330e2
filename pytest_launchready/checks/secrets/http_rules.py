"""Detectors for credentials as HTTP carries them: JSON Web Tokens, ``Authorization`` headers, ``curl -u``."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Iterator

from pytest_launchready.checks.secrets.entropy import char_classes, shannon_entropy
from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder
from pytest_launchready.checks.secrets.rulebase import ALNUM, Hit, Rule, text

_URLSAFE = ALNUM | frozenset(b"_-")


def _b64_json(segment: bytes, urlsafe: bool = True) -> object:
    """The JSON value a base64 segment encodes, or None."""
    try:
        raw = (base64.urlsafe_b64decode if urlsafe else base64.b64decode)(segment + b"=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _random_enough(value: str, minimum: int = 16) -> bool:
    """Long, varied, and with a digit or three character classes (not ``launchready.garbage.token``)."""
    classes = char_classes(value)
    digit = any(c.isdigit() for c in value)
    return len(value) >= minimum and shannon_entropy(value) >= 3.0 and (classes >= 3 or (digit and classes >= 2))


def _real_password(user: str, password: str) -> bool:
    """Not empty, short, the user name, a local default or a placeholder."""
    return len(password) >= 6 and password != user and password.lower() not in DEFAULT_PASSWORDS and not (
        is_placeholder(password)
    )


#: Punctuation that ends a sentence or a code span in docs, not part of a password: `-u user:pw`).
_TRAILING = "`).,;:"


class JwtRule(Rule):
    """A signed JSON Web Token: a JSON header naming its ``alg``, a JSON payload and a signature.

    Tokens of any length count (no cap: RS256 tokens run past a thousand characters); unsigned
    ``alg: none`` tokens grant nothing and are left alone.
    """

    id = "jwt"
    description = "signed JSON Web Tokens (eyJ... header with an alg, a JSON payload, a signature), any length"
    _pattern = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.(?P<payload>eyJ[A-Za-z0-9_-]{4,})\.(?P<sig>[A-Za-z0-9_-]{16,})")

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._pattern.finditer(data):
            start = match.start()
            if (start and data[start - 1] in _URLSAFE) or (match.end() < len(data) and data[match.end()] in _URLSAFE):
                continue
            header = _b64_json(match.group(0).split(b".", 1)[0])
            if not isinstance(header, dict) or str(header.get("alg", "none")).lower() == "none":
                continue
            if not isinstance(_b64_json(match.group("payload")), dict):
                continue
            if is_placeholder(text(match.group("sig"))):
                continue
            yield start, match.group(0)


class AuthorizationRule(Rule):
    """``Authorization: Basic <base64 user:password>`` and ``Authorization: Bearer <token>``, in any casing.

    Written as an HTTP header, a dict entry, a log field (``authorization=Bearer ...``) or a
    ``curl -H``. A Basic value must decode to ``user:password`` with a real password; a Bearer value
    must look random.
    """

    id = "authorization-header"
    description = (
        "Authorization headers with credentials: Basic (base64 user:password, not a local default) or "
        "Bearer/Token (16 or more random-looking characters)"
    )
    _pattern = re.compile(
        rb"authorization[\"'`]?\]?[ \t]*[:=,][ \t]*[\"'`]?[ \t]*(?P<scheme>basic|bearer|token)[ \t]+"
        rb"(?P<value>[A-Za-z0-9._~+/=\-]{8,})"
    )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        if b"authorization" not in lower:
            return
        for match in self._pattern.finditer(lower):
            start, end = match.span("value")
            value = data[start:end]
            if end < len(data) and data[end] in b"$%{<(":  # "Bearer abc${...}": a template, not a value
                continue
            ok = self._basic(value) if match.group("scheme") == b"basic" else _random_enough(text(value))
            if ok and not is_placeholder(text(value)):
                yield start, value

    @staticmethod
    def _basic(value: bytes) -> bool:
        try:
            decoded = base64.b64decode(value + b"=" * (-len(value) % 4), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return False
        user, colon, password = decoded.partition(":")
        return bool(colon) and _real_password(user, password)


class CurlUserRule(Rule):
    """``curl -u user:password`` (also ``--user``, ``-uuser:pw``, over ``\\``-continued lines)."""

    id = "curl-credentials"
    description = "the password of curl -u / --user user:password (not a $VARIABLE, placeholder or local default)"
    _command = re.compile(rb"(?<![A-Za-z0-9_-])curl[ \t](?:\\\r?\n|[^\n])*")
    _user = re.compile(
        rb"(?:^|[ \t])(?:-u|--user)(?:[ \t]+|=)?[\"']?(?P<user>[^\s:\"']*):(?P<password>[^\s\"']+)"
    )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        if b"curl" not in lower:
            return
        for command in self._command.finditer(lower):
            for match in self._user.finditer(data, command.start(), command.end()):
                user, password = text(match.group("user")), text(match.group("password")).rstrip(_TRAILING)
                if _real_password(user, password):
                    yield match.start("password"), password.encode()


class AuthTupleRule(Rule):
    """A user and password pair given to an HTTP client: ``auth=("user", "password")`` (requests, httpx)."""

    id = "http-auth-tuple"
    description = 'auth = ("user", "password") or auth=("user", "password") pairs (requests, httpx, aiohttp)'
    _pattern = re.compile(
        rb"auth[ \t]*=[ \t]*[(\[][ \t]*(?P<q>[\"'])(?P<user>[^\"'\s]{1,64})(?P=q)[ \t]*,[ \t]*"
        rb"(?P<q2>[\"'])(?P<password>[^\"'\s]{6,})(?P=q2)[ \t]*[)\]]"
    )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        if b"auth" not in lower:
            return
        for match in self._pattern.finditer(data):
            user, password = text(match.group("user")), text(match.group("password"))
            if _real_password(user, password):
                yield match.start("password"), match.group("password")


class TelegramBotTokenRule(Rule):
    """A Telegram bot token: the bot's numeric id, ``:AA``, then 33 characters."""

    id = "telegram-bot-token"
    description = "Telegram bot tokens: 8-10 digits, :AA, 33 letters, digits, - or _"
    _tail = re.compile(rb":AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])")

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._tail.finditer(data):
            start = match.start()
            while start > 0 and 48 <= data[start - 1] <= 57 and match.start() - start < 10:
                start -= 1
            if match.start() - start < 8 or (start and data[start - 1] in ALNUM):
                continue
            if shannon_entropy(match.group(0)) >= 3.5:
                yield start, data[start : match.end()]
