"""The load check's latency per route as an inline SVG bar chart (the HTML scorecard's picture of it).

The load tests carry what they measured as one line (``412 requests, 13.7/s, p50 12 ms, p95 48 ms,
p99 90 ms, 0 errors (0.0%)``: the JSON report's ``figures``); this module reads the three percentiles
back out of it and draws p50, p95 and p99 per route on one millisecond scale, with the p95 budget as a
dashed line when it is known. No script and no external asset: the page stays one file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any, Iterable

#: The percentiles drawn, each with its CSS class (the colours live in the page's style sheet).
PERCENTILES = ("p50", "p95", "p99")
_MS = {name: re.compile(rf"\b{name} (\d+(?:\.\d+)?) ms\b") for name in PERCENTILES}
_ERRORS = re.compile(r"\b(\d+) errors \((\d+(?:\.\d+)?)%\)")

#: Pixels from 0 ms to the axis's last tick.
PLOT_WIDTH = 460
_LABEL_WIDTH, _BAR, _GAP, _TOP, _AXIS = 220, 9, 14, 24, 28


@dataclass(frozen=True)
class Latency:
    """One route's latency under load, in milliseconds."""

    route: str
    p50: float
    p95: float
    p99: float
    errors: str = ""
    failed: bool = False


def latencies(tests: Iterable[dict[str, Any]]) -> list[Latency]:
    """The load tests' latencies from JSON report test entries: routes sorted, ``overall`` last.

    A figures line without the three percentiles (a load run that measured nothing) is left out.
    """
    found = []
    for test in tests:
        line = str(test.get("figures") or "")
        if test.get("check") != "load" or not line:
            continue
        values = [_MS[name].search(line) for name in PERCENTILES]
        if not all(values):
            continue
        p50, p95, p99 = (float(match.group(1)) for match in values if match)
        errors = _ERRORS.search(line)
        found.append(Latency(str(test.get("route") or test.get("id")), p50, p95, p99,
                             f"{errors.group(1)} errors ({errors.group(2)}%)" if errors else "",
                             test.get("outcome") == "failed"))
    return sorted(found, key=lambda item: (item.route == "overall", item.route))


def svg(rows: list[Latency], budget_ms: float | None = None) -> str:
    """An SVG chart of ``rows``: three bars per route, a millisecond axis, the budget line."""
    top = max([budget_ms or 0.0, *(max(r.p50, r.p95, r.p99) for r in rows)]) or 1.0
    scale = _nice(top * 1.05)
    group = len(PERCENTILES) * _BAR + _GAP
    height = _TOP + len(rows) * group + _AXIS
    width = _LABEL_WIDTH + PLOT_WIDTH + 80

    def x(ms: float) -> float:
        return _LABEL_WIDTH + ms / scale * PLOT_WIDTH

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="latency-chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="latency-title">',
             '<title id="latency-title">Latency per route under load (ms): p50, p95, p99</title>']
    for index, name in enumerate(PERCENTILES):
        parts.append(f'<rect class="{name}" x="{_LABEL_WIDTH + index * 90}" y="4" width="12" height="10"/>'
                     f'<text x="{_LABEL_WIDTH + index * 90 + 16}" y="13">{name}</text>')
    for index, row in enumerate(rows):
        y0 = _TOP + index * group
        label = row.route if len(row.route) <= 30 else row.route[:29] + "\u2026"
        parts.append(f'<g class="route{" failed" * row.failed}" data-route="{escape(row.route)}">'
                     f'<title>{escape(row.route)}: p50 {row.p50:g} ms, p95 {row.p95:g} ms, p99 {row.p99:g} ms'
                     f'{escape(", " + row.errors) if row.errors else ""}</title>'
                     f'<text class="label" x="{_LABEL_WIDTH - 8}" y="{y0 + 1.5 * _BAR + 4}" text-anchor="end">'
                     f'{escape(label)}</text>')
        for offset, name in enumerate(PERCENTILES):
            value = getattr(row, name)
            y = y0 + offset * _BAR
            parts.append(f'<rect class="lat {name}" data-ms="{value:g}" x="{_LABEL_WIDTH}" y="{y}" '
                         f'width="{max(x(value) - _LABEL_WIDTH, 1):.1f}" height="{_BAR - 1}"/>'
                         f'<text class="value" x="{x(value) + 4:.1f}" y="{y + _BAR - 1}">{value:g}</text>')
        parts.append("</g>")
    base = _TOP + len(rows) * group
    parts.append(f'<line class="axis" x1="{_LABEL_WIDTH}" y1="{_TOP - 4}" x2="{_LABEL_WIDTH}" y2="{base}"/>'
                 f'<line class="axis" x1="{_LABEL_WIDTH}" y1="{base}" x2="{_LABEL_WIDTH + PLOT_WIDTH}" y2="{base}"/>')
    for tick in range(5):
        ms = scale * tick / 4
        parts.append(f'<text class="tick" x="{x(ms):.1f}" y="{base + 16}" text-anchor="middle">{ms:g} ms</text>')
    if budget_ms:
        parts.append(f'<line class="budget" x1="{x(budget_ms):.1f}" y1="{_TOP - 4}" x2="{x(budget_ms):.1f}" '
                     f'y2="{base}"/><text class="budget-label" x="{x(budget_ms) + 4:.1f}" y="{base - 4}">'
                     f'p95 budget {budget_ms:g} ms</text>')
    parts.append("</svg>")
    return "".join(parts)


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``value``: round ticks."""
    power = 10 ** max(len(str(int(value))) - 1, 0)
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10.0 * power
