"""A RealWorld-shaped API (the Conduit spec's conventions): wrapped JSON, objects addressed by slug and
username, collection routes with a trailing slash, ``Authorization: Token`` and no ``required`` in the
schemas.

- ``POST /api/users`` (sign-up) and ``POST /api/users/login`` (public): ``{"user": {...}}`` in and out,
  the answer's ``user.token`` an opaque token sent as ``Authorization: Token <token>``.
- ``GET /api/user``: the caller, ``{"user": {"username", "email", "bio"}}``.
- ``POST /api/articles/``: ``{"article": {"title", "body", "topic"}}`` -> ``{"article": {"slug", ...}}``;
  the pydantic fields have defaults, so the spec lists no ``required``, yet an article without a
  title, a body or a topic (an enum, not free text) is refused with 422, as real apps do.
- ``GET /api/articles/`` lists the caller's articles as ``{"articles": [...], "articlesCount": n}``;
  ``GET``/``PUT``/``DELETE /api/articles/{slug}`` only for the author.
- ``GET``/``PUT /api/users/{username}/settings``: only the user themself.
- ``POST /api/books/`` ``{"book": {"book_title", "secret"}}`` answers ``{"status": "created"}``: the
  book is addressed by the title its owner chose (``GET /api/books/{book_title}``), which the answer
  does not repeat. Articles carry a numeric ``id`` beside their ``slug``; only the slug addresses them.

With ``RW_PUBLIC_LIST=1``, ``GET /api/articles/`` is public and lists everyone's articles, newest
first, as the Conduit spec's does (beside a ``links`` object, as paginated APIs add).

With ``RW_ACCOUNT=1``, ``PUT /api/user`` ``{"user": {"username"?, "email"?, "password"?, "bio"?}}`` updates the
caller, as RealWorld's does: a rename re-points the caller's tokens at the new username, and a new password
ends every older session and answers a fresh ``user.token``.

With ``RW_CALLER=1``, two writes whose body names the caller: ``PUT /api/profile {"username", "bio"}``
(the caller's bio; the secure app ignores the username and updates the caller) and ``PUT
/api/newsletter {"email", "footer"}`` (the caller's newsletter footer; the secure app refuses an email
that is not the caller's with 403), each read back by ``GET /api/profile`` / ``GET /api/newsletter``;
and ``POST /api/messages/ {"email", "text"}``, which sends a message to the user that email names
(anyone may message anyone), shown in their ``GET /api/messages/`` inbox.

With ``RW_LIKES=1``, ``POST /api/notes/{note_id}/like`` lets anyone like anyone's note (by design) and
answers with the note, which anyone may read anyway.

Flaws (``RW_FLAWS``, comma-separated; none by default): ``read-any`` (anyone reads any article),
``write-any`` (anyone updates or deletes any article), ``settings-any`` (anyone reads and changes
anyone's settings), ``books-any`` (anyone reads any book and its secret), ``topic-any`` (anyone changes any article's
topic through ``PUT /api/articles/{slug}/topic``, whose body is one enum and no free text, and
which answers 204 with no body: only a re-read shows the write), ``email-any`` (anyone changes anyone's email through ``PUT /api/users/{username}/email``, whose
field is optional in the spec but refused when empty), ``notes-any`` (anyone edits any note through ``PATCH /api/notes/{note_id}``; notes are public to
read, ``GET /api/notes/{note_id}``, and the PATCH answers 204: only the public read shows the
write), ``settings-mass`` (the settings update stores whatever the ``user`` object holds, ``is_admin``
included: mass assignment inside an envelope), ``tokens-follow-names`` (with ``RW_ACCOUNT``: a rename leaves the caller's tokens naming the old username, so
whoever signs up with it next is reached by them), ``password-keeps-sessions`` (with ``RW_ACCOUNT``: a new
password leaves older tokens valid), ``profile-by-body`` (``PUT /api/profile`` updates the user the body's username names),
``newsletter-by-body`` (``PUT /api/newsletter`` updates the user the body's email names),
``profile-unique`` (not an authorization flaw: ``PUT /api/profile`` crashes with 500 on another user's
username, as a unique constraint does, and changes nothing),
``update-crash`` (not an authorization flaw: every update of one's own article answers 500, while
another's still answers 404), ``no-throttle`` (the login never
answers 429; by default it does after 10 wrong passwords for one email).
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("RW_FLAWS", "").split(",")))

app = FastAPI(title="realworld shapes")
USERS: dict[str, dict[str, str]] = {}  # username -> user
TOKENS: dict[str, str] = {}  # token -> username
FAILED_LOGINS: dict[str, int] = {}  # email -> wrong passwords so far
MAX_FAILED_LOGINS = 10
ARTICLES: dict[str, dict[str, object]] = {}  # slug -> article
BOOKS: dict[str, dict[str, str]] = {}  # title -> book


class NewUser(BaseModel):
    username: str = ""
    email: str = ""
    password: str = ""


class UserEnvelope(BaseModel):
    user: NewUser


class Login(BaseModel):
    email: str = ""
    password: str = ""


class LoginEnvelope(BaseModel):
    user: Login


class Settings(BaseModel):
    bio: str | None = None


class SettingsEnvelope(BaseModel):
    user: Settings


class ArticleFields(BaseModel):
    title: str = ""
    body: str = ""
    topic: Literal["news", "howto"] | None = None


class ArticleEnvelope(BaseModel):
    article: ArticleFields


class BookFields(BaseModel):
    book_title: str = ""
    secret: str = ""


class BookEnvelope(BaseModel):
    book: BookFields


def caller(request: Request) -> dict[str, str]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    username = TOKENS.get(token.strip()) if scheme == "Token" else None
    if username is None or username not in USERS:
        raise HTTPException(401, "missing or unknown token")
    return USERS[username]


def _public(user: dict[str, str]) -> dict[str, object]:
    return {"username": user["username"], "email": user["email"], "bio": user["bio"], "is_admin": user.get("is_admin", False)}


@app.post("/api/users", status_code=201)
def sign_up(payload: UserEnvelope) -> dict[str, object]:
    new = payload.user
    if not (new.username and new.email and new.password):
        raise HTTPException(422, "username, email and password are required")
    if new.username in USERS or any(u["email"] == new.email for u in USERS.values()):
        raise HTTPException(409, "taken")
    USERS[new.username] = {"username": new.username, "email": new.email, "password": new.password, "bio": ""}
    return log_in(LoginEnvelope(user=Login(email=new.email, password=new.password)))


@app.post("/api/users/login")
def log_in(payload: LoginEnvelope) -> dict[str, object]:
    email = payload.user.email
    if FAILED_LOGINS.get(email, 0) >= MAX_FAILED_LOGINS and "no-throttle" not in FLAWS:
        raise HTTPException(429, "too many attempts", headers={"Retry-After": "60"})
    user = next((u for u in USERS.values() if u["email"] == email), None)
    if user is None or user["password"] != payload.user.password:
        FAILED_LOGINS[email] = FAILED_LOGINS.get(email, 0) + 1
        raise HTTPException(401, "wrong email or password")
    token = secrets.token_urlsafe(24)
    TOKENS[token] = user["username"]
    return {"user": {**_public(user), "token": token}}


@app.get("/api/user")
def current_user(user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    return {"user": _public(user)}


def _settings_of(username: str, user: dict[str, str]) -> dict[str, str]:
    if username != user["username"] and "settings-any" not in FLAWS:
        raise HTTPException(403, "not yours")
    if username not in USERS:
        raise HTTPException(404, "no such user")
    return USERS[username]


@app.get("/api/users/{username}/settings")
def read_settings(username: str, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    return {"user": _public(_settings_of(username, user))}


@app.put("/api/users/{username}/settings")
async def update_settings(username: str, payload: SettingsEnvelope, request: Request,
                          user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    owner = _settings_of(username, user)
    if payload.user.bio is not None:
        owner["bio"] = payload.user.bio
    if "settings-mass" in FLAWS:
        owner.update({k: v for k, v in (await request.json()).get("user", {}).items() if k != "bio"})
    return {"user": _public(owner)}


@app.post("/api/articles/", status_code=201)
def create_article(payload: ArticleEnvelope, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    fields = payload.article
    if not (fields.title and fields.body and fields.topic):
        raise HTTPException(422, "an article needs a title, a body and a topic")
    slug = re.sub(r"[^a-z0-9]+", "-", fields.title.lower()).strip("-")[:40] + "-" + secrets.token_hex(3)
    ARTICLES[slug] = {"id": len(ARTICLES) + 1, "slug": slug, "title": fields.title, "body": fields.body,
                      "topic": fields.topic, "author": user["username"]}
    return {"article": ARTICLES[slug]}


if os.environ.get("RW_PUBLIC_LIST"):

    @app.get("/api/articles/")
    def list_all_articles() -> dict[str, object]:
        newest_first = list(reversed(ARTICLES.values()))
        return {"articles": newest_first, "articlesCount": len(newest_first), "links": {"self": "/api/articles/"}}

else:

    @app.get("/api/articles/")
    def list_articles(user: dict[str, str] = Depends(caller)) -> dict[str, object]:
        mine = [a for a in ARTICLES.values() if a["author"] == user["username"]]
        return {"articles": mine, "articlesCount": len(mine)}


def _article(slug: str, user: dict[str, str], flaw: str) -> dict[str, object]:
    article = ARTICLES.get(slug)
    if article is None or (article["author"] != user["username"] and flaw not in FLAWS):
        raise HTTPException(404, "no such article")
    return article


@app.get("/api/articles/{slug}")
def read_article(slug: str, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    return {"article": _article(slug, user, "read-any")}


@app.put("/api/articles/{slug}")
def update_article(slug: str, payload: ArticleEnvelope, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    article = _article(slug, user, "write-any")
    if "update-crash" in FLAWS:
        raise RuntimeError("the update query broke")  # FastAPI answers 500
    for name in ("title", "body"):
        if getattr(payload.article, name):
            article[name] = getattr(payload.article, name)
    return {"article": article}


@app.delete("/api/articles/{slug}", status_code=204)
def delete_article(slug: str, user: dict[str, str] = Depends(caller)) -> None:
    ARTICLES.pop(_article(slug, user, "write-any")["slug"])


@app.post("/api/books/", status_code=201)
def create_book(payload: BookEnvelope, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    fields = payload.book
    if not (fields.book_title and fields.secret) or fields.book_title in BOOKS:
        raise HTTPException(422, "a book needs a new title and a secret")
    BOOKS[fields.book_title] = {"book_title": fields.book_title, "secret": fields.secret, "owner": user["username"]}
    return {"status": "created"}


@app.get("/api/books/{book_title}")
def read_book(book_title: str, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    book = BOOKS.get(book_title)
    if book is None or (book["owner"] != user["username"] and "books-any" not in FLAWS):
        raise HTTPException(404, "no such book")
    return {"book": book}


class TopicChange(BaseModel):
    topic: Literal["news", "howto"]


@app.put("/api/articles/{slug}/topic", status_code=204)
def change_topic(slug: str, payload: TopicChange, user: dict[str, str] = Depends(caller)) -> None:
    _article(slug, user, "topic-any")["topic"] = payload.topic


class EmailChange(BaseModel):
    email: str = ""


@app.put("/api/users/{username}/email")
def change_email(username: str, payload: EmailChange, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    if username != user["username"] and "email-any" not in FLAWS:
        raise HTTPException(403, "not yours")
    if not payload.email or username not in USERS:
        raise HTTPException(400, "malformed data")
    USERS[username]["email"] = payload.email
    return {"status": "updated"}


NOTES: dict[str, dict[str, str]] = {}
LIKES: dict[str, set[str]] = {}


class NoteFields(BaseModel):
    text: str = ""


@app.post("/api/notes/", status_code=201)
def create_note(payload: NoteFields, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    note_id = secrets.token_hex(6)
    NOTES[note_id] = {"id": note_id, "text": payload.text, "author": user["username"]}
    return NOTES[note_id]


@app.get("/api/notes/{note_id}", openapi_extra={"security": []})
def read_note(note_id: str) -> dict[str, str]:
    if note_id not in NOTES:
        raise HTTPException(404, "no such note")
    return NOTES[note_id]


@app.patch("/api/notes/{note_id}", status_code=204)
def edit_note(note_id: str, payload: NoteFields, user: dict[str, str] = Depends(caller)) -> None:
    note = NOTES.get(note_id)
    if note is None or (note["author"] != user["username"] and "notes-any" not in FLAWS):
        raise HTTPException(404, "no such note")
    note["text"] = payload.text


if os.environ.get("RW_LIKES"):

    @app.post("/api/notes/{note_id}/like")
    def like_note(note_id: str, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
        if note_id not in NOTES:
            raise HTTPException(404, "no such note")
        LIKES.setdefault(note_id, set()).add(user["username"])  # kept apart: the note itself is unchanged
        return NOTES[note_id]


class UserUpdate(BaseModel):
    username: str | None = None
    email: str | None = None
    password: str | None = None
    bio: str | None = None


class UserUpdateEnvelope(BaseModel):
    user: UserUpdate


if os.environ.get("RW_ACCOUNT"):

    @app.put("/api/user")
    def update_user(payload: UserUpdateEnvelope, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
        fields, name = payload.user, user["username"]
        if fields.username and fields.username != name:
            if fields.username in USERS:
                raise HTTPException(409, "username taken")
            USERS[fields.username] = USERS.pop(name)
            user["username"] = fields.username
            if "tokens-follow-names" not in FLAWS:
                for token in [t for t, holder in TOKENS.items() if holder == name]:
                    TOKENS[token] = fields.username
        if fields.email and fields.email != user["email"]:
            if any(u["email"] == fields.email for u in USERS.values()):
                raise HTTPException(409, "email taken")
            user["email"] = fields.email
        if fields.bio is not None:
            user["bio"] = fields.bio
        if not fields.password:
            return {"user": _public(user)}
        user["password"] = fields.password
        if "password-keeps-sessions" not in FLAWS:
            for token in [t for t, holder in TOKENS.items() if holder == user["username"]]:
                del TOKENS[token]
        fresh = secrets.token_urlsafe(24)
        TOKENS[fresh] = user["username"]
        return {"user": {**_public(user), "token": fresh}}


if os.environ.get("RW_CALLER"):

    class ProfileChange(BaseModel):
        username: str = ""
        bio: str = ""

    class NewsletterChange(BaseModel):
        email: str = ""
        footer: str = ""

    @app.get("/api/profile")
    def read_profile(user: dict[str, str] = Depends(caller)) -> dict[str, object]:
        return {"username": user["username"], "bio": user["bio"]}

    @app.put("/api/profile")
    def update_profile(payload: ProfileChange, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
        target = user
        if "profile-by-body" in FLAWS and payload.username in USERS:
            target = USERS[payload.username]  # trusts the body to say who is asking
        elif "profile-unique" in FLAWS and payload.username in USERS and payload.username != user["username"]:
            raise RuntimeError("UNIQUE constraint failed: users.username")  # a 500, and nothing changed
        target["bio"] = payload.bio
        return {"username": target["username"], "bio": target["bio"]}

    @app.get("/api/newsletter")
    def read_newsletter(user: dict[str, str] = Depends(caller)) -> dict[str, str]:
        return {"email": user["email"], "footer": user.get("footer", "")}

    @app.put("/api/newsletter")
    def update_newsletter(payload: NewsletterChange, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
        target = next((u for u in USERS.values() if u["email"] == payload.email), None)
        if target is None or (target is not user and "newsletter-by-body" not in FLAWS):
            raise HTTPException(403, "that is not your email")
        target["footer"] = payload.footer
        return {"status": "updated"}

    class NewMessage(BaseModel):
        email: str = ""
        text: str = ""

    INBOXES: dict[str, list[dict[str, str]]] = {}

    @app.post("/api/messages/", status_code=201)
    def send_message(payload: NewMessage, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
        to = next((u for u in USERS.values() if u["email"] == payload.email), None)
        if to is None:
            raise HTTPException(422, "no user has that email")
        message = {"id": secrets.token_hex(6), "from": user["username"], "text": payload.text}
        INBOXES.setdefault(to["username"], []).append(message)
        return message

    @app.get("/api/messages/")
    def inbox(user: dict[str, str] = Depends(caller)) -> list[dict[str, str]]:
        return INBOXES.get(user["username"], [])
