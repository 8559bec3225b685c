from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class AbsenceReportIn(BaseModel):
    date: date
    whole_day: bool = True
    lesson_ids: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Occurrence ids from the schedule (when not whole day)",
    )
    reason: str = Field(
        max_length=30,
        description="School: illness | leave | other. Preschool: illness | leave (R46)",
    )
    comment: str | None = Field(
        default=None,
        max_length=1000,
        description="Stored as written; the app reminds about GDPR (R47)",
    )


class StaffAbsenceIn(BaseModel):
    pupil_id: int
    date: date
    lesson_id: int | None = Field(default=None, description="The lesson (its occurrence on `date`)")
    occurrence_id: str | None = Field(
        default=None, max_length=40, description="Or the occurrence id from the schedule"
    )
    valid: bool
    reason: str | None = Field(default=None, max_length=30)


class AbsenceLessonOut(BaseModel):
    id: str = Field(description="Occurrence id")
    lesson_id: int
    start: str
    end: str
    subject: str


class RegisteredByOut(BaseModel):
    id: int
    name: str
    role: str = Field(description="guardian | staff")


class AbsenceOut(BaseModel):
    id: int
    pupil_id: int
    date: date
    kind: Literal["reported", "valid", "invalid"]
    whole_day: bool
    lessons: list[AbsenceLessonOut]
    reason: str | None
    comment: str | None
    registered_by: RegisteredByOut | None
    registered_at: datetime
    updated_at: datetime | None


class AbsenceListOut(BaseModel):
    items: list[AbsenceOut]
