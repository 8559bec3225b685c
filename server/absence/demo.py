"""Demo absences: some weeks of history for the featured families and a few other pupils —
guardians' reports (whole day and chosen lessons), and valid and invalid absence registered by
the teachers (the invalid ones go through the real SMS rule, so the demo outbox has absence SMS)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.absence import service
from server.accounts.models import User
from server.clock import SCHOOL_TZ, Clock, FixedClock, local_today
from server.config import Settings
from server.schedule import service as schedule
from server.schedule.demo import MAIN_TEACHER
from server.school.models import Guardianship, Pupil, UnitKind

if TYPE_CHECKING:
    from server.demo import DemoWorld


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SCHOOL_TZ)


def seed(db: Session, clock: Clock, settings: Settings, world: DemoWorld) -> None:
    today = local_today(clock)
    rng = world.rng
    units = {world.school.id: world.school, world.preschool.id: world.preschool}
    class_of = {g.id: name for name, g in world.classes.items()}

    def guardians(pupil: Pupil) -> list[User]:
        return list(
            db.scalars(
                select(User)
                .join(Guardianship, Guardianship.guardian_id == User.id)
                .where(Guardianship.pupil_id == pupil.id)
                .order_by(User.id)
            )
        )

    def children(guardian: User) -> list[Pupil]:
        return list(
            db.scalars(
                select(Pupil)
                .join(Guardianship, Guardianship.pupil_id == Pupil.id)
                .where(Guardianship.guardian_id == guardian.id)
                .order_by(Pupil.id)
            )
        )

    def school_days(
        pupil: Pupil, count: int, skip: int = 0
    ) -> list[tuple[date, list[schedule.Occurrence]]]:
        """The pupil's last school days before today (newest first)."""
        found: list[tuple[date, list[schedule.Occurrence]]] = []
        day = today - timedelta(days=1)
        while len(found) < count + skip and day > today - timedelta(days=60):
            lessons = schedule.lessons_on(db, pupil, units[pupil.unit_id], day)
            if lessons:
                found.append((day, lessons))
            day -= timedelta(days=1)
        return found[skip:]

    def weekdays(count: int) -> list[date]:
        days: list[date] = []
        day = today - timedelta(days=1)
        while len(days) < count:
            if day.isoweekday() <= 5:
                days.append(day)
            day -= timedelta(days=1)
        return days

    def report(
        guardian: User,
        pupil: Pupil,
        day: date,
        lessons: list[schedule.Occurrence],
        reason: str,
        comment: str | None,
    ) -> None:
        service.save_report(
            db,
            guardian,
            pupil,
            day=day,
            whole_day=not lessons,
            lessons=lessons,
            reason=reason,
            comment=comment,
            at=_at(day - timedelta(days=1), 19, rng.randint(0, 59))
            if rng.random() < 0.5
            else _at(day, 7, rng.randint(0, 40)),
        )

    def register(
        pupil: Pupil, day: date, lesson: schedule.Occurrence, valid: bool, reason: str | None = None
    ) -> None:
        teacher = world.staff[MAIN_TEACHER[class_of[pupil.group_id or 0]]]
        at = FixedClock(datetime.combine(day, lesson.end, tzinfo=SCHOOL_TZ) + timedelta(minutes=5))
        service.register_absence(
            db,
            at,
            teacher,
            pupil,
            day=day,
            lesson_id=lesson.lesson_id,
            occurrence_id=lesson.id,
            valid=valid,
            reason=reason,
        )

    # 1. Anna: the 2A child was ill a day (registered valid too); the preschool child had leave.
    anna = world.people["fritids_and_preschool_guardian"]
    for child in children(anna):
        if units[child.unit_id].kind == UnitKind.PRESCHOOL:
            leave, ill = weekdays(8)[3], weekdays(8)[7]
            report(anna, child, leave, [], "leave", "ledig")
            report(anna, child, ill, [], "illness", None)
            continue
        days = school_days(child, 2, skip=2)
        if days:
            day, lessons = days[0]
            report(anna, child, day, [], "illness", None)
            for lesson in lessons:
                register(child, day, lesson, valid=True, reason="illness")
        if len(days) > 1:
            day, lessons = days[1]
            report(anna, child, day, lessons[:2], "other", "Tandläkarbesök")
    # 2. Shared custody (3A): Karin reported illness; later the school registered an invalid lesson.
    karin, johan = world.people["shared_custody_a"], world.people["shared_custody_b"]
    shared = children(karin)[0]
    days = school_days(shared, 3, skip=1)
    if len(days) >= 3:
        report(karin, shared, days[2][0], [], "illness", None)
        report(johan, shared, days[1][0], days[1][1][-1:], "other", "Simträning")
        register(shared, days[0][0], days[0][1][-1], valid=False)
    # 3. No mobile, English (5A): invalid from two lessons on one day — notifications, no SMS.
    mats_child = children(world.people["no_mobile_guardian"])[0]
    days = school_days(mats_child, 2)
    if len(days) >= 2:
        for lesson in days[1][1][:2]:
            register(mats_child, days[1][0], lesson, valid=False)
        register(mats_child, days[0][0], days[0][1][0], valid=True, reason="late")
    # 4. The student (8A): a guardian's report, and one invalid lesson.
    elsa = world.people["student"]
    elsa_pupil = db.get(Pupil, elsa.pupil_id)
    if elsa_pupil is not None:
        days = school_days(elsa_pupil, 3)
        if len(days) >= 3:
            report(guardians(elsa_pupil)[0], elsa_pupil, days[2][0], [], "illness", None)
            register(elsa_pupil, days[0][0], days[0][1][1], valid=False)
    # 5. A sprinkling of ordinary history across the school.
    featured = (
        {p.id for p in (shared, mats_child)}
        | {c.id for c in children(anna)}
        | ({elsa_pupil.id} if elsa_pupil else set())
    )
    others = [
        p for p in world.pupils if p.id not in featured and units[p.unit_id].kind == UnitKind.SCHOOL
    ]
    for pupil in rng.sample(others, k=min(12, len(others))):
        days = school_days(pupil, 10)
        if not days:
            continue
        day, lessons = rng.choice(days)
        kind = rng.choice(["report", "report", "valid", "invalid"])
        parents = guardians(pupil)
        if kind == "report" and parents:
            report(
                rng.choice(parents),
                pupil,
                day,
                [],
                rng.choice(["illness", "illness", "leave"]),
                None,
            )
        else:
            register(
                pupil,
                day,
                rng.choice(lessons),
                valid=kind == "valid",
                reason="illness" if kind == "valid" else None,
            )
    for child in world.pupils:
        if (
            units[child.unit_id].kind == UnitKind.PRESCHOOL
            and child.id not in featured
            and rng.random() < 0.4
        ):
            parents = guardians(child)
            if parents:
                report(
                    parents[0],
                    child,
                    rng.choice(weekdays(10)),
                    [],
                    rng.choice(["illness", "leave"]),
                    rng.choice([None, "ledig"]),
                )
    db.flush()
