"""The tokens check: forge.py's variants directly, then the check as users meet it (pytester)."""

from __future__ import annotations

import hmac
import json
import time
from pathlib import Path
from typing import Any, Callable

import jwt
import pytest

from pytest_launchready.checks.tokens import forge, mint, weak_keys
from pytest_launchready.checks import Plan
from pytest_launchready.checks.tokens.check import CASE_IDS, cases, privileged_routes
from pytest_launchready.routes import Route
from pytest_launchready.config.settings import Settings
from pytest_launchready.config.values import RoleRoute
from pytest_launchready.tenants import Credentials
from support.projects import make_project

STRONG = "lr-tokens-test-signing-key-7f3a9c2e5b1d4e8a0c6b"  # fixed: parameter values must match across xdist workers


def _token(claims: dict | None = None, key: str = STRONG, alg: str = "HS256") -> str:
    now = int(time.time())
    base = {"sub": "user-a", "org": "org-a", "iat": now, "exp": now + 900, "jti": "j1"}
    return jwt.encode({**base, **(claims or {})}, key, algorithm=alg)


def _hs256(key: str, claims: dict | None = None) -> str:
    """A token signed by hand: PyJWT refuses an empty key and warns about short ones."""
    header = forge.b64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    payload = forge.b64url_encode(json.dumps({"sub": "user-a", **(claims or {})}).encode())
    signature = hmac.digest(key.encode(), f"{header}.{payload}".encode(), "sha256")
    return f"{header}.{payload}.{forge.b64url_encode(signature)}"


def _bearer(token: str) -> Credentials:
    return Credentials(headers={"Authorization": f"Bearer {token}"})


def _verifies(token: str, key: str = STRONG) -> bool:
    try:
        jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return False
    return True


# --- forge.py ------------------------------------------------------------------------------------


def test_parse_tells_jwts_from_opaque_tokens() -> None:
    token = forge.parse(_token())
    assert token is not None and token.alg == "HS256" and token.claims["sub"] == "user-a" and token.is_hmac
    for opaque in (None, "", "tok-a-owner-1", "a.b.c", "x.y", "a.b.c.d.e", "bm90.anNvbg.sig"):
        assert forge.parse(opaque) is None
    assert "opaque" in forge.describe_token("tok-a-owner-1")
    assert "JWE" in forge.describe_token("a.b.c.d.e")


def test_every_tampered_variant_is_rejected_by_a_verifying_decoder() -> None:
    variants = forge.tampered_tokens(_bearer(_token()), Settings())
    families = {name.split(":", 1)[0] for name in variants}
    assert families == {"alg none", "signature stripped", "signature altered", "payload changed"}
    assert len(variants) == 6 + 2 + 2 + 2
    assert not any(_verifies(forged) for forged in variants.values())
    assert forge.tampered_tokens(_bearer("opaque-session-token"), Settings()) == {}


def test_alg_none_spellings_with_and_without_signature() -> None:
    variants = forge.alg_none_variants(forge.parse(_token()))  # type: ignore[arg-type]
    algs = sorted({forge.b64url_decode(v.split(".")[0]).decode().split('"alg":"')[1].split('"')[0] for v in variants.values()})
    assert algs == ["NONE", "None", "none"]
    assert sum(v.endswith(".") for v in variants.values()) == 3
    for forged in variants.values():  # an unverifying decoder reads A's own claims from each
        assert jwt.decode(forged, options={"verify_signature": False})["sub"] == "user-a"


def test_altered_signature_differs_in_decoded_bytes() -> None:
    token = forge.parse(_token())
    assert token is not None
    for forged in forge.altered_variants(token).values():
        changed = forge.parse(forged)
        assert changed is not None and changed.signature != token.signature and len(changed.signature) == len(token.signature)
        assert changed.signing_input == token.signing_input


