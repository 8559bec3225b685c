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
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import Clock, local_today
from server.domain_errors import bad_request
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


# The schedule's statements are built once, with bound parameters: building and cache-keying a
# statement costs more Python than running it, and the week and home pages run them every time.
_BREAKS = (
    select(SchoolBreak.start_date, SchoolBreak.end_date, SchoolBreak.name)
    .where(
        or_(
            SchoolBreak.unit_id == bindparam("unit_id"),
            SchoolBreak.organisation_id == bindparam("organisation_id"),
        ),
        SchoolBreak.start_date <= bindparam("end"),
        SchoolBreak.end_date >= bindparam("start"),
    )
    .order_by(SchoolBreak.start_date, SchoolBreak.id)
)


def days_without_school(
    db: Session, unit: Unit, start: date, end: date, language: str = "sv"
) -> dict[date, NoSchool]:
    """Public holidays and the organisation's or unit's breaks between start and end."""
    result: dict[date, NoSchool] = {}
    breaks = db.execute(
        _BREAKS, {"unit_id": unit.id, "organisation_id": unit.organisation_id, "start": start, "end": end}
    )
    for brk_start, brk_end, name in breaks:
        day = max(brk_start, start)
        while day <= min(brk_end, end):
            result.setdefault(day, NoSchool("break", name))
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


@dataclass(slots=True)
class _Lesson:
    """What an occurrence needs of a lesson, its term and its teachers (plain values, not ORM
    objects: a week is read on every schedule and home request)."""

    id: int
    weekday: int
    start_time: time
    end_time: time
    subject: str
    room: str | None
    term_start: date
    term_end: date
    teachers: list[Teacher] = field(default_factory=list)

    def is_regular(self, day: date) -> bool:
        return self.term_start <= day <= self.term_end and day.isoweekday() == self.weekday


_PUPIL_GROUPS = select(PupilGroup.group_id).where(PupilGroup.pupil_id == bindparam("pupil_id"))
_IN_SPAN = or_(
    LessonException.date.between(bindparam("start"), bindparam("end")),
    LessonException.new_date.between(bindparam("start"), bindparam("end")),
)
_LESSONS = (
    select(
        Lesson.id, Lesson.weekday, Lesson.start_time, Lesson.end_time, Lesson.subject, Lesson.room,
        Term.start_date, Term.end_date, User.id, User.first_name, User.last_name,
    )
    .join(Term, Term.id == Lesson.term_id)
    .outerjoin(LessonTeacher, LessonTeacher.lesson_id == Lesson.id)
    .outerjoin(User, User.id == LessonTeacher.staff_id)
    .where(
        Lesson.group_id.in_(_PUPIL_GROUPS),
        or_(
            (Term.start_date <= bindparam("end")) & (Term.end_date >= bindparam("start")),
            # a lesson of another term whose occurrence was moved into the span
            Lesson.id.in_(select(LessonException.lesson_id).where(_IN_SPAN)),
        ),
    )
    .order_by(Lesson.id, User.last_name, User.first_name, User.id)
)
_EXCEPTIONS = (
    select(
        LessonException.lesson_id, LessonException.date, LessonException.kind, LessonException.new_date,
        LessonException.new_start_time, LessonException.new_end_time, LessonException.new_room, LessonException.note,
    )
    .join(Lesson, Lesson.id == LessonException.lesson_id)
    .where(Lesson.group_id.in_(_PUPIL_GROUPS), _IN_SPAN)
)
_CHANGES = (
    select(LessonException.kind, LessonException.date, LessonException.new_date, Lesson.weekday, Term.start_date, Term.end_date)
    .join(Lesson, Lesson.id == LessonException.lesson_id)
    .join(Term, Term.id == Lesson.term_id)
    .where(Lesson.group_id.in_(_PUPIL_GROUPS), _IN_SPAN)
)


