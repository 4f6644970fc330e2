"""The launch policy for mail: what counts as a failure or a warning, and how to fix each.

Pure functions over already-parsed facts (no DNS here), so each rule is unit-tested directly and the
rules can be read in one place. Looking things up and parsing is the job of the ``spf``, ``dkim``,
``dmarc``, ``mx`` and ``samples`` modules.
"""

from __future__ import annotations

from typing import Sequence

from pytest_launchready.checks.mail.report import Finding, Lookup, ReportDestination

#: RFC 7208 4.6.4: more DNS-querying terms than this is a permerror (SPF fails for every message).
MAX_SPF_LOOKUPS = 10
#: RFC 7208 4.6.4: more lookups that return nothing than this is a permerror too.
MAX_SPF_VOID_LOOKUPS = 2
#: RSA DKIM keys below this warn (RFC 8301 asks for 2048; 1024 is the floor verifiers accept).
RSA_RECOMMENDED_BITS = 2048
#: RSA DKIM keys below this fail: RFC 8301 verifiers must not accept them.
RSA_MINIMUM_BITS = 1024
#: DMARC policies that make receivers act on unauthenticated mail.
ENFORCING_POLICIES = ("quarantine", "reject")
_STRENGTH = {"none": 0, "quarantine": 1, "reject": 2}


def fail(message: str, fix: str) -> Finding:
    """A finding that fails the launch."""
    return Finding("fail", message, fix)


def warn(message: str, fix: str) -> Finding:
    """A weakness: WARN in the scorecard, a failure with ``launchready_strict_mail``."""
    return Finding("warn", message, fix)


def lookup_failed(lookup: Lookup) -> Finding:
    """The DNS query itself failed: nothing can be concluded, so the aspect fails (never a pass)."""
    return fail(
        f"the DNS query {lookup.rtype} {lookup.name} got no usable answer: {lookup.error}",
        "Check that launchready_nameservers points at a server that answers for this domain "
        "(or that the system resolver works), then run again.",
    )


# --- SPF --------------------------------------------------------------------------------------------

def spf_findings(
    domain: str,
    records: Sequence[str],
    all_qualifier: str | None = None,
    dns_lookups: int | None = None,
    void_lookups: int | None = None,
    error: str = "",
) -> list[Finding]:
    """SPF rules: one record, valid, <= 10 lookups, <= 2 void lookups, ending in ``-all``.

    ``error`` is why the record could not be evaluated (syntax, include loop, missing include...).
    """
    example = f'"v=spf1 include:<your mail provider\'s SPF domain> -all" as a TXT record at {domain}'
    if not records:
        return [fail(f"{domain} publishes no SPF record (no TXT record starting with v=spf1): receivers cannot "
                     "tell your servers from a forger's", f"Publish {example}.")]
    if len(records) > 1:
        return [fail(f"{domain} publishes {len(records)} SPF records; RFC 7208 4.5 makes that a permerror, so "
                     "SPF fails for every message", "Merge them into one TXT record starting with v=spf1 and "
                     "delete the others.")]
    findings: list[Finding] = []
    if dns_lookups is not None and dns_lookups > MAX_SPF_LOOKUPS:
        findings.append(fail(
            f"evaluating the SPF record of {domain} takes {dns_lookups} DNS-querying terms (include, a, mx, ptr, "
            f"exists, redirect) through its includes; more than {MAX_SPF_LOOKUPS} is a permerror",
            "Remove includes of services you no longer send with, replace a/mx terms by ip4:/ip6: ranges, "
            "or ask your provider for a flatter include.",
        ))
    if void_lookups is not None and void_lookups > MAX_SPF_VOID_LOOKUPS:
        findings.append(fail(
            f"evaluating the SPF record of {domain} hits {void_lookups} lookups that return nothing (NXDOMAIN "
            f"or no records); more than {MAX_SPF_VOID_LOOKUPS} is a permerror",
            "Remove the include/a/mx terms that name hosts or domains without records.",
        ))
    if error:
        findings.append(fail(f"the SPF record of {domain} cannot be evaluated: {error}", f"Correct the record; e.g. {example}."))
        return findings
    if all_qualifier == "-" or (all_qualifier is None and findings):
        # Without a completed evaluation a redirect target's 'all' is unknown: report only what is.
        return findings
    if all_qualifier == "~":
        findings.append(warn(
            f"the SPF record of {domain} ends in ~all (softfail): mail from unlisted servers is only marked, "
            "and without an enforcing DMARC policy it is delivered",
            "Once every sender is listed, end the record with -all.",
        ))
    elif all_qualifier in ("+", ""):
        findings.append(fail(
            f"the SPF record of {domain} ends in +all: it authorizes every server on the internet to send as {domain}",
            "End the record with -all after listing your senders.",
        ))
    elif all_qualifier == "?":
        findings.append(fail(
            f"the SPF record of {domain} ends in ?all (neutral): it says nothing about unlisted servers, so "
            "forged mail passes",
            "End the record with -all after listing your senders.",
        ))
    else:
        findings.append(fail(
            f"the SPF record of {domain} has no 'all' term (nor a redirect to a record with one): unlisted "
            "servers get a neutral result, so forged mail passes",
            "End the record with -all after listing your senders.",
        ))
    return findings


