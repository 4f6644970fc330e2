"""The locust user the load check runs: ``locust -f`` loads this file in its own (gevent-patched) process.

It reads the plan the check wrote (``LAUNCHREADY_LOAD_PLAN``, a JSON file readable by this user only):
one session per user (headers, cookies, and per route the request with that tenant's own ids) and the
routes' weights. Each locust user takes the next session, so N users are N distinct signed-in users;
with several worker processes, user k of worker w takes session ``k * workers + w``. A 429 is recorded as
a failure named ``throttled`` so the check can tell throttling from errors.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

with open(os.environ["LAUNCHREADY_LOAD_PLAN"], encoding="utf-8") as _file:
    PLAN = json.load(_file)

_serial = itertools.count()
THROTTLED = "throttled (429)"


class TenantUser(FastHttpUser):
    """One signed-in user of its own tenant, sending the weighted core flows."""

    wait_time = between(PLAN["wait_min"], PLAN["wait_max"])

    def on_start(self) -> None:
        runner = self.environment.runner
        worker = getattr(runner, "worker_index", 0) or 0
        index = next(_serial) * PLAN["workers"] + worker
        self.session = PLAN["sessions"][index % len(PLAN["sessions"])]
        requests = self.session["requests"]
        self.names = [name for name in PLAN["order"] if name in requests]
        self.weights = [PLAN["weights"][name] for name in self.names]

    @task
    def send(self) -> None:
        if not self.names:
            return
        name = random.choices(self.names, self.weights)[0]
        sent = self.session["requests"][name]
        headers = dict(self.session["headers"])
        if self.session["cookie"]:
            headers["Cookie"] = self.session["cookie"]
        kwargs = {"json": sent["json"]} if sent["json"] is not None else {}
        with self.client.request(sent["method"], sent["path"], name=name, headers=headers, catch_response=True,
                                 **kwargs) as response:
            if response.status_code == 429:
                response.failure(THROTTLED)
            elif response.status_code >= 400 or response.status_code == 0:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
