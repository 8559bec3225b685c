"""Request-scoped dependencies: settings, clock and a database session from app.state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from server.clock import Clock
from server.config import Settings
from server.db import is_read_session, read_session

READ_METHODS = frozenset({"GET", "HEAD"})


# Plain look-ups are `async def` on purpose: FastAPI runs a sync dependency on the thread pool,
# one hand-off per dependency per request, which costs more than the look-up itself.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: one session, one transaction boundary. It commits once when
    the endpoint has returned (and its answer is serialized) and rolls back on any error, before
    the response is sent (DbDep has scope="function"). Services flush, never commit.

    An async dependency on purpose: closing the session runs on the event loop at once instead
    of queueing for a worker thread — under load a queued clean-up would hold its connection
    (and, on SQLite, the write lock) while every thread waits for it. The commit of a write
    does need a thread; admission control (server/limits.py) keeps one free for it.

    GET and HEAD get a read session (server.db.read_session): on SQLite its transactions take
    no lock, so reads never queue behind writers; a GET that marks something read calls
    server.db.for_writing() first, and its unit of work then commits like any other."""
    factory = request.app.state.sessionmaker
    session = read_session(factory) if request.method in READ_METHODS else factory()
    try:
        yield session
        if not is_read_session(session) and session.in_transaction():
            await run_in_threadpool(session.commit)
    finally:
        # After an error, or a read: ends the transaction without writing (a rollback).
        session.close()


def client_address(request: Request) -> str:
    """The peer's address; behind a trusted proxy (SKOLHUB_TRUST_FORWARDED_FOR) the app's
    ProxyHeadersMiddleware has already put the forwarded client address here."""
    return request.client.host if request.client else "unknown"


def no_store(response: Response) -> None:
    """For responses that carry a secret (a session token, a BankID start token, a feed link):
    never cached, and never kept for an Idempotency-Key replay (server/idempotency.py)."""
    response.headers["Cache-Control"] = "no-store"


NO_STORE = [Depends(no_store)]

SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
# scope="function": the unit of work ends (commit or rollback) before the response is sent, so
# a client that has its answer finds the change made. Every use of get_db goes through DbDep
# (FastAPI caches a dependency per scope: one session per request).
DbDep = Annotated[Session, Depends(get_db, scope="function")]
