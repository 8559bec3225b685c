"""Demo leisure time: opening hours for Ekbackaskolan's fritids and Förskolan Lärkan, and
registrations for every fritids and preschool child from this week through three more.

The featured families: anna.lindqvist's two children have regular times (one day with a
comment for staff, and a staff comment back); karin.berg and johan.berg share custody and fill
alternate weeks — Karin the even ISO weeks, Johan the odd ones — each with their own times.
Days already locked are written directly, as if registered earlier.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import Clock, local_today
from server.config import Settings
from server.leisure import service
from server.leisure.models import LeisureDay, LeisureUnitSettings, LockPolicy
from server.school.models import Guardianship, Pupil

WEEKS = 4


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    rng = world.rng
    now = clock.now()
    db.add(
        LeisureUnitSettings(
            unit_id=world.school.id,
            opens=time(6, 30),
            closes=time(18, 0),
            weekday_hours={},
            lock_policy=LockPolicy.SAME_DAY,
            updated_at=now,
        )
    )
    db.add(
        LeisureUnitSettings(
            unit_id=world.preschool.id,
            opens=time(6, 30),
            closes=time(17, 30),
            weekday_hours={},
            lock_policy=LockPolicy.SAME_DAY,
            updated_at=now,
        )
    )
    db.flush()

    today = local_today(clock)
    monday = today - timedelta(days=today.isoweekday() - 1)
    days = [monday + timedelta(days=i) for i in range(7 * WEEKS)]
    anna = world.people["fritids_and_preschool_guardian"]
    karin, johan = world.people["shared_custody_a"], world.people["shared_custody_b"]

    enrolled = [p for p in world.pupils if p.in_fritids or p.unit_id == world.preschool.id]
    for pupil in sorted(enrolled, key=lambda p: p.id):
        hours = service.unit_hours(db, pupil.unit_id)
        closed = service.closed_days(db, pupil.unit_id, days[0], days[-1])
        guardians = list(
            db.scalars(
                select(User)
                .join(Guardianship, Guardianship.guardian_id == User.id)
                .where(Guardianship.pupil_id == pupil.id)
                .order_by(User.id)
            )
        )
        if not guardians:
            continue
        featured = anna in guardians or karin in guardians
        start = (
            time(7, 30)
            if featured
            else rng.choice([time(6, 45), time(7, 0), time(7, 30), time(8, 0)])
        )
        end = (
            time(16, 0)
            if featured
            else rng.choice([time(14, 30), time(15, 0), time(16, 0), time(16, 30), time(17, 0)])
        )
        if pupil.unit_id == world.preschool.id:
            end = min(end, time(17, 0))
        for day in days:
            if service.closed_reason(hours, closed, day) is not None:
                continue
            if not featured and rng.random() < 0.15:
                continue  # some days left for the guardian to fill in the demo
            who = guardians[0]
            times = service.DayTimes(start, end)
            if karin in guardians:  # shared custody: alternate ISO weeks, each parent's own times
                even = day.isocalendar()[1] % 2 == 0
                who = karin if even else johan
                times = (
                    service.DayTimes(time(7, 30), time(16, 0))
                    if even
                    else service.DayTimes(time(8, 15), time(15, 30))
                )
            service.write_times(db, clock, who, pupil.id, day, times, None)

    # Anna's school child: a comment for staff on Thursday next week, and a staff answer.
    anna_children = sorted((p for p in enrolled if anna in _guardians(db, p)), key=lambda p: p.id)
    thursday = monday + timedelta(days=10)
    for pupil in anna_children[:1]:
        row = db.scalar(
            select(LeisureDay).where(LeisureDay.pupil_id == pupil.id, LeisureDay.date == thursday)
        )
        if row is not None:
            row.comment, row.guardian_comment_unseen = "Mormor hämtar kl. 15", True
            row.staff_comment, row.staff_comment_by, row.staff_comment_at = (
                "Vi är i skogen på eftermiddagen – varma kläder!",
                world.staff["fritids.nora"].id,
                now,
            )
    db.flush()


def _guardians(db: Session, pupil: Pupil) -> list[User]:
    return list(
        db.scalars(
            select(User)
            .join(Guardianship, Guardianship.guardian_id == User.id)
            .where(Guardianship.pupil_id == pupil.id)
        )
    )
