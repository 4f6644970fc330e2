"""The words that name invites: the route that makes them, the route that uses them, and where their token is.

Split from :mod:`pytest_launchready.routes.vocabulary` (which it builds on) to keep each module small;
it is still the one place these route words live.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pytest_launchready.routes.vocabulary import email_field, ends_session, envelope, field_named, normalise

if TYPE_CHECKING:
    from pytest_launchready.routes import Route

#: A fixed path segment naming invites (``/orgs/invites``, ``/invitations``), and one naming their use.
_INVITE_WORD = re.compile(r"invit", re.IGNORECASE)
_ACCEPT_WORD = re.compile(r"accept|join|redeem|claim", re.IGNORECASE)
#: Fields of an accept body (or an invite's answer) that hold the invite's secret.
_INVITE_TOKEN_FIELD = re.compile(r"token|invit|^code$|invitecode")
_INVITE_LINK_FIELD = re.compile(r"link|url")
_ROLE_NAMES = ("role",)


def _fixed_segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s and not s.startswith("{")]


def invite_token_field(schema: Mapping[str, Any] | None) -> str | None:
    """The field of an (unwrapped) body schema or object that holds an invite's token (``invite_token``, ``token``, ``code``)."""
    names = [str(k) for k in (schema or {}).get("properties") or {}]
    return next((n for n in names if _INVITE_TOKEN_FIELD.search(normalise(n))), None)


def is_invite_route(route: Route) -> bool:
    """A POST that invites someone (``POST /orgs/invites {email, role}``): a fixed segment names invites, none
    names their acceptance, and the body takes an email or a role."""
    segments = _fixed_segments(route.path)
    if route.method != "POST" or "{" in route.path or ends_session(route):
        return False
    if not any(_INVITE_WORD.search(s) for s in segments) or any(_ACCEPT_WORD.search(s) for s in segments):
        return False
    schema = envelope(route.body_schema)[1]
    return bool(email_field(schema) or field_named(schema, _ROLE_NAMES))


def is_accept_invite_route(route: Route) -> bool:
    """A POST that uses an invite (``POST /auth/accept-invite {invite_token, password}``, ``/invites/redeem``):
    a fixed segment names accept, join or redeem, and the body takes an invite or token field."""
    if route.method != "POST" or "{" in route.path or ends_session(route):
        return False
    if not any(_ACCEPT_WORD.search(s) for s in _fixed_segments(route.path)):
        return False
    return invite_token_field(envelope(route.body_schema)[1]) is not None


def invite_route(routes: Iterable[Route]) -> Route | None:
    """The route that makes invites (:func:`is_invite_route`), shortest path first, or None."""
    return min((r for r in routes if is_invite_route(r)), key=lambda r: (len(r.path), r.path), default=None)


def accept_invite_route(routes: Iterable[Route]) -> Route | None:
    """The route that accepts invites (:func:`is_accept_invite_route`), shortest path first, or None."""
    return min((r for r in routes if is_accept_invite_route(r)), key=lambda r: (len(r.path), r.path), default=None)


def invite_token_from(data: Any) -> str | None:
    """The invite's token in an invite route's answer: a token/code field, else the last part of a link field
    (``.../accept?token=...`` or ``.../invites/<token>``), one level deep at most."""
    if not isinstance(data, dict):
        return None
    for holder in (data, *(v for v in data.values() if isinstance(v, dict))):
        field = invite_token_field({"properties": {k: {} for k in holder}})
        if field and isinstance(holder[field], str) and holder[field]:
            return str(holder[field])
        link = next((v for k, v in holder.items() if _INVITE_LINK_FIELD.search(normalise(str(k))) and isinstance(v, str)), None)
        if link:
            return token_of_link(link)
    return None


def token_of_link(link: str) -> str:
    """An invite link's token: its ``token``/``code``/``invite`` query value, else its last path segment; a bare token as is."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(link)
    for name, values in parse_qs(parts.query).items():
        if _INVITE_TOKEN_FIELD.search(normalise(name)) and values:
            return values[0]
    if parts.scheme or "/" in parts.path:
        return parts.path.rstrip("/").rsplit("/", 1)[-1]
    return link
