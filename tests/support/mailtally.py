"""Grade the labelled mail corpus (support.mailcorpus) with the mail check, and tally the outcome.

Shared by tests/checks/mail/test_mail_grades.py (which pins the tally) and
benchmarks/mail_grades.py (which prints it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pytest_launchready.checks.mail import inspect_domain, inspect_sample
from pytest_launchready.checks.mail.report import Finding
from pytest_launchready.checks.mail.resolver import MailResolver
from pytest_launchready.config.settings import Settings
from pytest_launchready.config.values import DkimSelector
from support.mailcorpus import Corpus, CorpusDomain


def grade(findings: Iterable[Finding]) -> str:
    """``fail`` when any finding fails, else ``warn`` when any warns, else ``pass``."""
    levels = {f.level for f in findings}
    return "fail" if "fail" in levels else "warn" if "warn" in levels else "pass"


@dataclass
class Tally:
    """What grading the corpus found: each row is ``(domain or sample, aspect, expected, got)``."""

    found: list[tuple[str, str, str, str]] = field(default_factory=list)
    misgraded: list[tuple[str, str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str, str, str]] = field(default_factory=list)
    false_alarms: list[tuple[str, str, str, str]] = field(default_factory=list)
    passed: int = 0
    #: Signatures of the samples labelled good, and how many of them verified.
    good_signatures: int = 0
    good_verified: int = 0
    #: Samples whose signatures did not verify to their labels (``name: got``).
    signature_mismatches: list[str] = field(default_factory=list)

    def add(self, subject: str, aspect: str, expected: str, got: str) -> None:
        """File one graded aspect."""
        row = (subject, aspect, expected, got)
        if expected == got == "pass":
            self.passed += 1
        elif expected == "pass":
            self.false_alarms.append(row)
        elif got == expected:
            self.found.append(row)
        elif got == "pass":
            self.missed.append(row)
        else:
            self.misgraded.append(row)

    @property
    def defects(self) -> int:
        """Labelled defects graded."""
        return len(self.found) + len(self.misgraded) + len(self.missed)


def settings_for(corpus: Corpus, domains: Iterable[CorpusDomain]) -> Settings:
    """Settings naming ``domains`` with their own selectors, on the corpus's server."""
    chosen = tuple(domains)
    selectors = tuple(DkimSelector(s, d.name) for d in chosen for s in d.selectors)
    return Settings(mail_domains=tuple(d.name for d in chosen), dkim_selectors=selectors, nameservers=(corpus.server.address,))


def grade_corpus(corpus: Corpus) -> Tally:
    """Inspect every domain and sample of ``corpus`` and tally the grades against the labels."""
    tally = Tally()
    settings = settings_for(corpus, corpus.domains)
    for domain in corpus.domains:
        report = inspect_domain(domain.name, settings)
        aspects = {"SPF": report.spf, "DMARC": report.dmarc, "MX": report.mx,
                   **{f"DKIM {d.selector}": d for d in report.dkim}}
        for aspect, result in aspects.items():
            tally.add(domain.name, aspect, domain.grade(aspect), grade(result.findings))
    resolver = MailResolver((corpus.server.address,))
    with tempfile.TemporaryDirectory() as folder:
        for sample in corpus.samples:
            (Path(folder) / sample.name).write_bytes(sample.raw)
            report = inspect_sample(sample.name, folder, resolver)
            tally.add(sample.name, "sample", sample.grade, grade(report.findings))
            verified = tuple(s.valid for s in report.signatures)
            if verified != sample.verified:
                tally.signature_mismatches.append(f"{sample.name}: {verified}")
            if sample.grade == "pass":
                tally.good_signatures += len(verified)
                tally.good_verified += sum(v is True for v in verified)
    return tally
