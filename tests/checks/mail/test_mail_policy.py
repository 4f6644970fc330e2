"""The mail launch rules, tested directly on parsed facts (no DNS)."""

from __future__ import annotations

import pytest

from pytest_launchready.checks.mail import policy
from pytest_launchready.checks.mail.dkim import parse_key_record
from pytest_launchready.checks.mail.dmarc import is_dmarc_record
from pytest_launchready.checks.mail.report import ReportDestination
from pytest_launchready.checks.mail.spf import all_term, effective_all, is_spf_record


def levels(findings: list[policy.Finding]) -> list[str]:
    return [f.level for f in findings]


# --- SPF --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("records", "qualifier", "lookups", "void", "expected"),
    [
        (["v=spf1 -all"], "-", 0, 0, []),
        (["v=spf1 include:a -all"], "-", 10, 2, []),
        (["v=spf1 include:a ~all"], "~", 1, 0, ["warn"]),
        (["v=spf1 +all"], "+", 0, 0, ["fail"]),
        (["v=spf1 all"], "+", 0, 0, ["fail"]),
        (["v=spf1 ?all"], "?", 0, 0, ["fail"]),
        (["v=spf1 ip4:192.0.2.1"], None, 0, 0, ["fail"]),
        ([], None, None, None, ["fail"]),
        (["v=spf1 -all", "v=spf1 ~all"], None, None, None, ["fail"]),
        (["v=spf1 include:a -all"], "-", 11, None, ["fail"]),
        (["v=spf1 a:x a:y a:z -all"], "-", 3, 3, ["fail"]),
        (["v=spf1 include:a ~all"], "~", 11, 0, ["fail", "warn"]),
    ],
)
def test_spf_rules(records: list[str], qualifier: str | None, lookups: int | None, void: int | None, expected: list[str]) -> None:
    assert levels(policy.spf_findings("example.test", records, qualifier, lookups, void)) == expected


def test_spf_over_the_limit_without_a_known_all_reports_only_the_limit() -> None:
    # A redirect target's 'all' is unknown when evaluation stopped early; say nothing false about it.
    findings = policy.spf_findings("example.test", ["v=spf1 redirect=x"], None, 11, None)
    assert len(findings) == 1 and "11 DNS-querying terms" in findings[0].message


def test_spf_unevaluable_record_fails_with_the_reason() -> None:
    (finding,) = policy.spf_findings("example.test", ["v=spf1 ip4:999.1.1.1 -all"], "-", error="999.1.1.1 is not a valid IPv4 value")
    assert finding.level == "fail" and "999.1.1.1" in finding.message


def test_spf_messages_say_what_to_publish() -> None:
    (missing,) = policy.spf_findings("example.test", [])
    assert "v=spf1" in missing.fix and "-all" in missing.fix and "example.test" in missing.fix


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v=spf1 -all", True), ("V=SPF1 -all", True), ("v=spf1", True), ("v=spf10 -all", False),
     (" v=spf1 -all", False), ("spf2.0/pra -all", False), ("google-site-verification=x", False)],
)
def test_is_spf_record(text: str, expected: bool) -> None:
    assert is_spf_record(text) is expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [("v=spf1 -all", "-"), ("v=spf1 mx ~ALL", "~"), ("v=spf1 all", "+"), ("v=spf1 ?all", "?"),
     ("v=spf1 include:allowed.example -all", "-"), ("v=spf1 a:all.example", None)],
)
def test_all_term(record: str, expected: str | None) -> None:
    assert all_term(record) == expected


def test_effective_all_follows_redirects_only_without_an_own_all() -> None:
    parsed = {"redirect": {"record": "v=spf1 redirect=b", "parsed": {"redirect": {"record": "v=spf1 ~all", "parsed": {}}}}}
    assert effective_all("v=spf1 redirect=a", parsed) == "~"
    assert effective_all("v=spf1 -all redirect=a", parsed) == "-"
    assert effective_all("v=spf1 redirect=a", None) is None


# --- DKIM -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("key_type", "bits", "revoked", "testing", "expected"),
    [
        ("rsa", 4096, False, False, []),
        ("rsa", 2048, False, False, []),
        ("rsa", 2047, False, False, ["warn"]),
        ("rsa", 1024, False, False, ["warn"]),
        ("rsa", 1023, False, False, ["fail"]),
        ("rsa", 512, False, False, ["fail"]),
        ("ed25519", 256, False, False, []),
        (None, None, True, False, ["fail"]),
        ("rsa", 2048, False, True, ["warn"]),
    ],
)
def test_dkim_rules(key_type: str | None, bits: int | None, revoked: bool, testing: bool, expected: list[str]) -> None:
    findings = policy.dkim_findings("s._domainkey.example.test", ["v=DKIM1; p=x"], key_type, bits, revoked, testing)
    assert levels(findings) == expected


