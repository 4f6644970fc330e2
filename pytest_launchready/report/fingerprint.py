"""A finding's fingerprint: the same fault on the same route gets the same id in every run.

The JSON report and SARIF key findings by it (a dashboard tracks one alert across runs, a waiver or a
ticket can name it). It hashes the check, the route, the first line of the title and the faults the title lists, with what
differs between runs of the same app masked: canaries, tenant names (they hold the run id and the
xdist worker), and every token holding a digit (ids, counts, ports, timings).
"""

from __future__ import annotations

import hashlib
import re

_VARYING = re.compile(r"lrcanary\w*|\blr-[a-z0-9-]+|\S*\d\S*")


def title_stem(title: str) -> str:
    """The first line of ``title``, and the faults it lists (its ``  - `` lines: a CORS or headers
    finding names its faults there, under a first line that is the same for all of them), with what
    differs between runs masked as ``#``."""
    lines = title.strip().splitlines()
    if not lines:
        return ""
    kept = [lines[0], *(line for line in lines[1:] if line.startswith("  - "))]
    return "\n".join(_VARYING.sub("#", line) for line in kept)


def fingerprint(check: str, route: str, title: str) -> str:
    """16 hex digits of SHA-256 over the check, the route and :func:`title_stem` of the title."""
    return hashlib.sha256(f"{check}\n{route}\n{title_stem(title)}".encode()).hexdigest()[:16]
