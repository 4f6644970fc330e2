"""pytest-launchready: an API-security launch checklist as ordinary pytest tests.

Public names load lazily (module ``__getattr__``) so that having the plugin installed costs next to
nothing when ``--launchready`` is off: importing this package imports neither httpx nor any check.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "Check",
    "Case",
    "Credentials",
    "Route",
    "Parameter",
    "Tenant",
    "Webhook",
    "Leak",
    "SecretFinding",
    "assert_denied",
    "assert_no_leak",
]

_LOCATIONS = {
    "Check": "pytest_launchready.checks",
    "Case": "pytest_launchready.checks",
    "Credentials": "pytest_launchready.tenants",
    "Tenant": "pytest_launchready.tenants",
    "Route": "pytest_launchready.routes",
    "Parameter": "pytest_launchready.routes",
    "Webhook": "pytest_launchready.checks.webhooks.records",
    "Leak": "pytest_launchready.prompt",
    "SecretFinding": "pytest_launchready.secrets",
    "assert_denied": "pytest_launchready.checks.assertions",
    "assert_no_leak": "pytest_launchready.checks.assertions",
}

if TYPE_CHECKING:
    from pytest_launchready.checks.assertions import assert_denied, assert_no_leak
    from pytest_launchready.checks import Case, Check
    from pytest_launchready.checks.webhooks.records import Webhook
    from pytest_launchready.prompt import Leak
    from pytest_launchready.routes import Parameter, Route
    from pytest_launchready.secrets import SecretFinding
    from pytest_launchready.tenants import Credentials, Tenant


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        # Not cached in globals(): the defining module stays the single source even when a test
        # harness (pytester) drops and re-imports it.
        return getattr(importlib.import_module(_LOCATIONS[name]), name)
    raise AttributeError(f"module 'pytest_launchready' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
