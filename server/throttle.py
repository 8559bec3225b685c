"""Atomic attempt counters (fixed windows) in the database, for SQLite and PostgreSQL alike.

`take()` counts an attempt and answers whether it is within the limit in ONE statement —
INSERT … ON CONFLICT (scope, key) DO UPDATE … RETURNING count — so the database serialises
concurrent attempts on the row: of 60 simultaneous attempts against a limit of 5, exactly 5
are allowed, however they interleave. An attempt is counted before it is evaluated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, case, delete, literal, update
from sqlalchemy.orm import Session

from server.accounts.models import ThrottleCounter
from server.db import UtcDateTime, affected


@dataclass(frozen=True)
class Taken:
    allowed: bool
    retry_after_seconds: int


def take(db: Session, scope: str, key: str, now: datetime, window: timedelta, limit: int) -> Taken:
    table = cast(Table, ThrottleCounter.__table__)
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    now_value = literal(now, UtcDateTime())
    expired = table.c.window_start <= literal(now - window, UtcDateTime())
    stmt = (
        insert(table)
        .values(scope=scope, key=key[:254], window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key],
            set_={
                "count": case((expired, 1), else_=table.c.count + 1),
                "window_start": case((expired, now_value), else_=table.c.window_start),
            },
        )
        .returning(table.c.count, table.c.window_start)
    )
    count, window_start = db.connection().execute(stmt).one()
    if window_start.tzinfo is None:  # the raw SQLite value of a Core RETURNING
        window_start = UtcDateTime().process_result_value(window_start, None)
    retry = max(1, int((window_start + window - now).total_seconds()))
    return Taken(allowed=count <= limit, retry_after_seconds=retry)


def give_back(db: Session, scope: str, key: str) -> None:
    """Un-count one attempt (a login that turned out right); the row goes when it reaches 0."""
    db.execute(update(ThrottleCounter).where(ThrottleCounter.scope == scope, ThrottleCounter.key == key[:254]).values(count=ThrottleCounter.count - 1))
    db.execute(delete(ThrottleCounter).where(ThrottleCounter.scope == scope, ThrottleCounter.key == key[:254], ThrottleCounter.count <= 0))


def clear(db: Session, scope: str, key: str) -> None:
    db.execute(delete(ThrottleCounter).where(ThrottleCounter.scope == scope, ThrottleCounter.key == key[:254]))


def purge_before(db: Session, cutoff: datetime) -> int:
    return affected(db.execute(delete(ThrottleCounter).where(ThrottleCounter.window_start < cutoff)))
