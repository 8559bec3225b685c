"""Demo talks: Karl Sund's development-talk times for 4A and 5A over the next two weeks, a few
already booked by 4A families (with messages for the staff overview). 5A's featured guardian
(mats.wikstrom) finds every time still open for his child. Omar Haddad has published times for
3A too, none booked, so the Swedish-speaking shared-custody family (karin.berg, johan.berg)
can book, see the talk on the home page and cancel it (Avboka)."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.clock import Clock, local_today
from server.config import Settings
from server.school.models import Guardianship
from server.talks import service
from server.talks.models import TalkBooking

SLOTS = [time(14, 0), time(14, 30), time(15, 0), time(15, 30), time(16, 0)]
MESSAGES = [
    "Vi vill gärna prata om läsningen hemma.",
    "Kan vi ta samtalet digitalt? Jag jobbar sent.",
    None,
]


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    karl = world.staff["karl.sund"]
    groups = [world.classes["4A"], world.classes["5A"]]
    today = local_today(clock)
    days = [
        today + timedelta(days=i)
        for i in range(1, 15)
        if (today + timedelta(days=i)).isoweekday() in (2, 4)
    ]
    link = "https://mote.ekbacka.skolhub.invalid/karl.sund"
    times = [
        service.NewTime(
            teacher_id=karl.id,
            date=day,
            start=slot,
            length_minutes=25,
            place=link if n % 2 else "Klassrum 4A",
        )
        for n, day in enumerate(days)
        for slot in SLOTS
    ]
    series = service.create_series(
        db, clock, karl, "Utvecklingssamtal ht 2026", [g.id for g in groups], times
    )
    db.flush()

    # Three 4A families have booked already.
    open_times = sorted(service.overview(db, series), key=lambda row: (row[0].date, row[0].start))
    pupils_4a = [p for p in world.pupils if p.group_id == world.classes["4A"].id]
    for (talk_time, *_), pupil, message in zip(
        open_times[1::3], pupils_4a[:3], MESSAGES, strict=False
    ):
        guardian_id = db.scalar(
            select(Guardianship.guardian_id)
            .where(Guardianship.pupil_id == pupil.id)
            .order_by(Guardianship.guardian_id)
        )
        db.add(
            TalkBooking(
                time_id=talk_time.id,
                series_id=series.id,
                pupil_id=pupil.id,
                booked_by=guardian_id,
                message=message,
                created_at=clock.now(),
            )
        )
    db.flush()
    seed_3a(db, clock, world)


OMAR_SLOTS = [time(13, 0), time(13, 30), time(14, 0)]


def seed_3a(db: Session, clock: Clock, world) -> None:  # type: ignore[no-untyped-def]
    omar = world.staff["omar.haddad"]
    today = local_today(clock)
    days = [
        today + timedelta(days=i)
        for i in range(2, 16)
        if (today + timedelta(days=i)).isoweekday() in (1, 3)
    ]
    times = [
        service.NewTime(
            teacher_id=omar.id, date=day, start=slot, length_minutes=30, place="Klassrum 3A"
        )
        for day in days
        for slot in OMAR_SLOTS
    ]
    service.create_series(
        db, clock, omar, "Utvecklingssamtal 3A ht 2026", [world.classes["3A"].id], times
    )
    db.flush()
