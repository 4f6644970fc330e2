"""The SARIF 2.1.0 log (``--launchready-sarif=PATH``) that GitHub code scanning and other SARIF
readers turn into alerts.

It is built from the JSON report's data (:func:`pytest_launchready.report.json_report.build`), so it
holds the same redacted findings: one result per failed, warned or waived test (an app-wide finding
is one test, so one result), under one rule per check and kind of case, whose help comes from the
check's docs page. Severity maps to ``level`` and to ``security-severity`` (the score code scanning
ranks alerts by); ``partialFingerprints`` carry the report's stable fingerprint, so an alert keeps
its identity across runs. Each result is located at its route (a logical location) and at a file:
its secrets' files and lines, or the app module's line naming the route (:mod:`.sarif_locations`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pytest_launchready.report.rule_help import RuleHelp
from pytest_launchready.report.sarif_locations import Anchor

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL = "pytest-launchready"
FINGERPRINT_KEY = "launchready/v1"
SRCROOT = "%SRCROOT%"
#: code scanning reads 9.0+ as critical, 7.0-8.9 high, 4.0-6.9 medium, below that low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
#: Kinds that are the check's plain per-route case (or its app-wide form): the check's own rule.
_PLAIN_KINDS = ("", "route", "app-wide")
_REPORTED = ("failed", "warned", "waived")
_EVIDENCE_LIMIT = 2000


def rule_id(check: str, kind: str) -> str:
    """``launchready/tokens/revoked-after-logout``; ``launchready/auth`` for a check's plain cases."""
    if kind in _PLAIN_KINDS:
        return f"launchready/{check}"
    return f"launchready/{check}/{_slug(kind)}"


def build(data: dict[str, Any], helps: dict[str, RuleHelp], srcroot: Path, anchor: Anchor | None) -> dict[str, Any]:
    """The SARIF log of the run ``data`` (the JSON report) describes."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for test in data["tests"]:
        if test["outcome"] not in _REPORTED or "fingerprint" not in test:
            continue
        rid = rule_id(test["check"], test.get("kind", ""))
        rule = rules.get(rid)
        if rule is None:
            rule = rules[rid] = _rule(rid, test["check"], test.get("kind", ""), helps.get(test["check"]))
        rule_score = rule["properties"]["security-severity"]
        score = SECURITY_SEVERITY[test["severity"]]
        if float(score) > float(rule_score):  # a rule is ranked by its worst result
            rule["properties"]["security-severity"] = score
            rule["defaultConfiguration"]["level"] = LEVEL[test["severity"]]
        results.append(_result(test, rid, anchor))
    ordered = sorted(rules)
    for result in results:
        result["ruleIndex"] = ordered.index(result["ruleId"])
    version = data["versions"]["plugin"]
    driver: dict[str, Any] = {"name": TOOL, "rules": [rules[rid] for rid in ordered]}
    if version != "unknown":
        driver["version"] = version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": srcroot.as_uri().rstrip("/") + "/"}},
        "invocations": [{"executionSuccessful": data["exit_status"] in (0, 1), "exitCode": data["exit_status"],
                         "startTimeUtc": data["started_at"]}],
        "results": results,
        "properties": {"verdict": data["verdict"], "target": data["target"]["name"]},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(path: Path, log: dict[str, Any]) -> None:
    """Write ``log`` as indented JSON, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(log, indent=2) + "\n")


def _rule(rid: str, check: str, kind: str, page: RuleHelp | None) -> dict[str, Any]:
    docs = f"docs/checks/{check}.md"
    plain = kind in _PLAIN_KINDS
    title = page.title if page and page.title else check
    short = f"{check}: {title}" if plain else f"{check}: {kind} ({title})"
    what = page.what if page else ""
    parts_md = [f"**{short}**", what]
    parts_text = [short, _plain(what)]
    if page and page.why:
        parts_md += ["## Why it matters", page.why]
        parts_text += ["Why it matters: " + _plain(page.why)]
    if page and page.fix:
        parts_md += ["## Fix", page.fix]
        parts_text += ["Fix: " + _plain(page.fix)]
    parts_md.append(f"Docs: `{docs}`. Each alert's message names what was sent, what came back and the fix for that case.")
    parts_text.append(f"Docs: {docs}")
    return {
        "id": rid,
        "name": "".join(word.capitalize() for word in re.split(r"[^a-zA-Z0-9]+", rid.removeprefix("launchready/")) if word),
        "shortDescription": {"text": short},
        "fullDescription": {"text": _plain(what) or short},
        "help": {"text": "\n\n".join(p for p in parts_text if p), "markdown": "\n\n".join(p for p in parts_md if p)},
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["security", "launchready", check], "precision": "high", "security-severity": "0.0"},
    }


def _result(test: dict[str, Any], rid: str, anchor: Anchor | None) -> dict[str, Any]:
    severity = test["severity"]
    message = [test["title"]]
    if test.get("evidence"):
        evidence = test["evidence"]
        message.append("What came back:\n" + (evidence if len(evidence) <= _EVIDENCE_LIMIT else evidence[:_EVIDENCE_LIMIT] + " ..."))
    if test.get("why"):
        message.append("Why this fails: " + test["why"])
    if test.get("reproduce"):
        message.append("Reproduce:\n  " + test["reproduce"])
    message.append("Fix: " + test["fix"])
    result: dict[str, Any] = {
        "ruleId": rid,
        "level": LEVEL[severity],
        "message": {"text": "\n\n".join(message)},
        "locations": _locations(test, anchor),
        "partialFingerprints": {FINGERPRINT_KEY: test["fingerprint"]},
        "properties": {"security-severity": SECURITY_SEVERITY[severity], "severity": severity, "test": test["id"],
                       "route": test["route"], "outcome": test["outcome"], "docs": test["docs"]},
    }
    if test["outcome"] == "waived":
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": test.get("reason") or "launchready_waivers"}]
    return result


def _locations(test: dict[str, Any], anchor: Anchor | None) -> list[dict[str, Any]]:
    logical = [{"name": test["route"], "fullyQualifiedName": f"{test['check']}[{test['route']}]", "kind": "function"}]
    files = [(str(spot["path"]), int(spot["line"])) for spot in test.get("locations", [])]
    if not files and anchor is not None:
        files = [(anchor.path, anchor.line_of(test["route"]))]
    if not files:
        return [{"logicalLocations": logical}]
    return [{"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": SRCROOT},
                                  "region": {"startLine": max(line, 1)}},
             "logicalLocations": logical} for path, line in files]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "case"


def _plain(markdown: str) -> str:
    """Markdown as plain text: emphasis and code marks dropped, links as their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    return re.sub(r"\*\*|`", "", text).strip()
