"""Local SQLite cache of what the app has read (R81), per user and child, with ETags.

A failed refresh never touches the cache: rows are only replaced by a newer good answer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS resource (
    user_id INTEGER NOT NULL,
    pupil_id INTEGER NOT NULL DEFAULT 0,
    key TEXT NOT NULL,
    etag TEXT,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (user_id, pupil_id, key)
);
CREATE TABLE IF NOT EXISTS notified (
    user_id INTEGER NOT NULL,
    notification_id INTEGER NOT NULL,
    shown_at TEXT NOT NULL,
    PRIMARY KEY (user_id, notification_id)
);
"""


@dataclass
class CachedEntry:
    data: Any
    etag: str | None
    fetched_at: datetime


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Cache:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def get(self, user_id: int, key: str, pupil_id: int | None = None) -> CachedEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body, etag, fetched_at FROM resource WHERE user_id=? AND pupil_id=? AND key=?",
                (user_id, pupil_id or 0, key),
            ).fetchone()
        if row is None:
            return None
        return CachedEntry(data=json.loads(row[0]), etag=row[1], fetched_at=datetime.fromisoformat(row[2]))

    def put(self, user_id: int, key: str, data: Any, etag: str | None = None, pupil_id: int | None = None,
            fetched_at: datetime | None = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO resource (user_id, pupil_id, key, etag, body, fetched_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (user_id, pupil_id, key) DO UPDATE SET etag=excluded.etag, body=excluded.body, fetched_at=excluded.fetched_at",
                (user_id, pupil_id or 0, key, etag, json.dumps(data), (fetched_at or _utcnow()).isoformat()),
            )

    def touch(self, user_id: int, key: str, pupil_id: int | None = None, fetched_at: datetime | None = None) -> None:
        """A 304: the cached copy is confirmed current now."""
        with self._lock:
            self._db.execute(
                "UPDATE resource SET fetched_at=? WHERE user_id=? AND pupil_id=? AND key=?",
                ((fetched_at or _utcnow()).isoformat(), user_id, pupil_id or 0, key),
            )

    def keys(self, user_id: int) -> list[tuple[int, str]]:
        with self._lock:
            return [(r[0], r[1]) for r in self._db.execute("SELECT pupil_id, key FROM resource WHERE user_id=? ORDER BY key", (user_id,))]

    # --- device notifications shown (R82: never twice) ------------------------------------------

    def claim_notification(self, user_id: int, notification_id: int) -> bool:
        """True the first time only: the database decides, so two loops cannot both show it."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO notified (user_id, notification_id, shown_at) VALUES (?,?,?)",
                (user_id, notification_id, _utcnow().isoformat()),
            )
            return cur.rowcount == 1
