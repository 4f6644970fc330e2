"""SPF: find the domain's record ourselves, let checkdmarc walk and count it, then apply the policy.

We query the TXT records ourselves so a failure can show exactly what is published (checkdmarc stops
at "multiple records" without saying which). checkdmarc then does what it is good at: RFC 7208
syntax, following include/redirect, counting DNS-querying terms and void lookups, detecting loops,
through our resolver.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.report import SpfResult
from pytest_launchready.checks.mail.resolver import MailResolver

_ALL = re.compile(r"^([+\-~?]?)all$", re.IGNORECASE)


def is_spf_record(text: str) -> bool:
    """RFC 7208 4.5: the record starts with exactly ``v=spf1``, then a space or the end."""
    lowered = text.lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def all_term(record: str) -> str | None:
    """The qualifier of the record's own ``all`` term (``+`` for a bare ``all``), None without one."""
    for term in record.split()[1:]:
        match = _ALL.match(term)
        if match:
            return match.group(1) or "+"
    return None


def modifier(record: str, name: str) -> str | None:
    """The value of a modifier such as ``redirect=``."""
    for term in record.split()[1:]:
        if term.lower().startswith(name + "="):
            return term.split("=", 1)[1]
    return None


def effective_all(record: str, parsed: Mapping[str, Any] | None) -> str | None:
    """The ``all`` that ends evaluation: the record's own, else its redirect target's (RFC 7208 6.1)."""
    own = all_term(record)
    if own is not None or not parsed:
        return own
    redirect = parsed.get("redirect")
    if redirect and redirect.get("record"):
        return effective_all(redirect["record"], redirect.get("parsed"))
    return None


def inspect_spf(domain: str, resolver: MailResolver) -> SpfResult:
    """Look up and evaluate the SPF record of ``domain``."""
    lookup = resolver.txt(domain)
    if lookup.failed:
        return SpfResult(domain=domain, lookups=(lookup,), findings=(policy.lookup_failed(lookup),))
    records = tuple(text for text in lookup.answers if is_spf_record(text))
    if len(records) != 1:
        return SpfResult(domain=domain, lookups=(lookup,), records=records,
                         findings=tuple(policy.spf_findings(domain, records)))
    record = records[0]
    counted = _evaluate(record, domain, resolver)
    qualifier = effective_all(record, counted.get("parsed"))
    findings = policy.spf_findings(domain, records, qualifier, counted.get("dns_lookups"),
                                   counted.get("void_dns_lookups"), counted.get("error", ""))
    return SpfResult(
        domain=domain,
        lookups=(lookup,),
        findings=tuple(findings),
        records=records,
        all_qualifier=qualifier,
        dns_lookups=counted.get("dns_lookups"),
        void_lookups=counted.get("void_dns_lookups"),
        includes=tuple(term.split(":", 1)[1] for term in record.split()[1:] if term.lower().lstrip("+-~?").startswith("include:")),
        redirect=modifier(record, "redirect"),
    )


def _evaluate(record: str, domain: str, resolver: MailResolver) -> dict[str, Any]:
    """checkdmarc's walk of the record: lookup counts and the parsed tree, or why it stopped."""
    import dns.exception
    from checkdmarc import spf as checkdmarc_spf

    try:
        result = checkdmarc_spf.parse_spf_record(record, domain, resolver=resolver.resolver,
                                                 timeout=resolver.timeout, retries=0)
    except checkdmarc_spf.SPFTooManyDNSLookups as error:
        return {"dns_lookups": (error.data or {}).get("dns_lookups")}
    except checkdmarc_spf.SPFTooManyVoidDNSLookups as error:
        return {"void_dns_lookups": (error.data or {}).get("void_dns_lookups")}
    except checkdmarc_spf.SPFError as error:
        return {"error": str(error)}
    except dns.exception.DNSException as error:
        return {"error": f"a DNS lookup failed while following its includes ({error})"}
    return {"dns_lookups": result["dns_lookups"], "void_dns_lookups": result["void_dns_lookups"],
            "parsed": result["parsed"]}
