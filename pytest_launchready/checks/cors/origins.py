"""Hostile browser origins, derived from the allowed ones (``launchready_allowed_origins``).

Each derivation models one real mistake in origin validation:

- an unrelated origin and ``null`` (sandboxed iframes, ``data:`` and ``file:`` pages send it): caught
  by any server that reflects the ``Origin`` header or trusts ``null``; no allowlist needed;
- the allowed host followed by an attacker's domain (``https://app.example.com.evil.test``): a
  ``startswith`` check or a regex anchored only at the start;
- an attacker's domain ending in the allowed one (``https://evilapp.example.com``,
  ``https://evil-example.com``): an ``endswith`` check without the leading dot;
- a dot replaced by a letter (``https://appXexample.com``): an unescaped ``.`` in a regex;
- the allowed origin over plain http: a check on the host alone, ignoring the scheme;
- an arbitrary subdomain (``https://evil.app.example.com``): a subdomain wildcard nobody asked for
  (one taken-over subdomain then reads the API);
- the allowed host followed by ``%60``, ``_`` or ``!`` and an attacker's domain: origin parsers that
  stop the host at an unusual character.

An allowed entry may name every subdomain (``https://*.example.com``); derivations it allows are left
out. ``null`` is never treated as allowed: any page can send it.

Pure standard library and deterministic: the plugin imports this at collection time to parametrize
the ``foreign_origin`` fixture, on every xdist worker in the same order.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable

#: The attacker's domain: ``.test`` is reserved (RFC 2606), so no probe can reach a real site.
ATTACKER_DOMAIN = "evil.test"
UNRELATED = f"https://{ATTACKER_DOMAIN}"
NULL = "null"
#: Characters some origin parsers end a host at (URL-encoded backtick, underscore, exclamation mark).
PARSER_BREAKERS = ("%60", "_", "!")

_ORIGIN = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[[0-9a-f:.]+\]|[^/:?#\s\[\]]+)(?::(?P<port>\d{1,5}))?/?$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Origin:
    """A parsed allowed origin: ``scheme://host[:port]``; ``wildcard`` for ``scheme://*.host``."""

    scheme: str
    host: str
    port: int | None = None
    wildcard: bool = False

    def render(self, host: str | None = None, scheme: str | None = None) -> str:
        """This origin as text, with another host or scheme when given."""
        port = f":{self.port}" if self.port is not None else ""
        return f"{scheme or self.scheme}://{host if host is not None else self.host}{port}"

    @property
    def text(self) -> str:
        """The origin as the user wrote it (normalised), ``*.`` included for a wildcard."""
        return self.render(f"*.{self.host}" if self.wildcard else self.host)

    @property
    def is_ip(self) -> bool:
        """True when the host is an IP literal (no subdomains, no look-alike names)."""
        try:
            ipaddress.ip_address(self.host.strip("[]"))
        except ValueError:
            return False
        return True

    def matches(self, origin: str) -> bool:
        """Whether a browser origin is allowed by this entry (exact, or any subdomain for a wildcard)."""
        other = parse_origin(origin)
        if other is None or other.wildcard or other.scheme != self.scheme or other.port != self.port:
            return False
        if self.wildcard:
            return other.host.endswith(f".{self.host}")
        return other.host == self.host


@dataclass(frozen=True)
class HostileOrigin:
    """A hostile origin, the mistake it probes for, and the allowed origin it imitates ("" for generic ones)."""

    origin: str
    kind: str
    description: str
    imitates: str = ""

    @property
    def label(self) -> str:
        """``https://evil.test (an unrelated origin)``, for failure messages."""
        return f"{self.origin} ({self.description})"


def parse_origin(text: str) -> Origin | None:
    """``scheme://host[:port]`` (or ``scheme://*.host``) lower-cased, or None when ``text`` is no origin."""
    match = _ORIGIN.match(text.strip())
    if match is None:
        return None
    host = match.group("host").lower().rstrip(".")
    wildcard = host.startswith("*.")
    host = host.removeprefix("*.")
    if not host or "*" in host:
        return None
    port = int(match.group("port")) if match.group("port") else None
    scheme = match.group("scheme").lower()
    if port == {"https": 443, "http": 80}.get(scheme):
        port = None
    return Origin(scheme, host, port, wildcard)


