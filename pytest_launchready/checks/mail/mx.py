"""MX: the domain can receive mail (replies, bounces, DMARC reports sent to it)."""

from __future__ import annotations

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.report import Lookup, MxResult
from pytest_launchready.checks.mail.resolver import MailResolver

#: MX hosts whose addresses are checked; the rest are listed but not resolved, to bound the queries.
MAX_HOSTS_RESOLVED = 5


def inspect_mx(domain: str, resolver: MailResolver) -> MxResult:
    """Look up the MX hosts of ``domain`` and check that the first few have an address."""
    lookup = resolver.query(domain, "MX")
    if lookup.failed:
        return MxResult(domain=domain, lookups=(lookup,), findings=(policy.lookup_failed(lookup),))
    hosts = tuple(sorted(_host(answer) for answer in lookup.answers))
    lookups: list[Lookup] = [lookup]
    unresolvable: list[str] = []
    if all(host not in ("", ".") for _, host in hosts):
        for _, host in hosts[:MAX_HOSTS_RESOLVED]:
            addresses = [resolver.query(host, "A")]
            if not addresses[0].answers and not addresses[0].failed:
                addresses.append(resolver.query(host, "AAAA"))
            lookups += addresses
            if not any(a.answers for a in addresses) and not any(a.failed for a in addresses):
                unresolvable.append(host)
    findings = policy.mx_findings(domain, hosts, unresolvable)
    findings += [policy.lookup_failed(address) for address in lookups[1:] if address.failed]
    return MxResult(domain=domain, hosts=hosts, lookups=tuple(lookups), findings=tuple(findings))


def _host(answer: str) -> tuple[int, str]:
    preference, _, host = answer.partition(" ")
    return int(preference), host