# --- DKIM -------------------------------------------------------------------------------------------

def dkim_findings(
    name: str,
    records: Sequence[str],
    key_type: str | None = None,
    key_bits: int | None = None,
    revoked: bool = False,
    testing: bool = False,
    error: str = "",
) -> list[Finding]:
    """DKIM key rules: one parseable record, not revoked, RSA >= 2048 bits (1024 warns) or ed25519."""
    publish = (f"Generate a new key pair (RSA 2048 bits, or ed25519 alongside it), publish "
               f'"v=DKIM1; k=rsa; p=<base64 public key>" as a TXT record at {name}, and sign outgoing mail with '
               "its private key.")
    if not records:
        return [fail(f"no DKIM key record at {name}: signatures with this selector cannot be verified", publish)]
    if len(records) > 1:
        return [fail(f"{len(records)} TXT records at {name}: verifiers pick one at random, so some signatures fail",
                     f"Keep exactly one key record at {name}.")]
    if error:
        return [fail(f"the DKIM key record at {name} cannot be parsed: {error}", publish)]
    if revoked:
        return [fail(f"the DKIM key at {name} is revoked (empty p=): every signature with this selector fails",
                     f"Sign with a selector that has a live key, or {publish[0].lower()}{publish[1:]}")]
    findings: list[Finding] = []
    if key_type == "rsa" and key_bits is not None:
        if key_bits < RSA_MINIMUM_BITS:
            findings.append(fail(
                f"the DKIM key at {name} is RSA {key_bits} bits: verifiers reject keys under {RSA_MINIMUM_BITS} "
                "bits (RFC 8301) and such keys can be factored",
                publish,
            ))
        elif key_bits < RSA_RECOMMENDED_BITS:
            findings.append(warn(
                f"the DKIM key at {name} is RSA {key_bits} bits; RFC 8301 asks for {RSA_RECOMMENDED_BITS}",
                publish,
            ))
    if testing:
        findings.append(warn(
            f"the DKIM key record at {name} has t=y (testing): receivers may treat signed mail as unsigned",
            "Remove t=y from the key record once signing works.",
        ))
    return findings


# --- DMARC ------------------------------------------------------------------------------------------

def policy_strength(policy: str | None) -> int:
    """none < quarantine < reject; unknown or absent counts as none."""
    return _STRENGTH.get((policy or "").lower(), 0)