def test_dkim_missing_duplicate_and_unparseable_records_fail() -> None:
    name = "s._domainkey.example.test"
    assert levels(policy.dkim_findings(name, [])) == ["fail"]
    assert levels(policy.dkim_findings(name, ["v=DKIM1; p=a", "v=DKIM1; p=b"])) == ["fail"]
    (finding,) = policy.dkim_findings(name, ["garbage"], error="not a tag=value list")
    assert finding.level == "fail" and "not a tag=value list" in finding.message and name in finding.fix


@pytest.mark.parametrize(
    ("record", "error_part"),
    [
        ("just text", "tag=value"),
        ("v=DKIM1; k=rsa", "no p= tag"),
        ("v=DKIM2; p=AAAA", "DKIM1"),
        ("k=rsa; v=DKIM1; p=AAAA", "first tag"),
        ("v=DKIM1; k=rsa; p=!!!", "base64"),
        ("v=DKIM1; k=rsa; p=bm90IGEga2V5", "not an RSA public key"),
        ("v=DKIM1; k=ed25519; p=AAAA", "32 bytes"),
        ("v=DKIM1; k=dsa; p=AAAA", "unknown key type"),
        ("v=DKIM1; p=a; p=b", "DuplicateTag"),
    ],
)
def test_parse_key_record_says_why_a_record_is_unusable(record: str, error_part: str) -> None:
    assert error_part in parse_key_record(record).error


def test_parse_key_record_revoked_and_testing() -> None:
    revoked = parse_key_record("v=DKIM1; k=rsa; t=y:s; p=")
    assert revoked.revoked and revoked.testing and not revoked.error
    assert parse_key_record("p=").revoked  # v= and k= are optional (RFC 6376 3.6.1)


# --- DMARC ------------------------------------------------------------------------------------------

OWN = (ReportDestination("mailto:d@example.test", "example.test", external=False),)


@pytest.mark.parametrize(
    ("p", "sp", "np", "expected"),
    [
        ("reject", "reject", "reject", []),
        ("quarantine", "quarantine", "quarantine", []),
        ("quarantine", "reject", "reject", []),
        ("none", "none", "none", ["fail"]),
        ("reject", "none", "none", ["warn"]),  # np defaulted from sp: one finding, not two
        ("reject", "quarantine", "quarantine", ["warn"]),
        ("reject", "reject", "quarantine", ["warn"]),
        ("quarantine", "none", "quarantine", ["warn"]),
        ("none", "none", "none", ["fail"]),
        (None, None, None, ["fail"]),
    ],
)
def test_dmarc_policy_rules(p: str | None, sp: str | None, np: str | None, expected: list[str]) -> None:
    findings = policy.dmarc_findings("example.test", ["v=DMARC1"], policy=p, subdomain_policy=sp, nonexistent_policy=np, rua=OWN)
    assert levels(findings) == expected


def test_dmarc_inherited_policy_is_the_parents_sp() -> None:
    good = policy.dmarc_findings("mail.example.test", ["v=DMARC1"], "_dmarc.example.test", policy="none",
                                 subdomain_policy="reject", nonexistent_policy="reject", rua=OWN, inherited=True)
    assert good == []
    (bad,) = policy.dmarc_findings("mail.example.test", ["v=DMARC1"], "_dmarc.example.test", policy="reject",
                                   subdomain_policy="none", nonexistent_policy="none", rua=OWN, inherited=True)
    assert bad.level == "fail" and "sp=none" in bad.message and "inherited from _dmarc.example.test" in bad.message


def test_dmarc_reporting_rules() -> None:
    strong = {"policy": "reject", "subdomain_policy": "reject", "nonexistent_policy": "reject"}
    (no_rua,) = policy.dmarc_findings("example.test", ["v=DMARC1"], **strong)
    assert no_rua.level == "fail" and "rua=" in no_rua.message
    unauthorized = ReportDestination("mailto:d@collector.test", "collector.test", external=True, authorized=False,
                                     authorization_name="example.test._report._dmarc.collector.test")
    (finding,) = policy.dmarc_findings("example.test", ["v=DMARC1"], rua=(unauthorized,), **strong)
    assert finding.level == "warn" and "example.test._report._dmarc.collector.test" in finding.fix
    authorized = ReportDestination("mailto:d@collector.test", "collector.test", external=True, authorized=True)
    assert policy.dmarc_findings("example.test", ["v=DMARC1"], rua=(authorized,), **strong) == []
    assert levels(policy.dmarc_findings("example.test", ["v=DMARC1"], rua=OWN, percent=50, **strong)) == ["warn"]
    dead = ReportDestination("mailto:d@example.test", "example.test", external=False, deliverable=False)
    (undeliverable,) = policy.dmarc_findings("example.test", ["v=DMARC1"], rua=(dead, dead), **strong)
    assert undeliverable.level == "warn" and "never delivered" in undeliverable.message
    unknown = ReportDestination("mailto:d@example.test", "example.test", external=False, deliverable=None)
    assert policy.dmarc_findings("example.test", ["v=DMARC1"], rua=(unknown,), **strong) == []


