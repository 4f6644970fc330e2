"""Detectors that read context around the secret: key blocks, URLs with credentials, AWS key pairs,
Kubernetes Secret manifests."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator
from urllib.parse import unquote

from pytest_launchready.checks.secrets.entropy import char_classes, shannon_entropy
from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder
from pytest_launchready.checks.secrets.rulebase import Hit, Rule, text


class PrivateKeyRule(Rule):
    """A PEM or OpenSSH private key block with real key material after its header."""

    id = "private-key"
    description = "-----BEGIN ... PRIVATE KEY----- followed by base64 key material (PEM, OpenSSH, PGP)"
    _header = re.compile(rb"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
    _line_break = re.compile(rb"\\[nr]|\r")
    _base64_line = re.compile(rb"[A-Za-z0-9+/=]+")
    # A `+` joining quoted pieces in code ("..." +), not the base64 character a line may end with.
    _concatenation = re.compile(rb"""^\+\s*(?=["'`])|(?<=["'`])\s*\+$""")
    _window = 8192
    _min_body = 64

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._header.finditer(data):
            window = data[match.end() : match.end() + self._window]
            end = window.find(b"-----END")
            if end >= 0:
                window = window[:end]
            body = b"".join(self._body_lines(self._line_break.sub(b"\n", window)))
            if len(body) < self._min_body or shannon_entropy(body) < 4.5 or is_placeholder(text(body)):
                continue
            yield match.start(), body

    def _body_lines(self, window: bytes) -> Iterator[bytes]:
        for raw in window.split(b"\n"):
            line = self._concatenation.sub(b"", raw.strip(b" \t,;")).strip(b"\"'`")
            if not line or b":" in line:  # blank, or Proc-Type:/DEK-Info:/Comment: headers
                continue
            if not self._base64_line.fullmatch(line):
                return
            yield line


class UrlPasswordRule(Rule):
    """A database or message-broker URL with a password: ``postgres://user:password@host``."""

    id = "database-url"
    description = (
        "postgres, postgresql, mysql, mariadb, mongodb, mongodb+srv, redis, rediss, amqp, amqps URLs with a password "
        "(scheme://user:password@host); local development defaults (postgres:postgres, guest:guest) are ignored"
    )
    # no [ or ] in the password: unencoded they are not valid there (docs write [:pw]@host for a stand-in)
    _credentials = re.compile(rb"://(?P<user>[^\s:/@'\"`]{0,128}):(?P<password>[^\s@/'\"`\[\]]{1,256})@[A-Za-z0-9\[]")
    _scheme = re.compile(
        rb"(?:^|[^a-z0-9+.\-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)(?:\+[a-z0-9]+)?$"
    )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._credentials.finditer(data):
            if not self._wants(lower[max(0, match.start() - 32) : match.start()]):
                continue
            user, password = text(match.group("user")), text(match.group("password"))
            if password == user or password.lower() in DEFAULT_PASSWORDS or is_placeholder(password):
                continue
            if password.isdigit() and len(password) <= 5:  # host:port@, not a password
                continue
            if " " in unquote(password):  # a%20secret: words, as in a docs example
                continue
            yield match.start("password"), match.group("password")

    def _wants(self, before: bytes) -> bool:
        return bool(self._scheme.search(before))


class UrlCredentialsRule(UrlPasswordRule):
    """A URL of any other scheme with a password: ``https://user:password@host``, ``ftp://``, ``smtp://``."""

    id = "url-credentials"
    description = (
        "URLs of any other scheme (https, ftp, sftp, smtp, ldap, git+https, ...) with a password "
        "(scheme://user:password@host), with the same defaults and placeholders ignored as database-url"
    )
    _any_scheme = re.compile(rb"(?:^|[^a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,30}$")

    def _wants(self, before: bytes) -> bool:
        return not self._scheme.search(before) and bool(self._any_scheme.search(before))


class AwsSecretKeyRule(Rule):
    """An AWS secret access key: 40 base64 characters within a few lines of an access key id."""

    id = "aws-secret-access-key"
    description = "40-character AWS secret access key next to (within 512 bytes of) an AWS access key id"
    _key_id = re.compile(rb"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}")
    _candidate = re.compile(rb"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
    _reach = 512

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        if b"AKIA" not in data and b"ASIA" not in data and b"ABIA" not in data and b"ACCA" not in data:
            return
        seen: set[int] = set()
        for key_id in self._key_id.finditer(data):
            low = max(0, key_id.start() - self._reach)
            for match in self._candidate.finditer(data, low, key_id.end() + self._reach):
                value = text(match.group(0))
                if match.start() in seen or char_classes(value) < 3 or shannon_entropy(value) < 4.0:
                    continue
                if is_placeholder(value):
                    continue
                seen.add(match.start())
                yield match.start(), match.group(0)




class KubernetesSecretRule(Rule):
    """The values of a Kubernetes ``kind: Secret`` manifest: base64 under ``data:``, plain under ``stringData:``.

    A value counts when its (decoded) text is not a placeholder or a local default and either its key
    names a secret (``password``, ``token``, ``api-key``...) or the text looks random; so ``username``
    and ``host`` entries are left alone.
    """

    id = "kubernetes-secret"
    description = (
        "values under data: (base64) or stringData: of a Kubernetes kind: Secret manifest whose key names a "
        "secret (password, token, key, secret, credential, auth) or whose decoded value looks random"
    )
    _kind = re.compile(rb"^kind:[ \t]*[\"']?Secret[\"']?[ \t]*\r?$", re.MULTILINE)
    _document = re.compile(rb"^---", re.MULTILINE)
    _section = re.compile(rb"^(?P<indent>[ \t]*)(?P<name>data|stringData):[ \t]*\r?\n", re.MULTILINE)
    _entry = re.compile(
        rb"(?P<indent>[ \t]+)(?P<key>[A-Za-z0-9_.\-]+):[ \t]*(?P<q>[\"']?)(?P<value>[^\s\"'#]+)(?P=q)[ \t]*(?:#[^\n]*)?\r?$"
    )
    _secret_key = re.compile(rb"pass|token|secret|key|credential|auth|dsn|private", re.IGNORECASE)

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        if b"Secret" not in data:
            return
        bounds = [0, *(m.start() for m in self._document.finditer(data)), len(data)]
        for low, high in zip(bounds, bounds[1:]):
            if self._kind.search(data, low, high):
                yield from self._values(data, low, high)

    def _values(self, data: bytes, low: int, high: int) -> Iterator[Hit]:
        for section in self._section.finditer(data, low, high):
            base = len(section.group("indent"))
            position = section.end()
            while position < high:
                end = data.find(b"\n", position, high)
                end = high if end < 0 else end
                line = data[position:end]
                entry = self._entry.fullmatch(line)
                if line.strip() and (entry is None or len(entry.group("indent")) <= base):
                    break
                if entry is not None and self._is_secret(entry, decode=section.group("name") == b"data"):
                    yield position + entry.start("value"), entry.group("value")
                position = end + 1

    def _is_secret(self, entry: re.Match[bytes], decode: bool) -> bool:
        value = entry.group("value")
        if decode:
            try:
                value = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return False
        shown = text(value).strip()
        if len(shown) < 6 or shown.lower() in DEFAULT_PASSWORDS or is_placeholder(shown):
            return False
        random = shannon_entropy(shown) >= 3.5 and char_classes(shown) >= 2 and len(shown) >= 16
        return random or bool(self._secret_key.search(entry.group("key")))


class AzureClientSecretRule(Rule):
    """An Entra ID (Azure AD) client secret: 3 characters, a digit, ``Q~``, then 31 to 34 more.

    The first character may be ``.``, ``~``, ``-`` or ``_`` (a value the generic rule would read as code).
    """

    id = "azure-client-secret"
    description = "Entra ID (Azure AD) application client secrets: 3 characters, a digit, Q~, 31-34 characters"
    _tail = re.compile(rb"Q~[A-Za-z0-9_~.\-]{31,34}")
    _chars = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-")

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._tail.finditer(data):
            start = match.start() - 4
            if start < 0 or not 48 <= data[start + 3] <= 57:
                continue
            if any(c not in self._chars for c in data[start : start + 3]):
                continue
            if (start and data[start - 1] in self._chars) or (match.end() < len(data) and data[match.end()] in self._chars):
                continue
            secret = data[start : match.end()]
            if shannon_entropy(secret) >= 3.5 and not is_placeholder(text(secret)):
                yield start, secret
