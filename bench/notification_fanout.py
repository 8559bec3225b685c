"""Notification fan-out for a 1,000-pupil unit (R51): `python -m bench.notification_fanout [--postgres URL]`.

Builds one school of 1,000 pupils in 40 classes with ~1,800 guardians (800 pupils have two,
sibling-free for simplicity) and 300 student accounts (years 7–9), then times:
- `notify()` for the whole unit: one INSERT … SELECT computing every recipient in the database;
- a naive per-recipient Python loop (look up each pupil's guardians and students, check for an
  existing notification, add one row at a time) producing the same rows,
and prints both times and their ratio. Each is run `--repeat` times with a fresh item key; the
median is reported.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench._db import fresh_database
from server.accounts.models import User, UserKind
from server.clock import FixedClock
from server.db import make_engine, make_sessionmaker
from server.notifications.fanout import notify, pupils_of_units
from server.notifications.models import Notification
from server.school.models import Group, Guardianship, Organisation, Pupil, PupilGroup, Unit

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PUPILS, CLASSES, SECOND_GUARDIAN, STUDENTS = 1000, 40, 800, 300


def build_school(url: str) -> int:
    engine = make_engine(url)
    with engine.begin() as conn:
        org = conn.execute(insert(Organisation).values(name="Benchkommun").returning(Organisation.id)).scalar_one()
        unit = conn.execute(insert(Unit).values(organisation_id=org, name="Storskolan", kind="school", has_fritids=True).returning(Unit.id)).scalar_one()
        groups = [conn.execute(insert(Group).values(unit_id=unit, name=f"K{n}", kind="class").returning(Group.id)).scalar_one() for n in range(CLASSES)]
        pupil_ids = [
            conn.execute(insert(Pupil).values(
                personnummer=f"2015{n:08d}", first_name="Barn", last_name=str(n), unit_id=unit, group_id=groups[n % CLASSES],
                in_fritids=False, created_at=NOW,
            ).returning(Pupil.id)).scalar_one()
            for n in range(PUPILS)
        ]
        conn.execute(insert(PupilGroup), [{"pupil_id": p, "group_id": groups[n % CLASSES]} for n, p in enumerate(pupil_ids)])

        def user(n: int, kind: str, pupil_id: int | None = None) -> int:
            return conn.execute(insert(User).values(
                kind=kind, first_name="Bench", last_name=str(n), personnummer=f"1980{n:08d}", language="sv", is_active=True,
                created_at=NOW, pupil_id=pupil_id,
            ).returning(User.id)).scalar_one()

        links = []
        serial = 0
        for n, pupil_id in enumerate(pupil_ids):
            for _ in range(2 if n < SECOND_GUARDIAN else 1):
                serial += 1
                links.append({"guardian_id": user(serial, UserKind.GUARDIAN.value), "pupil_id": pupil_id})
        conn.execute(insert(Guardianship), links)
        for n, pupil_id in enumerate(pupil_ids[-STUDENTS:]):
            user(100_000 + n, UserKind.STUDENT.value, pupil_id)
    engine.dispose()
    return unit


def naive_notify(db: Session, clock: FixedClock, unit_id: int, item_key: str) -> int:
    """The loop the fan-out replaces: one query per pupil, one check and one row per recipient."""
    created = 0
    for pupil_id in db.scalars(select(Pupil.id).where(Pupil.unit_id == unit_id)):
        recipients = list(db.scalars(select(Guardianship.guardian_id).where(Guardianship.pupil_id == pupil_id)))
        recipients += list(db.scalars(select(User.id).where(User.pupil_id == pupil_id, User.kind == UserKind.STUDENT.value, User.is_active.is_(True))))
        for user_id in recipients:
            exists = db.scalar(select(Notification.id).where(
                Notification.user_id == user_id, Notification.pupil_id == pupil_id, Notification.item_key == item_key))
            if exists is None:
                db.add(Notification(
                    user_id=user_id, pupil_id=pupil_id, area="information", type="news_published", title="Nyhet",
                    link=f"/children/{pupil_id}/information/news/1", item_key=item_key, created_at=clock.now(),
                ))
                db.flush()
                created += 1
    return created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="a PostgreSQL URL to create a throw-away database next to")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clock = FixedClock(NOW)
    with fresh_database(args.postgres) as url:
        unit = build_school(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        with factory() as db:
            guardians = db.scalar(select(func.count()).select_from(User).where(User.kind == "guardian"))
            students = db.scalar(select(func.count()).select_from(User).where(User.kind == "student"))
        print(f"backend: {engine.dialect.name}; unit: {PUPILS} pupils, {guardians} guardians, {students} student accounts")
        set_based, looped, rows = [], [], 0
        for run in range(args.repeat):
            with factory() as db:
                started = time.perf_counter()
                rows = notify(db, clock, pupils_of_units([unit]), area="information", type="news_published", title="Nyhet",
                              item_key=f"news:set:{run}", link="/children/{pupil_id}/information/news/1")
                db.commit()
                set_based.append(time.perf_counter() - started)
            with factory() as db:
                started = time.perf_counter()
                naive_rows = naive_notify(db, clock, unit, f"news:loop:{run}")
                db.commit()
                looped.append(time.perf_counter() - started)
            assert naive_rows == rows, (naive_rows, rows)
        fast, slow = statistics.median(set_based), statistics.median(looped)
        print(f"notify() — one INSERT … SELECT: {rows} notifications in {fast * 1000:.1f} ms (median of {args.repeat})")
        print(f"naive per-recipient Python loop: {rows} notifications in {slow * 1000:.1f} ms (median of {args.repeat})")
        print(f"ratio: the set-based fan-out is {slow / fast:.1f}× faster")
        engine.dispose()


if __name__ == "__main__":
    main()
