"""The school-day areas: absence (R40–R47), development talks (R30–R34) and leisure-time
registration (R70–R74). Plain Python (no flet): the models are the app's reading of the
server's JSON, and SchoolDay wraps the ApiClient with one method per thing a screen does.

Every create carries an Idempotency-Key. A screen makes one key per form (new_key()) and sends
it with every attempt of that form — a double tap, or a retry after a lost connection,
replays the server's first answer instead of creating a second absence, booking or week.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from services.api import ApiClient, ApiError, ServerUnreachable
from services.i18n import I18n
from services.models import Lesson, ScheduleWeek


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


def new_key() -> str:
    """One Idempotency-Key for one form submission (kept across its retries)."""
    return str(uuid.uuid4())


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def shift_week(week: str, weeks: int) -> str:
    return iso_week_of(monday_of(week) + timedelta(weeks=weeks))


# --- absence (R40–R47) ---------------------------------------------------------------------------

SCHOOL_REASONS = ("illness", "leave", "other")
PRESCHOOL_REASONS = ("illness", "leave")


class AbsenceLesson(_Model):
    id: str
    lesson_id: int
    start: str
    end: str
    subject: str


class RegisteredBy(_Model):
    id: int
    name: str
    role: str  # guardian | staff


class Absence(_Model):
    id: int
    pupil_id: int
    date: date
    kind: str  # reported | valid | invalid
    whole_day: bool
    lessons: list[AbsenceLesson] = []
    reason: str | None = None
    comment: str | None = None
    registered_by: RegisteredBy | None = None
    registered_at: datetime
    updated_at: datetime | None = None

    @property
    def by_school(self) -> bool:
        return self.kind in ("valid", "invalid")


class AbsenceList(_Model):
    items: list[Absence] = []


# --- development talks (R30–R34) -----------------------------------------------------------------


class PersonRef(_Model):
    id: int
    name: str


class TalkTime(_Model):
    id: int
    teacher: PersonRef
    date: date
    start: str
    end: str
    length_minutes: int
    place: str
    booked: bool
    booked_by_this_child: bool = False
    booking_id: int | None = None


class TalkSeries(_Model):
    id: int
    title: str
    times: list[TalkTime] = []

    def by_teacher(self) -> list[tuple[PersonRef, list[TalkTime]]]:
        """The series' times grouped by teacher (R31), teachers by name, times in order."""
        groups: dict[int, tuple[PersonRef, list[TalkTime]]] = {}
        for t in sorted(self.times, key=lambda t: (t.date, t.start)):
            groups.setdefault(t.teacher.id, (t.teacher, []))[1].append(t)
        return sorted(groups.values(), key=lambda g: g[0].name)

    @property
    def booked_time(self) -> TalkTime | None:
        return next((t for t in self.times if t.booked_by_this_child), None)


class ChildTalks(_Model):
    series: list[TalkSeries] = []

    def booked(self) -> list[tuple[TalkSeries, TalkTime]]:
        """The child's booked talks (one per series at most), soonest first."""
        found = [(s, s.booked_time) for s in self.series if s.booked_time is not None]
        return sorted(((s, t) for s, t in found if t is not None), key=lambda p: (p[1].date, p[1].start))

    @property
    def has_times(self) -> bool:
        return any(s.times for s in self.series)

    def find(self, time_id: int) -> tuple[TalkSeries, TalkTime] | None:
        for s in self.series:
            for t in s.times:
                if t.id == time_id:
                    return s, t
        return None


class TalkBooking(_Model):
    id: int
    time_id: int
    series_id: int
    pupil_id: int
    message: str | None = None
    created_at: datetime


def message_route(to_user_id: int, subject: str) -> str:
    """The compose screen with the recipient and subject filled in (the messages area reads
    exactly these query parameters)."""
    return f"/messages/new?to={to_user_id}&subject={quote(subject, safe='')}"


# --- leisure time (R70–R74) ----------------------------------------------------------------------


