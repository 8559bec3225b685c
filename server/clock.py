"""Time as a dependency: every day-based rule asks a clock, so tests can set "today"."""

from __future__ import annotations

import threading
import time
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


class RunningClock:
    """A clock that starts at a chosen instant and runs on at the real pace: a rehearsal or a
    browser test on a chosen school-day morning, with sessions, throttles and outbox leases
    still seeing time pass."""

    def __init__(self, start: datetime) -> None:
        self._start = _aware(start).astimezone(UTC)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


def clock_for(fixed_now: datetime | None = None, clock_start: datetime | None = None) -> Clock:
    """The clock the settings ask for (server/config.py): pinned (`fixed_now`), started at an
    instant (`clock_start`), or the system's."""
    if fixed_now is not None:
        return FixedClock(fixed_now)
    if clock_start is not None:
        return RunningClock(clock_start)
    return SystemClock()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=SCHOOL_TZ)


def local_now(clock: Clock) -> datetime:
    return clock.now().astimezone(SCHOOL_TZ)


def local_today(clock: Clock) -> date:
    return local_now(clock).date()


def as_utc(value: datetime) -> datetime:
    """Databases may hand back naive datetimes (SQLite); all stored times are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