def dmarc_findings(
    domain: str,
    records: Sequence[str],
    source: str = "",
    policy: str | None = None,
    subdomain_policy: str | None = None,
    nonexistent_policy: str | None = None,
    percent: int = 100,
    rua: Sequence[ReportDestination] = (),
    inherited: bool = False,
    error: str = "",
) -> list[Finding]:
    """DMARC rules: one valid record, p (or the inherited sp) quarantine/reject, rua present (fails);
    sp/np not weaker than p, external report destinations authorized, own ones deliverable (warns)."""
    source = source or f"_dmarc.{domain}"
    example = f'"v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@{domain}" as a TXT record at _dmarc.{domain}'
    if not records:
        return [fail(f"no DMARC record at {source}: receivers apply no policy to mail forged as {domain}",
                     f"Publish {example} (start with p=quarantine, move to p=reject when reports are clean).")]
    if len(records) > 1:
        return [fail(f"{len(records)} DMARC records at {source}: RFC 7489 6.6.3 makes receivers ignore them all",
                     f"Keep exactly one TXT record starting with v=DMARC1 at {source}.")]
    if error:
        return [fail(f"the DMARC record at {source} is not valid: {error}", f"Correct it; e.g. {example}.")]
    findings: list[Finding] = []
    effective = subdomain_policy if inherited else policy
    tag = "sp" if inherited else "p"
    via = f" (inherited from {source}, whose sp= applies to subdomains)" if inherited else ""
    if effective not in ENFORCING_POLICIES:
        findings.append(fail(
            f"the DMARC policy for {domain} is {tag}={effective or 'none'}{via}: receivers deliver mail that "
            "fails authentication, so anyone can send as this domain",
            f"Set {tag}=quarantine (or reject) in the record at {source}, after checking the aggregate reports "
            "show your own mail passing.",
        ))
    if not inherited:
        for name, value in (("sp", subdomain_policy), ("np", nonexistent_policy)):
            if name == "np" and value == subdomain_policy and policy_strength(value) < policy_strength(policy):
                continue  # np defaults to sp: the sp finding already says it
            if policy_strength(value) < policy_strength(policy):
                # A weakness, not a hole: mail from the domain itself still meets p (a subdomain that
                # sends is listed and judged on its own, where the weak sp= it inherits fails).
                findings.append(warn(
                    f"the DMARC record at {source} sets {name}={value}, weaker than p={policy}: "
                    f"{'subdomains' if name == 'sp' else 'non-existent subdomains'} of {domain} can be forged",
                    f"Remove {name}= (it then defaults to p) or set it to {policy}.",
                ))
    if percent < 100:
        findings.append(warn(
            f"the DMARC record at {source} has pct={percent}: the policy applies to only {percent}% of failing mail",
            "Remove pct= (default 100).",
        ))
    if not rua:
        findings.append(fail(
            f"the DMARC record at {source} has no rua=: you get no aggregate reports, so you cannot see who sends "
            f"as {domain} or whether your own mail passes",
            f"Add rua=mailto:dmarc-reports@{domain} (or your DMARC report service's address).",
        ))
    record_domain = source.removeprefix("_dmarc.")
    undeliverable: set[str] = set()
    for destination in rua:
        # RFC 7489 7.1: receivers skip an unauthorized destination; the policy itself still applies.
        if destination.external and destination.authorized is False:
            findings.append(warn(
                f"the DMARC report address {destination.uri} is outside {record_domain} and "
                f"{destination.domain} does not authorize it (no TXT \"v=DMARC1\" at "
                f"{destination.authorization_name}): receivers send no reports there (the policy still applies)",
                f'Have {destination.domain} publish "v=DMARC1" as a TXT record at {destination.authorization_name}, '
                "or send reports to an address in your own domain.",
            ))
        elif not destination.external and destination.deliverable is False and destination.domain not in undeliverable:
            undeliverable.add(destination.domain)
            findings.append(warn(
                f"the DMARC report address {destination.uri} cannot receive mail: {destination.domain} has no mail "
                'server (no MX record and no A/AAAA address, or a null MX "0 ."), so the reports are never delivered',
                f"Publish an MX record for {destination.domain}, or send reports to an address whose domain "
                "receives mail.",
            ))
    return findings


# --- MX ---------------------------------------------------------------------------------------------

def mx_findings(domain: str, hosts: Sequence[tuple[int, str]], unresolvable: Sequence[str] = ()) -> list[Finding]:
    """MX rules: at least one MX host, not a null MX ("0 ."); hosts without an address warn."""
    if not hosts:
        return [fail(f"{domain} has no MX record: replies and bounces to {domain} cannot be delivered, and many "
                     "receivers distrust mail from domains that cannot receive",
                     f'Publish an MX record for {domain}, e.g. "10 mx.your-mail-provider.example".')]
    if any(host in ("", ".") for _, host in hosts):
        return [fail(f'{domain} publishes a null MX ("0 ."), declaring it never receives mail; receivers may '
                     "reject mail from it (RFC 7505)",
                     f"Replace the null MX of {domain} with the MX records of your mail provider.")]
    return [warn(f"the MX host {host} of {domain} has no A/AAAA address: mail to it cannot be delivered",
                 f"Publish an address for {host}, or point the MX record at a host that has one.")
            for host in unresolvable]


# --- signed samples ---------------------------------------------------------------------------------

