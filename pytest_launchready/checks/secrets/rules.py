"""The detectors: one rule per kind of secret, each with its own id, most specific first.

Fixed-shape provider keys are :class:`~.rulebase.TokenRule` instances here; detectors that read
context live in :mod:`.contextual` (key blocks, URLs, AWS pairs, Kubernetes Secrets),
:mod:`.http_rules` (JWTs, ``Authorization`` headers, ``curl -u``) and :mod:`.assignment` (the generic
rule). A rule's id is part of every fingerprint: renaming one would break users' allowlists.
"""

from __future__ import annotations

from pytest_launchready.checks.secrets.assignment import AssignmentRule
from pytest_launchready.checks.secrets.contextual import (
    AwsSecretKeyRule,
    AzureClientSecretRule,
    KubernetesSecretRule,
    PrivateKeyRule,
    UrlCredentialsRule,
    UrlPasswordRule,
)
from pytest_launchready.checks.secrets.http_rules import (
    AuthorizationRule,
    AuthTupleRule,
    CurlUserRule,
    JwtRule,
    TelegramBotTokenRule,
)
from pytest_launchready.checks.secrets.rulebase import Rule, TokenRule

__all__ = ["RULES", "RULE_IDS", "Rule", "TokenRule"]


def _token(id: str, description: str, *patterns: bytes, min_entropy: float = 2.5) -> TokenRule:
    return TokenRule(id=id, description=description, patterns=patterns, min_entropy=min_entropy)


_END = rb"(?![A-Za-z0-9_-])"

#: Every rule, most specific first: when two rules find the same secret, the first one names it.
RULES: tuple[Rule, ...] = (
    _token(
        "anthropic-api-key",
        "Anthropic API keys: sk-ant-api03-..., sk-ant-admin01-...",
        rb"sk-ant-[a-z]{2,8}[0-9]{2}-(?P<body>[A-Za-z0-9_-]{40,})",
        min_entropy=3.5,
    ),
    _token(
        "openai-api-key",
        "OpenAI API keys: sk-proj-..., sk-svcacct-..., sk-admin-..., and legacy sk- + 40 or more letters and digits",
        rb"sk-(?:proj|svcacct|admin|None)-(?P<body>[A-Za-z0-9_-]{32,})",
        rb"sk-(?P<body>[A-Za-z0-9]{40,})" + _END,
        min_entropy=3.5,
    ),
    _token("groq-api-key", "Groq API keys: gsk_ + 52 letters and digits", rb"gsk_(?P<body>[A-Za-z0-9]{48,56})" + _END,
           min_entropy=3.5),
    _token("xai-api-key", "xAI API keys: xai- + 80 letters and digits", rb"xai-(?P<body>[A-Za-z0-9]{70,90})" + _END,
           min_entropy=3.5),
    _token("perplexity-api-key", "Perplexity API keys: pplx- + 48 letters and digits",
           rb"pplx-(?P<body>[A-Za-z0-9]{40,56})" + _END, min_entropy=3.5),
    _token("replicate-api-token", "Replicate API tokens: r8_ + 37 letters and digits",
           rb"r8_(?P<body>[A-Za-z0-9]{36,40})" + _END, min_entropy=3.5),
    _token("openrouter-api-key", "OpenRouter API keys: sk-or-v1- + 64 hex digits",
           rb"sk-or-v1-(?P<body>[0-9a-f]{64})" + _END, min_entropy=3.0),
    _token(
        "aws-access-key-id",
        "AWS access key ids: AKIA, ASIA, ABIA, ACCA + 16 upper-case letters or digits",
        *(prefix + rb"(?P<body>[A-Z0-9]{16})(?![A-Za-z0-9])" for prefix in (rb"AKIA", rb"ASIA", rb"ABIA", rb"ACCA")),
    ),
    AwsSecretKeyRule(),
    _token("stripe-live-key", "Stripe live secret keys: sk_live_...", rb"sk_live_(?P<body>[A-Za-z0-9]{24,})"),
    _token("stripe-restricted-key", "Stripe live restricted keys: rk_live_...", rb"rk_live_(?P<body>[A-Za-z0-9]{24,})"),
    _token("stripe-webhook-secret", "Stripe webhook signing secrets: whsec_...", rb"whsec_(?P<body>[A-Za-z0-9+/=]{24,})"),
    _token(
        "github-token",
        "GitHub tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh)",
        rb"gh[pousr]_(?P<body>[A-Za-z0-9]{36,255})(?![A-Za-z0-9])",
    ),
    _token(
        "github-fine-grained-token",
        "GitHub fine-grained personal access tokens: github_pat_...",
        rb"github_pat_(?P<body>[A-Za-z0-9_]{50,255})(?![A-Za-z0-9_])",
    ),
    _token(
        "slack-token",
        "Slack tokens: xoxb-, xoxa-, xoxp-, xoxr-, xoxs-, refresh tokens xoxe-/xoxe.xoxp-, app-level tokens xapp-",
        rb"xox[baprs]-(?P<body>[0-9]{1,16}-[A-Za-z0-9-]{10,})",
        rb"xoxe(?:\.xox[bp])?-(?P<body>[0-9]-[A-Za-z0-9-]{40,})",
        rb"xapp-(?P<body>[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[A-Za-z0-9]{32,})",
    ),
    _token(
        "slack-webhook",
        "Slack webhook URLs: hooks.slack.com/services/T.../B.../..., /workflows/..., /triggers/...",
        rb"hooks\.slack\.com/services/(?P<body>T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
        rb"hooks\.slack\.com/(?:workflows|triggers)/(?P<body>T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[0-9]{6,}/[A-Za-z0-9]{20,})",
    ),
    _token(
        "huggingface-token",
        "Hugging Face access tokens: hf_ + 34 or more letters (api_org_ for organisation tokens)",
        rb"hf_(?P<body>[A-Za-z0-9]{34,40})" + _END,
        rb"api_org_(?P<body>[A-Za-z0-9]{34,40})" + _END,
        min_entropy=3.5,
    ),
    _token("google-api-key", "Google API keys: AIza + 35 characters", rb"AIza(?P<body>[0-9A-Za-z_-]{35})" + _END),
    _token("twilio-api-key", "Twilio API key SIDs: SK + 32 hex digits", rb"SK(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    _token("twilio-account-sid", "Twilio account SIDs: AC + 32 hex digits", rb"AC(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    _token(
        "sendgrid-api-key",
        "SendGrid API keys: SG.<id>.<secret>",
        rb"SG\.(?P<body>[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{32,64})" + _END,
    ),
    _token("mailgun-api-key", "Mailgun API keys: key- + 32 hex digits", rb"key-(?P<body>[0-9a-f]{32})(?![0-9A-Za-z])"),
    AzureClientSecretRule(),
    TelegramBotTokenRule(),
    PrivateKeyRule(),
    JwtRule(),
    UrlPasswordRule(),
    UrlCredentialsRule(),
    AuthorizationRule(),
    CurlUserRule(),
    AuthTupleRule(),
    KubernetesSecretRule(),
    AssignmentRule(),
)

RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
