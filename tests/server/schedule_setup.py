"""Schedule test data through the schedule service (shared by the schedule and absence tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from server.schedule import service as schedule
from server.schedule.models import Lesson, Term
from server.school.models import Group, Pupil, StaffRole, Unit
from tests.server.factories import Factory, School

AUTUMN = (date(2026, 8, 17), date(2026, 12, 31))
MONDAY = date(2026, 11, 30)  # the clock fixture's day, ISO week 49


@dataclass
class Timetable:
    school: School
    term: Term
    teacher_id: int
    teacher_name: str
    lessons: dict[str, Lesson] = field(default_factory=dict)


def term(make: Factory, unit: Unit, start: date = AUTUMN[0], end: date = AUTUMN[1]) -> Term:
    return make._save(
        lambda db: schedule.add_term(db, db.get(Unit, unit.id), "HT 2026", start, end)
    )  # type: ignore[no-any-return]


def lesson(
    make: Factory,
    term_: Term,
    group: Group,
    weekday: int,
    start: str,
    end: str,
    subject: str,
    room: str | None = "B12",
    teacher_ids: tuple[int, ...] = (),
) -> Lesson:
    return make._save(  # type: ignore[no-any-return]
        lambda db: schedule.add_lesson(
            db,
            term_,
            group,
            weekday,
            time.fromisoformat(start),
            time.fromisoformat(end),
            subject,
            room,
            teacher_ids,
        )
    )


def cancel(make: Factory, lesson_: Lesson, on: date, note: str | None = None) -> None:
    make._save(lambda db: schedule.cancel_lesson(db, db.get(Lesson, lesson_.id), on, note))  # type: ignore[arg-type]


def move(make: Factory, lesson_: Lesson, on: date, **changes: object) -> None:
    make._save(lambda db: schedule.move_lesson(db, db.get(Lesson, lesson_.id), on, **changes))  # type: ignore[arg-type]


def school_break(
    make: Factory,
    name: str,
    start: date,
    end: date,
    *,
    organisation_id: int | None = None,
    unit_id: int | None = None,
) -> None:
    make._save(
        lambda db: schedule.add_break(
            db, name, start, end, organisation_id=organisation_id, unit_id=unit_id
        )
    )


def timetable(make: Factory) -> Timetable:
    """Testskolan 4A: Monday Svenska, Matematik, Engelska; Tuesday Idrott, NO."""
    school = make.school()
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Lisa", last="Ek")
    t = term(make, school.unit)
    tt = Timetable(school=school, term=t, teacher_id=teacher.id, teacher_name="Lisa Ek")
    for key, weekday, start, end, subject, room in [
        ("sv", 1, "08:10", "09:00", "Svenska", "B12"),
        ("ma", 1, "09:10", "10:00", "Matematik", "B14"),
        ("en", 1, "10:20", "11:00", "Engelska", "B12"),
        ("idh", 2, "08:10", "09:30", "Idrott och hälsa", "Gymnastiksalen"),
        ("no", 2, "10:00", "11:00", "NO", "Labbet"),
    ]:
        tt.lessons[key] = lesson(
            make, t, school.group, weekday, start, end, subject, room, (teacher.id,)
        )
    return tt


def occurrence(lesson_: Lesson, day: date) -> str:
    return schedule.occurrence_id(lesson_.id, day)


def pupil_in(make: Factory, tt: Timetable, first: str = "Alva") -> Pupil:
    return make.pupil(tt.school.group, first)
