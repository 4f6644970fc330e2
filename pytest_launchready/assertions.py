"""Assertion helpers for QA's own tests: ``assert_denied`` and ``assert_no_leak``."""

from __future__ import annotations

from typing import Iterable

import httpx

from pytest_launchready.evidence import exchange
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

    >>> assert_no_leak(tenant_b.client.get("/search", params={"q": "a"}), tenant_a)
    """
    __tracebackhide__ = True
    text = response.text
    redact = redact or Redactor()
    if tenant.canary in text:
        raise AssertionError(
            f"the response carries tenant {tenant.name}'s canary {tenant.canary}: its data leaked to another caller.\n"
            f"{exchange(response, redact, mark=tenant.canary)}"
        )
    leaked = sorted(name for name, value in tenant.ids.items() if len(value) >= 8 and value in text)
    if leaked:
        raise AssertionError(
            f"the response carries ids tenant {tenant.name} owns ({', '.join(leaked)}).\n{exchange(response, redact)}"
        )
