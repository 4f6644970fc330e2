"""DMARC: find the policy that applies to a domain (its own, or the organizational domain's), let
checkdmarc validate the syntax and fill in defaults, and check report authorization ourselves.

The record lookup and the ``_report._dmarc`` authorization queries are ours, so a failure can show
the exact names asked and what came back; checkdmarc's string warnings are not used for verdicts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.report import DmarcResult, Lookup, ReportDestination
from pytest_launchready.checks.mail.resolver import MailResolver, organizational_domain

_DMARC = re.compile(r"^v\s*=\s*DMARC1\s*(;|$)", re.IGNORECASE)
_PCT = re.compile(r"(?:^|;)\s*pct\s*=\s*(\d{1,3})\s*(?:;|$)", re.IGNORECASE)


def is_dmarc_record(text: str) -> bool:
    """RFC 7489 6.6.3: records that do not start with ``v=DMARC1`` are ignored."""
    return bool(_DMARC.match(text))


def inspect_dmarc(domain: str, resolver: MailResolver) -> DmarcResult:
    """Look up and judge the DMARC policy that receivers apply to mail from ``domain``."""
    org = organizational_domain(domain)
    lookups: list[Lookup] = []
    own = resolver.txt(f"_dmarc.{domain}")
    lookups.append(own)
    if own.failed:
        return DmarcResult(domain=domain, organizational_domain=org, lookups=tuple(lookups),
                           findings=(policy.lookup_failed(own),))
    records = tuple(text for text in own.answers if is_dmarc_record(text))
    record_domain, inherited = domain, False
    if not records and org != domain:
        parent = resolver.txt(f"_dmarc.{org}")
        lookups.append(parent)
        if parent.failed:
            return DmarcResult(domain=domain, organizational_domain=org, lookups=tuple(lookups),
                               findings=(policy.lookup_failed(parent),))
        parent_records = tuple(text for text in parent.answers if is_dmarc_record(text))
        if parent_records:
            records, record_domain, inherited = parent_records, org, True
    source = f"_dmarc.{record_domain}"
    base = DmarcResult(domain=domain, organizational_domain=org, source=source, records=records, inherited=inherited)
    if len(records) != 1:
        return _with(base, lookups, policy.dmarc_findings(domain, records, source, inherited=inherited))
    record = records[0]
    tags, error, dns_failure = _parse(record, record_domain, resolver)
    if dns_failure is not None:
        return _with(base, lookups + [dns_failure], [policy.lookup_failed(dns_failure)])
    if error:
        return _with(base, lookups, policy.dmarc_findings(domain, records, source, inherited=inherited, error=error))
    destinations = []
    for entry in tags.get("rua") or []:
        destination, asked = _destination(entry, record_domain, resolver, lookups)
        destinations.append(destination)
        lookups += asked
    pct = _PCT.search(record)
    percent = min(100, int(pct.group(1))) if pct else 100
    findings = policy.dmarc_findings(
        domain, records, source, policy=tags.get("p"), subdomain_policy=tags.get("sp"),
        nonexistent_policy=tags.get("np"), percent=percent, rua=destinations, inherited=inherited,
    )
    findings += [policy.lookup_failed(lookup) for lookup in lookups if lookup.failed]
    return _with(
        base, lookups, findings, policy=tags.get("p"), subdomain_policy=tags.get("sp"),
        nonexistent_policy=tags.get("np"), percent=percent, rua=tuple(destinations),
        tags=tuple((name, _show(value)) for name, value in tags.items()),
    )


def _parse(record: str, record_domain: str, resolver: MailResolver) -> tuple[dict[str, Any], str, Lookup | None]:
    """checkdmarc's parse: tag values with defaults applied, or the syntax error."""
    import dns.exception
    from checkdmarc import dmarc as checkdmarc_dmarc

    try:
        parsed = checkdmarc_dmarc.parse_dmarc_record(record, record_domain, resolver=resolver.resolver,
                                                     timeout=resolver.timeout, retries=0)
    except checkdmarc_dmarc.DMARCError as error:
        return {}, str(error), None
    except dns.exception.DNSException as error:
        return {}, "", Lookup(f"_dmarc.{record_domain}", "TXT", "ERROR", error=f"checking the record's report addresses: {error}")
    return {name: tag["value"] for name, tag in parsed["tags"].items()}, "", None


def _destination(entry: dict[str, Any], record_domain: str, resolver: MailResolver,
                 earlier: list[Lookup]) -> tuple[ReportDestination, list[Lookup]]:
    """A rua address and the lookups it took: for an external ``mailto:`` its RFC 7489 7.1
    authorization, for one in your own domain whether that domain receives mail at all."""
    address = str(entry.get("address", ""))
    uri = f"{entry.get('scheme', 'mailto')}:{address}" if entry.get("scheme") == "mailto" else address
    if entry.get("scheme") != "mailto" or "@" not in address:
        return ReportDestination(uri=uri, domain="", external=False), []
    target = address.rsplit("@", 1)[1].lower().rstrip(".")
    if organizational_domain(target) == organizational_domain(record_domain):
        deliverable, asked = _deliverable(target, resolver, earlier)
        return ReportDestination(uri=uri, domain=target, external=False, deliverable=deliverable), asked
    name = f"{record_domain}._report._dmarc.{target}"
    lookup = resolver.txt(name)
    authorized = None if lookup.failed else any(is_dmarc_record(text) for text in lookup.answers)
    return ReportDestination(uri=uri, domain=target, external=True, authorized=authorized, authorization_name=name), [lookup]


def _deliverable(domain: str, resolver: MailResolver, earlier: list[Lookup]) -> tuple[bool | None, list[Lookup]]:
    """Can ``domain`` receive mail: an MX that is not null (RFC 7505), else an A/AAAA (RFC 5321 5.1)?

    None when a query failed (that failure is reported on its own). Names already asked in this
    inspection (two addresses in one domain) are not asked again.
    """
    asked: list[Lookup] = []
    for rtype in ("MX", "A", "AAAA"):
        lookup = next((l for l in earlier if (l.name, l.rtype) == (domain, rtype)), None)
        if lookup is None:
            lookup = resolver.query(domain, rtype)
            asked.append(lookup)
        if lookup.failed:
            return None, asked
        if lookup.answers:
            null_mx = rtype == "MX" and all(answer.partition(" ")[2] in ("", ".") for answer in lookup.answers)
            return not null_mx, asked
    return False, asked


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_show(item) for item in value)
    if isinstance(value, dict):
        return f"{value.get('scheme', '')}:{value.get('address', '')}" if value.get("scheme") == "mailto" else str(value.get("address", value))
    return str(value)


def _with(base: DmarcResult, lookups: list[Lookup], findings: list[Any], **fields: Any) -> DmarcResult:
    return replace(base, lookups=tuple(lookups), findings=tuple(findings), **fields)
