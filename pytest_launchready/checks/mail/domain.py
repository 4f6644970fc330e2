"""One call that inspects every aspect of a sending domain: what the ``mail_domain`` fixture returns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_launchready.checks.mail.dkim import inspect_dkim
from pytest_launchready.checks.mail.dmarc import inspect_dmarc
from pytest_launchready.checks.mail.mx import inspect_mx
from pytest_launchready.checks.mail.report import MailDomainReport
from pytest_launchready.checks.mail.resolver import DEFAULT_TIMEOUT, MailResolver
from pytest_launchready.checks.mail.spf import inspect_spf

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings


def resolver_for(settings: Settings) -> MailResolver:
    """A resolver on ``launchready_nameservers``: at most 2 s a query, ``launchready_timeout`` in all."""
    return MailResolver(settings.nameservers, timeout=min(DEFAULT_TIMEOUT, settings.timeout), budget=settings.timeout)


def inspect_domain(domain: str, settings: Settings) -> MailDomainReport:
    """SPF, DKIM (each selector ``launchready_dkim_selectors`` gives it), DMARC and MX of ``domain``, with findings.

    Every aspect gets its own time budget (``launchready_timeout``), so one dead include chain cannot
    starve the others.
    """
    domain = domain.rstrip(".").lower()
    return MailDomainReport(
        domain=domain,
        spf=inspect_spf(domain, resolver_for(settings)),
        dkim=tuple(inspect_dkim(domain, selector, resolver_for(settings)) for selector in settings.dkim_selectors_for(domain)),
        dmarc=inspect_dmarc(domain, resolver_for(settings)),
        mx=inspect_mx(domain, resolver_for(settings)),
        nameservers=resolver_for(settings).description,
    )