#: Why an ed25519 signature could not be checked (dkimpy verifies ed25519 through PyNaCl).
NO_NACL = "dkimpy cannot check an ed25519 signature without PyNaCl"
#: Why a verified rsa-sha1 signature counts as bad.
SHA1_SIGNATURE = "it is signed with rsa-sha1, which RFC 8301 forbids verifiers to accept: receivers treat it as invalid"
_SUPPORTED_ALGORITHMS = "rsa-sha256 or ed25519-sha256"
_VERIFY_FIX = ("Check that the selector's public key in DNS matches the signing key, and that nothing rewrites "
               "the message after signing (footers, header rewriting).")


def unsupported_algorithm(algorithm: str) -> str:
    """Why a signature with an unknown ``a=`` could not be checked."""
    return f"its algorithm a={algorithm or '(none)'} is not one verifiers know ({_SUPPORTED_ALGORITHMS})"


def _signature_fix(why: str) -> str:
    if why == NO_NACL:
        return "Install dkimpy's ed25519 support where this check runs (pip install 'dkimpy[ed25519]') and run again."
    if why == SHA1_SIGNATURE or why.startswith("its algorithm a="):
        return "Have your mail provider sign with a=rsa-sha256 (a 2048-bit key), or ed25519-sha256 alongside it."
    return _VERIFY_FIX

def alignment_findings(
    path: str,
    from_domain: str,
    from_org: str,
    signatures: Sequence[tuple[str, str, bool | None, str]],
    return_path_domain: str = "",
    return_path_org: str = "",
) -> list[Finding]:
    """Sample rules: a From domain, at least one signature, every signature verifies, a valid one
    aligned (relaxed) with From; the Return-Path domain aligned too (else a warning).

    ``signatures`` are ``(d=, organizational domain of d=, verified, why not)``; verified is None when
    the signature could not be checked at all (an unknown algorithm, ed25519 without PyNaCl): said so,
    a failure when no aligned signature verified, else a warning, and never advice to change ``d=``.
    """
    if not from_domain:
        return [fail(f"{path} has no single From: address, so DMARC alignment cannot be checked",
                     "Use a raw message as your mail system sends it, with its From: header.")]
    if not signatures:
        return [fail(f"{path} (From: @{from_domain}) carries no DKIM-Signature: receivers see unsigned mail",
                     f"Turn on DKIM signing for {from_domain} in your mail provider and save a new sample.")]
    findings: list[Finding] = []
    aligned = [d for d, org, valid, _why in signatures if valid is True and org == from_org]
    for d, org, valid, why in signatures:
        if valid is False:
            findings.append(fail(f"the DKIM signature d={d or '(none)'} in {path} does not verify: {why}", _signature_fix(why)))
        elif valid is None and org == from_org and not aligned:
            # Neither good nor bad: nothing proves this message passes DMARC on DKIM, and the
            # signing domain is already right, so the advice is about the check or the algorithm.
            findings.append(fail(
                f"the DKIM signature d={d} in {path} could not be checked: {why}; it is aligned with From "
                f"{from_domain} but no aligned signature verified, so nothing shows this message passes DMARC on DKIM",
                _signature_fix(why),
            ))
        elif valid is None:
            findings.append(warn(f"the DKIM signature d={d or '(none)'} in {path} could not be checked: {why}",
                                 _signature_fix(why)))
    tried = any(org == from_org and valid is not True for _d, org, valid, _why in signatures)
    if not aligned and not tried:  # an aligned signature that failed or went unchecked is already reported above
        others = ", ".join(sorted({d for d, *_ in signatures}))
        findings.append(fail(
            f"no valid DKIM signature in {path} is aligned with its From domain {from_domain} (signed by: "
            f"{others}): DMARC cannot pass on DKIM, and forwarding breaks SPF",
            f"Have your mail provider sign with d={from_domain} (a custom DKIM domain), not its own domain.",
        ))
    if not return_path_domain:
        findings.append(warn(f"{path} has no Return-Path header, so SPF alignment cannot be checked",
                             "Save the sample as received (the receiving server adds Return-Path)."))
    elif return_path_org != from_org:
        findings.append(warn(
            f"the Return-Path domain {return_path_domain} of {path} is not aligned with From {from_domain}: "
            "SPF cannot count towards DMARC, so DMARC rests on DKIM alone",
            f"Set a custom bounce (Return-Path / MAIL FROM) domain under {from_org} in your mail provider.",
        ))
    return findings
