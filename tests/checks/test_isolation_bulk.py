"""tenant_isolation on a bulk route that takes its objects as a list of ids in the query
(tests/apps/bulk_fastapi.py, ``DELETE /notes?ids=...``): it is tested as a write with tenant A's id
in the list, where it used to be "takes no object id" (on Mealie, ``DELETE /api/households/shopping/items``)."""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import ORG_ROLE_LOGIN
from support.projects import make_project
from support.runs import short_ids

INI = """launchready_public_routes =
    POST /auth/login
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""
BULK = "test_tenant_isolation[DELETE /notes]"


@pytest.mark.parametrize(("flaws", "outcome"), [("", "passed"), ("bulk-any", "failed")], ids=["scoped", "bulk-any"])
def test_a_list_of_ids_in_the_query_is_swapped_like_an_id(pytester: pytest.Pytester, run_launchready: Any,
                                                          monkeypatch: pytest.MonkeyPatch, flaws: str, outcome: str) -> None:
    monkeypatch.setenv("BULK_FLAWS", flaws)
    make_project(pytester, "bulk_fastapi", INI, ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-rA")
    assert BULK in short_ids(outcomes, outcome), result.stdout.str()
    assert short_ids(outcomes, "failed") == ([BULK] if outcome == "failed" else []), result.stdout.str()
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*Sent DELETE /notes?ids=note-* as tenant B*with tenant A's ids=note-*",
                                     "*re-reading GET /notes* as tenant A shows the write*"])
