"""Shared fixtures: a real database built by the migrations (SQLite always; PostgreSQL too when
SKOLHUB_TEST_POSTGRES_URL is set, as in CI), the real server in-process, a settable clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from server.clock import SCHOOL_TZ, FixedClock
from server.config import Settings
from server.db import Base, make_engine
from server.migrate import upgrade

POSTGRES_URL = os.environ.get("SKOLHUB_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])

# Monday of ISO week 49, 2026, 07:30 in Stockholm: a school morning.
DEFAULT_NOW = datetime(2026, 11, 30, 7, 30, tzinfo=SCHOOL_TZ)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'skolhub-test.db'}"
        upgrade(url)
        yield url
        return
    assert POSTGRES_URL
    name = f"skolhub_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _shared_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def engine(_shared_engine: Engine) -> Iterator[Engine]:
    """The test database, emptied after each test (tests may commit, and concurrency tests must)."""
    yield _shared_engine
    _empty_all_tables(_shared_engine)


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        email_sink_dir=tmp_path / "email",
        sms_sink_dir=tmp_path / "sms",
        upload_dir=tmp_path / "uploads",
        public_base_url="http://testserver",
        app_base_url="http://app.test",
    )
