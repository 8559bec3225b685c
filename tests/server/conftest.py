from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server.app import create_app
from server.clock import FixedClock
from server.config import Settings
from tests.server.factories import Factory


@pytest.fixture
def app(settings: Settings, clock: FixedClock, engine: Engine) -> FastAPI:
    return create_app(settings, clock, engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture
async def aclient(app: FastAPI):  # type: ignore[no-untyped-def]
    """Async client for concurrency tests: requests really run in parallel in the server's
    thread pool and race in the database."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as c:
        yield c


@pytest.fixture
def db(app: FastAPI, database_url: str) -> Iterator[Session]:
    """A session for a test's own reads (and committed writes).

    On SQLite it runs in autocommit mode: every statement sees the latest data and holds no
    lock, so reading here never blocks the server's writers (which take BEGIN IMMEDIATE)."""
    if not database_url.startswith("sqlite"):
        with app.state.sessionmaker() as session:
            yield session
        return
    engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30}, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _autocommit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout=30000")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def make(app: FastAPI, clock: FixedClock, settings: Settings) -> Factory:
    return Factory(app.state.sessionmaker, clock, settings)