def test_payload_variants_take_another_real_users_identity() -> None:
    token = forge.parse(_token())
    other = {"sub": "user-b", "org": "org-b", "exp": 1}
    variants = forge.payload_variants(token, other)  # type: ignore[arg-type]
    claims = [jwt.decode(v, options={"verify_signature": False, "verify_exp": False}) for v in variants.values()]
    assert {"sub": "user-b", "org": "org-b"}.items() <= claims[0].items() and claims[0]["exp"] == token.claims["exp"]  # type: ignore[union-attr]
    assert claims[1]["launchready_tampered"] is True and claims[1]["sub"] == "user-a"
    assert all(v.rsplit(".", 1)[1] == forge.b64url_encode(token.signature) for v in variants.values())  # type: ignore[union-attr]


def test_expired_changes_keep_the_lifetime() -> None:
    changes = mint.expired_changes({"iat": 1000, "exp": 1900, "nbf": 1000}, now=100_000)
    assert changes == {"exp": 100_000 - mint.EXPIRED_AGO, "iat": 100_000 - mint.EXPIRED_AGO - 900, "nbf": 100_000 - mint.EXPIRED_AGO - 900}
    assert mint.expired_changes({}, now=10_000)["exp"] - mint.expired_changes({}, now=10_000)["iat"] == 3600