class Opening(_Model):
    opens: str
    closes: str


class Closed(_Model):
    kind: str  # closed_day | holiday | weekday_closed
    reason: str


class LeisureDay(_Model):
    date: date
    closed: Closed | None = None
    locked: bool = False
    opening: Opening | None = None
    start: str | None = None
    end: str | None = None
    comment: str | None = None
    registered_by: PersonRef | None = None
    updated_at: datetime | None = None
    staff_comment: str | None = None
    staff_comment_by: PersonRef | None = None

    @property
    def registered(self) -> bool:
        return self.start is not None and self.end is not None


class LeisureWeek(_Model):
    week: str
    locked_until: date
    lock_policy: str
    opening: dict[str, Opening | None] = {}
    days: list[LeisureDay] = []

    def day(self, on: date) -> LeisureDay | None:
        return next((d for d in self.days if d.date == on), None)

    def opening_on(self, weekday: int) -> Opening | None:
        return self.opening.get(str(weekday))


class LeisureWeekResult(_Model):
    registered: list[date] = []
    skipped_closed: list[date] = []


class DayTimes(_Model):
    start: str
    end: str
    comment: str | None = None


# --- the calls -----------------------------------------------------------------------------------


class SchoolDay:
    """The school-day calls of one logged-in user (the ApiClient carries the session)."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    # absence
    async def absences(self, pupil_id: int) -> AbsenceList:
        return await self.api.get_model(f"/children/{pupil_id}/absences", AbsenceList)

    async def absence(self, absence_id: int) -> Absence:
        return await self.api.get_model(f"/absences/{absence_id}", Absence)

    async def lessons_on(self, pupil_id: int, day: date) -> list[Lesson]:
        """The child's lessons that day (from the schedule), for choosing lessons; none on a
        holiday or break, and cancelled lessons left out."""
        week = await self.api.get_model(f"/children/{pupil_id}/schedule", ScheduleWeek, params={"week": iso_week_of(day)})
        for d in week.days:
            if d.date == day:
                if d.no_school is not None:
                    return []
                return sorted((x for x in d.lessons if x.status != "cancelled"), key=lambda x: x.start)
        return []

    async def report_absence(self, pupil_id: int, *, day: date, whole_day: bool, lesson_ids: list[str],
                             reason: str, comment: str | None, key: str) -> Absence:
        body = {"date": day.isoformat(), "whole_day": whole_day, "lesson_ids": [] if whole_day else list(lesson_ids),
                "reason": reason, "comment": (comment or "").strip() or None}
        response = await self.api.request("POST", f"/children/{pupil_id}/absences", json=body, create=True,
                                          headers={"Idempotency-Key": key})
        return Absence.model_validate(response.json())

    # talks
    async def talks(self, pupil_id: int) -> ChildTalks:
        return await self.api.get_model(f"/children/{pupil_id}/talks", ChildTalks)

    async def book_talk(self, time_id: int, pupil_id: int, message: str | None, key: str) -> TalkBooking:
        body = {"pupil_id": pupil_id, "message": (message or "").strip() or None}
        response = await self.api.request("POST", f"/talks/times/{time_id}/bookings", json=body, create=True,
                                          headers={"Idempotency-Key": key})
        return TalkBooking.model_validate(response.json())

    async def cancel_talk(self, booking_id: int) -> None:
        await self.api.request("DELETE", f"/talks/bookings/{booking_id}")

    # leisure
    async def leisure_week(self, pupil_id: int, week: str) -> LeisureWeek:
        return await self.api.get_model(f"/children/{pupil_id}/leisure", LeisureWeek, params={"week": week})

    async def set_leisure_day(self, pupil_id: int, day: date, times: DayTimes) -> None:
        """Register or change one day (a PUT: sending it twice leaves one registration)."""
        body = {"start": times.start, "end": times.end, "comment": (times.comment or "").strip() or None}
        await self.api.request("PUT", f"/children/{pupil_id}/leisure/days/{day.isoformat()}", json=body)

    async def clear_leisure_day(self, pupil_id: int, day: date) -> None:
        await self.api.request("DELETE", f"/children/{pupil_id}/leisure/days/{day.isoformat()}")

    async def register_leisure_weeks(self, pupil_id: int, week: str, days: dict[int, DayTimes], *, key: str,
                                     every_weeks: int | None = None, count_weeks: int | None = None,
                                     until: date | None = None) -> LeisureWeekResult:
        """Times per weekday (1 = Monday) from `week`, optionally repeated every N weeks for a
        number of weeks or until a date (R74). All or nothing on the server."""
        body: dict[str, Any] = {
            "week": week,
            "days": {str(wd): {"start": t.start, "end": t.end, "comment": (t.comment or "").strip() or None}
                     for wd, t in sorted(days.items())},
            "repeat": None,
        }
        if every_weeks is not None:
            body["repeat"] = {"every_weeks": every_weeks, "count_weeks": count_weeks,
                              "until": until.isoformat() if until else None}
        response = await self.api.request("POST", f"/children/{pupil_id}/leisure/weeks", json=body, create=True,
                                          headers={"Idempotency-Key": key})
        return LeisureWeekResult.model_validate(response.json())


# --- texts ---------------------------------------------------------------------------------------

_HOURS = re.compile(r"(\d\d:\d\d)\s*[–-]\s*(\d\d:\d\d)")


def school_day_error(exc: BaseException, i18n: I18n, fallback: Callable[[BaseException, I18n], str] | None = None) -> str:
    """The server's refusal in the user's language: by its stable code, else the general text."""
    _ = i18n.gettext
    if isinstance(exc, ApiError):
        if exc.code == "outside_opening_hours":
            match = _HOURS.search(exc.message)
            if match:
                return _("The times must lie within the opening hours {opens}–{closes}.").format(
                    opens=match.group(1), closes=match.group(2))
        messages = {
            # absence
            "absence_date_not_allowed": _("Absence can be reported for today or tomorrow only. Contact the school otherwise."),
            "no_school_that_day": _("The child has no lessons that day."),
            "lessons_required": _("Choose the lessons the child will miss, or report the whole day."),
            "lesson_not_on_that_day": _("A chosen lesson is not on the child's schedule that day."),
            "invalid_absence_reason": _("Choose a reason."),
            "comment_too_long": _("The comment is too long."),
            "students_cannot_report_absence": _("Students cannot report absence; a guardian does."),
            # talks
            "talk_time_already_booked": _("Someone else has just booked that time. Choose another time."),
            "child_already_booked_in_series": _("The child already has a booked time for these talks. Cancel it first to choose another."),
            "talk_time_in_past": _("That time has already passed."),
            "talk_already_started": _("A talk that has started or passed cannot be cancelled."),
            "students_cannot_book_talks": _("Students cannot book development talks; a guardian does."),
            # leisure
            "leisure_day_locked": _("This day can no longer be changed. Send a message to the staff or phone them."),
            "unit_closed": _("The unit is closed that day."),
            "start_must_be_before_end": _("The start time must be before the end time."),
            "outside_opening_hours": _("The times must lie within the opening hours."),
            "week_not_schedulable": _("Start on a week whose Monday can still be scheduled."),
            "invalid_repeat": _("Check the repetition: every 1–53 weeks, for at most a year."),
            "students_cannot_register_leisure": _("Students cannot register leisure time; a guardian does."),
            "not_enrolled_in_leisure": _("The child is not enrolled in fritids or preschool."),
        }
        if exc.code in messages:
            return messages[exc.code]
    if fallback is not None:
        return fallback(exc, i18n)
    from services.errors import error_message

    return error_message(exc, i18n)


def is_network_error(exc: BaseException) -> bool:
    return isinstance(exc, ServerUnreachable)
