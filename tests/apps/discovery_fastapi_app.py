"""A FastAPI app for tests/plugin/test_discovery.py: routers, a hidden route, a mounted sub-app, static files.

No ``from __future__ import annotations`` here: FastAPI reads the endpoint annotations at import time.
"""

from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles


class Conversation(BaseModel):
    title: str
    org_id: Optional[str] = None


bearer = HTTPBearer()


def build() -> Any:
    """A fresh app, wrapped in CORS middleware as users often hand it over."""
    router = APIRouter(prefix="/conversations", tags=["conversations"])

    @router.get("/{conversation_id}")
    def read(conversation_id: int, verbose: bool = False, token: Any = Depends(bearer)) -> Conversation:
        """Read one conversation."""
        raise NotImplementedError

    @router.post("", openapi_extra={"x-launchready-roles": ["admin"]})
    def create(conversation: Conversation, token: Any = Depends(bearer)) -> Conversation:
        raise NotImplementedError

    app = FastAPI()

    @app.get("/health", openapi_extra={"security": []})
    def health() -> dict:
        return {}

    @app.get("/internal/{job:path}", include_in_schema=False)
    def internal(job: str) -> dict:
        """Run a job."""
        return {}

    sub = FastAPI(docs_url=None, redoc_url=None)

    @sub.get("/widgets/{widget_id}")
    def widget(widget_id: str) -> dict:
        return {}

    app.include_router(router)
    app.mount("/v2", sub)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent)), name="static")
    return CORSMiddleware(app=app, allow_origins=["https://app.example.com"])