def test_expired_token_via_key_via_mint_or_none(monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = _bearer(_token({"kid_claim": 1}))
    assert mint.expired_token(credentials, Settings(), None) is None
    monkeypatch.setenv("LR_TEST_KEY", STRONG)
    expired = mint.expired_token(credentials, Settings(jwt_key_env="LR_TEST_KEY"), None)
    assert expired is not None
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(expired, STRONG, algorithms=["HS256"])
    claims = jwt.decode(expired, STRONG, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["sub"] == "user-a" and claims["exp"] < time.time() - 3000
    seen: list[dict] = []
    minted = mint.expired_token(credentials, Settings(), lambda c: seen.append(c) or "minted")
    assert minted == "minted" and seen[0]["sub"] == "user-a" and seen[0]["exp"] < time.time()
    with pytest.raises(forge.CannotForge, match="LR_MISSING, which is not set"):
        mint.mint_expired(credentials, Settings(jwt_key_env="LR_MISSING"), None)
    with pytest.raises(forge.CannotForge, match="opaque"):
        mint.mint_expired(_bearer("opaque-session-token"), Settings(jwt_key_env="LR_TEST_KEY"), None)


def test_crack_finds_weak_secrets_and_not_strong_ones() -> None:
    for weak in ("secret", "your-256-bit-secret", "keyboard cat", "Company2024!", "my_jwt_secret", ""):
        token = forge.parse(_hs256(weak))
        assert token is not None
        assert weak_keys.crack_hmac(token, weak_keys.weak_secret_candidates(token)) == weak
    named = forge.parse(_hs256("acme-chatbot_secret", {"iss": "https://acme-chatbot.example"}))
    assert weak_keys.crack_hmac(named, weak_keys.weak_secret_candidates(named)) == "acme-chatbot_secret"  # type: ignore[arg-type]
    strong = forge.parse(_token())
    assert weak_keys.crack_hmac(strong, weak_keys.weak_secret_candidates(strong)) is None  # type: ignore[arg-type]


def test_bundled_list_is_a_few_hundred_unique_entries() -> None:
    bundled = weak_keys.bundled_secrets()
    assert 300 <= len(bundled) == len(set(bundled))
    assert {"secret", "changeme", "your-256-bit-secret", "jwt-secret"} <= set(bundled)
    assert 100_000 < len(list(weak_keys.weak_secret_candidates())) <= 200_000  # bounded: DESIGN's ~200,000 (about a second)


@pytest.mark.parametrize("weak", ["7", "2468", "00042", "90210", "k", "abc", "zzz"])
def test_crack_tries_every_short_number_and_lowercase_word(weak: str) -> None:
    token = forge.parse(_hs256(weak))
    assert token is not None
    assert weak_keys.crack_hmac(token, weak_keys.weak_secret_candidates(token)) == weak


@pytest.mark.parametrize("strong", ["8675309", "abcd", "Zzz"])
def test_just_outside_the_exhaustive_spaces_is_not_tried(strong: str) -> None:
    """The spaces are bounded: a longer number or word, or one with a capital, is left to the lists."""
    token = forge.parse(_hs256(strong))
    assert token is not None
    assert weak_keys.crack_hmac(token, weak_keys.weak_secret_candidates(token)) is None


@pytest.fixture(scope="module")
def rsa_pair() -> tuple[str, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def test_key_confusion_signs_hmac_with_the_public_key(rsa_pair: tuple[str, bytes], tmp_path: Path) -> None:
    private, public = rsa_pair
    token = _token(key=private, alg="RS256")
    assert forge.public_key_verifies(token, public) and not forge.public_key_verifies(_token(), public)
    (tmp_path / "pub.pem").write_bytes(public)
    variants = forge.tampered_tokens(_bearer(token), Settings(jwt_public_key="pub.pem", rootpath=str(tmp_path)))
    confused = {k: v for k, v in variants.items() if k.startswith("key confusion")}
    assert confused
    signing_input, _, signature = next(iter(confused.values())).rpartition(".")
    assert forge.b64url_decode(signature) == hmac.digest(public, signing_input.encode(), "sha256")
    assert forge.parse(next(iter(confused.values()))).alg == "HS256"  # type: ignore[union-attr]
    with pytest.raises(forge.CannotForge, match="cannot be read"):
        forge.load_public_key(Settings(jwt_public_key="missing.pem", rootpath=str(tmp_path)))


def test_privileged_routes_from_settings_and_spec() -> None:
    routes = (
        Route("GET", "/notes"),
        Route("DELETE", "/admin/users/{user_id}", roles=("admin",)),
        Route("GET", "/admin/stats", roles=("owner", "admin")),
        Route("POST", "/admin/invites"),
        Route("GET", "/everyone", roles=("owner", "admin", "member")),
    )
    settings = Settings(role_routes=(RoleRoute("admin", "POST /admin/invites"),))
    found = [(r.key, role) for r, role in privileged_routes(settings, routes)]
    assert found == [("GET /admin/stats", "admin"), ("POST /admin/invites", "admin"), ("DELETE /admin/users/{user_id}", "admin")]
    plan = Plan(settings=Settings(), routes=(Route("GET", "/notes"),))
    by_id = {c.id: c for c in cases(plan)}
    assert list(by_id) == list(CASE_IDS)
    assert "launchready_jwt_public_key" in (by_id["key confusion"].not_run or "")
    assert "launchready_role_routes" in (by_id["role change"].not_run or "")
    assert by_id["alg none"].not_run is None and not by_id["alg none"].counts_as_route


# --- The check, as users meet it ------------------------------------------------------------------

CONFTEST = '''
import os
import pytest
from pytest_launchready import Credentials

OWNERS = {}

def _remember(token):
    with open("issued_tokens.txt", "a") as handle:
        handle.write(token + "\\n")

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        token = launchready_client.post("/auth/login", json={"org": tenant, "role": role}).json()["access_token"]
        _remember(token)
        scheme = os.environ.get("TOKENS_SCHEME", "bearer")
        if scheme == "cookie":
            credentials = Credentials(cookies={"access_token": token})
        elif scheme == "header":
            credentials = Credentials(headers={"X-Access-Token": token})
        else:
            credentials = Credentials(headers={"Authorization": f"{scheme.capitalize()} {token}"})
        if role == "owner":
            OWNERS.setdefault(tenant, credentials)
        return credentials
    return login
'''

SET_ROLE = '''
@pytest.fixture(scope="session")
def launchready_set_role(launchready_client):
    def set_role(tenant, credentials, role):
        user_id = launchready_client.get("/me", auth=credentials).json()["id"]
        launchready_client.patch(f"/admin/users/{user_id}", json={"role": role}, auth=OWNERS[tenant]).raise_for_status()
    return set_role
'''

LOGOUT = '''
@pytest.fixture(scope="session")
def launchready_logout(launchready_client):
    return lambda credentials: launchready_client.post("/auth/logout", auth=credentials).raise_for_status()
'''

MINT = '''
import jwt

@pytest.fixture(scope="session")
def launchready_mint_token():
    return lambda claims: jwt.encode(claims, os.environ["TOKENS_SECRET"], algorithm="HS256")
'''

ALL = [f"launchready::test_tokens[{case}]" for case in CASE_IDS]


def tokens_project(pytester: pytest.Pytester, ini: str = "", conftest_parts: tuple[str, ...] = (SET_ROLE,)) -> None:
    make_project(pytester, "tokens_app", f"""
        launchready_public_routes =
            POST /auth/login
            GET /health
        launchready_exclude_routes =
            * /docs
            * /docs/oauth2-redirect
            * /redoc
            * /openapi.json
        {ini}
        """, CONFTEST + "".join(conftest_parts))


def run(pytester: pytest.Pytester, run_launchready: Callable[..., tuple[pytest.RunResult, Any]]) -> tuple[pytest.RunResult, dict[str, str]]:
    """Run the tokens check; return each test's outcome by id, after checking no raw token was printed."""
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-rfs")
    issued_file = pytester.path / "issued_tokens.txt"
    issued = issued_file.read_text().split() if issued_file.exists() else []
    output = result.stdout.str() + result.stderr.str()
    assert issued, "the conftest should have logged users in"
    assert not [t for t in issued if t in output], "a raw token appeared in the output"
    return result, outcomes.by_id


def _failed(outcomes: dict[str, str]) -> list[str]:
    return sorted(node for node, outcome in outcomes.items() if outcome == "failed")


HS256_INI = "launchready_jwt_key = env:TOKENS_SECRET\n        launchready_logout_route = POST /auth/logout"


def test_collect_only_pins_ids(pytester: pytest.Pytester) -> None:
    tokens_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tokens", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert [line for line in result.stdout.lines if line.startswith("launchready::")] == ALL


def test_secure_app_passes_every_case(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOKENS_FLAWS", raising=False)
    monkeypatch.setenv("TOKENS_SECRET", STRONG)
    tokens_project(pytester, HS256_INI)
    result, outcomes = run(pytester, run_launchready)
    assert _failed(outcomes) == []
    # This app has no sign-up, rename, password change or self-delete: those cases are NOT RUN here (see
    # test_tokens_identity.py).
    not_run = {f"launchready::test_tokens[{case}]" for case in ("key confusion", "after rename", "after password change",
                                                                 "after user deletion")}
    assert {n for n, o in outcomes.items() if o == "skipped"} == not_run
    assert sorted(n for n, o in outcomes.items() if o == "passed") == sorted(set(ALL) - not_run)
    result.stdout.fnmatch_lines(["*launch scorecard*", "tokens*PASS*"])
    assert result.ret == 0


@pytest.mark.parametrize("scheme", ["token", "header", "cookie"])
def test_the_jwt_is_found_wherever_the_credentials_carry_it(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, scheme: str,
) -> None:
    """Authorization: Token, a custom header, a cookie: the forgeries run (and catch alg none) all the same."""
    monkeypatch.setenv("TOKENS_SCHEME", scheme)
    monkeypatch.setenv("TOKENS_FLAWS", "alg-none")
    monkeypatch.setenv("TOKENS_SECRET", STRONG)
    tokens_project(pytester, HS256_INI)
    result, outcomes = run(pytester, run_launchready)
    assert _failed(outcomes) == ["launchready::test_tokens[alg none]"]
    jwt_cases = ["expired", "signature stripped", "signature altered", "payload changed", "weak secret"]
    assert [outcomes[f"launchready::test_tokens[{case}]"] for case in jwt_cases] == ["passed"] * len(jwt_cases)


@pytest.mark.parametrize(
    ("flaws", "secret", "expected"),
    [
        ("alg-none", STRONG, ["alg none"]),
        ("any-signature", STRONG, ["alg none", "payload changed", "signature altered", "signature stripped"]),
        ("ignore-exp", STRONG, ["expired"]),
        ("no-revoke", STRONG, ["revoked after logout"]),
        ("role-in-token", STRONG, ["role change"]),
        ("", "secret", ["weak secret"]),
    ],
    ids=["alg-none", "any-signature", "ignore-exp", "no-revoke", "role-in-token", "weak-secret"],
)
def test_vulnerable_app_fails_exactly_the_expected_cases(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, secret: str, expected: list[str]
) -> None:
    monkeypatch.setenv("TOKENS_FLAWS", flaws)
    monkeypatch.setenv("TOKENS_SECRET", secret)
    tokens_project(pytester, HS256_INI)
    result, outcomes = run(pytester, run_launchready)
    assert _failed(outcomes) == sorted(f"launchready::test_tokens[{case}]" for case in expected)
    assert result.ret == 1
    if secret == "secret":
        # The key is registered with the redactor, so the word is masked wherever it appears (fail closed).
        result.stdout.fnmatch_lines(["*is signed with a 6-character common *, found offline*"])
        assert "'secret'" not in result.stdout.str() and "secr..." not in result.stdout.str()


def test_opaque_tokens_skip_the_jwt_cases(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENS_MODE", "opaque")
    monkeypatch.delenv("TOKENS_FLAWS", raising=False)
    tokens_project(pytester, conftest_parts=(SET_ROLE, LOGOUT))
    result, outcomes = run(pytester, run_launchready)
    jwt_cases = ["alg none", "signature stripped", "signature altered", "payload changed", "weak secret"]
    for case in jwt_cases:
        assert outcomes[f"launchready::test_tokens[{case}]"] == "skipped"
    result.stdout.fnmatch_lines(["SKIPPED*tenant A's token is opaque (not a JWT): the JWT forgeries do not apply"])
    result.stdout.fnmatch_lines(["SKIPPED*cannot mint an expired token: tenant A's token is opaque (not a JWT); define launchready_mint_token*"])
    assert outcomes["launchready::test_tokens[revoked after logout]"] == "passed"
    assert outcomes["launchready::test_tokens[role change]"] == "passed"
    assert _failed(outcomes) == []


@pytest.mark.parametrize(("flaws", "outcome"), [("", "passed"), ("ignore-exp", "failed")])
def test_expired_through_the_mint_fixture(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, outcome: str) -> None:
    monkeypatch.setenv("TOKENS_FLAWS", flaws)
    monkeypatch.setenv("TOKENS_SECRET", STRONG)
    tokens_project(pytester, conftest_parts=(MINT,))  # no launchready_jwt_key: the fixture mints
    result, outcomes = run(pytester, run_launchready)
    assert outcomes["launchready::test_tokens[expired]"] == outcome
    # Without launchready_set_role and a logout route or fixture, those cases say how to enable them.
    result.stdout.fnmatch_lines(["SKIPPED*no way to log out: define launchready_logout*"])
    result.stdout.fnmatch_lines(["SKIPPED*define launchready_set_role*"])


def test_expired_with_a_wrong_key_is_not_run(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKENS_FLAWS", "ignore-exp")
    monkeypatch.setenv("TOKENS_SECRET", STRONG)
    monkeypatch.setenv("NOT_THE_APP_KEY", "z" * 40)
    tokens_project(pytester, "launchready_jwt_key = env:NOT_THE_APP_KEY")
    result, outcomes = run(pytester, run_launchready)
    assert outcomes["launchready::test_tokens[expired]"] == "skipped"
    result.stdout.fnmatch_lines(["SKIPPED*a current token minted through launchready_jwt_key (NOT_THE_APP_KEY) got 401*does not make tokens this app accepts*"])


@pytest.mark.parametrize(("flaws", "outcome"), [("", "passed"), ("key-confusion", "failed")])
def test_key_confusion_on_rs256(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, rsa_pair: tuple[str, bytes],
                                flaws: str, outcome: str) -> None:
    private, public = rsa_pair
    monkeypatch.setenv("TOKENS_MODE", "rs256")
    monkeypatch.setenv("TOKENS_FLAWS", flaws)
    monkeypatch.setenv("TOKENS_PRIVATE_KEY", private)
    tokens_project(pytester, "launchready_jwt_public_key = keys/public.pem")
    (pytester.path / "keys").mkdir()
    (pytester.path / "keys" / "public.pem").write_bytes(public)
    result, outcomes = run(pytester, run_launchready)
    assert outcomes["launchready::test_tokens[key confusion]"] == outcome
    assert outcomes["launchready::test_tokens[weak secret]"] == "skipped"  # RS256: no shared secret
    assert _failed(outcomes) == (["launchready::test_tokens[key confusion]"] if outcome == "failed" else [])


QA_TESTS = '''
from pytest_launchready import assert_denied

def test_expired_token_is_refused(tenant_a, expired_token, anonymous):
    assert_denied(anonymous.get("/notes", auth=tenant_a.credentials.with_token(expired_token)), (401, 403))

def test_tampered_tokens_are_refused(tenant_a, tampered_tokens, anonymous):
    assert {name.split(":")[0] for name in tampered_tokens} == {"alg none", "signature stripped", "signature altered", "payload changed"}
    for token in tampered_tokens.values():
        assert_denied(anonymous.get("/notes", auth=tenant_a.credentials.with_token(token)), (401, 403))
'''


@pytest.mark.parametrize(("flaws", "failed"), [("", []), ("any-signature", ["test_qa.py::test_tampered_tokens_are_refused"])])
def test_qa_fixtures_expired_and_tampered_tokens(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
                                                 flaws: str, failed: list[str]) -> None:
    monkeypatch.setenv("TOKENS_FLAWS", flaws)
    monkeypatch.setenv("TOKENS_SECRET", STRONG)
    tokens_project(pytester, "launchready_jwt_key = env:TOKENS_SECRET")
    pytester.makepyfile(test_qa=QA_TESTS)
    result, outcomes = run_launchready("test_qa.py")
    assert outcomes.ids("failed") == failed
    assert outcomes.ids("passed") == sorted({"test_qa.py::test_expired_token_is_refused", "test_qa.py::test_tampered_tokens_are_refused"} - set(failed))


WEAK_KEY = "Welcome2024!"  # in the generated candidates; appears nowhere else in the plugin's output


def test_a_cracked_or_configured_key_never_prints(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The weak-key finding with every output a CI run keeps: --showlocals, long tracebacks, JUnit XML, xdist."""
    monkeypatch.setenv("TOKENS_FLAWS", "")
    monkeypatch.setenv("TOKENS_SECRET", WEAK_KEY)  # the app's signing key and launchready_jwt_key both
    tokens_project(pytester, HS256_INI)
    result = pytester.runpytest_subprocess(
        "--launchready", "--launchready-checks=tokens", "-p", "no:cacheprovider", "-n", "2", "--dist=load",
        "--showlocals", "--tb=long", "-rA", "--junitxml=report.xml", timeout=120,
    )
    result.stdout.fnmatch_lines(["*FAILED*test_tokens[[]weak secret[]]*"])
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str(), "junit": (pytester.path / "report.xml").read_text()}
    assert {name: text.count(WEAK_KEY) for name, text in outputs.items()} == {"stdout": 0, "stderr": 0, "junit": 0}
