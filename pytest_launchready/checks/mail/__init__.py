"""Mail authentication for a sending domain: SPF, DKIM, DMARC, MX, and signed samples.

``inspect_domain(domain, settings)`` returns a :class:`MailDomainReport` (the value of the
``mail_domain`` fixture); ``inspect_sample(path, rootpath, resolver)`` checks a raw signed message.
Each result carries what was looked up, the parsed fields, and findings (``fail``/``warn``, message,
fix). The launch rules themselves live in :mod:`pytest_launchready.checks.mail.policy`.

Names load lazily so importing this package costs nothing until a lookup is made.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "inspect_domain": "pytest_launchready.checks.mail.domain",
    "resolver_for": "pytest_launchready.checks.mail.domain",
    "inspect_sample": "pytest_launchready.checks.mail.samples",
    "MailResolver": "pytest_launchready.checks.mail.resolver",
    "MailDomainReport": "pytest_launchready.checks.mail.report",
    "SpfResult": "pytest_launchready.checks.mail.report",
    "DkimResult": "pytest_launchready.checks.mail.report",
    "DmarcResult": "pytest_launchready.checks.mail.report",
    "MxResult": "pytest_launchready.checks.mail.report",
    "SampleReport": "pytest_launchready.checks.mail.report",
    "SignatureResult": "pytest_launchready.checks.mail.report",
    "ReportDestination": "pytest_launchready.checks.mail.report",
    "Finding": "pytest_launchready.checks.mail.report",
    "Lookup": "pytest_launchready.checks.mail.report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
