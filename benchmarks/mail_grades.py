"""How the mail check grades a labelled corpus of domains and signed samples, next to what its
libraries say on their own.

The corpus (tests/support/mailcorpus.py) is served by a real DNS server on 127.0.0.1: domains with one
defect each (labelled fail or warn on the aspect they break) and good domains, plus signed samples
(RSA, ed25519, both; good and broken). Two graders read the same DNS:

1. the mail check: ``inspect_domain`` / ``inspect_sample`` with per-domain selectors;
2. the libraries' own verdicts: checkdmarc's ``check_spf`` / ``check_dmarc`` / ``get_mx_hosts``
   (invalid -> fail, warnings -> warn), dkimpy's ``evaluate_pk`` for keys (an error -> fail) and
   ``dkim.verify`` of every signature for samples (alignment not judged).

Prints, for each, defects found at the right grade, found at another grade, missed, false alarms on
the aspects labelled pass, and the good samples' signatures verified.

    python benchmarks/mail_grades.py
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]
warnings.filterwarnings("ignore")  # dnspython's DSA deprecation notices, on import
logging.disable(logging.WARNING)  # checkdmarc logs each DNSSEC lookup the test server cannot answer

from pytest_launchready.checks.mail.resolver import MailResolver  # noqa: E402
from support.mailcorpus import Corpus, CorpusDomain, shared_corpus  # noqa: E402
from support.mailtally import Tally, grade_corpus  # noqa: E402


def _verdict(result: dict[str, Any], failed: bool) -> str:
    # DNSSEC, TLS and PTR notes are about what a loopback test server cannot offer, not about the records.
    notes = [w for w in result.get("warnings") or [] if not any(n in w for n in ("DNSSEC", "TLS", "reverse DNS"))]
    return "fail" if failed else "warn" if notes else "pass"


def _libraries(corpus: Corpus) -> Tally:
    """The same labels graded by checkdmarc and dkimpy alone."""
    import dkim
    from checkdmarc import dmarc, smtp, spf

    tally = Tally()

    def resolver() -> MailResolver:
        return MailResolver((corpus.server.address,))

    def safely(grader: Callable[[], str]) -> str:
        try:
            return grader()
        except Exception:  # a library that raises has found something wrong: a failure
            return "fail"

    for domain in corpus.domains:
        r = resolver()
        spf_result = safely(lambda: _verdict(res := spf.check_spf(domain.name, resolver=r.resolver), not res.get("valid", False)))
        tally.add(domain.name, "SPF", domain.grade("SPF"), spf_result)
        r = resolver()
        dmarc_result = safely(lambda: _verdict(res := dmarc.check_dmarc(domain.name, resolver=r.resolver), not res.get("valid", False)))
        tally.add(domain.name, "DMARC", domain.grade("DMARC"), dmarc_result)
        r = resolver()
        mx_result = safely(lambda: _verdict(res := smtp.get_mx_hosts(domain.name, skip_tls=True, resolver=r.resolver), not res.get("hosts")))
        tally.add(domain.name, "MX", domain.grade("MX"), mx_result)
        for selector in domain.selectors:
            tally.add(domain.name, f"DKIM {selector}", domain.grade(f"DKIM {selector}"), safely(lambda: _key(domain, selector, resolver())))
    for sample in corpus.samples:
        r = resolver()
        count = sum(1 for name, _ in dkim.DKIM(sample.raw).headers if name.lower() == b"dkim-signature")

        def verify_all(raw: bytes = sample.raw, n: int = count) -> str:
            ok = n > 0 and all(dkim.DKIM(raw).verify(idx=i, dnsfunc=r.dkim_dnsfunc) for i in range(n))
            return "pass" if ok else "fail"

        tally.add(sample.name, "sample", sample.grade, safely(verify_all))
    return tally


def _key(domain: CorpusDomain, selector: str, resolver: MailResolver) -> str:
    import dkim

    name = f"{selector}._domainkey.{domain.name}"
    dkim.evaluate_pk(name, resolver.dkim_dnsfunc(name.encode()))
    return "pass"


def _print(title: str, tally: Tally, seconds: float) -> None:
    print(f"\n{title} ({seconds:.1f} s)")
    print(f"  defects found at the right grade: {len(tally.found)}/{tally.defects}")
    print(f"  found at another grade:           {len(tally.misgraded)}  {_rows(tally.misgraded)}")
    print(f"  missed:                           {len(tally.missed)}  {_rows(tally.missed)}")
    print(f"  false alarms:                     {len(tally.false_alarms)}/{len(tally.false_alarms) + tally.passed} "
          f"aspects labelled pass  {_rows(tally.false_alarms)}")


def _rows(rows: list[tuple[str, str, str, str]], limit: int = 6) -> str:
    shown = [f"{subject} {aspect} ({expected}->{got})" for subject, aspect, expected, got in rows[:limit]]
    return ("[" + "; ".join(shown) + (f"; +{len(rows) - limit} more" if len(rows) > limit else "") + "]") if rows else ""


def main() -> None:
    started = time.perf_counter()
    corpus = shared_corpus()
    defective = sum(1 for d in corpus.domains if d.expected)
    print(f"corpus: {len(corpus.domains)} domains ({defective} defective, {len(corpus.domains) - defective} good), "
          f"{len(corpus.samples)} samples ({sum(s.grade != 'pass' for s in corpus.samples)} defective); "
          f"{corpus.defects} labelled defects; set up in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    ours = grade_corpus(corpus)
    _print("mail check", ours, time.perf_counter() - started)
    print(f"  good samples' signatures verified: {ours.good_verified}/{ours.good_signatures}"
          + (f"; mismatches: {ours.signature_mismatches}" if ours.signature_mismatches else ""))
    started = time.perf_counter()
    _print("checkdmarc + dkimpy verdicts alone", _libraries(corpus), time.perf_counter() - started)


if __name__ == "__main__":
    main()
