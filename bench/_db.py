"""A fresh, migrated database for a benchmark: a temporary SQLite file, or a throw-away
PostgreSQL database created next to the one `--postgres URL` names."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.migrate import upgrade


@contextmanager
def fresh_database(postgres_url: str | None, workdir: Path | None = None) -> Iterator[str]:
    if not postgres_url:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    name = f"skolhub_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
