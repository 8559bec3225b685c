from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from server.validation import LocalTime


class TeacherOut(BaseModel):
    id: int
    name: str


class LessonOut(BaseModel):
    id: str = Field(
        description="Stable occurrence id '<lesson id>:<regular date>'; absence reports refer to it"
    )
    lesson_id: int
    date: date
    start: str = Field(examples=["08:10"])
    end: str = Field(examples=["09:00"])
    subject: str
    room: str | None
    teachers: list[TeacherOut]
    status: Literal["scheduled", "cancelled", "moved"]
    note: str | None


class NoSchoolOut(BaseModel):
    reason: Literal["holiday", "break"]
    name: str


class DayOut(BaseModel):
    date: date
    weekday: int = Field(description="ISO weekday, 1 = Monday")
    no_school: NoSchoolOut | None
    lessons: list[LessonOut]


class WeekOut(BaseModel):
    week: str = Field(examples=["2026-W49"])
    pupil_id: int
    days: list[DayOut]


class OccurrenceChangeIn(BaseModel):
    status: Literal["cancelled", "moved"]
    new_date: date | None = None
    start: LocalTime | None = Field(default=None, examples=["13:00"])
    end: LocalTime | None = Field(default=None, examples=["13:50"])
    room: str | None = Field(default=None, max_length=50)
    note: str | None = Field(default=None, max_length=300)


class OccurrenceChangeOut(BaseModel):
    id: str = Field(description="Occurrence id '<lesson id>:<regular date>'")
    lesson_id: int
    regular_date: date
    status: Literal["cancelled", "moved"]
    new_date: date | None
    start: str | None
    end: str | None
    room: str | None
    note: str | None
