"""Calendar (R55): entries for a unit, a group or one pupil; surveys with questions and one
answer per user and child; private iCalendar feed tokens."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class EntryKind(StrEnum):
    ACTIVITY = "activity"
    HOMEWORK = "homework"
    TEST = "test"
    INFORMATION = "information"
    SURVEY = "survey"


class QuestionKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"


class CalendarEntry(Base):
    __tablename__ = "calendar_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    # Scope: the whole unit (both None), one group, or one pupil.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # == start_date for a one-day entry
    start_time: Mapped[time | None] = mapped_column(Time)  # None: all day
    end_time: Mapped[time | None] = mapped_column(Time)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    unpublished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_calendar_entry_unit_dates", "unit_id", "start_date", "end_date"),)


class SurveyQuestion(Base):
    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("calendar_entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    options: Mapped[list[str] | None] = mapped_column(JSON)


class SurveyResponse(Base):
    """One answer per user and child: the unique index, not a check in Python, decides."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("calendar_entry.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("entry_id", "user_id", "pupil_id", name="uq_survey_response_once"),)


class CalendarFeed(Base):
    """A private subscription token for one user's view of one child's calendar (stored hashed)."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("user_id", "pupil_id", name="uq_calendar_feed_user_pupil"),)