def generic() -> list[HostileOrigin]:
    """The hostile origins that need no allowlist: an unrelated site, and ``null``."""
    return [
        HostileOrigin(UNRELATED, "unrelated", "an unrelated origin"),
        HostileOrigin(NULL, "null", "the null origin of sandboxed iframes and data: pages"),
    ]


def look_alikes(allowed: Origin) -> list[HostileOrigin]:
    """The look-alike origins derived from one allowed origin, in a fixed order."""
    host, source = allowed.host, allowed.text
    found: list[HostileOrigin] = [
        HostileOrigin(allowed.render(f"{host}.{ATTACKER_DOMAIN}"), "prefix",
                      f"{host} followed by another domain: a startswith check or a regex not anchored at the end", source),
    ]
    if not allowed.is_ip:
        parent = host.split(".", 1)[1] if host.count(".") >= 2 else host
        found.append(HostileOrigin(allowed.render(f"evil{host}"), "suffix",
                                   f"another domain ending in {host}: an endswith check without the leading dot", source))
        found.append(HostileOrigin(allowed.render(f"evil-{parent}"), "suffix",
                                   f"another domain ending in {parent}: an endswith check or a regex not anchored at the start",
                                   source))
        if "." in host:
            found.append(HostileOrigin(allowed.render(host.replace(".", "X", 1)), "unescaped-dot",
                                       f"{host} with a dot replaced: an unescaped '.' in a regex", source))
    if allowed.scheme == "https":
        downgrade_host = f"launchready.{host}" if allowed.wildcard else host
        found.append(HostileOrigin(allowed.render(downgrade_host, scheme="http"), "http-downgrade",
                                   f"{source} over plain http: the scheme is not checked", source))
    if not allowed.wildcard and not allowed.is_ip:
        found.append(HostileOrigin(allowed.render(f"evil.{host}"), "subdomain",
                                   f"an arbitrary subdomain of {host}: a subdomain wildcard nobody asked for", source))
    for breaker in PARSER_BREAKERS:
        found.append(HostileOrigin(allowed.render(f"{host}{breaker}.{ATTACKER_DOMAIN}"), "parser-bypass",
                                   f"{host}, {breaker!r} and another domain: an origin parser that ends the host early", source))
    return found


def derive(allowed: Iterable[str]) -> list[HostileOrigin]:
    """Every hostile origin for this allowlist: the generic ones, then each entry's look-alikes.

    Duplicates and anything another entry allows are left out, so a hostile origin is never one the
    user declared allowed.
    """
    parsed = [o for o in (parse_origin(a) for a in allowed) if o is not None]
    result: dict[str, HostileOrigin] = {}
    candidates = generic() + [h for origin in parsed for h in look_alikes(origin)]
    for candidate in candidates:
        if candidate.origin in result:
            continue
        if candidate.kind != "null" and any(entry.matches(candidate.origin) for entry in parsed):
            continue
        result[candidate.origin] = candidate
    return list(result.values())


def hostile_origins(allowed: tuple[str, ...]) -> list[str]:
    """The hostile origins for ``launchready_allowed_origins``, in a fixed order (``foreign_origin``'s params)."""
    return [h.origin for h in derive(allowed)]


def is_allowed(origin: str, allowed: Iterable[str]) -> bool:
    """Whether ``origin`` is allowed by one of the ``allowed`` entries (``null`` never is)."""
    return any(entry.matches(origin) for entry in (parse_origin(a) for a in allowed) if entry is not None)


def sample_allowed(entry: str) -> str | None:
    """A concrete origin a browser on ``entry`` would send (a subdomain for a wildcard), or None."""
    origin = parse_origin(entry)
    if origin is None:
        return None
    return origin.render(f"app.{origin.host}") if origin.wildcard else origin.render()
