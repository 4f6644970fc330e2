"""The HTML scorecard (``--launchready-html=PATH``): one self-contained page a founder reads at a glance.

It renders the JSON report's mapping (:func:`pytest_launchready.report.json_report.build`), so the two
files tell the same facts: the verdict, the checklist's rows with their coverage, the findings grouped
by check (severity, evidence, the curl reproduction, the fix) and, when the load check ran, its latency
per route as an inline SVG chart. The style sheet is inlined and there is no script, image or font
to fetch: the file opens offline, as a CI artifact or an e-mail attachment.

Every text is escaped. The texts come redacted from the tests (each finding's fields, warnings and
figures are masked where they are made); the session's redactor passes over them once more here,
before escaping, because escaping could hide a secret from a pass over the finished page.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from pytest_launchready.report import latency_chart

#: Worst first, the order findings are listed in within a check.
_SEVERITIES = ("critical", "high", "medium", "low")
#: Outcomes a finding is shown for: a failure, a WARN, a failure accepted in launchready_waivers.
_SHOWN = ("failed", "warned", "waived")
_VERDICTS = {"not_ready": "NOT READY", "no_blocking_finding": "No blocking finding"}


def render(report: dict[str, Any], *, redact: Callable[[str], str] = str, p95_budget_ms: float | None = None) -> str:
    """The page for ``report`` (the JSON report's mapping), as one HTML document."""
    def text(value: Any) -> str:
        return escape(redact(str(value)))

    tests = list(report.get("tests", []))
    grouped = _grouped(tests)
    body = [_header(report, text), _checklist(report.get("checks", []), set(grouped), text)]
    chart = latency_chart.latencies(tests)
    if chart:  # before the findings: one picture, where a long list of findings cannot push it out of sight
        body.append('<section id="load"><h2>Latency under load</h2>'
                    '<p class="meta">Per route, at full load; the dashed line is launchready_p95_ms.</p>'
                    + latency_chart.svg(chart, p95_budget_ms) + "</section>")
    body.append(_findings(report.get("checks", []), grouped, text))
    versions = report.get("versions", {})
    body.append(f'<footer>pytest-launchready {text(versions.get("plugin", ""))}, pytest {text(versions.get("pytest", ""))}, '
                f'Python {text(versions.get("python", ""))}. The same facts in machine-readable form: '
                "--launchready-report=PATH (JSON).</footer>")
    style = files("pytest_launchready.report").joinpath("scorecard.css").read_text()
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Launch scorecard: {text(_VERDICTS.get(report.get('verdict', ''), report.get('verdict', '')))}</title>"
            f"<style>{style}</style></head>\n<body><main>\n" + "\n".join(body) + "\n</main></body></html>\n")


def write(path: Path, page: str) -> None:
    """Write ``page`` to ``path`` (UTF-8), creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def _header(report: dict[str, Any], text: Callable[[Any], str]) -> str:
    verdict = str(report.get("verdict", ""))
    counts = report.get("counts", {})
    shown = ", ".join(f"{n} {text(outcome.replace('_', ' '))}" for outcome, n in counts.items() if n)
    target = report.get("target", {})
    severities = [str(t.get("severity")) for t in report.get("tests", []) if t.get("outcome") in ("failed", "waived")
                  and t.get("severity")]
    found = ", ".join(f"{severities.count(s)} {s}" for s in _SEVERITIES if s in severities)
    return ('<header><h1>Launch scorecard</h1>'
            f'<p class="meta">Target: <strong>{text(target.get("name", ""))}</strong> ({text(target.get("reached_by", ""))}); '
            f'started {text(report.get("started_at", ""))}; pytest exit status {text(report.get("exit_status", ""))}</p>'
            f'<p id="verdict" class="verdict {text(verdict)}">Launch verdict: {text(_VERDICTS.get(verdict, verdict))}</p>'
            f'<p class="counts">Findings: {found or "none"}. Tests: {shown or "none"}.</p></header>')


def label(row: dict[str, Any]) -> str:
    """A row's verdict as the terminal shows it: ``ERROR (set-up)``, ``PASS (2 not run)``."""
    verdict = str(row.get("verdict", ""))
    if verdict == "ERROR":
        return f"ERROR ({row.get('error_kind') or 'set-up'})"
    if verdict in ("PASS", "WARN") and row.get("not_run"):
        return f"{verdict} ({row['not_run']} not run)"
    return verdict


def _checklist(rows: list[dict[str, Any]], with_findings: set[str], text: Callable[[Any], str]) -> str:
    return f'<section id="checklist"><h2>Checklist</h2>{_table(rows, with_findings, text)}</section>'


def _table(rows: list[dict[str, Any]], with_findings: set[str], text: Callable[[Any], str]) -> str:
    """The scorecard rows as a table: check (linked to its findings), verdict, coverage bar, notes."""
    lines = ["<table><thead><tr><th>check</th><th>verdict</th><th>coverage</th><th>notes</th></tr></thead><tbody>"]
    for row in rows:
        verdict = str(row.get("verdict", ""))
        tested, total, unit = int(row.get("tested", 0)), int(row.get("total", 0)), str(row.get("unit", ""))
        if unit and total:
            share = min(tested / total, 1.0)
            coverage = (f'<span class="bar{" partial" * (share < 1)}" role="meter" aria-valuemin="0" aria-valuemax="{total}" '
                        f'aria-valuenow="{tested}"><span style="width:{share:.0%}"></span></span>{tested}/{total} {text(unit)}')
        else:
            coverage = "-"
        check = text(row.get("check", ""))
        name = f'<a href="#findings-{check}">{check}</a>' if row.get("check") in with_findings else check
        notes = row.get("note_parts") or ([row["notes"]] if row.get("notes") else [])
        lines.append(f'<tr class="row" data-check="{text(row.get("check", ""))}" data-verdict="{text(verdict)}">'
                     f'<td class="check">{name}</td>'
                     f'<td><span class="badge v-{text(verdict.replace(" ", "_"))}">{text(label(row))}</span></td>'
                     f'<td class="coverage">{coverage}</td>'
                     f'<td><ul class="notes">{"".join(f"<li>{text(note)}</li>" for note in notes)}</ul></td></tr>')
    lines.append("</tbody></table>")
    return "".join(lines)


