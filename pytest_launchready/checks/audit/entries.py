"""Reading audit entries: which field holds the user, org, time, client IP and action, and what an entry is about.

Field names are matched loosely (case and separators ignored: ``actorId`` is ``actor_id``) among the
names below, unless ``launchready_audit_fields`` maps a field to the entry's own key (``user:
actor_id``; a dotted name reads a nested field, ``user: actor.id``). An entry is about an action when
its action field (or, without one, any of its text) holds one of the action's words.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any, Mapping

from pytest_launchready.routes.vocabulary import normalise

#: The names each required field may have (normalised), most telling first.
NAMES: dict[str, tuple[str, ...]] = {
    "user": ("actor", "actorid", "user", "userid", "email", "useremail", "actoremail", "username", "principal",
             "performedby", "by", "who"),
    "org": ("org", "orgid", "organization", "organizationid", "organisation", "organisationid", "tenant", "tenantid",
            "team", "teamid", "workspace", "workspaceid", "account", "accountid", "company", "companyid"),
    "time": ("time", "timestamp", "createdat", "at", "ts", "occurredat", "loggedat", "datetime", "date", "when"),
    "ip": ("ip", "clientip", "remoteaddr", "ipaddress", "ipaddr", "sourceip", "remoteip", "srcip", "clientaddress",
           "remoteaddress", "sourceaddress"),
    "action": ("action", "event", "eventtype", "eventname", "type", "kind", "operation", "op", "verb", "activity",
               "name", "message"),
}
REQUIRED = ("user", "org", "time", "ip")
#: Fields that say how an action ended, read with the action to tell a refusal.
OUTCOME_NAMES = ("outcome", "result", "status", "statuscode", "decision", "reason", "error")

#: Words (normalised, matched inside the action text) that say what an entry is about.
LOGIN_WORDS = ("login", "signin", "logon", "loggedin", "authenticat", "sessioncreate", "sessionstart", "sessionopen")
WRITE_WORDS = ("create", "insert", "add", "new", "write", "upload", "post", "save", "made")
ROLE_WORDS = ("role", "permission", "promot", "demot", "privilege", "grant")
DENIED_WORDS = ("denied", "deny", "forbidden", "unauthori", "refused", "reject", "blocked", "notallowed", "accessviolation",
                "failed", "failure", "notfound", "403", "404", "401")


class Fields:
    """Finds each field of an entry: the mapped key when ``launchready_audit_fields`` names one, else a loose match."""

    def __init__(self, mapped: tuple[tuple[str, str], ...]) -> None:
        self.mapped = dict(mapped)

    def names(self, field: str) -> str:
        """What was looked for, for a message: ``actor_id (launchready_audit_fields)`` or the loose names."""
        if field in self.mapped:
            return f"{self.mapped[field]!r} (launchready_audit_fields)"
        return ", ".join(NAMES[field][:6]) + "..."

    def value(self, entry: Mapping[str, Any], field: str) -> Any:
        """The entry's value for ``field``, or None when it has none (missing, null or empty)."""
        if field in self.mapped:
            found: Any = entry
            for part in self.mapped[field].split("."):
                found = found.get(part) if isinstance(found, Mapping) else None
            return _present(found)
        by_name = {normalise(str(k)): v for k, v in entry.items()}
        for name in NAMES[field]:
            value = _present(by_name.get(name))
            if value is not None:
                return value
        for nested in ("context", "request", "meta", "metadata", "details"):  # {"request": {"ip": ...}}
            inner = by_name.get(nested)
            if isinstance(inner, Mapping):
                names = {normalise(str(k)): v for k, v in inner.items()}
                value = next((v for n in NAMES[field] if (v := _present(names.get(n))) is not None), None)
                if value is not None:
                    return value
        return None

    def missing(self, entry: Mapping[str, Any]) -> list[str]:
        """The required fields the entry lacks, or holds in a form that says nothing (an IP that is no address)."""
        gaps = [f for f in REQUIRED if self.value(entry, f) is None]
        ip = self.value(entry, "ip")
        if ip is not None and not is_address(ip):
            gaps.append("ip")
        return gaps

    def about(self, entry: Mapping[str, Any], words: tuple[str, ...]) -> bool:
        """Whether the entry's action and outcome (``{"action": "note.read", "outcome": "denied"}``), else its
        whole text, hold one of ``words``."""
        action = self.value(entry, "action")
        if action is None:
            told: Any = entry
        else:
            by_name = {normalise(str(k)): v for k, v in entry.items()}
            told = [action, *(by_name.get(n) for n in OUTCOME_NAMES if by_name.get(n) is not None)]
        text = normalise(json.dumps(told, default=str))
        return any(word in text for word in words)

    def has_action(self, entry: Mapping[str, Any]) -> bool:
        """Whether the entry says what happened at all (an action, event or type field)."""
        return self.value(entry, "action") is not None


def _present(value: Any) -> Any:
    if value is None or value == "" or value == [] or value == {}:
        return None
    return value


def is_address(value: Any) -> bool:
    """An IPv4 or IPv6 address, optionally with a port (``203.0.113.7``, ``::1``, ``10.0.0.2:51234``)."""
    text = str(value).strip().strip("[]")
    for candidate in (text, text.rsplit(":", 1)[0].strip("[]")):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return True
    return False


def entry_key(entry: Mapping[str, Any]) -> str:
    """A stable text for an entry, to tell the entries a later read added."""
    return json.dumps(entry, sort_keys=True, default=str)
