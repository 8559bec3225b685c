"""Schedule rules (R35): a pupil's lessons for any span of dates, from weekly patterns, their
exceptions, and days without school (Swedish public holidays plus the municipality's breaks).

An occurrence is identified as "<lesson id>:<regular date>", which stays the same when the
lesson is moved, so absence reports and the app's cache can refer to it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
from sqlalchemy import delete, false, or_, select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import Clock, local_today
from server.errors import bad_request
from server.schedule.models import (
    ExceptionKind,
    Lesson,
    LessonException,
    LessonTeacher,
    SchoolBreak,
    Term,
)
from server.school.models import Group, Pupil, PupilGroup, Unit, UnitKind

if TYPE_CHECKING:
    from server.schedule.schemas import WeekOut

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class NoSchool:
    reason: str  # "holiday" | "break"
    name: str


@dataclass(frozen=True)
class Teacher:
    id: int
    name: str


@dataclass
class Occurrence:
    lesson_id: int
    regular_date: date
    date: date
    start: time
    end: time
    subject: str
    room: str | None
    status: str  # "scheduled" | "cancelled" | "moved"
    note: str | None = None
    teachers: list[Teacher] = field(default_factory=list)

    @property
    def id(self) -> str:
        return occurrence_id(self.lesson_id, self.regular_date)


def occurrence_id(lesson_id: int, regular_date: date) -> str:
    return f"{lesson_id}:{regular_date.isoformat()}"


def parse_occurrence_id(value: str) -> tuple[int, date] | None:
    lesson, _, day = value.partition(":")
    try:
        return int(lesson), date.fromisoformat(day)
    except ValueError:
        return None


# --- weeks -------------------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str | None, clock: Clock) -> date:
    """Monday of an ISO week "2026-W49"; the clock's current week when none is given."""
    if not week:
        today = local_today(clock)
        return today - timedelta(days=today.isoweekday() - 1)
    match = WEEK_PATTERN.match(week)
    try:
        if not match:
            raise ValueError(week)
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise bad_request(
            "invalid_week", "The week must be an ISO week such as 2026-W49.", "week"
        ) from exc


def require_school_pupil(pupil: Pupil, db: Session) -> Unit:
    unit = db.get(Unit, pupil.unit_id)
    if unit is None or unit.kind != UnitKind.SCHOOL:
        raise bad_request(
            "not_a_school_pupil", "The schedule is for school pupils only; preschools have none."
        )
    return unit


# --- days without school -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int, language: str) -> dict[date, str]:
    names = holidays.Sweden(
        years=year, include_sundays=False, language="sv" if language == "sv" else "en_US"
    )
    return dict(names.items())


def days_without_school(
    db: Session, unit: Unit, start: date, end: date, language: str = "sv"
) -> dict[date, NoSchool]:
    """Public holidays and the organisation's or unit's breaks between start and end."""
    result: dict[date, NoSchool] = {}
    breaks = db.scalars(
        select(SchoolBreak)
        .where(
            or_(
                SchoolBreak.unit_id == unit.id, SchoolBreak.organisation_id == unit.organisation_id
            ),
            SchoolBreak.start_date <= end,
            SchoolBreak.end_date >= start,
        )
        .order_by(SchoolBreak.start_date, SchoolBreak.id)
    )
    for brk in breaks:
        day = max(brk.start_date, start)
        while day <= min(brk.end_date, end):
            result.setdefault(day, NoSchool("break", brk.name))
            day += timedelta(days=1)
    for year in range(start.year, end.year + 1):
        for day, name in _public_holidays(year, language).items():
            if start <= day <= end:
                result[day] = NoSchool(
                    "holiday", name
                )  # a holiday inside a break is named as the holiday
    return result


# --- occurrences -------------------------------------------------------------------------------


def pupil_group_ids(db: Session, pupil: Pupil) -> list[int]:
    return list(db.scalars(select(PupilGroup.group_id).where(PupilGroup.pupil_id == pupil.id)))