def test_dmarc_record_count_and_syntax() -> None:
    assert levels(policy.dmarc_findings("example.test", [])) == ["fail"]
    assert levels(policy.dmarc_findings("example.test", ["v=DMARC1; p=reject", "v=DMARC1; p=none"])) == ["fail"]
    (finding,) = policy.dmarc_findings("example.test", ["v=DMARC1; p=x"], error="bad p")
    assert "bad p" in finding.message and "v=DMARC1; p=quarantine" in finding.fix


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v=DMARC1; p=reject", True), ("v=DMARC1", True), ("V = dmarc1 ;p=none", True), ("v=DMARC10; p=reject", False),
     ("p=reject; v=DMARC1", False), ("v=spf1 -all", False)],
)
def test_is_dmarc_record(text: str, expected: bool) -> None:
    assert is_dmarc_record(text) is expected


def test_policy_strength_orders_policies() -> None:
    assert policy.policy_strength("none") < policy.policy_strength("quarantine") < policy.policy_strength("reject")
    assert policy.policy_strength(None) == policy.policy_strength("bogus") == 0


# --- MX and samples ---------------------------------------------------------------------------------

def test_mx_rules() -> None:
    assert policy.mx_findings("example.test", [(10, "mx.example.test")]) == []
    assert levels(policy.mx_findings("example.test", [])) == ["fail"]
    assert levels(policy.mx_findings("example.test", [(0, ".")])) == ["fail"]
    assert levels(policy.mx_findings("example.test", [(10, "mx.example.test")], ["mx.example.test"])) == ["warn"]


@pytest.mark.parametrize(
    ("signatures", "return_path", "expected"),
    [
        ([("example.test", "example.test", True, "")], "example.test", []),
        ([("mail.example.test", "example.test", True, "")], "bounce.example.test", []),  # relaxed alignment
        ([("esp.test", "esp.test", True, "")], "example.test", ["fail"]),
        ([("example.test", "example.test", False, "body hash mismatch")], "example.test", ["fail"]),
        ([("esp.test", "esp.test", True, ""), ("example.test", "example.test", True, "")], "example.test", []),
        ([("example.test", "example.test", True, ""), ("esp.test", "esp.test", False, "x")], "example.test", ["fail"]),
        ([("example.test", "example.test", True, "")], "esp.test", ["warn"]),
        ([("example.test", "example.test", True, "")], "", ["warn"]),
        ([("example.test", "example.test", None, policy.NO_NACL)], "example.test", ["fail"]),
        ([("example.test", "example.test", True, ""), ("example.test", "example.test", None, policy.NO_NACL)], "example.test", ["warn"]),
        ([("esp.test", "esp.test", None, policy.NO_NACL)], "example.test", ["warn", "fail"]),
        ([], "example.test", ["fail"]),
    ],
)
def test_alignment_rules(signatures: list[tuple[str, str, bool | None, str]], return_path: str, expected: list[str]) -> None:
    rp_org = "example.test" if return_path.endswith("example.test") else return_path
    findings = policy.alignment_findings("sample.eml", "example.test", "example.test", signatures, return_path, rp_org)
    assert levels(findings) == expected


def test_sample_without_from_fails() -> None:
    assert levels(policy.alignment_findings("sample.eml", "", "", [("example.test", "example.test", True, "")])) == ["fail"]


@pytest.mark.parametrize("why", [policy.NO_NACL, policy.unsupported_algorithm("ed448-sha256")])
def test_an_unchecked_aligned_signature_says_so_and_never_advises_another_d(why: str) -> None:
    (finding,) = policy.alignment_findings("sample.eml", "example.test", "example.test",
                                           [("example.test", "example.test", None, why)], "example.test", "example.test")
    assert finding.level == "fail" and "could not be checked" in finding.message and why in finding.message
    assert "d=" not in finding.fix and ("dkimpy[ed25519]" in finding.fix or "rsa-sha256" in finding.fix)


def test_a_sha1_signature_fails_with_the_algorithm_to_use() -> None:
    (finding,) = policy.alignment_findings("sample.eml", "example.test", "example.test",
                                           [("example.test", "example.test", False, policy.SHA1_SIGNATURE)],
                                           "example.test", "example.test")
    assert finding.level == "fail" and "rsa-sha1" in finding.message and "a=rsa-sha256" in finding.fix
