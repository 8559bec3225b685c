from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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
def db(app: FastAPI) -> Iterator[Session]:
    with app.state.sessionmaker() as session:
        yield session


@pytest.fixture
def make(app: FastAPI, clock: FixedClock, settings: Settings) -> Factory:
    return Factory(app.state.sessionmaker, clock, settings)
