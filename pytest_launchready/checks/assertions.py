"""Assertion helpers for QA's own tests: ``assert_denied`` and ``assert_no_leak``."""

from __future__ import annotations

from typing import Iterable

import httpx

from pytest_launchready.checks.evidence import exchange
from pytest_launchready.redact import Redactor
from pytest_launchready.tenants import Tenant

DEFAULT_DENY = (401, 403, 404)


def assert_denied(response: httpx.Response, allowed: Iterable[int] = DEFAULT_DENY, redact: Redactor | None = None) -> None:
    """Assert the request was refused: a status in ``allowed`` (401, 403 or 404 by default).

    >>> assert_denied(tenant_b.client.get(f"/conversations/{tenant_a.ids['conversation_id']}"))
    """
    __tracebackhide__ = True
    statuses = tuple(allowed)
    if response.status_code not in statuses:
        raise AssertionError(
            f"expected the request to be denied ({', '.join(map(str, statuses))}), it was not:\n"
            f"{exchange(response, redact or Redactor())}"
        )


def assert_no_leak(response: httpx.Response, tenant: Tenant, redact: Redactor | None = None) -> None:
    """Assert ``response`` carries nothing of ``tenant``'s: neither its canary nor any id it owns.

    Ids count when they are 6+ characters and appear as a whole token; ids the request itself sent
    (an echo of what was asked, as in ``404: conversation cv_1 not found``) do not.

    >>> assert_no_leak(tenant_b.client.get("/search", params={"q": tenant_a.canary}), tenant_a)
    """
    from pytest_launchready.tenants.leaks import find_leak, sent_values, victim

    __tracebackhide__ = True
    redact = redact or Redactor()
    request = response.request
    sent = sent_values(request.method, str(request.url), _body(request))
    leak = find_leak(response.text, [victim(f"tenant {tenant.name}", tenant)], sent)
    if leak is None:
        return
    if leak.mark == tenant.canary:
        raise AssertionError(
            f"the response carries tenant {tenant.name}'s canary {tenant.canary}: its data leaked to another caller.\n"
            f"{exchange(response, redact, mark=tenant.canary)}"
        )
    raise AssertionError(f"the response carries {leak.what}, an id only that tenant owns.\n{exchange(response, redact, mark=leak.mark)}")


def _body(request: httpx.Request) -> object:
    import json

    try:
        return json.loads(request.content) if request.content else None
    except ValueError:
        return request.content.decode("utf-8", errors="replace")
