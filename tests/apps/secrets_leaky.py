"""A FastAPI app whose anonymous answers may carry a secret, for the secrets check's ``responses`` source.

SECRETS_TEST_KEY is the secret; SECRETS_TEST_MODE says where it shows: ``config`` (in /config.js),
``script`` (in the bundle the page's <script src> names), ``error`` (in a validation error's debug
settings) or ``clean`` (nowhere).
"""

import os
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import BaseModel

KEY = os.environ.get("SECRETS_TEST_KEY", "")
MODE = os.environ.get("SECRETS_TEST_MODE", "clean")
app = FastAPI()


class Login(BaseModel):
    email: str
    password: str


@app.exception_handler(RequestValidationError)
async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    body = {"detail": "invalid request"}
    if MODE == "error":
        body["debug"] = {"settings": {"DATABASE_URL": f"postgres://app:{KEY}@db.internal/app"}}
    return JSONResponse(body, status_code=422)


@app.get("/", response_class=HTMLResponse, include_in_schema=False)
def index() -> str:
    return '<html><head><script type="module" src="/assets/app.js"></script></head></html>'


@app.get("/assets/app.js", response_class=PlainTextResponse, include_in_schema=False)
def bundle() -> str:
    token = KEY if MODE == "script" else "process.env.TOKEN"
    return f'const client=new Api({{token:"{token}"}});export default client;'


@app.get("/config.js", response_class=PlainTextResponse, include_in_schema=False)
def config() -> str:
    key = KEY if MODE == "config" else "pk_live_publishable"
    return f'window.CONFIG={{stripeKey:"{key}",api:"/api"}};'


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/auth/login")
def login(body: Login) -> dict:
    return {"access_token": "t"}
