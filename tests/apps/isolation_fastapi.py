"""A multi-tenant FastAPI app for the tenant_isolation and roles tests; ISOLATION_FLAWS switches defects on.

Orgs have users in roles owner > admin > member (signup makes an org and its owner; admins invite the
others), conversations (string ids) with messages (integer ids), documents (integer ids; signup adds a
welcome document naming the org id), search, a chat endpoint taking a conversation id in its body,
and user administration. Tokens are opaque random strings.

Defects (comma-separated in ISOLATION_FLAWS), each caught by the test named:

- ``list-leak``: GET /conversations lists every org's conversations.
- ``read-any-conversation``: GET /conversations/{id} looks the id up in every org.
- ``patch-foreign``: PATCH /conversations/{id} updates any org's conversation.
- ``delete-foreign``: DELETE /conversations/{id} deletes any org's conversation.
- ``nested-parent-only``: GET /conversations/{cid}/messages/{mid} checks the conversation, then
  fetches the message by id alone.
- ``system-docs-shared``: welcome documents skip the org check (found through integer neighbours).
- ``search-leak``: GET /search searches every org.
- ``chat-foreign-conversation``: POST /chat appends to any org's conversation.
- ``member-lists-users``, ``admin-changes-roles``, ``member-deletes-users``: role checks missing.
- ``delete-then-forbid``: DELETE /admin/users/{id} removes the user first and checks the role after,
  so a member gets 403 although the user is gone.

Traps that must *not* be reported (the caller only ever sees or changes its own data):

- ``own-object-on-foreign-id``: GET /documents/{id} answers a foreign id with the caller's own
  latest document.
- ``patch-own-record``: PATCH /conversations/{id} on a foreign id answers 204 and renames the
  caller's own latest conversation.
"""

# No "from __future__ import annotations": FastAPI must evaluate the local Annotated dependencies.

import itertools
import os
import secrets
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Response
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("ISOLATION_FLAWS", "").split(",")))
RANK = {"owner": 0, "admin": 1, "member": 2}
PUBLIC: dict[str, Any] = {"security": []}


class Role(str, Enum):
    owner = "owner"
    admin = "admin"
    member = "member"


class SignupIn(BaseModel):
    email: str
    password: str
    org_name: str


class LoginIn(BaseModel):
    email: str
    password: str


class InviteIn(BaseModel):
    email: str
    role: Role


class AcceptIn(BaseModel):
    invite_token: str
    password: str


class ConversationIn(BaseModel):
    title: str


class ConversationPatch(BaseModel):
    title: Optional[str] = None
    archived: Optional[bool] = None


class MessageIn(BaseModel):
    content: str


class DocumentIn(BaseModel):
    title: str
    content: str


class ChatIn(BaseModel):
    message: str
    conversation_id: Optional[str] = None


class RoleIn(BaseModel):
    role: Role


@dataclass
class User:
    id: str
    email: str
    password: str
    org_id: str
    role: str


@dataclass
class Store:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    invites: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    message_ids: Any = field(default_factory=lambda: itertools.count(1))
    document_ids: Any = field(default_factory=lambda: itertools.count(1))


