"""The names of the checks in ../DESIGN.md, in scorecard order, and where each is implemented.

Kept apart from the check modules so start-up (option validation, ``--help``) imports nothing heavy.
"""

from __future__ import annotations

CHECK_NAMES: tuple[str, ...] = (
    "auth",
    "tokens",
    "sessions",
    "tenant_isolation",
    "roles",
    "validation",
    "rate_limits",
    "cors",
    "headers",
    "secrets",
    "mail",
    "webhooks",
    "prompt",
    "audit",
    "monitoring",
    "backups",
    "load",
)

#: check name -> module whose ``CHECK`` attribute is the :class:`~pytest_launchready.checks.Check`.
#: A check missing here is listed in the scorecard as NOT RUN (not built yet).
CHECK_MODULES: dict[str, str] = {
    "auth": "pytest_launchready.checks.auth",
    "tokens": "pytest_launchready.checks.tokens.check",
    "sessions": "pytest_launchready.checks.sessions",
    "tenant_isolation": "pytest_launchready.checks.tenant_isolation.check",
    "roles": "pytest_launchready.checks.roles",
    "validation": "pytest_launchready.checks.validation.check",
    "rate_limits": "pytest_launchready.checks.rate_limits",
    "cors": "pytest_launchready.checks.cors.check",
    "headers": "pytest_launchready.checks.headers.check",
    "mail": "pytest_launchready.checks.mail.check",
    "secrets": "pytest_launchready.checks.secrets.check",
    "webhooks": "pytest_launchready.checks.webhooks.check",
    "prompt": "pytest_launchready.checks.prompt.check",
    "audit": "pytest_launchready.checks.audit.check",
    "monitoring": "pytest_launchready.checks.monitoring.check",
    "backups": "pytest_launchready.checks.backups",
    "load": "pytest_launchready.checks.load.check",
}
