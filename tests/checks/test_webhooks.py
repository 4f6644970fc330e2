"""The webhooks check as users meet it: signed deliveries to one receiver per scheme (Standard Webhooks,
Stripe, Slack, GitHub and a scheme of the user's own), each flaw failing its own cases, the cases a
scheme cannot express NOT RUN, a receiver that refuses valid deliveries, and the secret never printed."""

from __future__ import annotations

import base64
import secrets

# Imported once here, rather than again in every in-process run below (pytester restores sys.modules).
import fastapi  # noqa: F401
import pytest
import standardwebhooks  # noqa: F401

import pytest_launchready.checks.webhooks.check  # noqa: F401
import pytest_launchready.target  # noqa: F401
from pytest_launchready import Webhook
from pytest_launchready.checks.webhooks import deliveries, signing
from support.projects import make_project
from support.runs import CaseRun

RUN = ("--launchready", "--launchready-checks=webhooks", "-p", "no:cacheprovider")
SCHEMES = ("custom", "github", "slack", "standard", "stripe")
KINDS = ("valid delivery", "unsigned", "wrong signature", "body changed after signing", "signed with another secret",
         "stale timestamp", "future timestamp", "replayed", "re-signed replay")

CONFTEST = '''
import hashlib, hmac, os
import pytest
from pytest_launchready import Webhook

def custom_sign(body, timestamp, secret):
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"|" + body, hashlib.sha256).hexdigest()
    return {"X-Custom-Signature": digest, "X-Custom-Timestamp": str(timestamp)}

@pytest.fixture(scope="session")
def launchready_webhooks():
    secret = os.environ["WEBHOOK_SECRET"]
    event = {"id": "evt_1", "type": "invoice.paid", "amount": 100}
    return [
        Webhook("POST /webhooks/standard", os.environ["WEBHOOK_WHSEC"], "standard"),
        Webhook("POST /webhooks/stripe", secret, "stripe", body=event),
        Webhook("POST /webhooks/slack", secret, "slack", body=lambda tenant: dict(event, type="event_callback")),
        Webhook("POST /webhooks/github", secret, "github", body=event),
        Webhook("POST /webhooks/custom", secret, custom_sign, body=event),
    ]
'''


def ids(scheme: str, *kinds: str) -> list[str]:
    return sorted(f"POST /webhooks/{scheme}: {kind}" for kind in kinds)


def every(*kinds: str, schemes: tuple[str, ...] = SCHEMES) -> list[str]:
    return sorted(i for scheme in schemes for i in ids(scheme, *kinds))


