"""The demo's health route, ``GET /health``: what load balancers and uptime monitors call, without credentials.

The deliberate defect (monitoring): with ``health_discloses_version`` on, the answer names the
deployed version, which tells every anonymous caller which known vulnerabilities to try.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pytest_launchready.demo import schemas as s

router = APIRouter()


@router.get("/health", tags=["public"], openapi_extra={"security": []}, response_model=s.Health)
def health(request: Request) -> Any:
    """Liveness probe."""
    if request.app.state.demo.defects.health_discloses_version:
        # DEFECT (monitoring): the version (and the framework's) handed to anyone who asks.
        return JSONResponse({"status": "ok", "version": request.app.version, "framework": "fastapi"})
    return s.Health(status="ok")
