"""Our rules for what issue 13 found missing: each context and syntax, and the look-alikes left alone.

Our rules alone (``providers=False``): these are what the check keeps when Kingfisher is absent, and
what it relies on where Kingfisher has no rule. Secrets come from the corpus's seeded generator.
"""

from __future__ import annotations

import base64

import pytest

from pytest_launchready.checks.secrets.scanner import find_secrets
from support.secrets_corpus import Keys, _families

KEYS = Keys(seed=41)
MAKE = _families(KEYS)
PW = MAKE["password"]()
S32 = MAKE["secret32"]()
JWT = MAKE["jwt"]()
BASIC = MAKE["basic"]()
BEARER = MAKE["bearer"]()
AZURE = MAKE["azure"]()
LONG = MAKE["long_secret"]()
PAREN = MAKE["paren_password"]()
#: The rule ids this file gives positives for (test_secrets_rules.py covers the others).
CONTEXT_RULES = {
    "jwt", "authorization-header", "curl-credentials", "url-credentials", "kubernetes-secret",
    "azure-client-secret", "huggingface-token", "http-auth-tuple", "telegram-bot-token", "groq-api-key",
    "xai-api-key", "perplexity-api-key", "replicate-api-token", "openrouter-api-key",
}


def ours(text: str) -> list[tuple[str, str]]:
    return [(rule, secret.decode()) for _, rule, secret in find_secrets(text.encode(), providers=False)]


K8S = f"""apiVersion: v1
kind: Secret
metadata:
  name: app
data:
  username: {base64.b64encode(b"app-service").decode()}
  password: {base64.b64encode(PW.encode()).decode()}
  host: {base64.b64encode(b"db.internal").decode()}
"""

POSITIVE = [
    ("jwt", "SERVICE_JWT={}", JWT),
    ("jwt", "token: {}", MAKE["jwt_rs"]()),  # 500+ characters: no length cap
    ("authorization-header", "Authorization: Basic {}", BASIC),
    ("authorization-header", '{{"Authorization": "Bearer {}"}}', BEARER),
    ("authorization-header", 'session.headers["Authorization"] = "Bearer {}"', BEARER),
    ("authorization-header", "ts=1 authorization=Bearer {} status=200", BEARER),
    ("authorization-header", "curl -H 'authorization: basic {}' https://api.internal", BASIC),
    ("curl-credentials", "curl -u deploy:{} https://ci.internal/hook", PW),
    ("curl-credentials", 'curl -fsS --user "bot:{}" https://ci.internal', PW),
    ("curl-credentials", "curl -X POST \\\n  --user=bot:{} \\\n  https://ci.internal", PW),
    ("url-credentials", "MIRROR=https://ci-bot:{}@artifacts.internal/simple", PW),
    ("url-credentials", "FTP=ftp://mirror:{}@files.partner.net/upload", PW),
    ("url-credentials", "SMTP_URL=smtps://postmaster:{}@smtp.mail.example:465", PW),
    ("azure-client-secret", "AZURE_CLIENT_SECRET={}", AZURE),
    ("azure-client-secret", 'clientSecret: "{}"', MAKE["azure_plain"]()),
    ("huggingface-token", "x = '{}'", MAKE["hf"]()),
    ("http-auth-tuple", 'session.auth = ("etl", "{}")', PW),
    ("telegram-bot-token", 'tg:"{}"', MAKE["telegram"]()),
    ("groq-api-key", "k={}", MAKE["groq"]()),
    ("xai-api-key", "k={}", MAKE["xai"]()),
    ("perplexity-api-key", "k={}", MAKE["pplx"]()),
    ("replicate-api-token", "k={}", MAKE["replicate"]()),
    ("openrouter-api-key", "k={}", MAKE["openrouter"]()),
    ("slack-token", "SLACK_APP_TOKEN={}", MAKE["slack_app"]()),
    ("slack-token", "SLACK_REFRESH={}", MAKE["slack_refresh"]()),
    # the generic rule's syntaxes
    ("generic-secret", "DEPLOY_TOKEN ?= {}", S32),
    ("generic-secret", "SIGNING_SECRET :::= {}", S32),
    ("generic-secret", "API_PASSWORD ::= {}", PW),
    ("generic-secret", "$token .= '{}';", S32),
    ("generic-secret", 'props.setProperty("PAYMENTS_API_TOKEN", "{}");', S32),
    ("generic-secret", 'config.set("warehouse", "password", "{}")', PW),
    ("generic-secret", '<add key="ServicePassword" value="{}" />', PW),
    ("generic-secret", "<password>{}</password>", PW),
    ("generic-secret", '"nested": "{{\\"client_secret\\": \\"{}\\"}}"', S32),
    ("generic-secret", '"env": "DB_PASSWORD={}\\nLOG_LEVEL=debug"', PW),
    ("generic-secret", "2026-11-02 INFO login user=ana password={} ip=10.0.0.1", PW),
    ("generic-secret", "GET /export?api_key={}&format=csv HTTP/1.1", S32),
    ("generic-secret", "Server=sql;User Id=app;Password={};", PW),
    ("generic-secret", "ADMIN_PASSWORD={}", PAREN),
    ("generic-secret", 'SIGNING_SECRET = "{}"', LONG),  # 300 characters: no cap
]


