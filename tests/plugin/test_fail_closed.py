"""The frame as users meet it: opt-in, targets, generated ids, scorecard, fail-closed errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.logins import ORG_ROLE_LOGIN
from support.projects import frame_project

# Sorted by path, then method: the order every run and every xdist worker collects.
FASTAPI_IDS = [
    "launchready::test_auth[POST /auth/login]",
    "launchready::test_auth[GET /crash]",
    "launchready::test_auth[GET /docs]",
    "launchready::test_auth[GET /docs/oauth2-redirect]",
    "launchready::test_auth[GET /health]",
    "launchready::test_auth[GET /items]",
    "launchready::test_auth[GET /items/{item_id}]",
    "launchready::test_auth[GET /openapi.json]",
    "launchready::test_auth[GET /redoc]",
]
AUTH_ONLY = "--launchready-checks=auth"


def test_not_enabled_generates_nothing(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    pytester.makepyfile(test_user="def test_mine():\n    pass\n")
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["test_user.py::test_mine", "1 test collected*"])
    assert "launchready::" not in result.stdout.str()


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, pytest_launchready, pytest_launchready.plugin\n"
        "heavy = [m for m in ('httpx', 'hypothesis', 'locust', 'dns', 'jwt', 'fastapi', 'anyio') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_collect_only_pins_sorted_ids(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "--collect-only", "-q", "-p", "no:cacheprovider")
    collected = [line for line in result.stdout.lines if line.startswith("launchready::")]
    assert collected == FASTAPI_IDS
    assert result.ret == 0


def test_ini_switch_enables_too(pytester: pytest.Pytester) -> None:
    frame_project(pytester, extra_ini="launchready = true")
    result = pytester.runpytest_inprocess(AUTH_ONLY, "--collect-only", "-q", "-p", "no:cacheprovider")
    assert sum(line.startswith("launchready::test_auth[") for line in result.stdout.lines) == len(FASTAPI_IDS)


def test_secure_app_passes_with_scorecard(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRAME_FLAWS", raising=False)
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "-v", "-p", "no:cacheprovider", "--launchready-report=card.json")
    result.stdout.fnmatch_lines(
        [
            "*test_auth?GET /health? SKIPPED*",
            "*test_auth?GET /items? PASSED*",
            "*test_auth?GET /items/{item_id}? PASSED*",
            "*launch scorecard*",
            "auth*PASS*3/3 routes*6 by design*",
            "mail*NOT RUN*not selected*",
        ]
    )
    assert result.ret == 0
    card = json.loads((pytester.path / "card.json").read_text())["scorecard"]
    auth = next(row for row in card if row["check"] == "auth")
    assert (auth["verdict"], auth["tested"], auth["total"]) == ("PASS", 3, 3)


def test_vulnerable_route_fails_by_name(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "-rf")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "*launch scorecard*", "auth*FAIL*1 failed: test_auth[[]GET /items[]]*"])
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /items]"]
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /crash]", "launchready::test_auth[GET /items/{item_id}]"]
    assert result.ret == 1


def test_wsgi_flask_app_in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester, app="frame_flask")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY)
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /items]"]
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /items/{item_id}]"]
    assert result.ret == 1


def test_xdist_gives_same_ids_and_scorecard(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result = pytester.runpytest_subprocess("--launchready", AUTH_ONLY, "-n", "2", "-p", "no:cacheprovider", "-rf")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "*launch scorecard*", "auth*FAIL*"])
    result.assert_outcomes(passed=2, failed=1, skipped=6)


def test_checks_option_rejects_unknown_names(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,nope")
    result.stderr.fnmatch_lines(["*unknown check nope; valid checks: auth, tokens*"])
    assert result.ret == 4


def test_markers_select_checks(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "-m", "launchready_auth and not launchready_mail", "--collect-only", "-q")
    assert sum(line.startswith("launchready::") for line in result.stdout.lines) == len(FASTAPI_IDS)


# --- Fail closed ---------------------------------------------------------------------------------


def test_bad_ini_value_is_a_usage_error(pytester: pytest.Pytester) -> None:
    frame_project(pytester, extra_ini="launchready_timeout = soon")
    result = pytester.runpytest_inprocess("--launchready")
    result.stderr.fnmatch_lines(["*launchready_timeout = 'soon' is not valid: expected a number from 0.1 to 600*"])
    assert result.ret == 4
    assert "launch scorecard" not in result.stdout.str()


def test_app_import_failure_is_an_error(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    pytester.makeini("[pytest]\nlaunchready_app = nosuchmodule:app\n")
    result = pytester.runpytest_inprocess("--launchready")
    result.stderr.fnmatch_lines(["*launchready_app = 'nosuchmodule:app': importing 'nosuchmodule' failed*"])
    assert result.ret == 4


def test_app_raising_on_import_names_where(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp="import os\n\ndef settings():\n    return os.environ['LR_TEST_UNSET_DSN']\n\nDSN = settings()\n")
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\n")
    result = pytester.runpytest_inprocess("--launchready", "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*importing 'myapp' failed: KeyError: 'LR_TEST_UNSET_DSN' (at myapp.py:4, in settings). Fix that error*"])
    assert result.ret == 4


def test_no_routes_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp="from fastapi import FastAPI\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n")
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\n")
    result = pytester.runpytest_inprocess("--launchready")
    result.stderr.fnmatch_lines(["*no routes discovered for myapp:app*"])
    assert result.ret == 4
    assert "launch scorecard" not in result.stdout.str()


def test_malformed_spec_is_an_error(pytester: pytest.Pytester) -> None:
    frame_project(pytester, extra_ini="launchready_openapi = spec.json")
    pytester.path.joinpath("spec.json").write_text("{not json")
    result = pytester.runpytest_inprocess("--launchready")
    assert result.ret == 4
    assert "spec.json" in result.stderr.str()


def test_no_target_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth")
    result.stderr.fnmatch_lines(["*no target for the checks auth: set launchready_app*"])
    assert result.ret == 4


def test_unreachable_live_target_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nlaunchready_base_url = http://127.0.0.1:9\n")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth")
    result.stderr.fnmatch_lines(["*target http://127.0.0.1:9 is unreachable*"])
    assert result.ret == 4


def test_public_routes_are_not_gaps_even_when_strict(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "--launchready-strict")
    assert outcomes.ids("failed") == []
    assert len(outcomes.ids("passed")) == 3
    result.stdout.fnmatch_lines(["auth*PASS*3/3 routes*6 by design: public route*"])
    assert result.ret == 0


@pytest.mark.parametrize("strict", [[], ["--launchready-strict"]], ids=["plain", "strict"])
def test_selected_checks_that_can_test_nothing_are_a_usage_error(pytester: pytest.Pytester, strict: list[str]) -> None:
    pytester.makeini("[pytest]\n")  # no mail domains: the mail check has nothing to test
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=mail", *strict, "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*the selected checks can test nothing with the current settings (mail: set launchready_mail_domains*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_strict_fails_a_check_that_could_not_run(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)  # auth runs; mail has no domain (its one case is NOT RUN, skipped at setup)
    result, _ = run_launchready("--launchready", "--launchready-checks=auth,mail", "--launchready-strict")
    result.stdout.fnmatch_lines([
        "*NOT RUN: set launchready_mail_domains (failing because of --launchready-strict)*",
        "mail *FAIL *0/1 tests *",
    ])
    assert result.ret == 1


def test_checks_not_built_are_refused_by_name(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,webhooks", "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*--launchready-checks: webhooks: not built in this version*built checks: auth, tokens,*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize("status", ["200", "302", "500"])
def test_a_deny_status_that_is_not_4xx_is_a_usage_error(pytester: pytest.Pytester, status: str) -> None:
    frame_project(pytester, extra_ini=f"launchready_deny_status = {status}")
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines([f"*launchready_deny_status = {status} is not valid: expected 4xx status codes only*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_waiver_reports_failure_as_waived_not_hidden(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    # Brackets are literal in a waiver, as in the test id; only * and ? are wildcards.
    frame_project(pytester, extra_ini="launchready_waivers = test_auth[GET /items]: internal catalogue, public on purpose")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "-rx")
    assert outcomes.ids("xfailed") == ["launchready::test_auth[GET /items]"]
    result.stdout.fnmatch_lines(["auth*WAIVED*1 waived: test_auth[[]GET /items[]]*"])
    assert result.ret == 0


def test_same_identity_for_a_and_b_is_an_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "same-user")
    frame_project(pytester)
    pytester.makepyfile(test_qa="def test_b_is_not_a(tenant_b):\n    pass\n")
    result, outcomes = run_launchready("test_qa.py")
    assert outcomes.ids("error") == ["test_qa.py::test_b_is_not_a"]
    result.stdout.fnmatch_lines(["*launchready_login returned the same credentials for 'lr-*-a' (owner) and 'lr-*-b' (owner)*"])
    assert "tok-shared" not in result.stdout.str()


def test_missing_login_is_explained_to_qa_tests(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, conftest="")
    pytester.makepyfile(test_qa="def test_a(tenant_a):\n    pass\n")
    result, outcomes = run_launchready("test_qa.py")
    assert outcomes.ids("error") == ["test_qa.py::test_a"]
    result.stdout.fnmatch_lines(["*launchready_login is not defined*", "*Define a `launchready_login` fixture in your rootdir conftest.py*"])


def test_missing_login_with_an_authorization_check_is_a_usage_error(pytester: pytest.Pytester) -> None:
    frame_project(pytester, conftest="")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,tokens")
    result.stderr.fnmatch_lines(["*the checks tokens need tenants, and launchready_login is not defined*"])
    assert result.ret == 4


def test_login_in_a_subfolder_conftest_is_pointed_out(pytester: pytest.Pytester) -> None:
    frame_project(pytester, conftest="")
    pytester.mkpydir("sub").joinpath("conftest.py").write_text(ORG_ROLE_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,tokens", "-p", "no:cacheprovider", "sub")
    result.stderr.fnmatch_lines(["*launchready_login is not defined. sub/conftest.py defines it, but * move it there.*"])
    assert result.ret == 4


def test_without_login_auth_still_runs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester, conftest="")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY)
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /items]"]


def test_credentials_never_reach_the_output(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)
    pytester.makepyfile(
        test_qa="import logging\n"
        "def test_show(tenant_a):\n"
        "    token = tenant_a.credentials.token\n"
        "    logging.getLogger('qa').warning('using %s', token)\n"
        "    assert (tenant_a.credentials, token) is None\n"
    )
    result, outcomes = run_launchready("test_qa.py", "--showlocals", "-vv")
    out = result.stdout.str()
    assert outcomes.ids("failed") == ["test_qa.py::test_show"]
    assert "Credentials(headers={'Authorization': '[REDACTED]'})" in out
    assert "using [REDACTED]" in out  # the captured log section too
    assert "tok-lr-" not in out


def test_spec_url_path_is_read_from_the_in_process_app(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="launchready_openapi = /openapi.json")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY)
    assert len(outcomes.ids("passed")) == 3
    result.stdout.fnmatch_lines(["routes: 9 (6 public) from *"])


def test_a_public_route_matching_nothing_is_warned_about(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="    GET /healthz")
    result, _ = run_launchready("--launchready", AUTH_ONLY)
    result.stdout.fnmatch_lines(["*route discovery: launchready_public_routes*GET /healthz*"])


def test_last_failed_reruns_only_the_failed_route(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    first = pytester.runpytest_inprocess("--launchready", AUTH_ONLY)
    first.assert_outcomes(failed=1, passed=2, skipped=6)
    again = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "--lf", "-v")
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*test_auth?GET /items? FAILED*"])


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-login", "*the checks tokens need tenants, and launchready_login is not defined*"),
        ("no-routes", "*no routes discovered for myapp:app*"),
        ("login-in-subfolder", "*not defined. sub/conftest.py defines it, but * move it there.*"),
    ],
)
def test_fail_closed_errors_under_xdist_are_usage_errors(pytester: pytest.Pytester, setup: str, message: str) -> None:
    if setup == "no-login":
        frame_project(pytester, conftest="")
    elif setup == "login-in-subfolder":
        frame_project(pytester, conftest="")
        pytester.mkpydir("sub").joinpath("conftest.py").write_text(ORG_ROLE_LOGIN)
    else:
        pytester.makepyfile(myapp="from fastapi import FastAPI\napp = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)\n")
        pytester.makeini("[pytest]\nlaunchready_app = myapp:app\n")
    paths = ["sub"] if setup == "login-in-subfolder" else []  # loads sub/conftest.py on the controller too
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=auth,tokens", "-n", "2", "-p", "no:cacheprovider", *paths)
    result.stderr.fnmatch_lines([message])
    assert result.ret == 4
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_django_wsgi_app_in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A subprocess: Django's settings can be configured once per process.
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester, app="frame_django")
    result = pytester.runpytest_subprocess("--launchready", AUTH_ONLY, "-p", "no:cacheprovider", "-rA")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "routes: 4 (2 public) from django introspection*"])
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    assert "PASSED launchready::test_auth[GET /items/{item_id}]" in result.stdout.str()


def test_scorecard_does_not_depend_on_report_order() -> None:
    from pytest_launchready.report.scorecard import Scorecard

    def report(route: str) -> pytest.TestReport:
        nodeid = f"launchready::test_auth[{route}]"
        props = [("launchready_check", "auth"), ("launchready_route", route), ("launchready_routes_total", "3")]
        return pytest.TestReport(nodeid, ("launchready", None, ""), {}, "failed", "boom", "call", user_properties=props)

    routes = ["GET /a", "GET /b", "GET /c"]
    rows = []
    for order in (routes, routes[::-1]):  # as two xdist workers may deliver them
        card = Scorecard()
        for route in order:
            card.record("auth", report(route))
        rows.append(card.rows(["auth"])[0])
    assert rows[0] == rows[1]
    assert rows[0].failed == ["test_auth[GET /a]", "test_auth[GET /b]", "test_auth[GET /c]"]


def test_a_waiver_that_matches_nothing_is_warned_about(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="launchready_waivers = test_auth[GET /itemz]: typo")
    result, _ = run_launchready("--launchready", AUTH_ONLY)
    result.stdout.fnmatch_lines(["*launchready_waivers: 'test_auth[[]GET /itemz[]]' matches no generated test*"])
