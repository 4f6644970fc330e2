"""The detectors: one rule per kind of secret, each with its own id.

Every pattern starts with a literal (``sk_live_``, ``AKIA``, ``://``), so the regex engine jumps from
one occurrence of that literal to the next instead of trying each position: one pattern per literal
is several times faster than one big alternation in Python's ``re`` (measured in
benchmarks/secrets_scan.py). Patterns run over whole files as bytes; the generic assignment rule runs
over a lower-cased copy so its keywords match in any case without ``re.IGNORECASE``.
"""

from __future__ import annotations

import re
from typing import Iterator

from pytest_launchready.checks.secrets.entropy import char_classes, shannon_entropy
from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder

#: A hit: the byte offset where the secret starts, and the secret.
Hit = tuple[int, bytes]

_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


class Rule:
    """A detector: ``id`` (shown in failures and used in fingerprints) and what it matches."""

    id: str = ""
    description: str = ""

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        """Yield ``(offset, secret)`` for each secret in ``data`` (``lower`` is ``data.lower()``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<rule {self.id}>"


class TokenRule(Rule):
    """A provider key with a fixed shape: a literal prefix, then random characters.

    Each pattern has a ``body`` group, the random part, which must reach ``min_entropy`` and not be a
    placeholder. The default, 2.5 bits per character, is below what 1 in 10,000 random 16-character
    AWS key ids or 32-digit hex ids score, and above ``000...``-style stand-ins. The byte before the match must not be a letter or digit (``task-...`` is not ``sk-``).
    """

    def __init__(self, id: str, description: str, patterns: tuple[bytes, ...], min_entropy: float = 2.5) -> None:
        self.id = id
        self.description = description
        self.min_entropy = min_entropy
        self._compiled = tuple(re.compile(p) for p in patterns)

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for pattern in self._compiled:
            for match in pattern.finditer(data):
                start = match.start()
                if start and data[start - 1] in _ALNUM:
                    continue
                body = _text(match.group("body"))
                if shannon_entropy(body) < self.min_entropy or is_placeholder(body):
                    continue
                yield start, match.group(0)


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
            if len(body) < self._min_body or shannon_entropy(body) < 4.5 or is_placeholder(_text(body)):
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
    _credentials = re.compile(rb"://(?P<user>[^\s:/@'\"`]{0,128}):(?P<password>[^\s@/'\"`]{1,256})@[A-Za-z0-9\[]")
    _scheme = re.compile(
        rb"(?:^|[^a-z0-9+.\-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)(?:\+[a-z0-9]+)?$"
    )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for match in self._credentials.finditer(data):
            if not self._scheme.search(lower[max(0, match.start() - 32) : match.start()]):
                continue
            user, password = _text(match.group("user")), _text(match.group("password"))
            if password == user or password.lower() in DEFAULT_PASSWORDS or is_placeholder(password):
                continue
            yield match.start("password"), match.group("password")


class AssignmentRule(Rule):
    """``name = "value"``, ``name: value``, ``"name": "value"`` where the name says secret, gated by entropy.

    The name must end with the keyword (``DB_PASSWORD``, ``client_secret``, ``apiKey``, ``GITHUB_TOKEN``);
    ``key`` counts only after api, private, secret, access, auth, signing, encryption, master or client.
    Unquoted values count only when they end the line or come before a `` #`` comment (``.env``, YAML,
    INI), so code such as ``token = get_token()`` or ``password = form.password`` is not a finding.
    """

    id = "generic-secret"
    description = (
        "assignments to names ending in secret, password, passwd, passphrase, _pass, token, credentials, api_key, "
        "private_key, secret_key, access_key, auth_key, signing_key, encryption_key, master_key, client_key, whose "
        "value is random enough (Shannon entropy >= 3 bits/char and two character classes, or >= 3.8)"
    )
    _keywords = (rb"secret", rb"pass(?:word|wd|phrase)?", rb"token", rb"key", rb"credentials?")
    _tail = (
        rb"[\"'`]?\]?[ \t]*(?::[ \t]*[a-z_][a-z0-9_.\[\]| ]{0,40}?[ \t]*=(?!=)|:=|=>|=(?!=)|:)[ \t]*"
        rb"(?:(?P<q>[\"'`])(?P<quoted>[^\"'`\s\\]{8,256})(?P=q)"
        rb"|(?P<bare>[^\s\"'`,;\\(){}\[\]<>]{8,256})(?=[ \t]*(?:\r?$|[ \t]#)))"
    )
    _key_owners = (b"api", b"private", b"secret", b"access", b"auth", b"signing", b"encryption", b"master", b"client")
    _not_secret_names = re.compile(rb"csrf|xsrf|page|next|cursor|continuation|public|sort|cache")
    _name_chars = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.-")
    _identifier = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z_][A-Za-z0-9_]*)*")
    _max_name = 64
    _separators = re.compile(r"[-_. ]")
    _camel_words = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
    #: a word (``Key``, ``token``), an acronym (``JWT``), a two-letter word (``Be``), ``I`` or ``A``
    _word_shape = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z][a-z]|[A-Z]{2,}|[IA]")
    #: a word (``long``, ``Secret``), a word with one digit typed for a letter (``sup3r``), a short number
    _word = re.compile(r"[A-Za-z]?[a-z]+|[a-z]*[0-9][a-z]+|[0-9]{1,4}")
    #: Words that, inside an unquoted value, show it names a variable or type rather than holds a secret.
    _code_words = ("key", "token", "secret", "passw", "private", "credential", "config", "settings", "env")

    def __init__(self) -> None:
        self._compiled = tuple(re.compile(rb"(?P<kw>" + k + rb")" + self._tail, re.MULTILINE) for k in self._keywords)

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for pattern in self._compiled:
            for match in pattern.finditer(lower):
                if not self._name_ok(lower, *match.span("kw")):
                    continue
                group = "quoted" if match.group("quoted") is not None else "bare"
                start, end = match.span(group)
                value = data[start:end]
                if self._value_ok(_text(value), bare=group == "bare"):
                    yield start, value

    def _name_ok(self, lower: bytes, keyword_start: int, keyword_end: int) -> bool:
        start = keyword_start
        floor = max(0, keyword_start - self._max_name)
        while start > floor and lower[start - 1] in self._name_chars:
            start -= 1
        name = lower[start:keyword_end]
        keyword = lower[keyword_start:keyword_end]
        if self._not_secret_names.search(name):
            return False
        before = lower[start:keyword_start].rstrip(b"_.-")
        if keyword == b"key":
            return before.endswith(self._key_owners)
        if keyword == b"pass":  # DB_PASS, smtp.pass; never a bare "pass" (Python's statement, bypass)
            return bool(before) and lower[keyword_start - 1] in b"_.-"
        return True

    def _value_ok(self, value: str, bare: bool) -> bool:
        # cheapest tests first: most candidates in code are expressions or names
        if "://" in value or value.startswith(("/", "./", "../", "~/")):
            return False
        if any(c in value for c in "{}()"):  # an f-string or template field, a call: code, not a value
            return False
        if bare and self._looks_like_code(value):
            return False
        if self._is_name(value) or self._is_phrase(value):
            return False
        entropy = shannon_entropy(value)
        if not ((entropy >= 3.0 and char_classes(value) >= 2) or entropy >= 3.8):
            return False
        return not is_placeholder(value) and value.lower() not in DEFAULT_PASSWORDS

    def _is_name(self, value: str) -> bool:
        """An identifier made of words (``passwordConfirmation``, ``AUTH_TOKEN_NAME``, ``auth.token.expired``).

        Random letters split the same way leave fragments like ``Uz`` or ``x`` that are not word-shaped;
        random secrets nearly always hold digits too.
        """
        if not self._identifier.fullmatch(value) or any(c.isdigit() for c in value):
            return False
        return all(self._word_shape.fullmatch(word) for word in self._camel_words.findall(value))

    def _is_phrase(self, value: str) -> bool:
        """Words joined by separators (``pw-long-enough-1``, ``correct_horse_battery``): a demo or test
        password someone typed, where random secrets mix case and digits inside each part."""
        parts = self._separators.split(value)
        return (
            len(parts) >= 2
            and all(self._word.fullmatch(part) for part in parts if part)
            and any(len(part) >= 4 for part in parts)
        )

    def _looks_like_code(self, value: str) -> bool:
        """An unquoted value that is an expression: ``settings.KEY``, ``+count``, ``X25519PrivateKey``."""
        if value[0] in "+-!*&|?.=:" or ("." in value and self._identifier.fullmatch(value)):
            return True
        lowered = value.lower()
        return any(word in lowered for word in self._code_words)


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
                value = _text(match.group(0))
                if match.start() in seen or char_classes(value) < 3 or shannon_entropy(value) < 4.0:
                    continue
                if is_placeholder(value):
                    continue
                seen.add(match.start())
                yield match.start(), match.group(0)


def _token(id: str, description: str, *patterns: bytes, min_entropy: float = 2.5) -> TokenRule:
    return TokenRule(id=id, description=description, patterns=patterns, min_entropy=min_entropy)


_END = rb"(?![A-Za-z0-9_-])"

#: Every rule, most specific first: when two rules find the same secret, the first one names it.
RULES: tuple[Rule, ...] = (
    _token(
        "anthropic-api-key",
        "Anthropic API keys: sk-ant-api03-..., sk-ant-admin01-...",
        rb"sk-ant-[a-z]{2,8}[0-9]{2}-(?P<body>[A-Za-z0-9_-]{40,})",
        min_entropy=3.5,
    ),
    _token(
        "openai-api-key",
        "OpenAI API keys: sk-proj-..., sk-svcacct-..., sk-admin-..., and legacy sk- + 40 or more letters and digits",
        rb"sk-(?:proj|svcacct|admin|None)-(?P<body>[A-Za-z0-9_-]{32,})",
        rb"sk-(?P<body>[A-Za-z0-9]{40,})" + _END,
        min_entropy=3.5,
    ),
    _token(
        "aws-access-key-id",
        "AWS access key ids: AKIA, ASIA, ABIA, ACCA + 16 upper-case letters or digits",
        *(prefix + rb"(?P<body>[A-Z0-9]{16})(?![A-Za-z0-9])" for prefix in (rb"AKIA", rb"ASIA", rb"ABIA", rb"ACCA")),
    ),
    AwsSecretKeyRule(),
    _token("stripe-live-key", "Stripe live secret keys: sk_live_...", rb"sk_live_(?P<body>[A-Za-z0-9]{24,})"),
    _token("stripe-restricted-key", "Stripe live restricted keys: rk_live_...", rb"rk_live_(?P<body>[A-Za-z0-9]{24,})"),
    _token("stripe-webhook-secret", "Stripe webhook signing secrets: whsec_...", rb"whsec_(?P<body>[A-Za-z0-9+/=]{24,})"),
    _token(
        "github-token",
        "GitHub tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh)",
        rb"gh[pousr]_(?P<body>[A-Za-z0-9]{36,255})(?![A-Za-z0-9])",
    ),
    _token(
        "github-fine-grained-token",
        "GitHub fine-grained personal access tokens: github_pat_...",
        rb"github_pat_(?P<body>[A-Za-z0-9_]{50,255})(?![A-Za-z0-9_])",
    ),
    _token(
        "slack-token",
        "Slack tokens: xoxb-, xoxa-, xoxp-, xoxr-, xoxs-",
        rb"xox[baprs]-(?P<body>[0-9]{1,16}-[A-Za-z0-9-]{10,})",
    ),
    _token(
        "slack-webhook",
        "Slack incoming webhooks: hooks.slack.com/services/T.../B.../...",
        rb"hooks\.slack\.com/services/(?P<body>T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
    ),
    _token("google-api-key", "Google API keys: AIza + 35 characters", rb"AIza(?P<body>[0-9A-Za-z_-]{35})" + _END),
    _token("twilio-api-key", "Twilio API key SIDs: SK + 32 hex digits", rb"SK(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    _token("twilio-account-sid", "Twilio account SIDs: AC + 32 hex digits", rb"AC(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    _token(
        "sendgrid-api-key",
        "SendGrid API keys: SG.<id>.<secret>",
        rb"SG\.(?P<body>[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{32,64})" + _END,
    ),
    _token("mailgun-api-key", "Mailgun API keys: key- + 32 hex digits", rb"key-(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    PrivateKeyRule(),
    UrlPasswordRule(),
    AssignmentRule(),
)

RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
