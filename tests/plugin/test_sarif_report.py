"""The SARIF log (``--launchready-sarif``) is what GitHub code scanning accepts: valid against the OASIS
SARIF 2.1.0 schema (vendored in tests/data, validated offline), one rule per check and kind with the
check's docs as help, one result per finding located at its route and at a file (the secret's line),
severity as ``level`` and ``security-severity``, and the JSON report's fingerprint as identity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.gitrepo import commit, git, isolate_git
from support.logins import ORG_ROLE_LOGIN
from support.paths import SAMPLES, load_sample_generator
from support.projects import frame_project, make_project

DATA = Path(__file__).parents[1] / "data"
DOCS = Path(__file__).parents[2] / "docs"
ARGS = ("-p", "no:cacheprovider", "--launchready-sarif=out/launchready.sarif", "--launchready-report=out/launchready.json")


def validate(log: dict[str, Any]) -> None:
    """Fail with jsonschema's message when ``log`` is not SARIF 2.1.0 by the OASIS schema."""
    import jsonschema

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)


def read_outputs(pytester: pytest.Pytester) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]:
    """(the SARIF run, its rules by id, the JSON report's tests by id), the SARIF log validated."""
    log = json.loads((pytester.path / "out" / "launchready.sarif").read_text())
    validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    report = json.loads((pytester.path / "out" / "launchready.json").read_text())
    return run, {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}, {t["id"]: t for t in report["tests"]}


