"""Detectors for what a response must never disclose: debug output, sensitive fields and values.

- :func:`debug_leaks`: stack traces (Python, Java, Node, .NET, PHP, Ruby, Go), framework debug pages
  (Werkzeug debugger, Django's ``DEBUG = True`` page), SQL error strings and SQL text, server file paths.
- :func:`sensitive_fields`: JSON fields named like a password, a password hash or a secret, holding a
  value (a ``password`` key whose value is a schema object or ``null`` discloses nothing).
- :func:`secret_values`: values shaped like password hashes (bcrypt, argon2, PBKDF2, scrypt, sha-crypt)
  or private keys, whatever the field is called.

A hit that also occurs in what was sent is an echo of the request, not a disclosure, and is ignored:
a 422 that quotes an invalid input back reveals nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from pytest_launchready.routes.vocabulary import normalise

EXCERPT = 80


@dataclass(frozen=True)
class Disclosure:
    """One thing a response revealed: ``kind`` (``"Python traceback"``), ``where`` (a JSON path or
    ``"body"``) and ``evidence``, the matched text (may be secret: redact before printing)."""

    kind: str
    where: str
    evidence: str = field(repr=False)  # may be a secret: never in a repr (--showlocals)

    def describe(self) -> str:
        """``Python traceback in body`` or ``password hash field 'password_hash' in $.uploaded_by.password_hash``."""
        return f"{self.kind} in {self.where}"


# Patterns that reveal internals in any response, whatever its status.
_ANYWHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Python stack frame", re.compile(r'File "[^"\n]{1,300}", line \d+, in ')),
    ("Werkzeug debugger page", re.compile(r"Werkzeug Debugger|The debugger caught an exception in your WSGI application|\?__debugger__=yes")),
    ("Django debug page", re.compile(r"DEBUG = True</code> in your Django settings file|You(?:'|&#x27;|&#39;)re seeing this error because you have <code>DEBUG = True")),
    ("Java stack trace", re.compile(r"\bat [\w$]+(?:\.[\w$<>]+)+\([\w$]+\.(?:java|kt|scala):\d+\)|Exception in thread \"[^\"]+\" [\w.]+(?:Exception|Error)")),
    ("Node.js stack trace", re.compile(r"\bat (?:[\w.$<>\[\] ]+ \()?(?:file://)?(?:/|[A-Za-z]:\\)[^\s()]+\.(?:m?js|cjs|ts):\d+:\d+\)?")),
    (".NET stack trace", re.compile(r"\bat [\w.`<>]+\([^)\n]*\) in [^\n]{1,300}\.cs:line \d+")),
    ("PHP error", re.compile(r"(?:Fatal error|Parse error|Uncaught \w+)(?:</b>)?: .{1,300}? in (?:<b>)?[^<\n]{1,300}\.php(?:</b>)? on line|Stack trace:\s*(?:<br />)?\s*#0 ")),
    ("Ruby backtrace", re.compile(r"[\w./-]{1,200}\.rb:\d+:in [`'][^'\n]{1,100}'")),
    ("Go panic", re.compile(r"goroutine \d+ \[running\]")),
    ("SQL error", re.compile(
        r"You have an error in your SQL syntax|\bsyntax error at or near \\?\"|\bSQLSTATE\[\w+\]|\bORA-\d{5}\b"
        r"|near \\?\"[^\"\n]{0,60}?\\?\": syntax error|unterminated quoted string at or near|Unclosed quotation mark after the character string"
        r"|\bduplicate key value violates unique constraint\b|\bUNIQUE constraint failed: \w+\.\w+|\bFOREIGN KEY constraint failed\b"
        r"|\bnull value in column \\?\"\w+\\?\"[^\n]{0,60}violates not-null constraint|\[SQL: |\bno such (?:table|column): \w+"
        r"|\b(?:sqlite3|psycopg2?|pymysql|MySQLdb|asyncpg|sqlalchemy)\.(?:\w+\.)*\w*(?:Error|Exception)\b"
    )),
)

# Patterns that reveal internals only in an error response: in a 2xx they are likely content.
_IN_ERRORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("SQL text", re.compile(
        r"\b(?:SELECT\s+[\w*.,\s\"`()]{1,200}?\s+FROM|INSERT\s+INTO|UPDATE\s+[\w.\"`]{1,64}\s+SET|DELETE\s+FROM)\s+[\w.\"`]{1,64}"
    )),
    ("server file path", re.compile(
        r"(?<![\w/.])(?:/(?:home|usr|var|opt|srv|root|app|code|workspace|Users)/[^\s\"'<>:,;]{1,300}\.(?:py|rb|php|java|js|ts|go|cs|pl)\b"
        r"|[A-Za-z]:\\\\?(?:[^\\\s\"'<>]{1,100}\\\\?){1,20}[^\\\s\"'<>]{1,100}\.(?:py|cs|java|php|js)\b"
        r"|/site-packages/|/node_modules/[^\s\"'<>]{1,200}\.(?:m?js|cjs))"
    )),
)

# Values shaped like password hashes or private keys.
_HASHES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bcrypt password hash", re.compile(r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}")),
    ("argon2 password hash", re.compile(r"\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+")),
    ("PBKDF2 password hash", re.compile(r"\bpbkdf2[_:-]sha(?:1|256|512)[$:]\d+\$[^\s\"'$]{4,}\$[A-Za-z0-9+/=._-]{16,}")),
    ("scrypt password hash", re.compile(r"\bscrypt:\d+:\d+:\d+\$[^\s\"'$]{4,}\$[A-Za-z0-9+/=]{32,}")),
    ("sha-crypt password hash", re.compile(r"\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}")),
)
_PRIVATE_KEY = ("private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----"))

#: Field names (lower case, separators removed) that never belong in a response.
ALWAYS_SENSITIVE = frozenset({
    "password", "passwd", "passphrase", "userpassword", "newpassword", "currentpassword",
    "passwordhash", "hashedpassword", "passworddigest", "encryptedpassword", "cryptedpassword", "passwordsalt",
    "pwdhash", "pwhash", "passhash", "resettoken", "passwordresettoken",
})  # fmt: skip
#: Session tokens: what a route that issues them (``GET /auth/refresh``) answers by design.
ISSUED_TOKENS = frozenset({"accesstoken", "refreshtoken", "sessiontoken"})
#: Field names that must not come back from a read; a create may show a new key or token once.
READ_SENSITIVE = frozenset({
    "secret", "clientsecret", "apisecret", "appsecret", "secretkey", "apikey", "privatekey", "signingkey",
    "signingsecret", "webhooksecret", "secretaccesskey", "awssecretaccesskey", "totpsecret", "otpsecret",
    "mfasecret", "twofactorsecret", "accesstoken", "refreshtoken", "sessiontoken",
})  # fmt: skip

_MASKED = re.compile(r"^[\s*•xX#.\-_]*$|redacted|\*{3,}|•{3,}|\.\.\.|…|^<[^>]*>$", re.IGNORECASE)


def debug_leaks(text: str, status: int, sent: str = "") -> list[Disclosure]:
    """Stack traces, debug pages, SQL errors and file paths in ``text`` that are not echoes of ``sent``."""
    patterns = _ANYWHERE + (_IN_ERRORS if status >= 400 else ())
    return [Disclosure(kind, "body", evidence) for kind, evidence in _hits(patterns, text, sent)]


def secret_values(text: str, read: bool, sent: str = "") -> list[Disclosure]:
    """Password hashes anywhere; private keys in reads (a key-pair endpoint may show a new key once)."""
    patterns = _HASHES + ((_PRIVATE_KEY,) if read else ())
    return [Disclosure(kind, "body", evidence) for kind, evidence in _hits(patterns, text, sent)]


def sensitive_fields(data: Any, read: bool, issues_tokens: bool = False) -> list[Disclosure]:
    """Fields of a parsed JSON body named like credentials, holding a real value.

    ``read`` widens the list from passwords, password hashes and reset tokens to secrets, API keys,
    private keys and session tokens; ``issues_tokens`` (a read whose job is a new token, such as a
    refresh) leaves the session tokens out again. An OpenAPI document (top-level ``openapi``/``swagger`` and
    ``paths``) describes fields rather than holding them, and is skipped.
    """
    if isinstance(data, dict) and ("openapi" in data or "swagger" in data) and "paths" in data:
        return []
    names = ALWAYS_SENSITIVE | (READ_SENSITIVE if read else frozenset())
    if issues_tokens:
        names -= ISSUED_TOKENS
    found = []
    for where, key, value in _walk(data, "$", 0):
        name = normalise(key)
        if name in names:
            label = "password hash field" if ("hash" in name or "digest" in name or "crypted" in name) else "sensitive field"
            found.append(Disclosure(f"{label} {key!r}", where, value))
    return found


def scan(content: bytes, status: int, content_type: str, read: bool, sent: str = "",
         issues_tokens: bool = False) -> list[Disclosure]:
    """Every disclosure in one response body: debug output at any status; sensitive fields in
    successes (:func:`sensitive_fields`); hash-shaped values at any status (private keys in
    successful reads)."""
    text = content[:500_000].decode("utf-8", errors="replace")
    found = debug_leaks(text, status, sent) + secret_values(text, read and status < 300, sent)
    if 200 <= status < 300 and "json" in content_type.lower():
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        found += [d for d in sensitive_fields(data, read, issues_tokens) if not (sent and d.evidence in sent)]
    if any(d.kind == "Python traceback" for d in found):
        found = [d for d in found if d.kind != "Python stack frame"]
    seen: set[tuple[str, str]] = set()
    unique = []
    for item in found:
        if (item.kind, item.where) not in seen:
            seen.add((item.kind, item.where))
            unique.append(item)
    return unique


def _hits(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str, sent: str) -> Iterator[tuple[str, str]]:
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            found = match.group(0)
            if sent and (found in sent or _unescaped(found) in sent):
                continue
            yield kind, found[:EXCERPT]
            break


def _unescaped(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def _walk(data: Any, where: str, depth: int) -> Iterator[tuple[str, str, str]]:
    """``(path, key, value)`` for each key whose value is a non-empty, unmasked string (or list of them)."""
    if depth > 32:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{where}.{key}"
            shown = _real_value(value)
            if shown is not None:
                yield path, str(key), shown
            yield from _walk(value, path, depth + 1)
    elif isinstance(data, list):
        for index, value in enumerate(data[:200]):
            yield from _walk(value, f"{where}[{index}]", depth + 1)


def _real_value(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value and not _MASKED.search(value) else None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        real = [v for v in value if v and not _MASKED.search(v)]
        return real[0] if real else None
    return None
