"""A failed check's finding travels as data: the JSON report lists it, located and redacted."""

from __future__ import annotations

import json

import pytest

from support.projects import make_project


@pytest.mark.parametrize("workers", [[], ["-n", "2", "--dist=load"]], ids=["one process", "xdist"])
def test_the_json_report_lists_each_finding_with_its_check_route_and_reproduction(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: list[str],
) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    make_project(pytester, "frame_fastapi", "launchready_public_routes =\n    POST /auth/login\n    GET /health\n")
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider",
                                           "--launchready-report=card.json", *workers)
    assert result.ret == 1
    findings = json.loads((pytester.path / "card.json").read_text())["findings"]
    assert [(f["test"], f["check"], f["route"]) for f in findings] == [("test_auth[GET /items]", "auth", "GET /items")]
    finding = findings[0]
    assert finding["title"] == "Sent GET /items with no credentials: the route answered it successfully."
    assert finding["evidence"].splitlines()[0] == "GET http://testserver/items -> 200 OK"
    assert finding["reproduce"] == "curl -i -X GET http://testserver/items"
    assert finding["docs"] == "docs/checks/auth.md" and finding["why"] and finding["fix"]
    assert finding["title"] in result.stdout.str()  # the same words as the terminal's failure
