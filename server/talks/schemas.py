"""Talks JSON: what the app reads and staff send."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from server.validation import LocalTime


class PersonRef(BaseModel):
    id: int
    name: str


class TalkTimeIn(BaseModel):
    teacher_id: int | None = Field(
        None, description="The staff user holding the talk; defaults to the publisher"
    )
    date: date
    start: LocalTime
    length_minutes: int = Field(ge=5, le=240)
    place: str = Field(
        min_length=1, max_length=300, description="A room, or a link for a video talk"
    )


class TalkSeriesIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    group_ids: list[int] = Field(min_length=1)
    times: list[TalkTimeIn] = Field(default_factory=list, max_length=500)


class TalkTimesIn(BaseModel):
    times: list[TalkTimeIn] = Field(min_length=1, max_length=500)


class ChildTalkTimeOut(BaseModel):
    id: int
    teacher: PersonRef
    date: date
    start: str
    end: str
    length_minutes: int
    place: str
    booked: bool
    booked_by_this_child: bool
    booking_id: int | None


class ChildTalkSeriesOut(BaseModel):
    id: int
    title: str
    times: list[ChildTalkTimeOut]


class ChildTalksOut(BaseModel):
    series: list[ChildTalkSeriesOut]


class BookingIn(BaseModel):
    pupil_id: int
    message: str | None = Field(None, max_length=2000)


class BookingOut(BaseModel):
    id: int
    time_id: int
    series_id: int
    pupil_id: int
    message: str | None
    created_at: datetime


class OverviewBookingOut(BaseModel):
    id: int
    child: PersonRef
    guardian: PersonRef | None
    message: str | None
    booked_at: datetime


class OverviewTimeOut(BaseModel):
    id: int
    teacher: PersonRef
    date: date
    start: str
    end: str
    length_minutes: int
    place: str
    booking: OverviewBookingOut | None


class SeriesOut(BaseModel):
    id: int
    unit_id: int
    title: str
    group_ids: list[int]
    created_by: PersonRef | None
    created_at: datetime
    times_count: int
    booked_count: int


class SeriesListOut(BaseModel):
    series: list[SeriesOut]


class SeriesOverviewOut(BaseModel):
    series: SeriesOut
    times: list[OverviewTimeOut]
