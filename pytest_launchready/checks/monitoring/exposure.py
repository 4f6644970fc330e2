"""What a health answer must not tell an anonymous caller: versions, stack details, DB URLs, hosts, secrets.

A health route answers anyone, so everything it says is said to every scanner on the internet. Stack
traces, password hashes, private keys and credential-named fields come from the shared detectors of
:mod:`pytest_launchready.checks.disclosure`; this module adds what a status page typically over-shares:

- versions: a header naming software with a version (``Server: uvicorn/0.30``), any ``X-Powered-By``
  or ``X-AspNet-Version``; a body field named like a version, build or commit holding a value; a
  product name followed by a version in the text (``PostgreSQL 15.2``);
- connection strings: a database or broker URL (``postgresql://...``), or any URL with a password;
- hosts: an IP address, a host name under an internal suffix (``ip-10-0-1-7.ec2.internal``), or a body
  field named like a host, node, pod or instance holding a value.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from pytest_launchready.checks.disclosure import Disclosure, scan
from pytest_launchready.routes.vocabulary import normalise

#: Headers that exist to say which software runs, with its version: always a disclosure.
_SOFTWARE_HEADERS = ("x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator", "x-runtime-version")
#: Headers that name software; a disclosure when they carry a version (``uvicorn/0.30.1``, ``nginx/1.25``).
_NAMING_HEADERS = ("server", "via")
_VERSION_IN_HEADER = re.compile(r"[A-Za-z][\w.-]*/v?\d+(?:\.\d+)+|\b\d+\.\d+\.\d+\b")
#: Body fields (normalised) whose value says what is deployed.
_VERSION_FIELDS = re.compile(r"version$|^ver$|^build|^commit|^gitsha$|^sha$|^revision$|^release$|^gitref$")
_HOST_FIELDS = re.compile(r"^(?:host|hostname|server|servername|node|nodename|pod|podname|instance|instanceid|machine|"
                          r"container|containerid|ip|ipaddress|address|serveraddress)$")
_PRODUCTS = ("python", "cpython", "node", "nodejs", "go", "ruby", "php", "java", "openjdk", "dotnet", "django", "flask",
             "fastapi", "starlette", "uvicorn", "gunicorn", "werkzeug", "express", "rails", "spring", "nginx", "apache",
             "postgres", "postgresql", "mysql", "mariadb", "redis", "mongodb", "sqlite", "openssl", "sqlalchemy", "celery")
_PRODUCT_VERSION = re.compile(r"(?i)\b(?:" + "|".join(_PRODUCTS) + r")[\s/:=v-]{1,3}\d+\.\d+(?:\.\d+)*\b")
_CONNECTION_URL = re.compile(
    r"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|sqlite|cockroachdb)"
    r"(?:\+\w+)?://[^\s\"'<>]+")
_URL_WITH_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s/:@\"'<>]{1,100}:[^\s/@\"'<>]{1,200}@[^\s\"'<>]+", re.IGNORECASE)
_IPV4 = re.compile(r"(?<![\w.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\w.])")
#: Four groups or more, or a ``::``: a clock time (``10:00:00``) has three.
_IPV6 = re.compile(r"(?<![\w:])(?:(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4})(?![\w:])",
                   re.IGNORECASE)
_INTERNAL_HOST = re.compile(r"(?i)\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|localdomain|lan|corp|intranet|svc|"
                            r"cluster\.local)\b")


def health_disclosures(status: int, headers: Any, content: bytes, content_type: str) -> list[Disclosure]:
    """Everything the health answer discloses: its headers, then its body (at most one hit per kind and place)."""
    found = list(_header_hits(headers))
    text = content[:200_000].decode("utf-8", errors="replace")
    found += scan(content, status, content_type, read=True)
    data = _json(text, content_type)
    if data is not None:
        found += list(_field_hits(data, "$", 0))
    for kind, pattern in (("product version", _PRODUCT_VERSION), ("connection string", _CONNECTION_URL),
                          ("URL with a password", _URL_WITH_PASSWORD), ("IP address", _IPV4), ("IPv6 address", _IPV6),
                          ("internal host name", _INTERNAL_HOST)):
        match = pattern.search(text)
        if match is not None:
            found.append(Disclosure(kind, "body", match.group(0)[:80]))
    unique: dict[tuple[str, str], Disclosure] = {}
    for item in found:
        unique.setdefault((item.kind, item.where), item)
    return list(unique.values())


def _header_hits(headers: Any) -> Iterator[Disclosure]:
    for name in _SOFTWARE_HEADERS:
        value = headers.get(name)
        if value:
            yield Disclosure("software header", f"header {name}", f"{name}: {value}"[:80])
    for name in _NAMING_HEADERS:
        value = headers.get(name) or ""
        if _VERSION_IN_HEADER.search(value):
            yield Disclosure("software version", f"header {name}", f"{name}: {value}"[:80])


def _json(text: str, content_type: str) -> Any:
    if "json" not in content_type.lower():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _field_hits(data: Any, where: str, depth: int) -> Iterator[Disclosure]:
    """Version- and host-named fields holding a value, anywhere in the JSON (``$.checks.db.version``)."""
    if depth > 16:
        return
    items = data.items() if isinstance(data, dict) else enumerate(data[:100]) if isinstance(data, list) else ()
    for key, value in items:
        path = f"{where}.{key}" if isinstance(data, dict) else f"{where}[{key}]"
        if isinstance(value, (dict, list)):
            yield from _field_hits(value, path, depth + 1)
            continue
        if value in (None, "", False) or not isinstance(key, str):
            continue
        name = normalise(key)
        if _VERSION_FIELDS.search(name):
            yield Disclosure(f"version field {key!r}", path, f"{key}: {value}"[:80])
        elif _HOST_FIELDS.match(name):
            yield Disclosure(f"host field {key!r}", path, f"{key}: {value}"[:80])
