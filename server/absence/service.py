"""Absence rules (R40–R46).

- Guardians report for today or tomorrow (Stockholm) only, whole day or chosen lessons of that
  day's schedule; students cannot report (R40, via access.require_pupil); reports are final (R43).
- Staff register valid or invalid absence per lesson. Invalid absence (R44) sends each guardian
  with a mobile number one SMS per child per day — decided by the primary key of
  absence_sms_day, not by a check-then-insert — and notifies guardians and the student at the
  first invalid lesson and again at the second (R45).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.absence.models import Absence, AbsenceKind, AbsenceLesson, AbsenceSmsDay
from server.accounts.models import User
from server.clock import Clock, local_today
from server.db import insert_ignoring_conflicts
from server.domain_errors import bad_request
from server.notifications.fanout import notify, pupils_by_id
from server.outbox.models import Channel
from server.outbox.service import enqueue
from server.schedule import service as schedule
from server.school.models import Guardianship, Pupil, Unit, UnitKind
from server.texts import date_param

log = logging.getLogger("skolhub.absence")

SCHOOL_REASONS = ("illness", "leave", "other")
PRESCHOOL_REASONS = ("illness", "leave")  # R46
STAFF_REASONS = ("illness", "leave", "other", "unexcused", "late")
COMMENT_MAX = 1000




# --- guardians report (R40, R42, R46) ----------------------------------------------------------


def report_absence(
    db: Session,
    clock: Clock,
    guardian: User,
    pupil: Pupil,
    *,
    day: date,
    whole_day: bool,
    lesson_ids: list[str],
    reason: str,
    comment: str | None,
) -> Absence:
    """A guardian's report; the caller has checked Action.REPORT_ABSENCE (students are refused)."""
    today = local_today(clock)
    if day not in (today, today + timedelta(days=1)):
        raise bad_request(
            "absence_date_not_allowed",
            "Absence can be reported for today or tomorrow only; contact the school otherwise.",
            "date",
        )
    unit = db.get(Unit, pupil.unit_id)
    assert unit is not None
    comment = (comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise bad_request(
            "comment_too_long", f"The comment can be at most {COMMENT_MAX} characters.", "comment"
        )
    chosen: list[schedule.Occurrence] = []
    if unit.kind == UnitKind.PRESCHOOL:
        if reason not in PRESCHOOL_REASONS:
            raise bad_request(
                "invalid_absence_reason", "The reason must be illness or leave.", "reason"
            )
        whole_day = True  # a preschool day has no lessons
    else:
        if reason not in SCHOOL_REASONS:
            raise bad_request(
                "invalid_absence_reason", "The reason must be illness, leave or other.", "reason"
            )
        no_school = schedule.days_without_school(db, unit, day, day)
        lessons = [] if day in no_school else schedule.lessons_on(db, pupil, unit, day)
        if not lessons:
            raise bad_request("no_school_that_day", "The child has no lessons that day.", "date")
        if not whole_day:
            if not lesson_ids:
                raise bad_request(
                    "lessons_required",
                    "Choose the lessons the child will miss, or report the whole day.",
                    "lesson_ids",
                )
            by_id = {occ.id: occ for occ in lessons}
            for occurrence in dict.fromkeys(lesson_ids):
                if occurrence not in by_id:
                    raise bad_request(
                        "lesson_not_on_that_day",
                        "A chosen lesson is not on the child's schedule that day.",
                        "lesson_ids",
                    )
                chosen.append(by_id[occurrence])
    absence = save_report(
        db,
        guardian,
        pupil,
        day=day,
        whole_day=whole_day,
        lessons=chosen,
        reason=reason,
        comment=comment,
        at=clock.now(),
    )
    db.flush()
    return absence


def save_report(
    db: Session,
    guardian: User,
    pupil: Pupil,
    *,
    day: date,
    whole_day: bool,
    lessons: list[schedule.Occurrence],
    reason: str,
    comment: str | None,
    at: datetime,
) -> Absence:
    """Store a checked report (no rules: report_absence applies them; the demo writes history)."""
    absence = Absence(
        pupil_id=pupil.id,
        date=day,
        kind=AbsenceKind.REPORTED.value,
        whole_day=whole_day,
        reason=reason,
        comment=comment,
        registered_by_id=guardian.id,
        registered_at=at,
    )
    db.add(absence)
    db.flush()
    for occ in lessons:
        db.add(_absence_lesson(absence.id, occ))
    db.flush()
    return absence


def _absence_lesson(absence_id: int, occ: schedule.Occurrence) -> AbsenceLesson:
    return AbsenceLesson(
        absence_id=absence_id,
        lesson_id=occ.lesson_id,
        regular_date=occ.regular_date,
        start_time=occ.start,
        end_time=occ.end,
        subject=occ.subject,
    )


# --- staff register (R41, R44, R45) ------------------------------------------------------------


@dataclass
class Registration:
    absence: Absence
    created: bool


def register_absence(
    db: Session,
    clock: Clock,
    staff: User,
    pupil: Pupil,
    *,
    day: date,
    lesson_id: int | None,
    occurrence_id: str | None,
    valid: bool,
    reason: str | None,
) -> Registration:
    """Staff register one lesson as valid or invalid absence. Registering the same lesson again
    changes it (e.g. invalid → valid); the caller has checked Action.STAFF_WRITE."""
    unit = schedule.require_school_pupil(pupil, db)
    if day > local_today(clock):
        raise bad_request(
            "absence_date_in_future",
            "Absence is registered for lessons that have taken place or are today.",
            "date",
        )
    if reason is not None and reason not in STAFF_REASONS:
        raise bad_request("invalid_absence_reason", "Unknown reason.", "reason")
    occ = _find_lesson(db, pupil, unit, day, lesson_id, occurrence_id)
    kind = AbsenceKind.VALID if valid else AbsenceKind.INVALID
    key = f"{pupil.id}:{occ.lesson_id}:{occ.regular_date.isoformat()}"
    now = clock.now()
    inserted = insert_ignoring_conflicts(
        db,
        Absence,
        {
            "pupil_id": pupil.id,
            "date": day,
            "kind": kind.value,
            "whole_day": False,
            "reason": reason,
            "comment": None,
            "registered_by_id": staff.id,
            "registered_at": now,
            "staff_lesson_key": key,
        },
        ["staff_lesson_key"],
    )
    # FOR UPDATE (PostgreSQL) so two staff changing the same lesson apply one after the other.
    absence = db.scalars(
        select(Absence).where(Absence.staff_lesson_key == key).with_for_update()
    ).one()
    if inserted:
        db.add(_absence_lesson(absence.id, occ))
        became_invalid, stopped_being_invalid = kind == AbsenceKind.INVALID, False
    else:
        before = absence.kind
        absence.kind = kind.value
        absence.reason = reason
        absence.registered_by_id = staff.id
        absence.updated_at = now
        became_invalid = before != AbsenceKind.INVALID and kind == AbsenceKind.INVALID
        stopped_being_invalid = before == AbsenceKind.INVALID and kind != AbsenceKind.INVALID
    db.flush()
    if became_invalid:
        _invalid_lesson_added(db, clock, pupil, unit, day)
    elif stopped_being_invalid:
        _count_invalid(db, pupil, day, -1)
    return Registration(absence=absence, created=bool(inserted))


def _find_lesson(
    db: Session,
    pupil: Pupil,
    unit: Unit,
    day: date,
    lesson_id: int | None,
    occurrence_id: str | None,
) -> schedule.Occurrence:
    if occurrence_id is None and lesson_id is None:
        raise bad_request(
            "lesson_required", "Name the lesson (lesson_id or occurrence_id).", "lesson_id"
        )
    for occ in schedule.lessons_on(db, pupil, unit, day):
        if occurrence_id is not None and occ.id == occurrence_id:
            return occ
        if occurrence_id is None and occ.lesson_id == lesson_id:
            return occ
    raise bad_request(
        "lesson_not_on_that_day", "The lesson is not on the pupil's schedule that day.", "lesson_id"
    )


def _count_invalid(db: Session, pupil: Pupil, day: date, delta: int) -> int:
    """Change the day's invalid-lesson count; the UPDATE's row lock orders concurrent callers."""
    db.execute(
        update(AbsenceSmsDay)
        .where(AbsenceSmsDay.pupil_id == pupil.id, AbsenceSmsDay.date == day)
        .values(invalid_lessons=AbsenceSmsDay.invalid_lessons + delta)
    )
    count = db.scalar(
        select(AbsenceSmsDay.invalid_lessons).where(
            AbsenceSmsDay.pupil_id == pupil.id, AbsenceSmsDay.date == day
        )
    )
    return int(count or 0)


def _invalid_lesson_added(db: Session, clock: Clock, pupil: Pupil, unit: Unit, day: date) -> None:
    first_of_day = (
        insert_ignoring_conflicts(
            db,
            AbsenceSmsDay,
            {"pupil_id": pupil.id, "date": day, "invalid_lessons": 0, "created_at": clock.now()},
            ["pupil_id", "date"],
        )
        == 1
    )
    count = _count_invalid(db, pupil, day, +1)
    link = "/children/{pupil_id}/absences"
    if first_of_day:
        # Only the transaction that created the day's row sends the SMS (R44); the dedupe key
        # is a second guard should the row ever be recreated.
        guardians = db.scalars(
            select(User)
            .join(Guardianship, Guardianship.guardian_id == User.id)
            .where(
                Guardianship.pupil_id == pupil.id,
                User.phone.is_not(None),
                User.phone != "",
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
        for guardian in guardians:
            assert guardian.phone
            enqueue(
                db,
                clock,
                channel=Channel.SMS,
                recipient=guardian.phone,
                kind="absence_sms",
                text_key="absence_sms",
                params={"school": unit.name, "child": pupil.first_name, "day": date_param(day)},
                language=guardian.language,
                dedupe_key=f"absence-sms:{pupil.id}:{day.isoformat()}:{guardian.id}",
            )
        notify(
            db,
            clock,
            pupils_by_id([pupil.id]),
            area="absence",
            type="invalid_absence",
            params={"day": date_param(day)},
            item_key=f"invalid-absence:{pupil.id}:{day.isoformat()}:first",
            link=link,
        )
    if count == 2:  # R45: again when it is more than one lesson
        notify(
            db,
            clock,
            pupils_by_id([pupil.id]),
            area="absence",
            type="invalid_absence_multiple",
            params={"day": date_param(day)},
            item_key=f"invalid-absence:{pupil.id}:{day.isoformat()}:multiple",
            link=link,
        )


# --- history (R41, R46) ------------------------------------------------------------------------


@dataclass
class AbsenceRecord:
    absence: Absence
    lessons: list[AbsenceLesson]
    registered_by: User | None


def history(db: Session, pupil: Pupil, limit: int = 500) -> list[AbsenceRecord]:
    absences = list(
        db.scalars(
            select(Absence)
            .where(Absence.pupil_id == pupil.id)
            .order_by(Absence.date.desc(), Absence.id.desc())
            .limit(limit)
        )
    )
    return _records(db, absences)


def _records(db: Session, absences: list[Absence]) -> list[AbsenceRecord]:
    ids = [a.id for a in absences]
    lessons: dict[int, list[AbsenceLesson]] = defaultdict(list)
    if ids:
        for row in db.scalars(
            select(AbsenceLesson)
            .where(AbsenceLesson.absence_id.in_(ids))
            .order_by(AbsenceLesson.start_time)
        ):
            lessons[row.absence_id].append(row)
    user_ids = {a.registered_by_id for a in absences if a.registered_by_id}
    users = (
        {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    )
    return [
        AbsenceRecord(
            a, lessons.get(a.id, []), users.get(a.registered_by_id) if a.registered_by_id else None
        )
        for a in absences
    ]


def record(db: Session, absence: Absence) -> AbsenceRecord:
    return _records(db, [absence])[0]
