"""The HTML scorecard (``--launchready-html``), seen as a founder sees it: rendered by headless Chromium,
one self-contained page with the checklist's rows, the findings (severity, evidence, curl) and the load
check's latency chart; every text escaped, no secret. A screenshot of each rendered page is kept in the
pytest tmp dir (its path is printed: ``-s`` or ``-rA`` shows it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_launchready.report.latency_chart import PLOT_WIDTH
from support.browser import Element, dump_dom, parse, require_chromium, screenshot
from support.loadproject import LOAD_INI as SHARED_LOAD_INI
from support.logins import ORG_ROLE_LOGIN
from support.projects import frame_project, make_project


#: Added to a copy of the page only: writes each bar's laid-out width where --dump-dom shows it (a CSS rule
#: can override an SVG width attribute, so the attributes alone do not prove what a reader sees).
MEASURE = ("<script>document.querySelectorAll('rect.lat, span.bar > span').forEach(e => "
           "e.setAttribute('data-rendered-width', e.getBoundingClientRect().width.toFixed(1)));</script>")


@pytest.fixture
def browser() -> str:
    """Chromium's executable: the test skips without it (fails with LAUNCHREADY_REQUIRE_BROWSER=1)."""
    return require_chromium()


def rendered(browser: str, page: Path, shots: Path, name: str) -> Element:
    """``page`` as Chromium laid it out (the DOM after load, each bar's rendered width added), with a
    screenshot of the page itself kept as ``shots/name.png``."""
    shot = screenshot(browser, page, shots / f"{name}.png", shots / "profile", size="1200,2400")
    print(f"screenshot of the HTML scorecard: {shot}")
    probe = shots / f"{name}-measured.html"
    probe.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    return parse(dump_dom(browser, probe, shots / "profile"))


def width(element: Element) -> float:
    """The element's width as Chromium laid it out."""
    return float(element.attrs["data-rendered-width"])


def assert_self_contained(page: Path) -> None:
    """No script, style sheet, image, frame or font fetched: the file opens offline, as it is."""
    dom = parse(page.read_text())
    everything = dom.find()
    assert not [e.tag for e in everything if e.tag in ("script", "link", "img", "iframe", "object", "embed")]
    fetched = [(e.tag, k, v) for e in everything for k, v in e.attrs.items()
               if k in ("src", "href", "srcset", "data", "action") and not v.startswith("#")]
    assert fetched == []
    assert not [s.text for s in dom.find("style") if "url(" in s.text or "@import" in s.text]


def test_the_page_shows_the_rows_and_each_finding_with_its_severity_and_curl(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, browser: str,
) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider",
                                          "--launchready-html=out/scorecard.html", "--launchready-report=launchready.json")
    assert result.ret == 1
    result.stdout.fnmatch_lines([f"HTML scorecard written to {pytester.path / 'out' / 'scorecard.html'}"])
    report = json.loads((pytester.path / "launchready.json").read_text())
    page = pytester.path / "out" / "scorecard.html"
    assert_self_contained(page)
    dom = rendered(browser, page, tmp_path_factory.mktemp("html-scorecard"), "auth")
    assert dom.find(id="verdict")[0].text == "Launch verdict: NOT READY"

    rows = dom.find("tr", "row")
    assert [r.attrs["data-check"] for r in rows] == [row["check"] for row in report["checks"]]
    auth = rows[0]
    assert auth.attrs["data-verdict"] == "FAIL" and auth.find("span", "badge")[0].text == "FAIL"
    checks = {row["check"]: row for row in report["checks"]}
    assert auth.find("td", "coverage")[0].text == f"{checks['auth']['tested']}/{checks['auth']['total']} routes"
    bar = auth.find("span", "bar")[0]
    assert bar.attrs["aria-valuenow"] == str(checks["auth"]["tested"])
    assert width(bar.find("span")[0]) == pytest.approx(100 * checks["auth"]["tested"] / checks["auth"]["total"], abs=1)
    assert [li.text for li in auth.find("li")] == checks["auth"]["note_parts"]
    assert auth.find("a")[0].attrs["href"] == "#findings-auth"
    assert rows[-1].find("span", "badge")[0].text == "NOT RUN"  # load: opt-in

    (group,) = dom.find("section", "check-findings")
    assert group.attrs["id"] == "findings-auth" and "1 finding, worst critical" in group.find("h3")[0].text
    (finding,) = group.find("article", "finding")
    failed = next(t for t in report["tests"] if t["outcome"] == "failed")
    assert finding.find("span", "severity")[0].text == "CRITICAL"
    assert finding.find("code", "route")[0].text == "GET /items"
    assert finding.find("h4", "title")[0].text == failed["title"]
    assert finding.find("pre", "evidence")[0].text == failed["evidence"]
    curl = finding.find("pre", "curl")[0].text
    assert curl == failed["reproduce"] and curl.startswith("curl ") and "http://testserver/items" in curl
    assert finding.attrs["data-fingerprint"] == failed["fingerprint"]
    assert finding.find("dd", "fix")[0].text == failed["fix"]