def _grouped(tests: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Check name -> its tests with a finding (failed, warned, waived) or an error."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for test in tests:
        if test.get("outcome") in _SHOWN and test.get("title") or test.get("outcome") == "error":
            grouped.setdefault(str(test.get("check", "")), []).append(test)
    return grouped


def _findings(rows: list[dict[str, Any]], grouped: dict[str, list[dict[str, Any]]], text: Callable[[Any], str]) -> str:
    order = [str(row.get("check", "")) for row in rows]
    parts = ['<section id="findings"><h2>Findings</h2>']
    if not grouped:
        parts.append('<p class="none">No finding: every test that ran passed.</p>')
    for check in sorted(grouped, key=lambda name: (order.index(name) if name in order else len(order), name)):
        found = sorted(grouped[check], key=_rank)
        worst = next((t["severity"] for t in found if t.get("severity") in _SEVERITIES), "")
        count = f'{len(found)} finding{"s" * (len(found) > 1)}'
        parts.append(f'<section class="check-findings" id="findings-{text(check)}" data-check="{text(check)}"><h3>{text(check)} <small>{count}'
                     f'{", worst " + text(worst) if worst else ""}</small></h3>')
        parts += [_finding(test, text) for test in found]
        parts.append("</section>")
    parts.append("</section>")
    return "".join(parts)


def _rank(test: dict[str, Any]) -> tuple[int, int, str]:
    severity = str(test.get("severity", ""))
    shown = _SHOWN.index(test["outcome"]) if test.get("outcome") in _SHOWN else len(_SHOWN)
    return (_SEVERITIES.index(severity) if severity in _SEVERITIES else len(_SEVERITIES), shown, str(test.get("id", "")))


def _finding(test: dict[str, Any], text: Callable[[Any], str]) -> str:
    outcome = str(test.get("outcome", ""))
    severity = str(test.get("severity", ""))
    head = (f'<span class="badge sev-{text(severity)} severity">{text(severity.upper())}</span> ' if severity else
            '<span class="badge v-ERROR severity">ERROR</span> ')
    if outcome != "failed":
        head += f'<span class="badge outcome">{text(outcome)}</span> '
    head += f'<code class="route">{text(test.get("route", ""))}</code>'
    title = test.get("title") or test.get("message") or "set-up failed"
    details = []
    for key, name, tag in (("evidence", "What came back", "pre"), ("reproduce", "Reproduce", "pre"),
                           ("why", "Why this fails", "dd"), ("fix", "Fix", "dd"), ("reason", "Waived because", "dd")):
        value = str(test.get(key) or "")
        if not value or (key == "reason" and outcome != "waived"):
            continue
        css = {"reproduce": "curl", "evidence": "evidence"}.get(key, key)
        inner = f'<pre class="{css}">{text(value)}</pre>' if tag == "pre" else text(value)
        details.append(f'<dt>{name}</dt><dd class="{css}">{inner}</dd>')
    if test.get("docs"):
        details.append(f'<dt>Docs</dt><dd class="docs">{text(test["docs"])}</dd>')
    fingerprint = f' data-fingerprint="{text(test["fingerprint"])}"' if test.get("fingerprint") else ""
    return (f'<article class="finding sev-{text(severity or "error")}" data-outcome="{text(outcome)}"{fingerprint}>'
            f'<div>{head}</div><h4 class="title">{text(title)}</h4>'
            f'<div class="test">{text(test.get("id", ""))}{" · fingerprint " + text(test["fingerprint"]) if test.get("fingerprint") else ""}</div>'
            f'<dl>{"".join(details)}</dl></article>')


#: The style of :func:`summary_fragment`, scoped to its container so the host page keeps its own look.
_FRAGMENT_STYLE = (".launchready-scorecard table{border-collapse:collapse;margin:8px 0}"
                   ".launchready-scorecard th,.launchready-scorecard td{border-bottom:1px solid #ddd;padding:3px 8px;"
                   "text-align:left;vertical-align:top}.launchready-scorecard .bar{display:inline-block;width:80px;height:7px;"
                   "background:#eee;margin-right:6px}.launchready-scorecard .bar span{display:block;height:100%;background:#067647}"
                   ".launchready-scorecard .notes{margin:0;padding-left:14px}.launchready-scorecard .v-FAIL,"
                   ".launchready-scorecard .v-ERROR{color:#b42318;font-weight:700}.launchready-scorecard .v-PASS{color:#067647}")


def summary_fragment(rows: list[dict[str, Any]], *, redact: Callable[[str], str] = str) -> str:
    """The launch verdict and the checklist table as a fragment for another HTML report (pytest-html's summary)."""
    def text(value: Any) -> str:
        return escape(redact(str(value)))

    blocking = any(row.get("verdict") in ("FAIL", "ERROR") for row in rows)
    verdict = "NOT READY" if blocking else "no blocking finding"
    table = _table(rows, set(), text)
    return (f'<div class="launchready-scorecard"><style>{_FRAGMENT_STYLE}</style><h2>Launch scorecard</h2>'
            f'<p class="launchready-verdict"><strong>Launch verdict: {verdict}</strong> (pytest-launchready)</p>{table}</div>')