#: What no scheme of GitHub's can express: it signs no timestamp.
GITHUB_NOT_RUN = ids("github", "stale timestamp", "future timestamp", "re-signed replay")


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh random secret per test, in the env the receivers and the conftest read."""
    value = "lrtest" + secrets.token_hex(16)
    monkeypatch.setenv("WEBHOOK_SECRET", value)
    monkeypatch.setenv("WEBHOOK_WHSEC", "whsec_" + base64.b64encode(value.encode()).decode())
    monkeypatch.delenv("WEBHOOK_FLAWS", raising=False)
    return value


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaws: str = "", conftest: str = CONFTEST,
        *args: str) -> CaseRun:
    monkeypatch.setenv("WEBHOOK_FLAWS", flaws)
    make_project(pytester, "webhooks_fastapi", "launchready_public_routes =\n" + "".join(
        f"    POST /webhooks/{s}\n" for s in SCHEMES), conftest)
    return CaseRun(pytester, *RUN, *args)


def test_ids_are_one_per_receiver_and_case(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    make_project(pytester, "webhooks_fastapi", "", CONFTEST)
    result = pytester.runpytest_inprocess(*RUN, "--collect-only", "-q")
    collected = sorted(line for line in result.stdout.lines if line.startswith("launchready::"))
    assert collected == sorted(f"launchready::test_webhooks[{i}]" for i in every(*KINDS))


def test_secure_receivers_pass_every_case_their_scheme_can_express(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                  secret: str) -> None:
    outcome = run(pytester, monkeypatch)
    assert outcome.ids("failed") == [] and outcome.ids("error") == []
    assert outcome.ids("skipped") == GITHUB_NOT_RUN
    assert outcome.ids("passed") == sorted(set(every(*KINDS)) - set(GITHUB_NOT_RUN))
    reasons = outcome.reasons()
    assert "github scheme signs no timestamp" in reasons["POST /webhooks/github: stale timestamp"]
    assert "has no timestamp" in reasons["POST /webhooks/github: re-signed replay"]
    outcome.stdout.fnmatch_lines(["webhooks*PASS*5/5 routes*"])


@pytest.mark.parametrize(("flaw", "failing"), [
    ("unsigned-accepted", ("unsigned",)),
    ("signature-not-compared", ("wrong signature", "signed with another secret", "body changed after signing")),
    ("shape-only", ("signed with another secret", "body changed after signing")),
    ("signature-cache", ("body changed after signing",)),
    ("no-replay-store", ("replayed", "re-signed replay")),
    ("replay-by-signature", ("re-signed replay",)),
])
def test_each_flaw_fails_its_own_cases_on_every_scheme(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                      secret: str, flaw: str, failing: tuple[str, ...]) -> None:
    outcome = run(pytester, monkeypatch, flaw)
    expected = set(every(*failing)) - set(GITHUB_NOT_RUN)
    assert outcome.ids("failed") == sorted(expected)
    assert outcome.ids("skipped") == GITHUB_NOT_RUN


@pytest.mark.parametrize("flaw", ["no-past-check", "no-future-check"])
def test_an_unchecked_timestamp_fails_on_every_scheme_that_signs_one(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                     secret: str, flaw: str) -> None:
    kind = "stale timestamp" if flaw == "no-past-check" else "future timestamp"
    outcome = run(pytester, monkeypatch, flaw)
    assert outcome.ids("failed") == every(kind, schemes=("custom", "slack", "standard", "stripe"))
    assert "dated 360 s in the " in outcome.message_text() and "tolerance 300 s" in outcome.message_text()


def test_a_finding_says_what_was_sent_what_came_back_and_the_fix(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                 secret: str) -> None:
    outcome = run(pytester, monkeypatch, "no-replay-store", CONFTEST, "-k", "stripe and replayed and not signed")
    assert outcome.ids("failed") == ids("stripe", "replayed")
    text = outcome.message_text()
    assert "POST /webhooks/stripe accepted it (200): the same valid delivery a second time" in text
    assert "Stripe-Signature: [REDACTED]" in text or "stripe-signature: [REDACTED]" in text
    assert "Store each accepted event id" in text
    assert "curl -i -X POST -H 'content-type: application/json' -H 'stripe-signature: [REDACTED]' --data-binary" in text
    assert "t=" not in text.split("Sent:", 1)[1].split("\n", 1)[0]  # the signature header is masked whole
    finding = [r for r in outcome.reports if r.failed][0]
    assert ("launchready_severity", "high") in finding.user_properties


def test_a_forged_delivery_that_crashes_the_receiver_fails_as_medium(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                     secret: str) -> None:
    outcome = run(pytester, monkeypatch, "crash-on-forged", CONFTEST, "-k", "standard")
    assert outcome.ids("failed") == ids("standard", "wrong signature", "body changed after signing", "signed with another secret")
    assert "answered 500 instead of a 4xx" in outcome.message_text()
    severities = {v for r in outcome.reports if r.failed for k, v in r.user_properties if k == "launchready_severity"}
    assert severities == {"medium"}


def test_a_receiver_refusing_valid_deliveries_makes_the_rest_not_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                     secret: str) -> None:
    outcome = run(pytester, monkeypatch, "refuse-valid")
    assert outcome.ids("failed") == [] and outcome.ids("passed") == []
    assert outcome.ids("error") == every("valid delivery")
    assert "refused a validly signed delivery" in outcome.output
    reasons = outcome.reasons()
    assert "the receiver refused a valid delivery (401; see test_webhooks[POST /webhooks/stripe: valid delivery])" in \
        reasons["POST /webhooks/stripe: replayed"]


def test_without_the_fixture_every_case_is_not_run_naming_it(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                             secret: str) -> None:
    outcome = run(pytester, monkeypatch, "", "")
    assert outcome.ids("failed") == [] and outcome.ids("passed") == []
    assert outcome.ids("skipped") == every(*KINDS)
    assert all("define the launchready_webhooks fixture" in r for r in outcome.reasons().values())
    outcome.stdout.fnmatch_lines(["webhooks*NOT RUN*"])


def test_a_webhook_naming_no_receiver_is_a_set_up_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                        secret: str) -> None:
    conftest = CONFTEST.replace('"POST /webhooks/custom"', '"POST /stripe/events"')
    outcome = run(pytester, monkeypatch, "", conftest, "-k", "custom and valid")
    assert outcome.ids("error") == ids("custom", "valid delivery")
    assert "launchready_webhooks names POST /stripe/events, which is not a discovered webhook receiver" in outcome.output


def test_a_sign_callable_that_raises_is_a_set_up_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                       secret: str) -> None:
    conftest = CONFTEST.replace("    digest = hmac.new(", "    raise KeyError('no key ' + secret)\n    digest = hmac.new(")
    outcome = run(pytester, monkeypatch, "", conftest, "-k", "custom")
    assert outcome.ids("error") == ids("custom", *KINDS)
    assert "the sign callable of the Webhook for POST /webhooks/custom raised KeyError on a probe delivery" in outcome.output
    assert secret not in outcome.output


def test_a_body_without_an_event_id_makes_the_re_signed_replay_not_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                                       secret: str) -> None:
    conftest = CONFTEST.replace('event = {"id": "evt_1", ', 'event = {"ref": "evt_1", ')
    outcome = run(pytester, monkeypatch, "", conftest, "-k", "stripe")
    assert outcome.ids("skipped") == ids("stripe", "re-signed replay")
    assert "the stripe scheme carries no event id and the body has no event id field" in \
        outcome.reasons()["POST /webhooks/stripe: re-signed replay"]


def test_two_workers_keep_deliveries_of_a_body_without_an_event_id_apart(pytester: pytest.Pytester,
                                                                          monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    """Without an event id, only the timestamp tells two deliveries apart (the receivers then dedupe by
    signature): with the cases of a receiver spread over two workers, none is refused as a replay."""
    conftest = CONFTEST.replace('event = {"id": "evt_1", ', 'event = {"ref": "evt_1", ')
    outcome = run(pytester, monkeypatch, "", conftest, "-n", "2", "--dist=load", "-k", "not standard")
    assert outcome.ids("failed") == [] and outcome.ids("error") == []
    assert outcome.ids("skipped") == sorted([*GITHUB_NOT_RUN, *every("re-signed replay", schemes=("custom", "slack", "stripe"))])


def test_the_secret_is_printed_nowhere(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    """Every case failing (the receivers verify nothing, and quote their secret in every answer), with
    locals and long tracebacks shown, and the JSON report written: neither secret appears once."""
    report = pytester.path / "report.json"
    outcome = run(pytester, monkeypatch, "signature-not-compared,unsigned-accepted,no-replay-store,no-past-check,no-future-check,"
                  "debug-echo",
                  CONFTEST, "-rA", "--showlocals", "--tb=long", f"--launchready-report={report}")
    assert len(outcome.ids("failed")) == 37  # 8 cases on 4 schemes, 5 on github (no timestamp)
    whsec = "whsec_" + base64.b64encode(secret.encode()).decode()
    text = outcome.output + report.read_text() + "".join(str(r.longrepr) + str(r.user_properties) for r in outcome.reports)
    assert text.count(secret) == 0 and text.count(whsec) == 0 and text.count(whsec[6:]) == 0
    assert "checked with [REDACTED]" in text  # the answers were shown, masked


def test_the_named_schemes_sign_as_their_providers_document() -> None:
    body, ts = b'{"id":"evt_1"}', 1_700_000_000
    stripe = signing.scheme_of(Webhook("POST /h", "k" * 12, "stripe")).sign(body, ts, "k" * 12, "evt_1")
    import hashlib
    import hmac

    assert stripe == {"Stripe-Signature": f"t={ts},v1=" + hmac.new(b"k" * 12, b"1700000000." + body, hashlib.sha256).hexdigest()}
    slack = signing.scheme_of(Webhook("POST /h", "k" * 12, "slack")).sign(body, ts, "k" * 12, "evt_1")
    assert slack["X-Slack-Signature"] == "v0=" + hmac.new(b"k" * 12, b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    github = signing.scheme_of(Webhook("POST /h", "k" * 12, "github", header="X-Sig")).sign(body, ts, "k" * 12, "d-1")
    assert github == {"X-Sig": "sha256=" + hmac.new(b"k" * 12, body, hashlib.sha256).hexdigest(), "X-GitHub-Delivery": "d-1"}
    whsec = "whsec_" + base64.b64encode(b"0123456789abcdef").decode()
    standard = signing.scheme_of(Webhook("POST /h", whsec, "standard")).sign(body, int(__import__("time").time()), whsec, "msg_1")
    assert standardwebhooks.Webhook(whsec).verify(body, standard) == {"id": "evt_1"}


def test_a_custom_scheme_without_a_timestamp_is_learned_as_such() -> None:
    def sign(body: bytes, timestamp: int, secret: str) -> dict[str, str]:
        return {"X-Sig": secret[:3] + body.hex()[:8]}

    scheme = signing.scheme_of(Webhook("POST /h", "secret-value", sign))
    assert scheme.signature_headers == ("X-Sig",) and not scheme.has_timestamp


def test_garbled_signatures_keep_their_format() -> None:
    assert signing.garbled("t=1700000000,v1=" + "ab" * 32) == "t=1700000000,v1=" + "0" * 64
    assert signing.garbled("v1," + "QUJD" * 10 + "==") == "v1," + "A" * 40 + "=="
    assert signing.garbled("sha256=" + "0" * 64) == "sha256=" + "f" * 64


def test_tampering_changes_a_value_and_keeps_its_type() -> None:
    assert deliveries.tampered({"ref": "abc", "n": 1}) == ({"ref": "aba", "n": 1}, "field 'ref' changed")
    assert deliveries.tampered({"event_id": 7}) == ({"event_id": 8}, "field 'event_id' changed")
    assert deliveries.event_id_field({"type": "x", "eventId": "e"}) == "eventId"
    assert deliveries.with_event_id({"id": 5}, "evt_lr00000000000000ff")["id"] == 0xFF


def test_a_webhook_record_refuses_what_cannot_be_tested() -> None:
    with pytest.raises(ValueError, match="not one of standard, stripe, slack, github"):
        Webhook("POST /h", "k" * 12, "paypal")
    with pytest.raises(ValueError, match="empty secret"):
        Webhook("POST /h", "", "stripe")
    with pytest.raises(ValueError, match="positive number of seconds"):
        Webhook("POST /h", "k" * 12, "stripe", tolerance=0)
    assert "k" * 12 not in repr(Webhook("POST /h", "k" * 12, "stripe"))
