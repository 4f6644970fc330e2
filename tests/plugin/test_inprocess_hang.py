"""A route that never answers fails its own tests at ``launchready_timeout``, the rest still run, and
pytest exits: an ASGI route blocking the event loop, and a WSGI view that never returns.

Each project runs in a subprocess with an outer time limit, so a regression fails here instead of
hanging the suite.
"""

from __future__ import annotations

import time

import pytest

OUTER_LIMIT = 60

ASGI_APP = '''
import asyncio
import contextlib
import time

from fastapi import FastAPI, Header, HTTPException

LOOP = {}


@contextlib.asynccontextmanager
async def lifespan(app):
    LOOP["running"] = asyncio.get_running_loop()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/hang")
async def hang(authorization: str = Header(default="")):
    time.sleep(1000)  # blocks the event loop itself, not just this request


@app.get("/items")
async def items(authorization: str = Header(default="")):
    if asyncio.get_running_loop() is not LOOP["running"]:
        raise RuntimeError("the lifespan did not run on the loop serving this request")
    if authorization != "Bearer right":
        raise HTTPException(status_code=401)
    return []
'''

WSGI_APP = '''
import time

from flask import Flask, abort, request

app = Flask(__name__)


@app.get("/hang")
def hang():
    time.sleep(1000)


@app.get("/items")
def items():
    if request.headers.get("Authorization") != "Bearer right":
        abort(401)
    return []
'''


@pytest.mark.parametrize("app", [ASGI_APP, WSGI_APP], ids=["asgi-blocked-event-loop", "wsgi-view-never-returns"])
def test_a_hung_route_fails_at_the_timeout_and_the_run_ends(pytester: pytest.Pytester, app: str) -> None:
    pytester.makepyfile(myapp=app)
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\nlaunchready_timeout = 2\n")
    started = time.monotonic()
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=auth", "-v", "-p", "no:cacheprovider",
                                           timeout=OUTER_LIMIT)
    elapsed = time.monotonic() - started
    result.stdout.fnmatch_lines([
        "*launchready::test_auth?GET /hang? FAILED*",
        "*launchready::test_auth?GET /items? PASSED*",
        "E * AssertionError: [[]MEDIUM[]] GET /hang with no credentials did not answer within 2 s.",
    ])
    assert result.ret == 1
    assert elapsed < 30, f"the run took {elapsed:.0f} s"


ASGI_NO_SECOND_START = '''
import contextlib
import time

from fastapi import FastAPI, Header, HTTPException

STARTS = []


@contextlib.asynccontextmanager
async def lifespan(app):
    STARTS.append(1)
    if len(STARTS) > 1:
        raise RuntimeError("the database pool is still held by the first loop")
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/hang")
async def hang(authorization: str = Header(default="")):
    time.sleep(1000)


@app.get("/items")
async def items(authorization: str = Header(default="")):
    raise HTTPException(status_code=401)
'''


def test_an_app_that_cannot_start_again_after_a_hang_makes_later_tests_one_line_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=ASGI_NO_SECOND_START)
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\nlaunchready_timeout = 2\n")
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=auth", "-v", "-p", "no:cacheprovider",
                                           timeout=OUTER_LIMIT)
    result.stdout.fnmatch_lines([
        "*launchready::test_auth?GET /hang? FAILED*",
        "*launchready::test_auth?GET /items? ERROR*",
        "the target stopped answering at *: every later test is an error (last request: GET /hang blocked the event "
        "loop, and the app could not be started again: the app's lifespan startup failed: RuntimeError: the database pool "
        "is still held by the first loop)",
    ])
    lines = result.stdout.lines
    header = next(i for i, line in enumerate(lines) if "_ ERROR at setup of test_auth[GET /items] _" in line)
    assert lines[header + 2].startswith(("_", "=")), "the error of a later test is one line"
    assert result.ret == 1