def create_app() -> FastAPI:
    app = FastAPI()
    store = Store()

    def caller(authorization: str = Header(default="")) -> User:
        user_id = store.tokens.get(authorization.removeprefix("Bearer ").strip())
        if user_id is None or user_id not in store.users:
            raise HTTPException(401, "not authenticated")
        return store.users[user_id]

    Caller = Annotated[User, Depends(caller)]

    def at_least(role: str, flaw: str = "") -> Any:
        def check(user: Caller) -> User:
            if RANK[user.role] > RANK[role] and flaw not in FLAWS:
                raise HTTPException(403, f"requires {role}")
            return user

        return Depends(check)

    def own_conversation(user: User, conversation_id: str) -> dict[str, Any]:
        conversation = store.conversations.get(conversation_id)
        if conversation is None or conversation["org_id"] != user.org_id:
            raise HTTPException(404, "conversation not found")
        return conversation

    def new_document(org_id: str, title: str, content: str, system: bool = False) -> dict[str, Any]:
        document = {"id": next(store.document_ids), "org_id": org_id, "title": title, "content": content, "system": system}
        store.documents[document["id"]] = document
        return document

    @app.get("/health", openapi_extra=PUBLIC)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/auth/signup", status_code=201, openapi_extra=PUBLIC)
    def signup(body: SignupIn) -> dict[str, str]:
        org_id = "org_" + secrets.token_hex(5)
        user = User("u_" + secrets.token_hex(5), body.email, body.password, org_id, "owner")
        store.users[user.id] = user
        new_document(org_id, "Welcome", f"Welcome to {body.org_name}! Your workspace id is {org_id}.", system=True)
        return {"user_id": user.id, "org_id": org_id}

    @app.post("/auth/login", openapi_extra=PUBLIC)
    def login(body: LoginIn) -> dict[str, str]:
        user = next((u for u in store.users.values() if u.email == body.email and u.password == body.password), None)
        if user is None:
            raise HTTPException(401, "bad credentials")
        token = secrets.token_urlsafe(16)
        store.tokens[token] = user.id
        return {"access_token": token}

    @app.post("/orgs/invites", status_code=201, openapi_extra={"x-launchready-roles": ["admin"]})
    def invite(body: InviteIn, user: Annotated[User, at_least("admin")]) -> dict[str, str]:
        token = secrets.token_urlsafe(12)
        store.invites[token] = (user.org_id, body.email, body.role.value)
        return {"invite_token": token}

    @app.post("/auth/accept-invite", status_code=201, openapi_extra=PUBLIC)
    def accept(body: AcceptIn) -> dict[str, str]:
        if body.invite_token not in store.invites:
            raise HTTPException(400, "bad invitation")
        org_id, email, role = store.invites.pop(body.invite_token)
        user = User("u_" + secrets.token_hex(5), email, body.password, org_id, role)
        store.users[user.id] = user
        return {"id": user.id}

    @app.get("/me")
    def me(user: Caller) -> dict[str, str]:
        return {"id": user.id, "email": user.email, "role": user.role, "org_id": user.org_id}

    @app.get("/conversations")
    def list_conversations(user: Caller) -> list[dict[str, Any]]:
        rows = store.conversations.values()
        return [c for c in rows if "list-leak" in FLAWS or c["org_id"] == user.org_id]

    @app.post("/conversations", status_code=201)
    def create_conversation(body: ConversationIn, user: Caller) -> dict[str, Any]:
        conversation = {"id": "cv_" + secrets.token_hex(5), "org_id": user.org_id, "owner_id": user.id, "title": body.title,
                        "archived": False}
        store.conversations[conversation["id"]] = conversation
        return conversation

    @app.get("/conversations/{conversation_id}")
    def get_conversation(conversation_id: str, user: Caller) -> dict[str, Any]:
        if "read-any-conversation" in FLAWS and conversation_id in store.conversations:
            return store.conversations[conversation_id]
        return own_conversation(user, conversation_id)

    @app.patch("/conversations/{conversation_id}", response_model=None)
    def patch_conversation(conversation_id: str, body: ConversationPatch, user: Caller) -> Any:
        conversation = store.conversations.get(conversation_id)
        foreign = conversation is None or conversation["org_id"] != user.org_id
        if foreign and "patch-own-record" in FLAWS:
            mine = [c for c in store.conversations.values() if c["org_id"] == user.org_id]
            if mine and body.title is not None:
                mine[-1]["title"] = body.title
            return Response(status_code=204)
        if foreign and not ("patch-foreign" in FLAWS and conversation is not None):
            raise HTTPException(404, "conversation not found")
        assert conversation is not None
        if body.title is not None:
            conversation["title"] = body.title
        if body.archived is not None:
            conversation["archived"] = body.archived
        return conversation

    @app.delete("/conversations/{conversation_id}", status_code=204)
    def delete_conversation(conversation_id: str, user: Caller) -> Response:
        if not ("delete-foreign" in FLAWS and conversation_id in store.conversations):
            own_conversation(user, conversation_id)
        del store.conversations[conversation_id]
        return Response(status_code=204)

    @app.get("/conversations/{conversation_id}/messages")
    def list_messages(conversation_id: str, user: Caller) -> list[dict[str, Any]]:
        own_conversation(user, conversation_id)
        return [m for m in store.messages.values() if m["conversation_id"] == conversation_id]

    @app.post("/conversations/{conversation_id}/messages", status_code=201)
    def post_message(conversation_id: str, body: MessageIn, user: Caller) -> dict[str, Any]:
        own_conversation(user, conversation_id)
        message = {"id": next(store.message_ids), "conversation_id": conversation_id, "content": body.content}
        store.messages[message["id"]] = message
        return message

    @app.get("/conversations/{conversation_id}/messages/{message_id}")
    def get_message(conversation_id: str, message_id: int, user: Caller) -> dict[str, Any]:
        own_conversation(user, conversation_id)
        message = store.messages.get(message_id)
        if message is None or (message["conversation_id"] != conversation_id and "nested-parent-only" not in FLAWS):
            raise HTTPException(404, "message not found")
        return message

    @app.delete("/conversations/{conversation_id}/messages/{message_id}", status_code=204)
    def delete_message(conversation_id: str, message_id: int, user: Caller) -> Response:
        own_conversation(user, conversation_id)
        message = store.messages.get(message_id)
        if message is None or message["conversation_id"] != conversation_id:
            raise HTTPException(404, "message not found")
        del store.messages[message_id]
        return Response(status_code=204)

    @app.get("/documents")
    def list_documents(user: Caller) -> list[dict[str, Any]]:
        return [d for d in store.documents.values() if d["org_id"] == user.org_id]

    @app.post("/documents", status_code=201)
    def create_document(body: DocumentIn, user: Caller) -> dict[str, Any]:
        return new_document(user.org_id, body.title, body.content)

    @app.get("/documents/{document_id}")
    def get_document(document_id: int, user: Caller) -> dict[str, Any]:
        document = store.documents.get(document_id)
        if document is not None and document["system"] and "system-docs-shared" in FLAWS:
            return document
        if document is None or document["org_id"] != user.org_id:
            mine = [d for d in store.documents.values() if d["org_id"] == user.org_id]
            if "own-object-on-foreign-id" in FLAWS and mine:
                return mine[-1]
            raise HTTPException(404, "document not found")
        return document

    @app.get("/search")
    def search(q: str, user: Caller) -> dict[str, Any]:
        hits = [{"kind": "conversation", "id": c["id"], "title": c["title"]} for c in store.conversations.values()
                if q in c["title"] and ("search-leak" in FLAWS or c["org_id"] == user.org_id)]
        return {"results": hits}

    @app.post("/chat")
    def chat(body: ChatIn, user: Caller) -> dict[str, Any]:
        if body.conversation_id is None:
            conversation = create_conversation(ConversationIn(title=body.message[:60]), user)
        elif "chat-foreign-conversation" in FLAWS and body.conversation_id in store.conversations:
            conversation = store.conversations[body.conversation_id]
        else:
            conversation = own_conversation(user, body.conversation_id)
        message = {"id": next(store.message_ids), "conversation_id": conversation["id"], "content": body.message}
        store.messages[message["id"]] = message
        return {"conversation_id": conversation["id"], "message_id": message["id"], "reply": "Thanks, we will get back to you."}

    @app.get("/admin/users", openapi_extra={"x-launchready-roles": ["admin"]})
    def list_users(user: Annotated[User, at_least("admin", "member-lists-users")]) -> list[dict[str, str]]:
        return [{"id": u.id, "email": u.email, "role": u.role, "org_id": u.org_id}
                for u in store.users.values() if u.org_id == user.org_id]

    @app.patch("/admin/users/{user_id}", openapi_extra={"x-launchready-roles": ["owner"]})
    def change_role(user_id: str, body: RoleIn, user: Annotated[User, at_least("owner", "admin-changes-roles")]) -> dict[str, str]:
        target = store.users.get(user_id)
        if target is None or target.org_id != user.org_id:
            raise HTTPException(404, "user not found")
        target.role = body.role.value
        return {"id": target.id, "role": target.role}

    @app.delete("/admin/users/{user_id}", status_code=204, openapi_extra={"x-launchready-roles": ["admin"]})
    def remove_user(user_id: str, user: Annotated[User, at_least("admin", "member-deletes-users")] if "delete-then-forbid" not in FLAWS
                    else Caller) -> Response:
        target = store.users.get(user_id)
        if target is None or target.org_id != user.org_id:
            raise HTTPException(404, "user not found")
        if target.role == "owner" and user.role != "owner":
            raise HTTPException(403, "only an owner can remove an owner")
        del store.users[user_id]
        if "delete-then-forbid" in FLAWS and RANK[user.role] > RANK["admin"]:
            raise HTTPException(403, "requires admin")  # too late: the user is already removed
        return Response(status_code=204)

    return app


app = create_app()
