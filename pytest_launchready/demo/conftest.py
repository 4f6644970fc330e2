"""The demo's set-up: the short form, with no login or seeding code.

pytest.ini names the sign-up and login routes, so the built-in login signs each tenant's owner up,
invites its admins and members through the demo's invite routes, and changes roles through its
role-change route. What is left here is what no route can say: the keys the demo app is started with.

The long form, a hand-written ``launchready_login`` and friends for apps whose users no route can make,
is ../../conftest_example.py; tests/test_demo_app.py checks that every fixture here is there too, with
the same code, and that both forms give the demo the same verdicts.
"""

from __future__ import annotations

import os
import secrets

# Set before the plugin imports the app, so the app signs with it and launchready_jwt_key can read it.
os.environ.setdefault("DEMO_JWT_SECRET", secrets.token_urlsafe(32))
# The marker the demo writes into its bot's system prompt; launchready_system_prompt_canary reads it.
os.environ.setdefault("DEMO_PROMPT_CANARY", secrets.token_hex(8))
