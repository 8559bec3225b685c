from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from server.calendar.models import EntryKind
from server.validation import LocalTime


class QuestionIn(BaseModel):
    text: str = Field(min_length=1, max_length=500)
    kind: Literal["text", "choice"] = "text"
    options: list[str] | None = Field(default=None, max_length=20)


class EntryIn(BaseModel):
    """Exactly one scope: `unit_id` (the whole school/preschool), `group_id` or `pupil_id`."""

    unit_id: int | None = None
    group_id: int | None = None
    pupil_id: int | None = None
    kind: EntryKind
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    start_date: date
    end_date: date | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    questions: list[QuestionIn] = Field(default_factory=list, max_length=50)


class EntryPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20000)
    start_date: date | None = None
    end_date: date | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    all_day: bool | None = Field(default=None, description="true clears the times")


class QuestionOut(BaseModel):
    id: int
    position: int
    text: str
    kind: str
    options: list[str] | None


class EntryOut(BaseModel):
    id: int
    unit_id: int
    group_id: int | None
    group_name: str | None
    pupil_id: int | None
    kind: str
    title: str
    description: str
    start_date: date
    end_date: date
    start_time: LocalTime | None
    end_time: LocalTime | None
    all_day: bool
    author: str | None
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None
    questions: list[QuestionOut] = Field(default_factory=list)
    # For a survey read through a child: whether this user has answered for that child, and may still.
    answered: bool | None = None
    answerable: bool | None = None


class CalendarList(BaseModel):
    from_date: date
    to_date: date
    items: list[EntryOut]


class AnswerItem(BaseModel):
    question_id: int
    value: str = Field(max_length=2000)


class AnswersIn(BaseModel):
    pupil_id: int
    answers: list[AnswerItem] = Field(max_length=50)


class AnswerOut(BaseModel):
    id: int
    entry_id: int
    pupil_id: int
    created_at: datetime
    answers: dict[str, str]


class ResponseRow(BaseModel):
    pupil_id: int
    pupil_name: str
    respondent: str
    respondent_kind: str
    created_at: datetime
    answers: dict[str, str]


class SurveyResults(BaseModel):
    entry_id: int
    questions: list[QuestionOut]
    responses: list[ResponseRow]
    # For choice questions: option → count.
    counts: dict[str, dict[str, int]]


class FeedOut(BaseModel):
    url: str
    webcal_url: str
    token: str