LOAD_INI = SHARED_LOAD_INI.replace("launchready_load_duration = 3", "launchready_load_duration = 2")


def test_the_load_check_draws_latency_per_route_against_the_budget(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, browser: str,
) -> None:
    monkeypatch.setenv("LOAD_FLAWS", "slow-list")
    make_project(pytester, "load_fastapi", LOAD_INI, ORG_ROLE_LOGIN)
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=load", "-p", "no:cacheprovider",
                                 "--launchready-html=scorecard.html", "--launchready-report=launchready.json")
    report = json.loads((pytester.path / "launchready.json").read_text())
    figures = {t["route"]: t["figures"] for t in report["tests"] if t.get("figures")}
    assert len(figures) == 4, report["tests"]
    assert_self_contained(pytester.path / "scorecard.html")
    dom = rendered(browser, pytester.path / "scorecard.html", tmp_path_factory.mktemp("html-load-chart"), "load")
    (chart,) = dom.find("svg", "latency-chart")
    groups = chart.find("g", "route")
    assert [g.attrs["data-route"] for g in groups] == ["GET /notes", "GET /notes/{note_id}", "POST /notes", "overall"]
    for group in groups:
        shown = {bar.attrs["class"].split()[1]: bar.attrs["data-ms"] for bar in group.find("rect", "lat")}
        line = figures[group.attrs["data-route"]]
        assert all(f"{name} {ms} ms" in line for name, ms in shown.items()) and len(shown) == 3, (shown, line)
    slow = groups[0]
    assert "failed" in slow.classes and [g for g in groups[1:3] if "failed" in g.classes] == []
    (budget,) = chart.find("line", "budget")
    p95 = slow.find("rect", "p95")[0]
    assert float(p95.attrs["x"]) + float(p95.attrs["width"]) > float(budget.attrs["x1"])  # the slow list's p95 crosses it
    # Drawn to scale as laid out: the axis spans PLOT_WIDTH pixels up to its last tick.
    axis_end = float(chart.find("text", "tick")[-1].text.removesuffix(" ms"))
    assert width(p95) == pytest.approx(PLOT_WIDTH * float(p95.attrs["data-ms"]) / axis_end, abs=2)
    fast = groups[1].find("rect", "p95")[0]
    assert width(fast) == pytest.approx(max(PLOT_WIDTH * float(fast.attrs["data-ms"]) / axis_end, 1), abs=2)
    assert "p95 budget 500 ms" in chart.text


HOSTILE = "<script>alert('x')</script>"
SECRET = "sk_live_not-a-real-key-123456"
URL_PASSWORD = "pw-staging-9"  # a base URL's password: masked by shape, never registered


