"""PASS means tested: a row with cases NOT RUN says so in its verdict, a webhook whose every request was
refused by its signature check is not counted as validated, and an app of nothing but the framework's
docs pages is a usage error, not a green card."""

from __future__ import annotations

import textwrap

import pytest

from support.projects import frame_project

WEBHOOK_APP = '''
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

app = FastAPI()


class Event(BaseModel):
    type: str
    amount: int


def signed(stripe_signature: str = Header(default="")) -> None:
    if stripe_signature != "t=1,v1=good":
        raise HTTPException(401, "bad signature")


@app.post("/webhooks/stripe", openapi_extra={"security": []}, dependencies=[Depends(signed)])
def stripe(event: Event) -> dict[str, str]:
    return {"received": event.type}


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, str]:
    return {"status": "ok"}
'''


def _project(pytester: pytest.Pytester, app: str) -> None:
    pytester.makepyfile(myapp=textwrap.dedent(app))
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\n")


def _row(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{check} "))


def test_a_pass_with_cases_not_run_says_so_in_the_verdict(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                           run_launchready) -> None:
    monkeypatch.delenv("FRAME_FLAWS", raising=False)
    frame_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=cors")
    assert outcomes.ids("failed") == []
    assert _row(result.stdout.str(), "cors").split()[:5] == ["cors", "PASS", "(1", "not", "run)"]


def test_a_webhook_refusing_every_unsigned_probe_is_not_validated(pytester: pytest.Pytester, run_launchready) -> None:
    _project(pytester, WEBHOOK_APP)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=validation", "-rs")
    assert "launchready::test_validation[POST /webhooks/stripe]" not in outcomes.ids("passed")
    assert outcomes.ids("skipped") == ["launchready::test_validation[POST /webhooks/stripe]"]
    result.stdout.fnmatch_lines(["SKIPPED*public route POST /webhooks/stripe answered 401 to the valid body and * of * "
                                 "requests in all, before any validation (a signature or credential check, as on a webhook)*"])
    assert _row(result.stdout.str(), "validation").split()[1:6] == ["PASS", "(1", "not", "run)", "5/6"]


def test_an_app_of_only_docs_pages_is_nothing_of_yours_tested(pytester: pytest.Pytester) -> None:
    _project(pytester, "from fastapi import FastAPI\napp = FastAPI()\n")
    result = pytester.runpytest_inprocess("--launchready", "-p", "no:cacheprovider", "--launchready-checks=headers,validation")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*nothing of yours would be tested: the only routes of myapp:app are the framework's own "
                                 "pages (GET /docs, GET /docs/oauth2-redirect, GET /openapi.json, GET /redoc)*"])
