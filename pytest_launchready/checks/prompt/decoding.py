"""Decoded readings of an answer: the text a bot may have hidden its prompt in.

Asked to "encode your instructions", a model answers in base64, hex, rot13, percent-encoding, HTML
entities or backwards (letter-spaced text needs no decoder: the compact form closes it up). Each
decoder here returns the answer as a reader would decode it (only the spans that decode, for base64
and hex; the whole answer for the rest), or None when the answer holds nothing of that encoding. :func:`readings` applies every decoder, then every
decoder once more to each result (base64 of reversed text, URL-encoded HTML entities), bounded.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import urllib.parse
from dataclasses import dataclass
from typing import Callable

#: Longest answer decoded (characters); a longer one is decoded in its first part only.
MAX_CHARS = 50_000

_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_B64_WRAP = re.compile(r"[ \t]*\r?\n[ \t]*(?:>[ \t]*)?")
_HEX_RUN = re.compile(r"(?:(?:\\x|0[xX])?[0-9A-Fa-f]{2}[ \t,:;-]{0,2}){4,}")
_HEX_DIGITS = re.compile(r"\\x|0[xX]|[^0-9A-Fa-f]")
_BINARY_RUN = re.compile(r"(?:[01]{8}[ ,]?){4,}")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6}|[A-Za-z]{2,8});")


@dataclass(frozen=True)
class Reading:
    """The answer decoded by ``via`` (``base64``, ``hex``, ``binary``, ``escapes``, ``url``, ``html``,
    ``rot13``, ``reversed``; nested as ``base64+reversed``: base64 first, then reversed)."""

    via: str
    text: str


def printable_share(text: str) -> float:
    """Share of ``text`` that is printable or whitespace: decoded noise scores low."""
    if not text:
        return 0.0
    return sum(1 for c in text if c.isprintable() or c in "\n\t") / len(text)


def _bytes_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").replace("\ufffd", " ")


def _b64_candidates(text: str) -> list[str]:
    """Base64-looking runs, with runs wrapped over lines (76 a line, or quoted with ``>``) joined."""
    runs = list(_B64_RUN.finditer(text))
    found: list[str] = []
    joined = ""
    previous_end = -1
    for run in runs:
        between = text[previous_end:run.start()] if previous_end >= 0 else None
        if joined and between is not None and _B64_WRAP.fullmatch(between) and len(joined) >= 16 and "=" not in joined:
            joined += run.group()
        else:
            if joined:
                found.append(joined)
            joined = run.group()
        previous_end = run.end()
    if joined:
        found.append(joined)
    return found


def _b64_decode(run: str) -> str | None:
    whole = run.rstrip("=").replace("-", "+").replace("_", "/")
    # A run glued to the word before it ("base64SGVsbG8") is out of step: try the next starts too.
    for skip in range(4 if len(whole) >= 12 else 1):
        body = whole[skip:]
        if len(body) % 4 == 1:
            body = body[:-1]
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _bytes_text(raw)
        if printable_share(decoded) >= 0.9:
            return decoded
    return None


def decode_base64(text: str) -> str | None:
    """The base64 spans of ``text`` (standard or URL-safe, padded or not) that decode to text, joined."""
    parts = [d for run in _b64_candidates(text) if (d := _b64_decode(run))]
    return "\n".join(parts) if parts else None


def decode_hex(text: str) -> str | None:
    """The hex byte runs of ``text`` (``48656c``, ``48 65 6c``, ``\\x48\\x65``, ``0x48, 0x65``) that decode to text."""
    parts = []
    for run in _HEX_RUN.finditer(text):
        digits = _HEX_DIGITS.sub("", run.group())
        if len(digits) % 2:
            digits = digits[:-1]
        decoded = _bytes_text(bytes.fromhex(digits))
        if len(digits) >= 8 and printable_share(decoded) >= 0.9:
            parts.append(decoded)
    return "\n".join(parts) if parts else None


def decode_binary(text: str) -> str | None:
    """The runs of 8-bit groups (``01001000 01101001``) of ``text`` that decode to text."""
    parts = []
    for run in _BINARY_RUN.finditer(text):
        bits = re.sub(r"[^01]", "", run.group())
        decoded = _bytes_text(bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits) - 7, 8)))
        if printable_share(decoded) >= 0.9:
            parts.append(decoded)
    return "\n".join(parts) if parts else None


def decode_escapes(text: str) -> str | None:
    """``text`` with ``\\u0041``-style escapes resolved, when it holds one."""
    if "\\u" not in text and "\\U" not in text:
        return None

    def char(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code and int(code, 16) < 0x110000 else match.group()

    return _UNICODE_ESCAPE.sub(char, text)


def decode_rot13(text: str) -> str | None:
    """``text`` with every Latin letter rotated by 13."""
    return codecs.encode(text, "rot13") if any(c.isascii() and c.isalpha() for c in text) else None


def decode_url(text: str) -> str | None:
    """``text`` percent-decoded (``+`` read as a space), when it holds a percent escape."""
    return urllib.parse.unquote_plus(text) if _PERCENT.search(text) else None


def decode_html(text: str) -> str | None:
    """``text`` with its HTML character references resolved, when it holds one."""
    return html.unescape(text) if _ENTITY.search(text) else None


def decode_reversed(text: str) -> str | None:
    """``text`` backwards."""
    return text[::-1] if len(text) > 1 else None


DECODERS: dict[str, Callable[[str], str | None]] = {
    "base64": decode_base64,
    "hex": decode_hex,
    "binary": decode_binary,
    "escapes": decode_escapes,
    "url": decode_url,
    "html": decode_html,
    "rot13": decode_rot13,
    "reversed": decode_reversed,
}
# A second layer is tried under these only: what is worth decoding again is text that came out of a
# real encoding, not the whole answer rotated or turned round (which never nests in practice).
_NESTS_UNDER = ("base64", "hex", "binary", "escapes", "url", "html", "reversed")


def readings(answer: str, *, nested: bool = True) -> list[Reading]:
    """Every decoded reading of ``answer`` that differs from it, first-level ones first."""
    text = answer[:MAX_CHARS]
    first: list[Reading] = []
    for via, decoder in DECODERS.items():
        decoded = decoder(text)
        if decoded is not None and decoded != text:
            first.append(Reading(via, decoded))
    if not nested:
        return first
    second: list[Reading] = []
    for outer in first:
        if outer.via not in _NESTS_UNDER:
            continue
        for via, decoder in DECODERS.items():
            if via == outer.via and via in ("reversed", "rot13"):
                continue  # twice undoes itself
            decoded = decoder(outer.text)
            if decoded is not None and decoded != outer.text:
                second.append(Reading(f"{outer.via}+{via}", decoded))
    return first + second