def occurrences(
    db: Session,
    pupil: Pupil,
    unit: Unit,
    start: date,
    end: date,
    no_school: dict[date, NoSchool] | None = None,
) -> list[Occurrence]:
    """Every occurrence of the pupil's groups' lessons from start to end, exceptions applied."""
    groups = pupil_group_ids(db, pupil)
    if not groups:
        return []
    if no_school is None:
        no_school = days_without_school(db, unit, start, end)
    exceptions = list(
        db.scalars(
            select(LessonException)
            .join(Lesson, Lesson.id == LessonException.lesson_id)
            .where(
                Lesson.group_id.in_(groups),
                or_(
                    LessonException.date.between(start, end),
                    LessonException.new_date.between(start, end),
                ),
            )
        )
    )
    exception_lessons = {e.lesson_id for e in exceptions}
    rows = db.execute(
        select(Lesson, Term.start_date, Term.end_date)
        .join(Term, Term.id == Lesson.term_id)
        .where(
            Lesson.group_id.in_(groups),
            or_(
                (Term.start_date <= end) & (Term.end_date >= start),
                Lesson.id.in_(exception_lessons) if exception_lessons else false(),
            ),
        )
    ).all()
    lessons = {lesson.id: (lesson, term_start, term_end) for lesson, term_start, term_end in rows}
    by_occurrence = {(e.lesson_id, e.date): e for e in exceptions}

    def is_regular(lesson: Lesson, term_start: date, term_end: date, day: date) -> bool:
        return term_start <= day <= term_end and day.isoweekday() == lesson.weekday

    found: list[Occurrence] = []
    day = start
    while day <= end:
        for lesson, term_start, term_end in lessons.values():
            if not is_regular(lesson, term_start, term_end, day) or day in no_school:
                continue
            exc = by_occurrence.get((lesson.id, day))
            if exc is None:
                found.append(_occurrence(lesson, day, day, "scheduled"))
            elif exc.kind == ExceptionKind.CANCELLED:
                found.append(_occurrence(lesson, day, day, "cancelled", note=exc.note))
        day += timedelta(days=1)
    for exc in exceptions:  # moved lessons appear on their new date
        if exc.kind != ExceptionKind.MOVED or exc.lesson_id not in lessons:
            continue
        lesson, term_start, term_end = lessons[exc.lesson_id]
        if not is_regular(lesson, term_start, term_end, exc.date):
            continue
        target = exc.new_date or exc.date
        if start <= target <= end:
            found.append(
                _occurrence(
                    lesson,
                    exc.date,
                    target,
                    "moved",
                    note=exc.note,
                    start=exc.new_start_time,
                    end=exc.new_end_time,
                    room=exc.new_room,
                )
            )
    _add_teachers(db, found)
    found.sort(key=lambda o: (o.date, o.start, o.subject, o.lesson_id))
    return found


def _occurrence(
    lesson: Lesson,
    regular: date,
    on: date,
    status: str,
    *,
    note: str | None = None,
    start: time | None = None,
    end: time | None = None,
    room: str | None = None,
) -> Occurrence:
    return Occurrence(
        lesson_id=lesson.id,
        regular_date=regular,
        date=on,
        start=start or lesson.start_time,
        end=end or lesson.end_time,
        subject=lesson.subject,
        room=room or lesson.room,
        status=status,
        note=note,
    )


def _add_teachers(db: Session, found: list[Occurrence]) -> None:
    ids = {o.lesson_id for o in found}
    if not ids:
        return
    teachers: dict[int, list[Teacher]] = defaultdict(list)
    rows = db.execute(
        select(LessonTeacher.lesson_id, User.id, User.first_name, User.last_name)
        .join(User, User.id == LessonTeacher.staff_id)
        .where(LessonTeacher.lesson_id.in_(ids))
        .order_by(User.last_name, User.first_name, User.id)
    )
    for lesson_id, user_id, first, last in rows:
        teachers[lesson_id].append(Teacher(user_id, f"{first} {last}"))
    for occ in found:
        occ.teachers = list(teachers.get(occ.lesson_id, []))


def lessons_on(db: Session, pupil: Pupil, unit: Unit, day: date) -> list[Occurrence]:
    """The pupil's lessons that take place on `day` (cancelled ones excluded)."""
    return [
        o
        for o in occurrences(db, pupil, unit, day, day)
        if o.status != "cancelled" and o.date == day
    ]


def changed_lessons_count(db: Session, pupil: Pupil, clock: Clock) -> int:
    unit = db.get(Unit, pupil.unit_id)
    if unit is None:
        return 0
    monday = week_monday(None, clock)
    return sum(
        1
        for o in occurrences(db, pupil, unit, monday, monday + timedelta(days=6))
        if o.status != "scheduled"
    )


# --- creating schedule data (staff tooling, demo, tests) ---------------------------------------


def add_term(db: Session, unit: Unit, name: str, start: date, end: date) -> Term:
    if end < start:
        raise bad_request("invalid_term", "A term must end after it starts.", "end_date")
    term = Term(unit_id=unit.id, name=name, start_date=start, end_date=end)
    db.add(term)
    db.flush()
    return term


def add_break(
    db: Session,
    name: str,
    start: date,
    end: date,
    *,
    organisation_id: int | None = None,
    unit_id: int | None = None,
) -> SchoolBreak:
    if (organisation_id is None) == (unit_id is None):
        raise bad_request("invalid_break", "A break belongs to an organisation or a unit.")
    brk = SchoolBreak(
        organisation_id=organisation_id, unit_id=unit_id, name=name, start_date=start, end_date=end
    )
    db.add(brk)
    db.flush()
    return brk