def test_a_finding_is_one_result_under_its_checks_rule(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", *ARGS)
    assert result.ret == 1
    result.stdout.fnmatch_lines([f"SARIF written to {pytester.path / 'out' / 'launchready.sarif'}"])
    run, rules, tests = read_outputs(pytester)
    [found] = run["results"]
    assert list(rules) == ["launchready/auth"] and found["ruleId"] == "launchready/auth" and found["ruleIndex"] == 0
    assert (found["level"], found["properties"]["security-severity"], found["properties"]["severity"]) == ("error", "9.5", "critical")
    assert rules["launchready/auth"]["properties"]["security-severity"] == "9.5"
    assert rules["launchready/auth"]["defaultConfiguration"]["level"] == "error"
    json_entry = tests["test_auth[GET /items]"]
    assert found["partialFingerprints"] == {"launchready/v1": json_entry["fingerprint"]}
    assert found["message"]["text"].startswith("Sent GET /items with no credentials: the route answered it successfully.")
    assert "Reproduce:\n  curl" in found["message"]["text"] and "Fix: " in found["message"]["text"]
    [where] = found["locations"]
    assert where["logicalLocations"] == [{"name": "GET /items", "fullyQualifiedName": "auth[GET /items]", "kind": "function"}]
    # The app module, on the line of the decorator that names the route's path.
    lines = (pytester.path / "myapp.py").read_text().splitlines()
    physical = where["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "myapp.py", "uriBaseId": "%SRCROOT%"}
    assert '"/items"' in lines[physical["region"]["startLine"] - 1]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == pytester.path.resolve().as_uri() + "/"
    # The rule's help is the check's docs page: what it proves and the fix path.
    help_md = rules["launchready/auth"]["help"]["markdown"]
    assert "every private route rejects requests without valid credentials" in help_md
    assert "Put authentication in front of every private route" in help_md and "docs/checks/auth.md" in help_md
    assert run["invocations"][0]["exitCode"] == 1 and run["properties"]["verdict"] == "not_ready"


def test_a_secure_app_gives_a_valid_log_without_results(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", *ARGS)
    assert result.ret == 0
    run, rules, _ = read_outputs(pytester)
    assert run["results"] == [] and rules == {}
    assert run["invocations"][0] == {"executionSuccessful": True, "exitCode": 0, "startTimeUtc": run["invocations"][0]["startTimeUtc"]}
    assert run["tool"]["driver"]["name"] == "pytest-launchready"


def test_an_app_wide_finding_is_one_result(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_FLAW", "reflect-all")
    make_project(pytester, "cors_fastapi", "launchready_public_routes =\n    GET /health\n")
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=cors", *ARGS)
    run, rules, tests = read_outputs(pytester)
    [found] = run["results"]
    assert found["ruleId"] == "launchready/cors" and found["properties"]["test"] == "test_cors[app-wide]"
    assert found["locations"][0]["logicalLocations"][0]["name"] == "app-wide"
    assert found["partialFingerprints"]["launchready/v1"] == tests["test_cors[app-wide]"]["fingerprint"]
    assert sum(t["outcome"] == "covered" for t in tests.values()) >= 2  # the routes it covers: no result of their own


def test_warnings_are_notes_and_waived_findings_are_suppressed(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    make_project(pytester, "frame_fastapi", "launchready_public_routes =\n    POST /auth/login\n    GET /health\n"
                 "launchready_waivers =\n    test_auth[GET /items]: internal listing, accepted until the beta ends\n", ORG_ROLE_LOGIN)
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", *ARGS)
    run, _, _ = read_outputs(pytester)
    [waived] = run["results"]
    assert waived["properties"]["outcome"] == "waived"
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "internal listing, accepted until the beta ends"}]

    monkeypatch.setenv("CORS_FLAW", "refuses-allowed")
    make_project(pytester, "cors_fastapi", "launchready_public_routes =\n    GET /health\n"
                 "launchready_allowed_origins =\n    https://app.example.com\n")
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=cors", *ARGS)
    run, rules, _ = read_outputs(pytester)
    notes = [r for r in run["results"] if r["properties"]["outcome"] == "warned"]
    assert notes and {(r["level"], r["properties"]["security-severity"]) for r in notes} == {("note", "3.0")}
    assert {rules[r["ruleId"]]["defaultConfiguration"]["level"] for r in notes} == {"note"}


def test_a_secret_is_located_at_its_file_and_line(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)
    key = load_sample_generator().Keys(seed=41).stripe()
    pytester.makeini("[pytest]\n")
    git(pytester.path, "init", "-q", "-b", "main")
    commit(pytester.path, "billing", {"README.md": (SAMPLES / "clean" / "README.md").read_text(),
                                      "app/billing.py": f"import stripe\n\nstripe.api_key = '{key}'\n"})
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=secrets", *ARGS)
    run, rules, tests = read_outputs(pytester)
    by_test = {r["properties"]["test"]: r for r in run["results"]}
    assert sorted(by_test) == ["test_secrets[history]", "test_secrets[tree]"]
    assert sorted(rules) == ["launchready/secrets/history", "launchready/secrets/tree"]
    for test_id, found in by_test.items():
        [where] = found["locations"]
        assert where["physicalLocation"] == {"artifactLocation": {"uri": "app/billing.py", "uriBaseId": "%SRCROOT%"},
                                             "region": {"startLine": 3}}
        assert tests[test_id]["locations"] == [{"path": "app/billing.py", "line": 3}]
        assert found["level"] == "error" and found["properties"]["security-severity"] == "9.5"
    text = (pytester.path / "out" / "launchready.sarif").read_text()
    assert key not in text and key[8:] not in text


def test_rule_help_shipped_with_the_package_matches_the_docs_pages() -> None:
    """rule_help.json is made from docs/checks: after editing a page, run
    ``python -m pytest_launchready.report.rule_help docs/checks``."""
    from pytest_launchready.report import rule_help

    shipped = (Path(rule_help.__file__).with_name(rule_help.HELP_FILE)).read_text()
    assert shipped == rule_help.as_json(rule_help.from_docs(DOCS / "checks")), (
        "rule_help.json is stale: run python -m pytest_launchready.report.rule_help docs/checks")
    helps = rule_help.load()
    from pytest_launchready.config.check_names import CHECK_MODULES

    incomplete = [name for name in CHECK_MODULES if not all(helps[name])]
    assert not incomplete, f"pages without a title, first paragraph, 'Why' section or fix section: {incomplete}"
    assert helps["webhooks"].why.startswith("A receiver URL is public")  # its "## Why it matters" section
    assert helps["auth"].fix.startswith("Put authentication in front of every private route")


def test_rule_ids_one_per_check_and_kind() -> None:
    from pytest_launchready.report.sarif import rule_id

    assert rule_id("auth", "route") == rule_id("auth", "") == rule_id("cors", "app-wide").replace("cors", "auth")
    assert rule_id("tokens", "revoked after logout") == "launchready/tokens/revoked-after-logout"
    assert rule_id("tenant_isolation", "write") != rule_id("tenant_isolation", "read")


def test_a_live_targets_results_point_at_the_ini_line_that_names_it(tmp_path: Path) -> None:
    from pytest_launchready.report.sarif_locations import route_anchor

    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n# the staging API\nlaunchready_base_url = https://staging.example.com\n")
    anchor = route_anchor("", ini, tmp_path)
    assert anchor is not None and (anchor.path, anchor.line_of("GET /items/{item_id}")) == ("pytest.ini", 3)
    assert route_anchor("", tmp_path.parent / "elsewhere.ini", tmp_path) is None  # outside the repository: no file


def test_a_route_is_found_in_each_frameworks_spelling_of_its_path() -> None:
    from pytest_launchready.report.sarif_locations import Anchor

    source = 'app = Flask(__name__)\n\n@app.get("/items/<int:item_id>")\ndef item(item_id): ...\n' \
             "urlpatterns = [path('orgs/<slug:org>/members/', members)]\n@router.get('/users/:id')\n"
    anchor = Anchor("app.py", source)
    assert anchor.line_of("GET /items/{item_id}") == 3
    assert anchor.line_of("GET /users/{id}") == 6
    assert anchor.line_of("POST /nowhere") == 1 and anchor.line_of("app-wide") == 1
