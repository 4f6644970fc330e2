"""A finding's fingerprint: the same fault on the same route gets the same id in every run.

The JSON report and SARIF key findings by it (a dashboard tracks one alert across runs, a waiver or a
ticket can name it). It hashes the check, the route and the first line of the title with what
differs between runs of the same app masked: canaries, tenant names (they hold the run id and the
xdist worker), and every token holding a digit (ids, counts, ports, timings).
"""

from __future__ import annotations

import hashlib
import re

_VARYING = re.compile(r"lrcanary\w*|\blr-[a-z0-9-]+|\S*\d\S*")


def title_stem(title: str) -> str:
    """The first line of ``title`` with what differs between runs masked as ``#``."""
    text = title.strip()
    return _VARYING.sub("#", text.splitlines()[0]) if text else ""


def fingerprint(check: str, route: str, title: str) -> str:
    """16 hex digits of SHA-256 over the check, the route and :func:`title_stem` of the title."""
    return hashlib.sha256(f"{check}\n{route}\n{title_stem(title)}".encode()).hexdigest()[:16]
