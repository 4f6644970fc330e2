"""QA's own tests use the plugin's fixtures without --launchready: tests/qa_example against the demo."""

from __future__ import annotations

import pytest

from support.paths import QA_EXAMPLE


def make_qa_project(pytester: pytest.Pytester, secure: bool) -> None:
    # The demo conftest is the short form: its login is the built-in one, set up by these ini lines.
    # An app module of the project's own: the demo module may already be imported with other settings.
    pytester.makepyfile(qaapp=f"from pytest_launchready.demo.app import create_app\napp = create_app(secure={secure})\n")
    pytester.makeini(
        """
        [pytest]
        launchready_app = qaapp:app
        launchready_allowed_origins = https://app.demo-chatbot.example
        launchready_jwt_key = env:DEMO_JWT_SECRET
        launchready_signup_route = POST /auth/signup
        launchready_login_route = POST /auth/login
        """
    )
    pytester.makeconftest("from pytest_launchready.demo.conftest import *  # noqa: F401,F403\n")
    pytester.makepyfile(test_launch_qa=QA_EXAMPLE.read_text())


def test_qa_tests_catch_the_demo_defects(pytester: pytest.Pytester, run_launchready) -> None:
    make_qa_project(pytester, secure=False)
    result, outcomes = run_launchready()
    hostile = [i for i in outcomes.by_id if "hostile_origin" in i]
    assert outcomes.ids("failed") == sorted(["test_launch_qa.py::test_b_cannot_read_a_conversation", *hostile])
    assert "test_launch_qa.py::test_search_never_returns_another_tenants_data" in outcomes.ids("passed")
    assert "test_launch_qa.py::test_expired_token_is_refused" in outcomes.ids("passed")
    assert "test_launch_qa.py::test_a_member_cannot_list_users" in outcomes.ids("passed")
    assert len(hostile) >= 8  # one per derived hostile origin
    assert "launchready::" not in result.stdout.str()  # no generated tests without --launchready


def test_qa_tests_pass_on_the_secure_demo(pytester: pytest.Pytester, run_launchready) -> None:
    make_qa_project(pytester, secure=True)
    result, outcomes = run_launchready()
    assert outcomes.ids("failed") == [] and outcomes.ids("error") == []
    assert len(outcomes.ids("passed")) >= 12