def occurrences(
    db: Session,
    pupil: Pupil,
    unit: Unit,
    start: date,
    end: date,
    no_school: dict[date, NoSchool] | None = None,
) -> list[Occurrence]:
    """Every occurrence of the pupil's groups' lessons from start to end, exceptions applied.

    Three statements whatever the span: the lessons with their terms and teachers, the
    exceptions, and (unless given) the days without school."""
    span = {"pupil_id": pupil.id, "start": start, "end": end}
    rows = db.execute(_LESSONS, span).all()
    if not rows:
        return []
    lessons: dict[int, _Lesson] = {}
    for lid, weekday, begins, ends, subject, room, term_start, term_end, teacher_id, first, last in rows:
        lesson = lessons.get(lid)
        if lesson is None:
            lesson = lessons[lid] = _Lesson(lid, weekday, begins, ends, subject, room, term_start, term_end)
        if teacher_id is not None:
            lesson.teachers.append(Teacher(teacher_id, f"{first} {last}"))
    exceptions = db.execute(_EXCEPTIONS, span).all()
    if no_school is None:
        no_school = days_without_school(db, unit, start, end)
    by_occurrence = {(e.lesson_id, e.date): e for e in exceptions}
    by_weekday: dict[int, list[_Lesson]] = defaultdict(list)
    for lesson in lessons.values():
        by_weekday[lesson.weekday].append(lesson)

    found: list[Occurrence] = []
    day = start
    while day <= end:
        if day not in no_school:
            for lesson in by_weekday.get(day.isoweekday(), ()):
                if not lesson.is_regular(day):
                    continue
                exc = by_occurrence.get((lesson.id, day))
                if exc is None:
                    found.append(_occurrence(lesson, day, day, "scheduled"))
                elif exc.kind == ExceptionKind.CANCELLED:
                    found.append(_occurrence(lesson, day, day, "cancelled", note=exc.note))
        day += timedelta(days=1)
    for exc in exceptions:  # moved lessons appear on their new date
        moved = lessons.get(exc.lesson_id)
        if exc.kind != ExceptionKind.MOVED or moved is None or not moved.is_regular(exc.date):
            continue
        target = exc.new_date or exc.date
        if start <= target <= end:
            found.append(
                _occurrence(
                    moved,
                    exc.date,
                    target,
                    "moved",
                    note=exc.note,
                    start=exc.new_start_time,
                    end=exc.new_end_time,
                    room=exc.new_room,
                )
            )
    found.sort(key=lambda o: (o.date, o.start, o.subject, o.lesson_id))
    return found


def _occurrence(
    lesson: _Lesson,
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
        teachers=list(lesson.teachers),
    )


def lessons_on(db: Session, pupil: Pupil, unit: Unit, day: date) -> list[Occurrence]:
    """The pupil's lessons that take place on `day` (cancelled ones excluded)."""
    return [
        o
        for o in occurrences(db, pupil, unit, day, day)
        if o.status != "cancelled" and o.date == day
    ]


def changed_lessons_count(db: Session, pupil: Pupil, clock: Clock) -> int:
    """The home box's number: this week's cancelled or moved occurrences of the pupil's lessons.

    The same answer as counting `occurrences()` whose status is not "scheduled", but only the
    week's exceptions are read (usually none): one query, not the whole week's lessons."""
    unit = db.get(Unit, pupil.unit_id)
    if unit is None:
        return 0
    monday = week_monday(None, clock)
    return changed_occurrence_count(db, pupil, unit, monday, monday + timedelta(days=6))


def changed_occurrence_count(db: Session, pupil: Pupil, unit: Unit, start: date, end: date) -> int:
    rows = db.execute(_CHANGES, {"pupil_id": pupil.id, "start": start, "end": end}).all()
    no_school: dict[date, NoSchool] | None = None
    count = 0
    for kind, regular, new_date, weekday, term_start, term_end in rows:
        if not (term_start <= regular <= term_end and regular.isoweekday() == weekday):
            continue  # not an occurrence of the lesson: occurrences() ignores it too
        if kind == ExceptionKind.CANCELLED:
            if start <= regular <= end:
                if no_school is None:
                    no_school = days_without_school(db, unit, start, end)
                count += regular not in no_school
        elif kind == ExceptionKind.MOVED and start <= (new_date or regular) <= end:
            count += 1
    return count


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
    """Staff cancel or move one occurrence (replacing an earlier change of it)."""
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
    db.flush()
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
    db.flush()


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


def box_count(db: Session, user: User, pupil: Pupil, clock: Clock) -> int:
    """The home box (server/app.py AREAS): this week's changed lessons."""
    return changed_lessons_count(db, pupil, clock)
