"""tenant_isolation against a Django REST framework API (tests/apps/drf_shapes.py): wrapped JSON, slug
and username identities, DRF's trailing slashes and paginated lists, a body that names the caller, a
create that answers no id, and the spec served at /api/schema/. The secure twin must pass every
object route; the vulnerable one must fail exactly the flawed routes.

Django's settings can be configured once per process (tests/plugin/test_discovery.py configures them
in this one), so each run is a subprocess.
"""

from __future__ import annotations

import re

import pytest

from support.logins import DRF_LOGIN
from support.projects import make_project

pytest.importorskip("rest_framework")

INI = """launchready_openapi = /api/schema/
launchready_roles = user
launchready_public_routes =
    POST /api/users/
    GET /api/schema/
"""
TESTED_ROUTES = [
    "test_tenant_isolation[DELETE /api/articles/{slug}/]",
    "test_tenant_isolation[GET /api/articles/]",
    "test_tenant_isolation[GET /api/articles/{slug}/]",
    "test_tenant_isolation[GET /api/bookmarks/]",
    "test_tenant_isolation[GET /api/bookmarks/{id}/]",
    "test_tenant_isolation[GET /api/profiles/{username}/settings/]",
    "test_tenant_isolation[GET /api/user/]",
    "test_tenant_isolation[PUT /api/articles/{slug}/]",
    "test_tenant_isolation[PUT /api/profiles/{username}/settings/]",
    "test_tenant_isolation[PUT /api/user/]",
]
#: flaw -> the routes it must fail (each flaw is switched on alone in its own twin, all at once here).
FLAWS = {
    "read-any": ["test_tenant_isolation[GET /api/articles/{slug}/]"],
    "write-any": ["test_tenant_isolation[DELETE /api/articles/{slug}/]", "test_tenant_isolation[PUT /api/articles/{slug}/]"],
    "settings-any": ["test_tenant_isolation[GET /api/profiles/{username}/settings/]",
                     "test_tenant_isolation[PUT /api/profiles/{username}/settings/]"],
    # PUT /api/user/ {"user": {"username", "bio"}}: the username inside the envelope names the caller.
    "user-by-body": ["test_tenant_isolation[PUT /api/user/]"],
    # POST /api/bookmarks/ answers {"status": "saved"}: the id comes from the paginated list.
    "bookmarks-any": ["test_tenant_isolation[GET /api/bookmarks/{id}/]"],
}


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Test id -> PASSED/FAILED/ERROR, read from the ``-rA`` summary of a subprocess run."""
    found = {}
    for line in result.stdout.lines:
        match = re.match(r"^(PASSED|FAILED|ERROR) launchready::(test_\w+\[.*?\])(?: - |$)", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


def run(pytester: pytest.Pytester) -> pytest.RunResult:
    make_project(pytester, "drf_shapes", INI, DRF_LOGIN)
    return pytester.runpytest_subprocess("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider",
                                         "-rA")


def test_secure_drf_app_tests_every_route_with_an_object_and_passes(pytester: pytest.Pytester,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRF_FLAWS", raising=False)
    result = run(pytester)
    seen = outcomes(result)
    assert sorted(k for k, v in seen.items() if v == "PASSED") == TESTED_ROUTES, result.stdout.str()
    assert [k for k, v in seen.items() if v != "PASSED"] == []
    result.stdout.fnmatch_lines(["routes: 14 (2 public) from openapi 3.0 from /api/schema/ + django introspection*",
                                 "tenant_isolation PASS     10/10 routes*"])
    assert result.ret == 0


def test_vulnerable_drf_app_fails_exactly_the_flawed_routes(pytester: pytest.Pytester,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRF_FLAWS", ",".join(FLAWS))
    result = run(pytester)
    seen = outcomes(result)
    expected = sorted(test_id for ids in FLAWS.values() for test_id in ids)
    assert sorted(k for k, v in seen.items() if v == "FAILED") == expected, result.stdout.str()
    assert sorted(k for k, v in seen.items() if v == "PASSED") == sorted(set(TESTED_ROUTES) - set(expected))
    result.stdout.fnmatch_lines(["*with tenant A's username=* in the body*"])