@pytest.mark.parametrize(("rule", "template", "secret"), POSITIVE, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(POSITIVE)])
def test_found_by_the_right_rule(rule: str, template: str, secret: str) -> None:
    assert ours(template.format(secret) + "\n") == [(rule, secret)]


def test_kubernetes_secret_values_that_name_or_look_like_secrets() -> None:
    assert ours(K8S) == [("kubernetes-secret", base64.b64encode(PW.encode()).decode())]
    # a ConfigMap is not a Secret: only the generic rule may speak, about the password entry
    assert [rule for rule, _ in ours(K8S.replace("kind: Secret", "kind: ConfigMap"))] == ["generic-secret"]


def test_every_context_rule_has_a_positive() -> None:
    assert {rule for rule, _, _ in POSITIVE} | {"kubernetes-secret"} >= CONTEXT_RULES


NEGATIVE = [
    "Authorization: Bearer ${TOKEN}",
    'headers = {"Authorization": f"Bearer {token}"}',
    "Authorization: Bearer YOUR_TOKEN_HERE_0123456789",
    "Authorization: Basic " + base64.b64encode(b"user:password").decode(),
    "Authorization: Basic " + base64.b64encode(b"admin:admin").decode(),
    'curl -u "$CI_USER:$CI_PASSWORD" https://ci.internal',
    "curl -u admin:admin https://localhost:8080",
    "docker login -u deployer -p $REGISTRY_PASSWORD registry.internal",
    "https://user:password@example.com/path",
    "http://localhost:8080@proxy",
    "jwt: eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMifQ.",
    "id = 'eyJnot.a.token'",
    "let authToken = localStorage.getItem(\"authToken\");",
    "token = get_token()",
    "api_token=data.vault_generic_secret.api.data",
    "password = hashlib.sha256(raw).hexdigest()",
    "x=1;password=e.password;token=fetch=c.render(b);",
    "apiKey=fetch)headers.this+render)map+b.push(b);",
    "MLKEM768X25519PrivateKey = rust_openssl.hpke.MLKEM768X25519PrivateKey",
    "DB_PASSWORD ?= $(shell cat .db-password)",
    "$password = $_POST['password'];",
    "<token>${AUTH_TOKEN}</token>",
    "GET /tickets?page_token=" + S32 + "&limit=20",
    "session.auth = ('etl', 'changeme')",
    "trace_id=" + MAKE["trace"]() + " span=" + MAKE["trace"](),
    "secret.ref: projects/helpdesk/secrets/stripe",
    # found in this repository's own source by the first version of these rules
    '("a wrong scheme (Basic)", {"Authorization": "Basic ' + base64.b64encode(b"launchready:probe").decode() + '"}),',
    '("a garbage token", {"Authorization": "Bearer launchready.garbage.token"}),',
    "    credentials, token = _a_jwt(ctx)",
    "| `curl-credentials` | the password of `curl -u user:password` (also `--user`) |",
    "    return True  # a user:password pair (curl -u admin:admin) whose password is a stand-in",
    # found in third-party packages (a virtualenv's site-packages)
    'field_order = ["old_password", "new_password1", "new_password2"]',
    "NAMES = {'ALCcontext_struct', 'SecTokenRef', 'sfntCMapEncoding42'}",
    "dependencies = [('authtoken', '0002_auto_20160226_1747')]",
    "redis+sentinel://[:password]@host1:port1,host2:port2/db/service_name",
    'url = URL("https://jo%40mail.example:a%20secret@host.example:1234/")',
    "# (redis://[:password]@host is a doc's stand-in)",  # Kingfisher reads "password]": the filter strips it
]


@pytest.mark.parametrize("text", NEGATIVE, ids=range(len(NEGATIVE)))
def test_not_a_finding(text: str) -> None:
    assert ours(text + "\n") == []
    assert [rule for _, rule, _ in find_secrets((text + "\n").encode())] == []  # nor with Kingfisher
