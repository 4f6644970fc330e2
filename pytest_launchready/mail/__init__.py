"""Mail authentication for a sending domain: SPF, DKIM, DMARC, MX, and signed samples.

``inspect_domain(domain, settings)`` returns a :class:`MailDomainReport` (the value of the
``mail_domain`` fixture); ``inspect_sample(path, rootpath, resolver)`` checks a raw signed message.
Each result carries what was looked up, the parsed fields, and findings (``fail``/``warn``, message,
fix). The launch rules themselves live in :mod:`pytest_launchready.mail.policy`.

Names load lazily so importing this package costs nothing until a lookup is made.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "inspect_domain": "pytest_launchready.mail.domain",
    "resolver_for": "pytest_launchready.mail.domain",
    "inspect_sample": "pytest_launchready.mail.samples",
    "MailResolver": "pytest_launchready.mail.resolver",
    "MailDomainReport": "pytest_launchready.mail.report",
    "SpfResult": "pytest_launchready.mail.report",
    "DkimResult": "pytest_launchready.mail.report",
    "DmarcResult": "pytest_launchready.mail.report",
    "MxResult": "pytest_launchready.mail.report",
    "SampleReport": "pytest_launchready.mail.report",
    "SignatureResult": "pytest_launchready.mail.report",
    "ReportDestination": "pytest_launchready.mail.report",
    "Finding": "pytest_launchready.mail.report",
    "Lookup": "pytest_launchready.mail.report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
