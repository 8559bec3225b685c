"""Leisure-time JSON: the week view, day and week registration, staff views."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from server.validation import LocalTime


class PersonRef(BaseModel):
    id: int
    name: str


class OpeningOut(BaseModel):
    opens: str
    closes: str


class ClosedOut(BaseModel):
    kind: str = Field(description="closed_day | holiday | weekday_closed")
    reason: str


class LeisureDayOut(BaseModel):
    date: date
    closed: ClosedOut | None
    locked: bool
    opening: OpeningOut | None
    start: str | None
    end: str | None
    comment: str | None
    registered_by: PersonRef | None
    updated_at: datetime | None
    staff_comment: str | None
    staff_comment_by: PersonRef | None


class LeisureWeekOut(BaseModel):
    week: str
    locked_until: date
    lock_policy: str
    opening: dict[str, OpeningOut | None] = Field(
        description="Opening hours per ISO weekday 1–7; null = closed"
    )
    days: list[LeisureDayOut]


class DayIn(BaseModel):
    start: LocalTime
    end: LocalTime
    comment: str | None = Field(None, max_length=500)


class WeekDayIn(BaseModel):
    start: LocalTime
    end: LocalTime
    comment: str | None = Field(None, max_length=500)


class RepeatIn(BaseModel):
    every_weeks: int = Field(ge=1, le=53)
    count_weeks: int | None = Field(
        None, ge=1, le=53, description="Length of the period in weeks, from the first week"
    )
    until: date | None = Field(None, description="Last date of the period")


class WeekIn(BaseModel):
    week: str = Field(description='ISO week, e.g. "2027-W02"; its Monday must still be schedulable')
    days: dict[str, WeekDayIn] = Field(
        description='Times per ISO weekday: "1" = Monday … "7" = Sunday'
    )
    repeat: RepeatIn | None = None


class WeekResultOut(BaseModel):
    registered: list[date]
    skipped_closed: list[date]


class StaffCommentIn(BaseModel):
    comment: str | None = Field(None, max_length=500)


class HourCount(BaseModel):
    hour: int
    expected: int


class StaffChildDayOut(BaseModel):
    pupil: PersonRef
    group: str | None
    start: str | None
    end: str | None
    comment: str | None
    comment_unseen: bool
    staff_comment: str | None
    registered_by: PersonRef | None


class StaffDayOut(BaseModel):
    date: date
    closed: ClosedOut | None
    opening: OpeningOut | None
    expected_children: int
    enrolled_children: int
    unseen_comments: int
    children: list[StaffChildDayOut]
    hours: list[HourCount]


class SeenOut(BaseModel):
    marked: int


class UnseenDayOut(BaseModel):
    date: date
    unseen_comments: int


class UnseenDaysOut(BaseModel):
    days: list[UnseenDayOut]


class UnitSettingsIn(BaseModel):
    opens: LocalTime
    closes: LocalTime
    weekday_hours: dict[str, OpeningIn | None] = Field(default_factory=dict)
    lock_policy: str = Field("same_day", description="same_day | current_week | next_7_days")


class OpeningIn(BaseModel):
    opens: LocalTime
    closes: LocalTime


class UnitSettingsOut(BaseModel):
    unit_id: int
    opens: str
    closes: str
    weekday_hours: dict[str, OpeningOut | None]
    lock_policy: str


class ClosedDayIn(BaseModel):
    date: date
    reason: str = Field(min_length=1, max_length=200)


UnitSettingsIn.model_rebuild()
