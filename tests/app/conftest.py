"""App tests: the app's own services (API client, session store, cache, sync) run against the
real server in-process through httpx.ASGITransport — never a mock of our server."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import Engine

from server.app import create_app
from server.clock import FixedClock
from server.config import Settings
from tests.server.factories import Factory

SRC = Path(__file__).resolve().parents[2] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from services.cache import Cache  # noqa: E402
from services.i18n import I18n  # noqa: E402
from services.state import AppState  # noqa: E402
from services.token_store import MemoryTokenStore  # noqa: E402

SERVER_URL = "http://testserver"


@pytest.fixture
def server(settings: Settings, clock: FixedClock, engine: Engine) -> FastAPI:
    return create_app(settings, clock, engine)


@pytest.fixture
def make(server: FastAPI, clock: FixedClock, settings: Settings) -> Factory:
    return Factory(server.state.sessionmaker, clock, settings)


@pytest.fixture
def transport(server: FastAPI) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=server)


@pytest.fixture
def token_store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "app-cache.sqlite3")


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to the real server and keeps a copy (to check headers); can be told
    to drop the next N requests as if the network were down."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.fail_next = 0
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down or self.fail_next > 0:
            self.fail_next = max(0, self.fail_next - 1)
            raise httpx.ConnectError("network down", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def net(transport: httpx.ASGITransport) -> RecordingTransport:
    return RecordingTransport(transport)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def state(net: RecordingTransport, cache: Cache, token_store: MemoryTokenStore, clock: FixedClock, sleeps: Sleeps) -> AsyncIterator[AppState]:
    s = AppState(SERVER_URL, cache, token_store, I18n("sv"), transport=net, now=clock.now, retries=2, backoff=0.25)
    s.api._sleep = sleeps
    yield s
    await s.api.aclose()


def activation_token(server: FastAPI, email: str) -> str:
    """The token from the activation email the server queued for `email`."""
    return emailed_token(server, email, "/activate/")


def emailed_token(server: FastAPI, email: str, prefix: str) -> str:
    """The token of the last link starting with `prefix` the server queued for `email`."""
    from server.outbox.models import OutboxMessage

    with server.state.sessionmaker() as db:
        bodies = list(db.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)))
    links = [m.group(1) for body in bodies for m in [re.search(re.escape(prefix) + r"(\S+)", body)] if m]
    assert links, f"no {prefix} link in the email"
    return links[-1]
