"""Idempotency-Key for create-type POSTs: a replay returns the first answer and creates nothing.

Records live in the database (not process memory) so every worker process and machine sees them.
- A response marked `Cache-Control: no-store` (login, BankID orders, feed links: anything that
  carries a token) is never stored; its key is released, so a retry runs the request again.
- A key is bound to the caller (the signed-in user, not the session): a retry after a new login
  (the app's offline send queue) is still answered from the record and creates nothing twice. A
  replay is answered only to a valid session of that user (a revoked or expired token gets the
  route's own 401, never the stored answer).
- A pending key (a request in progress) is leased: if its process crashed, the key is taken
  over after `idempotency_lease_seconds` instead of answering 409 until the record expires.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.clock import Clock
from server.db import Base, affected, unit_of_work
from server.errors import error_body
from server.security import token_hash

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)


def _json(status: int, code: str, message: str) -> tuple[int, bytes]:
    return status, json.dumps(error_body(code, message)).encode()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, get_sessionmaker, get_clock, lease_seconds: int = 120) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.get_sessionmaker = get_sessionmaker
        self.get_clock = get_clock
        self.lease = timedelta(seconds=lease_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if not raw_key:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            status, body = _json(422, "invalid_idempotency_key", "The Idempotency-Key header must be 1–200 characters.")
            await _send(send, status, body, b"application/json")
            return

        # Read the whole request body, then hand it on unchanged.
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        auth = headers.get(b"authorization", b"")
        request_hash = hashlib.sha256(
            scope["method"].encode() + b" " + scope["path"].encode() + b"?" + scope.get("query_string", b"") + b"\n" + body
        ).hexdigest()
        factory: sessionmaker[Session] = self.get_sessionmaker(scope)
        clock: Clock = self.get_clock(scope)

        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        outcome = await run_in_threadpool(_reserve, factory, clock, auth, key, request_hash, self.lease)
        if outcome is None:  # not a valid session: the route answers (401) and nothing is kept
            await self.app(scope, replay_receive, send)
            return
        if isinstance(outcome, tuple):
            status, stored_body, content_type, replayed = outcome
            extra = [(b"idempotent-replayed", b"true")] if replayed else []
            await _send(send, status, stored_body, content_type, extra)
            return
        record_id = outcome

        status_code = 500
        secret = False
        content_type = b"application/json"
        response_chunks: list[bytes] = []

        async def capture_send(message: Message) -> None:
            nonlocal status_code, content_type, secret
            if message["type"] == "http.response.start":
                status_code = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value
                    if name.lower() == b"cache-control" and b"no-store" in value.lower():
                        secret = True
            elif message["type"] == "http.response.body" and not secret:
                response_chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            await run_in_threadpool(_forget, factory, record_id)
            raise
        if status_code >= 500 or secret:
            await run_in_threadpool(_forget, factory, record_id)
        else:
            await run_in_threadpool(
                _complete, factory, record_id, status_code, content_type.decode(), b"".join(response_chunks)
            )


async def _send(send: Send, status: int, body: bytes, content_type: bytes, extra: list | None = None) -> None:  # type: ignore[type-arg]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *(extra or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _caller(db: Session, clock: Clock, auth: bytes) -> str | None:
    """Whose keys these are: "user:<id>" for a valid session, "anonymous" without one, None for
    a token that is not (or no longer) a valid session."""
    from server.accounts.models import AuthSession

    if not auth:
        return "anonymous"
    scheme, _, token = auth.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    session = db.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token.strip())))
    if session is None or session.revoked_at is not None or session.expires_at <= clock.now():
        return None
    return f"user:{session.user_id}"


def _reserve(factory: sessionmaker[Session], clock: Clock, auth: bytes, key: str, request_hash: str, lease: timedelta):  # type: ignore[no-untyped-def]
    """Insert a pending record and return its id; None when the caller's session is not valid
    (nothing is reserved or replayed); or what to answer (status, body, content type, replayed).

    The middleware's own short transactions, outside the request's unit of work (and before
    it): a duplicate arriving while the request runs must already find the reservation."""
    with factory() as db:
        who = _caller(db, clock, auth)
        if who is None:
            return None
        now = clock.now()
        record = IdempotencyRecord(scope=who, key=key, request_hash=request_hash, created_at=now)
        db.add(record)
        try:
            db.commit()
            return record.id
        except IntegrityError:
            db.rollback()
        existing = db.scalar(select(IdempotencyRecord).where(IdempotencyRecord.scope == who, IdempotencyRecord.key == key))
        if existing is None:  # expired and removed in between: treat as a clash the client may retry
            status, body = _json(409, "idempotency_in_progress", "A request with this Idempotency-Key is being processed; retry shortly.")
            return status, body, b"application/json", False
        if existing.request_hash != request_hash:
            status, body = _json(422, "idempotency_key_reused", "This Idempotency-Key was used for a different request.")
            return status, body, b"application/json", False
        if existing.status_code is None and existing.created_at <= now - lease:
            # The request holding the key never finished (its process died): take the lease over.
            taken = db.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.id == existing.id, IdempotencyRecord.status_code.is_(None), IdempotencyRecord.created_at == existing.created_at)
                .values(created_at=now)
            )
            db.commit()
            if affected(taken) == 1:
                return existing.id
        if existing.status_code is None:
            status, body = _json(409, "idempotency_in_progress", "A request with this Idempotency-Key is being processed; retry shortly.")
            return status, body, b"application/json", False
        return existing.status_code, existing.response_body or b"", (existing.content_type or "application/json").encode(), True


def _complete(factory: sessionmaker[Session], record_id: int, status: int, content_type: str, body: bytes) -> None:
    with unit_of_work(factory) as db:
        record = db.get(IdempotencyRecord, record_id)
        if record is not None:
            record.status_code = status
            record.content_type = content_type[:100]
            record.response_body = body


def _forget(factory: sessionmaker[Session], record_id: int) -> None:
    with unit_of_work(factory) as db:
        db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))


def purge_expired(db: Session, now: datetime, ttl_hours: int) -> int:
    result = db.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - timedelta(hours=ttl_hours)))
    return affected(result)
