"""What seeding reads in the route table: collection paths, id names, and its guesses about a route.

A path is compared with its parameters blanked (``/conversations/{}/messages``); an id parameter
indexes the collection before it. The guesses (does this POST create an object, does this parameter name
a user) are made here and nowhere else in seeding; "who am I" is asked of routes.vocabulary.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Iterable

from pytest_launchready.routes.vocabulary import is_me_path

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route

_PARAM = re.compile(r"{([^{}]+)}")
_ID_KEY = re.compile(r"^(id|uuid|.+_id|.+_uuid|.+Id|.+ID)$")
#: Last path segments of POST routes that act rather than create: never called by seeding.
_ACTION_WORDS = re.compile(
    r"(log-?in|log-?out|sign-?in|sign-?out|sign-?up|register|session|token|refresh|revoke|password|reset|verify|"
    r"confirm|invite|cancel|delete|remove|purge|destroy|disable|deactivate|suspend|impersonate|rotate|webhook|"
    r"callback|checkout|charge|pay|refund|transfer|withdraw|send|mail|sms|notif|broadcast|publish|deploy|export|import|"
    r"sync|bulk|batch|upload|restore|backup)",
    re.IGNORECASE,
)
_USER_COLLECTIONS = frozenset({"users", "members", "accounts", "people", "memberships", "staff", "employees"})
_USER_STEMS = frozenset({"user", "member", "account", "person", "people", "membership", "staff", "employee"})


def blank(path: str) -> str:
    """``/conversations/{conversation_id}/messages/`` -> ``/conversations/{}/messages``.

    A trailing slash is dropped: ``POST /api/items/`` creates what ``/api/items/{id}`` addresses.
    """
    return _PARAM.sub("{}", path.rstrip("/")) or "/"


def collection_of(path: str, param: str) -> str:
    """The blanked collection path an id parameter indexes: ``/a/{a_id}/b/{b_id}``, ``b_id`` -> ``/a/{}/b``."""
    marker = "{" + param + "}"
    index = path.find(marker)
    return blank(path[:index].rstrip("/")) if index > 0 else ""


def id_list_item(name: str) -> str | None:
    """The id name one entry of a list of ids holds: ``ids`` -> ``id``, ``note_ids`` -> ``note_id``,
    ``noteIds`` -> ``noteId`` (a bulk route's ``DELETE /items?ids=...``); None for any other name."""
    match = _ID_LIST_KEY.match(name)
    return None if match is None else match.group(1) + match.group(2)[:-1]


_ID_LIST_KEY = re.compile(r"^(|.+_|.+(?=I[dD]s$))(ids|uuids|Ids|IDs)$")


def listed_ids_at(path: str, name: str) -> tuple[str, str] | None:
    """For a list of ids ``name`` of the route at ``path``: the id name of one entry and the collection
    it indexes (``ids`` of ``/households/shopping/items`` -> ``("id", "/households/shopping/items")``;
    ``note_ids`` -> ``("note_id", "")``, found by its name); None for a name that is not a list of ids."""
    item = id_list_item(name)
    if item is None:
        return None
    return item, blank(path) if item.lower() in ("id", "uuid") else ""


@functools.lru_cache(maxsize=4096)
def is_id_name(name: str) -> bool:
    """True for names that hold an object id: ``id``, ``conversation_id``, ``conversationId``, ``uuid``."""
    return bool(_ID_KEY.match(name))


def singular(word: str) -> str:
    """A plural collection segment made singular, for ``<name>_id`` guesses (``categories`` -> ``category``)."""
    word = word.lower().replace("-", "_")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def fold(name: str) -> str:
    """``conversation_id``, ``conversationId`` and ``conversation-id`` as one name: ``conversationid``."""
    return name.replace("_", "").replace("-", "").lower()


def is_user_param(route: Route, param: str) -> bool:
    """True when ``param`` names a user of the org (``/admin/users/{user_id}``, ``{member_id}``)."""
    segment = collection_of(route.path, param).rsplit("/", 1)[-1]
    stem = param.lower().removesuffix("_id").removesuffix("id").rstrip("_")
    return segment in _USER_COLLECTIONS or stem in _USER_STEMS


def is_create_route(route: Route, settings: Settings) -> bool:
    """A POST on a collection (no parameter last) that is private and does not look like an action."""
    if route.method != "POST" or route.public or route.key == settings.logout_route:
        return False
    last = route.path.rstrip("/").rsplit("/", 1)[-1]
    if not last or last.startswith("{"):
        return False
    return not _ACTION_WORDS.search(last)


def is_put_create(route: Route, routes: Iterable[Route], settings: Settings) -> bool:
    """A PUT on a path with no parameter at all that no POST creates at (``PUT /menu``): it makes (or
    replaces) the tenant's one object there, so seeding calls it like a create, before the POSTs below
    it, and only when routes live below it. Not the caller's own profile (``PUT /me``, ``PUT /profile``):
    that edits, it makes nothing."""
    if route.method != "PUT" or route.path_params or route.public or route.key == settings.logout_route:
        return False
    last = route.path.rstrip("/").rsplit("/", 1)[-1]
    if not last or _ACTION_WORDS.search(last) or is_me_path(route.path):
        return False
    here = blank(route.path)
    if any(r.method == "POST" and blank(r.path) == here for r in routes):
        return False
    # Something must live under it (``/menu/items``): a PUT with nothing below it is a setting
    # (``PUT /settings/security``, ``PUT /org/ip-allowlist``), which seeding must never rewrite.
    return any(blank(r.path).startswith(here.rstrip("/") + "/") for r in routes)
