"""mail: SPF, DKIM, DMARC and MX of each sending domain, and signed samples verified.

One test per domain and aspect (``example.com SPF``, ``example.com DKIM s1``, ``example.com DMARC``,
``example.com MX``) and one per sample in ``launchready_mail_samples``. Collection is offline: the DNS
queries (through ``launchready_nameservers``) happen when a test runs. Failures show the names asked,
what came back, why it fails and the record to publish; warnings (``~all``, a 1024-bit key, an
unaligned Return-Path...) show as WARN and fail only with ``launchready_strict_mail`` or
``--launchready-strict``. The rules are in :mod:`pytest_launchready.checks.mail.policy`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Union

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import MEDIUM

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.mail.report import DkimResult, DmarcResult, MxResult, SampleReport, SpfResult
    from pytest_launchready.checks.mail.resolver import MailResolver

    Result = Union[SpfResult, DkimResult, DmarcResult, MxResult, SampleReport]

NO_SELECTORS = ("no DKIM selector to check for {domain}: set launchready_dkim_selectors (the s= of your "
                "DKIM-Signature headers: 's1' for every domain, or '{domain}: s1')")


def cases(plan: Plan) -> Iterable[Case]:
    """Four cases per mail domain (DKIM once per selector), one per sample; no DNS here."""
    settings = plan.settings
    for domain in dict.fromkeys(settings.mail_domains):
        facts = (("domain", domain),)
        yield Case(id=f"{domain} SPF", variant="spf", data=facts, counts_as_route=False)
        selectors = settings.dkim_selectors_for(domain)
        for selector in selectors:
            yield Case(id=f"{domain} DKIM {selector}", variant="dkim", data=(*facts, ("selector", selector)),
                       counts_as_route=False)
        if not selectors:
            yield Case(id=f"{domain} DKIM", variant="dkim", data=facts, not_run=NO_SELECTORS.format(domain=domain),
                       counts_as_route=False)
        yield Case(id=f"{domain} DMARC", variant="dmarc", data=facts, counts_as_route=False)
        yield Case(id=f"{domain} MX", variant="mx", data=facts, counts_as_route=False)
    for sample in dict.fromkeys(settings.mail_samples):
        yield Case(id=sample, variant="sample", data=(("path", sample),), counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Look the aspect up, then fail on its failures and warn on its warnings."""
    __tracebackhide__ = True  # the message says it all; our frames would only add noise
    from pytest_launchready.checks.mail.dkim import inspect_dkim
    from pytest_launchready.checks.mail.dmarc import inspect_dmarc
    from pytest_launchready.checks.mail.domain import resolver_for
    from pytest_launchready.checks.mail.mx import inspect_mx
    from pytest_launchready.checks.mail.samples import inspect_sample
    from pytest_launchready.checks.mail.spf import inspect_spf

    resolver = resolver_for(ctx.settings)
    domain = case.get("domain")
    result: Result
    if case.variant == "spf":
        result, subject = inspect_spf(domain, resolver), f"the SPF record of {domain}"
    elif case.variant == "dkim":
        selector = case.get("selector")
        result, subject = inspect_dkim(domain, selector, resolver), f"the DKIM key of selector {selector} for {domain}"
    elif case.variant == "dmarc":
        result, subject = inspect_dmarc(domain, resolver), f"the DMARC policy for {domain}"
    elif case.variant == "mx":
        result, subject = inspect_mx(domain, resolver), f"the MX records of {domain}"
    else:
        sample = inspect_sample(case.get("path"), ctx.settings.rootpath, resolver)
        _judge(ctx, sample, _sample_evidence(sample, resolver))
        return
    _judge(ctx, result, _dns_evidence(subject, result, resolver))


def _dns_evidence(subject: str, result: Result, resolver: MailResolver) -> str:
    lines = [line for lookup in result.lookups for line in lookup.describe().splitlines()]
    return f"Looked up {subject} through {resolver.description}:\n" + "\n".join(f"  {line}" for line in lines)


def _sample_evidence(sample: SampleReport, resolver: MailResolver) -> str:
    if sample.read_error:
        return f"Read the mail sample {sample.path} (relative to the rootdir): {sample.read_error}"
    head = (f"Verified the DKIM signatures of {sample.path} (From: @{sample.from_domain or '?'}, "
            f"Return-Path: @{sample.return_path_domain or '?'}), keys looked up through {resolver.description}:")
    lines = [f"  d={s.domain or '?'} s={s.selector or '?'} a={s.algorithm or '?'}: "
             + ("verified" if s.valid else f"not checked ({s.error})" if s.valid is None else f"FAILED ({s.error})")
             for s in sample.signatures]
    return "\n".join([head, *(lines or ["  (no DKIM-Signature header)"])])


def _judge(ctx: RunContext, result: Result, what: str) -> None:
    __tracebackhide__ = True
    failures = list(result.failures)
    warnings = list(result.warnings)
    if ctx.settings.strict_mail and warnings:
        failures += warnings
        warnings = []
    if failures:
        strict = " (warnings fail because launchready_strict_mail is set)" if any(f.level == "warn" for f in failures) else ""
        if len(failures) == 1:
            why, fix = failures[0].message + strict, failures[0].fix
        else:
            why = strict + "".join(f"\n  - {f.message}" for f in failures)
            fix = "".join(f"\n  - {text}" for text in dict.fromkeys(f.fix for f in failures))
        # Forged or lost mail from the product's domain: phishing in its name, invites in spam; no data exposed.
        fail(what, why, fix, redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)
    for warning in warnings:
        ctx.warn(f"{warning.message}. Fix: {warning.fix}")


CHECK = Check(
    name="mail",
    title="SPF, DKIM, DMARC and MX protect each sending domain; signed samples verify and align.",
    cases=cases,
    run=run,
    needs_target=False,
    enable_hint="set launchready_mail_domains",
)
