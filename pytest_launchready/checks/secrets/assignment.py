"""The generic detector: a value assigned to a name that says secret, in whatever syntax assigns it."""

from __future__ import annotations

import re
from typing import Iterator

from pytest_launchready.checks.secrets.entropy import char_classes, shannon_entropy
from pytest_launchready.checks.secrets.placeholders import DEFAULT_PASSWORDS, is_placeholder
from pytest_launchready.checks.secrets.rulebase import Hit, Rule, text


class AssignmentRule(Rule):
    """``name = "value"``, ``name: value``, ``"name": "value"`` where the name says secret, gated by entropy.

    The name must end with the keyword (``DB_PASSWORD``, ``client_secret``, ``apiKey``, ``GITHUB_TOKEN``);
    ``key`` counts only after api, private, secret, access, auth, signing, encryption, master or client.
    Unquoted values count only when they end the line (or an escaped ``\\n`` in a JSON string), come
    before a `` #`` comment (``.env``, YAML, INI) or before the next ``key=`` of a log line, so code
    such as ``token = get_token()`` or ``password = form.password`` is not a finding.

    Assignment syntaxes: ``=``, ``:``, ``:=``, ``::=``, ``:::=``, ``?=`` (make), ``.=`` (PHP), ``=>``,
    ``name: type =``, a quoted name then a comma (``setProperty("X_TOKEN", "...")``), ``key="Name"
    value="..."`` (.NET config), ``<password>...</password>``, and JSON with escaped quotes. Values
    have no length cap.
    """

    id = "generic-secret"
    description = (
        "assignments to names ending in secret, password, passwd, passphrase, _pass, token, credentials, api_key, "
        "private_key, secret_key, access_key, auth_key, signing_key, encryption_key, master_key, client_key, whose "
        "value is random enough (Shannon entropy >= 3 bits/char and two character classes, or >= 3.8)"
    )
    _keywords = (rb"secret", rb"pass(?:word|wd|phrase)?", rb"token", rb"key", rb"credentials?")
    _tail = (
        rb"(?:\\?[\"'`](?:(?P<comma>[ \t]*,)|[ \t]+value[ \t]*=)"
        rb"|\\?[\"'`]?\]?[ \t]*(?::[ \t]*[a-z_][a-z0-9_.\[\]| ]{0,40}?[ \t]*=(?!=)|:::=|::=|:=|\?=|\.=|=>|=(?!=)|:))[ \t]*"
        rb"(?:\\?(?P<q>[\"'`])(?P<quoted>[^\"'`\s\\]{8,})\\?(?P=q)"
        # an unquoted dotted path (this.props.token, e.password, a.b.c(...)) is code: refused here, in C,
        # since minified bundles hold thousands; a long random segment (dp.st.<random>) is not a path
        rb"|(?![a-z_$][a-z0-9_$]{0,30}(?:\.[a-z_$][a-z0-9_$]{0,30})+(?![a-z0-9_$.]))"
        rb"(?P<bare>[^\s\"'`,;\\{}\[\]<>]{8,})(?=[ \t]*(?:\r?$|[ \t]#|\\[nrt]|[;\"'`])|[ \t]+[a-z_][a-z0-9_.\-]*=))"
    )
    _inline_ends = (b";", b'"', b"'", b"`")
    _xml = rb">(?P<xml>[^<>\s]{8,})</"
    #: ``?api_key=...&`` in a URL or a request log line
    _query = rb"=(?P<query>[a-z0-9%._~+/\-]{8,})(?=[&#\s\"'`]|$)"
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
    _word = re.compile(r"[A-Za-z]?[a-z]+|[a-z]*[0-9][a-z]+|[0-9]{1,8}")
    #: Words that, inside an unquoted value, show it names a variable or type rather than holds a secret.
    _code_words = ("key", "token", "secret", "passw", "private", "credential", "config", "settings", "env")

    def __init__(self) -> None:
        self._compiled = tuple(
            re.compile(rb"(?P<kw>" + k + rb")(?:" + tail + rb")", re.MULTILINE)
            for k in self._keywords
            for tail in (self._tail, self._xml, self._query)
        )

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for pattern in self._compiled:
            for match in pattern.finditer(lower):
                if not self._name_ok(lower, *match.span("kw")):
                    continue
                group = match.lastgroup if match.lastgroup in ("xml", "query") else (
                    "quoted" if match.group("quoted") is not None else "bare")
                if group == "query":  # only a URL's parameter: the name follows ? or &
                    name_start = self._name_start(lower, match.start("kw"))
                    if not name_start or lower[name_start - 1] not in b"?&":
                        continue
                if group != "xml" and group != "query" and match.group("comma") and not self._call_argument(lower, match):
                    continue  # "name", "value" in a list of strings, not a call's two arguments
                start, end = match.span(group)
                value = data[start:end]
                if group == "bare" and data[end : end + 1] in self._inline_ends and not any(48 <= c <= 57 for c in value):
                    continue  # ended by ; or a quote, as in a bundle: only a value with digits is taken for random
                if self._value_ok(text(value), bare=group == "bare"):
                    yield start, value

    def _call_argument(self, lower: bytes, match: re.Match[bytes]) -> bool:
        """The quoted name is an argument of a call (``setProperty("X_TOKEN", ...)``, ``set("db",
        "password", ...)``): the nearest bracket it sits in on its line is a ``(``, not a list or set."""
        index = self._name_start(lower, match.start("kw")) - 2
        depth, floor = 0, max(0, index - 200)
        while index >= floor and lower[index] != 10:
            char = lower[index]
            if char in b")]}":
                depth += 1
            elif char in b"([{":
                if not depth:
                    return char == 40  # "("
                depth -= 1
            index -= 1
        return False

    def _name_start(self, lower: bytes, keyword_start: int) -> int:
        start = keyword_start
        floor = max(0, keyword_start - self._max_name)
        while start > floor and lower[start - 1] in self._name_chars:
            start -= 1
        return start

    def _name_ok(self, lower: bytes, keyword_start: int, keyword_end: int) -> bool:
        start = self._name_start(lower, keyword_start)
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
        if "{" in value or "}" in value:  # an f-string or template field
            return False
        if "(" in value:  # get_token(), os.getenv(...), a=f(b) in a bundle; not Tgnthq(9R0Ae)Eusti8
            head = value.split("(", 1)[0]
            if "=" in head or (value.endswith(")") and self._identifier.fullmatch(head)) or (
                value.endswith("(") and self._is_call(head)
            ):
                return False
        if bare and self._looks_like_code(value):
            return False
        if self._is_name(value) or self._is_phrase(value):
            return False
        entropy = shannon_entropy(value)
        if not ((entropy >= 3.0 and char_classes(value) >= 2) or entropy >= 3.8):
            return False
        return not is_placeholder(value) and value.lower() not in DEFAULT_PASSWORDS

    @staticmethod
    def _balanced(value: str) -> bool:
        """Parentheses open before they close (``f)x+g)`` is a slice of minified code, not a password)."""
        depth = 0
        for c in value:
            depth += (c == "(") - (c == ")")
            if depth < 0:
                return False
        return depth == 0

    @staticmethod
    def _random_part(part: str) -> bool:
        """A dotted segment no one would name a variable: long, with digits and both cases (``dp.st.<random>``)."""
        return len(part) >= 16 and char_classes(part) >= 3 and shannon_entropy(part) >= 3.5

    def _is_call(self, head: str) -> bool:
        """What comes before a ``(`` is a function: nothing (an expression), a dotted path or a name."""
        return not head or ("." in head and bool(self._identifier.fullmatch(head))) or self._is_name(head)

    def _is_name(self, value: str) -> bool:
        """An identifier made of words (``passwordConfirmation``, ``AUTH_TOKEN_NAME``, ``auth.token.expired``).

        Random letters split the same way leave fragments like ``Uz`` or ``x`` that are not word-shaped;
        random secrets nearly always hold digits too.
        """
        value = value.rstrip("0123456789")  # new_password1, token2: a numbered name
        if not self._identifier.fullmatch(value) or any(c.isdigit() for c in value):
            return False
        words = self._camel_words.findall(value)
        # random letters split into fragments such as "Yg" or "Lj": two without a vowel are not words
        if sum(1 for word in words if not word.isupper() and not any(c in "aeiouAEIOU" for c in word)) >= 2:
            return False
        return all(self._word_shape.fullmatch(word) for word in words)

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
        if value[0] in "+-!*&|?.=:" or not self._balanced(value):
            return True
        lowered = value.lower()
        if any(word in lowered for word in self._code_words):
            return True
        if "." in value and self._identifier.fullmatch(value):
            return not any(self._random_part(part) for part in value.split("."))
        return False