def hostile_report() -> dict[str, Any]:
    row = {"check": "auth", "verdict": "FAIL", "tested": 1, "total": 2, "unit": "routes", "notes": HOSTILE,
           "note_parts": [HOSTILE], "failed": ["test_auth[x]"], "not_run": 0, "error_kind": "set-up"}
    test = {"id": "test_auth[GET /x]", "check": "auth", "route": f"GET /x{HOSTILE}", "outcome": "failed",
            "severity": "high", "title": f"title {HOSTILE}", "evidence": f"body: {SECRET} & {HOSTILE}",
            "reproduce": f"curl -H 'x-key: {SECRET}' http://testserver/x", "why": HOSTILE, "fix": HOSTILE,
            "docs": "docs/checks/auth.md", "fingerprint": "0123456789abcdef", "warnings": []}
    load = {"id": "test_load[GET /y]", "check": "load", "route": f"GET /y{HOSTILE}", "outcome": "passed",
            "figures": "10 requests, 2.0/s, p50 1 ms, p95 2 ms, p99 3 ms, 0 errors (0.0%)", "warnings": []}
    return {"verdict": "not_ready", "target": {"name": f"https://deploy:{URL_PASSWORD}@staging.example/{HOSTILE}", "reached_by": "--launchready-url"},
            "versions": {"plugin": "0", "python": "3", "pytest": "8"}, "started_at": "2026-01-01T00:00:00Z",
            "exit_status": 1, "counts": {"failed": 1}, "checks": [row], "tests": [test, load]}


def test_every_text_is_escaped_and_the_sessions_secrets_are_masked() -> None:
    from pytest_launchready.redact import Redactor
    from pytest_launchready.report.html_report import render, summary_fragment

    redactor = Redactor()
    redactor.add(SECRET)
    for page in (render(hostile_report(), redact=redactor, p95_budget_ms=500),
                 summary_fragment(hostile_report()["checks"], redact=redactor)):
        assert "<script" not in page and SECRET not in page and URL_PASSWORD not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    page = render(hostile_report(), redact=redactor)
    assert "body: [REDACTED] &amp; &lt;script&gt;" in page and "x-key: [REDACTED]" in page
    assert page.count('<g class="route" data-route="GET /y&lt;script&gt;') == 1


def test_pytest_html_reports_carry_the_launch_scorecard(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pytest_html")
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider",
                                          "--html=pytest-html.html", "--self-contained-html")
    assert result.ret == 1
    dom = parse((pytester.path / "pytest-html.html").read_text())
    (scorecard,) = dom.find("div", "launchready-scorecard")
    assert "Launch verdict: NOT READY" in scorecard.find("p", "launchready-verdict")[0].text
    rows = scorecard.find("tr", "row")
    assert rows[0].attrs == {"class": "row", "data-check": "auth", "data-verdict": "FAIL"} and len(rows) > 10


RECORDING_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        token = launchready_client.post("/auth/login", json={"org": tenant, "role": role}).json()["access_token"]
        with open("issued_tokens.txt", "a") as handle:
            handle.write(token + "\\n")
        return Credentials(headers={"Authorization": f"Bearer {token}"})
    return login
'''


def test_no_token_or_key_of_the_run_reaches_the_page(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A token still accepted after logout is a finding whose curl carries that token: the page shows it
    masked, and neither any token the run was issued nor the JWT key appears anywhere in it."""
    key = "k3y-for-the-html-test-" + "x" * 24
    monkeypatch.setenv("TOKENS_FLAWS", "no-revoke")
    monkeypatch.setenv("TOKENS_SECRET", key)
    make_project(pytester, "tokens_app", "launchready_public_routes =\n    POST /auth/login\n    GET /health\n"
                 "launchready_jwt_key = env:TOKENS_SECRET\nlaunchready_logout_route = POST /auth/logout\n", RECORDING_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tokens", "-p", "no:cacheprovider",
                                          "-k", "revoked or expired", "--launchready-html=scorecard.html")
    assert result.ret == 1, result.stdout.str()
    page = (pytester.path / "scorecard.html").read_text()
    issued = (pytester.path / "issued_tokens.txt").read_text().split()
    assert issued and not [token for token in issued if token in page] and key not in page
    (curl,) = parse(page).find("pre", "curl")
    assert "Bearer [REDACTED]" in curl.text, curl.text
