"""What the tokens check says: the fix for each case, why a forged token's acceptance is a failure,
and the docs page every message points to."""

from __future__ import annotations

#: The page ``CHECK.docs`` names; the case modules cite it without importing ``check`` (a cycle).
DOCS = "docs/checks/tokens.md"

FIX_VERIFY = (
    "Verify the signature of every token on every request with your own key, and pin the algorithm: "
    "jwt.decode(token, key, algorithms=['HS256']) (or your RS/ES algorithm). Never decode with "
    "options={'verify_signature': False}, never take the algorithm from the token header, and never accept 'none'."
)
FIXES = {
    "expired": "Check exp on every request (PyJWT does by default: do not pass verify_exp=False or a large leeway) and keep "
               "access tokens short-lived; refresh them through a separate, revocable refresh token.",
    "alg none": FIX_VERIFY,
    "signature stripped": FIX_VERIFY,
    "signature altered": FIX_VERIFY,
    "payload changed": FIX_VERIFY,
    "key confusion": "Pin the asymmetric algorithm when verifying (algorithms=['RS256'] or ['ES256']) and use a library that "
                     "refuses a public key as an HMAC secret (PyJWT does); never choose the verification algorithm from the token.",
    "weak secret": "Rotate the signing secret now to a random value of at least 32 bytes (python -c \"import secrets; "
                   "print(secrets.token_urlsafe(48))\"), kept in your secret store and never in code or a template; every "
                   "token signed with the old secret then stops working, which is what you want.",
    "revoked after logout": "Make logout revoke the token on the server: keep a denylist of token ids (jti) until they expire, "
                            "or keep sessions server-side, or bump a per-user token version that every request checks.",
    "role change": "Read the user's role (and org) from your database on every request instead of trusting a role claim in "
                   "the token, or bump a per-user token version on every role change so older tokens are refused.",
    "after rename": "Bind tokens to an immutable user id (a database key or UUID), not the username or email, and look the "
                    "user up by that id on every request.",
    "after password change": "Revoke or rotate the user's sessions when the password changes: keep a per-user token version "
                             "(or a password-changed-at time) in the database, put it in each token, and check it on every "
                             "request; issue the user fresh credentials after the change.",
    "after user deletion": "Refuse tokens whose user no longer exists or is deactivated: look the user up (deleted and "
                           "disabled flags included) on every request, and revoke the user's sessions when it is deleted.",
}
WHY = {
    "alg none": "an unsigned token ('alg: none') can be written by anyone: whoever crafts one is whoever they claim to be.",
    "signature stripped": "a token without a signature proves nothing: anyone can write its claims.",
    "signature altered": "a token whose signature does not verify was not issued by you: the app does not check signatures.",
    "payload changed": "claims were edited under the original signature and the app still served them: anyone holding any "
                       "token can become another user or org.",
    "key confusion": "the token was signed with HMAC using your public key as the secret; the public key is public, so anyone "
                     "can mint tokens your app accepts.",
}
