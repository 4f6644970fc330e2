"""Weak HMAC secrets: guess the key of an HS256/384/512 token offline, with no request sent.

The candidates are the empty secret, the bundled list (``data/weak_jwt_secrets.txt``), patterns
too regular to list (words with years and digits, prefix + noun joins, the token's own issuer and
audience), and two small exhaustive spaces: every number of up to five digits and every lowercase
word of up to three letters. About 140,000 in all, a fraction of a second of HMACs. A key that is found comes back as a :class:`~pytest_launchready.redact.Secret`, and the
candidate list stays inside :func:`crack_weak_secret`'s frame, so ``--showlocals`` never prints it.
"""

from __future__ import annotations

import hmac
import itertools
import re
import string
from importlib import resources
from typing import Callable, Iterable, Iterator

from pytest_launchready.checks.tokens.forge import HMAC_HASHES, Jwt
from pytest_launchready.redact import Secret

_BASE_WORDS = ("secret", "password", "passw0rd", "admin", "jwt", "token", "changeme", "welcome", "letmein", "qwerty",
               "key", "test", "dev", "default", "company", "master", "login", "access")
_PREFIXES = ("my", "app", "api", "jwt", "auth", "token", "access", "refresh", "session", "super", "top", "dev", "test",
             "prod", "default", "your", "the", "server", "backend", "signing", "private", "local", "demo", "example")
_NOUNS = ("secret", "key", "secretkey", "secret_key", "secret-key", "password", "token", "jwt", "jwtsecret",
          "jwt_secret", "jwt-secret", "signingkey", "signing_key", "signing-key", "pass")
_CONNECTORS = ("", "_", "-", ".")
_YEAR_RANGE = range(2015, 2031)
#: The exhaustive spaces: numeric keys (PINs, "12345", "00000") and short lowercase words ("abc", "key").
_MAX_DIGITS = 5
_MAX_LETTERS = 3
#: Candidates between two progress reports (about a tenth of a second here).
PROGRESS_EVERY = 20_000


def bundled_secrets() -> list[str]:
    """The common weak secrets shipped with the plugin (``data/weak_jwt_secrets.txt``)."""
    text = resources.files("pytest_launchready").joinpath("data/weak_jwt_secrets.txt").read_text("utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _cases(word: str) -> Iterator[str]:
    yield word
    yield word.capitalize()
    yield word.upper()


def _suffixes() -> Iterator[str]:
    yield from ("", "1", "12", "123", "1234", "12345", "123456", "!", "!!", "@123", "#1", "1!", "123!", "0", "01", "00", "x")
    for year in _YEAR_RANGE:
        for form in (f"{year}", f"{year % 100:02d}", f"@{year}", f"_{year}", f"-{year}", f"{year}!", f"#{year}"):
            yield form


def generated_secrets(words: Iterable[str] = ()) -> Iterator[str]:
    """Patterns too regular to list: base words with years and digits, prefix + noun joins, and
    the same built from ``words`` (e.g. the token's issuer and audience, an app's own name)."""
    for base in _BASE_WORDS:
        for variant in _cases(base):
            for suffix in _suffixes():
                yield variant + suffix
    for prefix in _PREFIXES:
        for connector in _CONNECTORS:
            for noun in _NOUNS:
                joined = f"{prefix}{connector}{noun}"
                yield joined
                yield joined.upper()
                yield f"{prefix}{connector.join(part.capitalize() for part in re.split(r'[_-]', noun))}"
    for word in dict.fromkeys(w for w in words if w):
        for variant in _cases(word):
            yield variant
            for connector in _CONNECTORS:
                for noun in _NOUNS:
                    yield f"{variant}{connector}{noun}"
            for suffix in _suffixes():
                yield variant + suffix


def exhaustive_secrets() -> Iterator[str]:
    """Every number of 1 to :data:`_MAX_DIGITS` digits (leading zeros included) and every lowercase
    word of 1 to :data:`_MAX_LETTERS` letters: too many to list, few enough to try them all."""
    for width in range(1, _MAX_DIGITS + 1):
        for number in range(10**width):
            yield f"{number:0{width}d}"
    for length in range(1, _MAX_LETTERS + 1):
        for letters in itertools.product(string.ascii_lowercase, repeat=length):
            yield "".join(letters)


def _app_words(token: Jwt) -> list[str]:
    """Words an app's own secret is often built from: its issuer and audience, whole, by host label and by word."""
    words: list[str] = []
    for claim in ("iss", "aud"):
        values = token.claims.get(claim)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and 0 < len(value) <= 100:
                host = re.sub(r"^https?://", "", value).split("/")[0]
                labels = [label for label in host.split(".") if len(label) >= 3]
                words += [value, host, *labels, *(p for p in re.split(r"[^A-Za-z0-9]+", host) if len(p) >= 3)]
    return words


def weak_secret_candidates(token: Jwt | None = None) -> Iterator[str]:
    """Every candidate secret, without duplicates: the empty secret, the bundled list, the generated
    patterns, then the exhaustive spaces."""
    seen: set[str] = set()
    words = _app_words(token) if token is not None else []
    for candidate in itertools.chain(("", *bundled_secrets()), generated_secrets(words), exhaustive_secrets()):
        if candidate not in seen:
            seen.add(candidate)
            yield candidate


def crack_hmac(token: Jwt, candidates: Iterable[str], progress: Callable[[int], None] | None = None) -> Secret | None:
    """The candidate whose HMAC signs ``token``, or None (an offline guess: no request is sent).

    The key comes back as a :class:`Secret`, so no frame that holds it prints its value.
    ``progress(tried)`` is called every :data:`PROGRESS_EVERY` candidates.
    """
    digest = HMAC_HASHES.get(token.alg)
    if digest is None:
        return None
    message = token.signing_input
    for tried, candidate in enumerate(candidates):
        if progress is not None and tried % PROGRESS_EVERY == 0:
            progress(tried)
        if hmac.compare_digest(hmac.digest(candidate.encode("utf-8"), message, digest), token.signature):
            return Secret(candidate)
    return None


def crack_weak_secret(token: Jwt, progress: Callable[[int, int], None] | None = None) -> tuple[Secret | None, int]:
    """A's HMAC key when it is among the weak candidates, and how many candidates there are;
    ``progress(tried, total)`` is told how far the guess got.

    The candidate list stays inside this frame: a list of plain strings that holds the key would
    print it under ``--showlocals``.
    """
    candidates = list(weak_secret_candidates(token))
    total = len(candidates)
    return crack_hmac(token, candidates, None if progress is None else lambda tried: progress(tried, total)), total
