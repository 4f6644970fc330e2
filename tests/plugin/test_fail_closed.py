"""Failing closed: a setting that is wrong or tests nothing, and a missing app, spec, target, routes or login, are
errors before any test runs (usage errors, under xdist too), never NOT RUN or a silent pass; one identity for
two tenants is a set-up error; settings that match nothing are warned about."""

from __future__ import annotations

import pytest

from support.logins import ORG_ROLE_LOGIN
from support.projects import frame_project

AUTH_ONLY = "--launchready-checks=auth"


def test_checks_option_rejects_unknown_names(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,nope")
    result.stderr.fnmatch_lines(["*unknown check nope; valid checks: auth, tokens*"])
    assert result.ret == 4


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


@pytest.mark.parametrize("strict", [[], ["--launchready-strict"]], ids=["plain", "strict"])
def test_selected_checks_that_can_test_nothing_are_a_usage_error(pytester: pytest.Pytester, strict: list[str]) -> None:
    pytester.makeini("[pytest]\n")  # no mail domains: the mail check has nothing to test
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=mail", *strict, "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*the selected checks can test nothing with the current settings (mail: set launchready_mail_domains*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_every_check_of_the_design_is_built() -> None:
    """No scorecard row reads "not built in this version": the registry holds every check of DESIGN.md."""
    from pytest_launchready.checks import load_check
    from pytest_launchready.config.check_names import CHECK_MODULES, CHECK_NAMES

    assert [name for name in CHECK_NAMES if name not in CHECK_MODULES] == []
    assert all(load_check(name) is not None for name in CHECK_NAMES)


def test_checks_not_built_are_refused_by_name_and_listed_as_such(pytester: pytest.Pytester,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check is built (see above), so one is taken out of the registry for this run: selecting it is a
    usage error, and a run of the others lists it as not built, never as passing."""
    from pytest_launchready.config.check_names import CHECK_MODULES

    monkeypatch.delitem(CHECK_MODULES, "load")
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth,load", "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*--launchready-checks: load: not built in this version*built checks: auth, tokens,*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "-p", "no:cacheprovider")
    result.stdout.re_match_lines([r"^load +NOT RUN +- +not built in this version$"])
    result.stdout.re_match_lines([r"^backups +NOT RUN +- +not selected \(--launchready-checks\)$"])


@pytest.mark.parametrize("status", ["200", "302", "500"])
def test_a_deny_status_that_is_not_4xx_is_a_usage_error(pytester: pytest.Pytester, status: str) -> None:
    frame_project(pytester, extra_ini=f"launchready_deny_status = {status}")
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "-p", "no:cacheprovider")
    result.stderr.fnmatch_lines([f"*launchready_deny_status = {status} is not valid: expected 4xx status codes only*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


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


def test_a_public_route_matching_nothing_is_warned_about(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="    GET /healthz")
    result, _ = run_launchready("--launchready", AUTH_ONLY)
    result.stdout.fnmatch_lines(["*route discovery: launchready_public_routes*GET /healthz*"])


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
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=auth,tokens", "-n", "2", "--dist=load", "-p", "no:cacheprovider", *paths)
    result.stderr.fnmatch_lines([message])
    assert result.ret == 4
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_a_waiver_that_matches_nothing_is_warned_about(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="launchready_waivers = test_auth[GET /itemz]: typo")
    result, _ = run_launchready("--launchready", AUTH_ONLY)
    result.stdout.fnmatch_lines(["*launchready_waivers: 'test_auth[[]GET /itemz[]]' matches no generated test*"])