def add_lesson(
    db: Session,
    term: Term,
    group: Group,
    weekday: int,
    start: time,
    end: time,
    subject: str,
    room: str | None = None,
    teacher_ids: list[int] | tuple[int, ...] = (),
) -> Lesson:
    if group.unit_id != term.unit_id:
        raise bad_request(
            "group_not_in_unit", "The group belongs to another unit than the term.", "group_id"
        )
    if not 1 <= weekday <= 7:
        raise bad_request("invalid_weekday", "Weekday is 1 (Monday) to 7 (Sunday).", "weekday")
    if end <= start:
        raise bad_request("invalid_lesson_time", "A lesson must end after it starts.", "end")
    lesson = Lesson(
        term_id=term.id,
        group_id=group.id,
        weekday=weekday,
        start_time=start,
        end_time=end,
        subject=subject,
        room=room,
    )
    db.add(lesson)
    db.flush()
    for staff_id in dict.fromkeys(teacher_ids):
        db.add(LessonTeacher(lesson_id=lesson.id, staff_id=staff_id))
    db.flush()
    return lesson


def cancel_lesson(
    db: Session, lesson: Lesson, on: date, note: str | None = None
) -> LessonException:
    exc = LessonException(
        lesson_id=lesson.id, date=on, kind=ExceptionKind.CANCELLED.value, note=note
    )
    db.add(exc)
    db.flush()
    return exc


def move_lesson(
    db: Session,
    lesson: Lesson,
    on: date,
    *,
    new_date: date | None = None,
    start: time | None = None,
    end: time | None = None,
    room: str | None = None,
    note: str | None = None,
) -> LessonException:
    exc = LessonException(
        lesson_id=lesson.id,
        date=on,
        kind=ExceptionKind.MOVED.value,
        new_date=new_date,
        new_start_time=start,
        new_end_time=end,
        new_room=room,
        note=note,
    )
    db.add(exc)
    db.flush()
    return exc


def change_occurrence(
    db: Session,
    lesson: Lesson,
    on: date,
    *,
    cancelled: bool,
    new_date: date | None = None,
    start: time | None = None,
    end: time | None = None,
    room: str | None = None,
    note: str | None = None,
) -> LessonException:
    """Staff cancel or move one occurrence (replacing an earlier change of it); commits."""
    term = db.get(Term, lesson.term_id)
    assert term is not None
    if not (term.start_date <= on <= term.end_date and on.isoweekday() == lesson.weekday):
        raise bad_request(
            "lesson_not_on_that_day", "The lesson does not take place that day.", "date"
        )
    if not cancelled:
        if new_date is None and start is None and end is None and room is None:
            raise bad_request("nothing_to_move", "Give a new date, time or room.", "new_date")
        if (start or lesson.start_time) >= (end or lesson.end_time):
            raise bad_request("invalid_lesson_time", "A lesson must end after it starts.", "end")
    _clear_change(db, lesson, on)
    change = (
        cancel_lesson(db, lesson, on, note)
        if cancelled
        else move_lesson(
            db, lesson, on, new_date=new_date, start=start, end=end, room=room, note=note
        )
    )
    db.commit()
    return change


def _clear_change(db: Session, lesson: Lesson, on: date) -> None:
    """Remove any cancellation or move of this occurrence (a new change replaces the old)."""
    db.execute(
        delete(LessonException).where(
            LessonException.lesson_id == lesson.id, LessonException.date == on
        )
    )


def restore_occurrence(db: Session, lesson: Lesson, on: date) -> None:
    _clear_change(db, lesson, on)
    db.commit()


# --- the week view -----------------------------------------------------------------------------


def week_view(
    db: Session, pupil: Pupil, monday: date, language: str = "sv", days: int = 5
) -> WeekOut:
    """The pupil's ISO week, Monday to Friday, as the app shows it."""
    from server.schedule.schemas import DayOut, LessonOut, NoSchoolOut, TeacherOut, WeekOut

    unit = require_school_pupil(pupil, db)
    last = monday + timedelta(days=days - 1)
    no_school = days_without_school(db, unit, monday, last, language)
    by_day: dict[date, list[Occurrence]] = defaultdict(list)
    for occ in occurrences(db, pupil, unit, monday, last, no_school):
        by_day[occ.date].append(occ)
    out: list[DayOut] = []
    for offset in range(days):
        day = monday + timedelta(days=offset)
        ns = no_school.get(day)
        out.append(
            DayOut(
                date=day,
                weekday=day.isoweekday(),
                no_school=NoSchoolOut(reason=ns.reason, name=ns.name) if ns else None,  # type: ignore[arg-type]
                lessons=[
                    LessonOut(
                        id=o.id,
                        lesson_id=o.lesson_id,
                        date=o.date,
                        start=o.start.strftime("%H:%M"),
                        end=o.end.strftime("%H:%M"),
                        subject=o.subject,
                        room=o.room,
                        teachers=[TeacherOut(id=t.id, name=t.name) for t in o.teachers],
                        status=o.status,  # type: ignore[arg-type]
                        note=o.note,
                    )
                    for o in by_day.get(day, [])
                ],
            )
        )
    return WeekOut(week=iso_week(monday), pupil_id=pupil.id, days=out)
