"""Time as a dependency: every day-based rule asks a clock, so tests can set "today"."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SCHOOL_TZ = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A settable clock for tests and benchmarks."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware(at)

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = _aware(at)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> None:
        with self._lock:
            self._at = self._at + (delta or timedelta(**kwargs))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=SCHOOL_TZ)


def local_now(clock: Clock) -> datetime:
    return clock.now().astimezone(SCHOOL_TZ)


def local_today(clock: Clock) -> date:
    return local_now(clock).date()


def as_utc(value: datetime) -> datetime:
    """Databases may hand back naive datetimes (SQLite); all stored times are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
