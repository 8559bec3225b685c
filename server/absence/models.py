"""Absence (R40–R46): reports by guardians and registrations by staff, in one history."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class AbsenceKind(StrEnum):
    REPORTED = "reported"  # by a guardian (R40, R46)
    VALID = "valid"  # registered by staff (giltig)
    INVALID = "invalid"  # registered by staff (ogiltig) — R44, R45


class Absence(Base):
    """One report (whole day or chosen lessons) or one staff registration (one lesson).

    There is no update path for guardians (R43): a report is final."""

    __tablename__ = "absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    whole_day: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(30))
    # Stored as written; the app reminds the guardian not to write health information (R47).
    comment: Mapped[str | None] = mapped_column(Text)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    registered_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    # Staff registrations: "<pupil>:<lesson>:<regular date>", unique, so a lesson is registered
    # once per pupil and a repeat updates it instead (NULL for guardian reports).
    staff_lesson_key: Mapped[str | None] = mapped_column(String(60), unique=True)

    __table_args__ = (Index("ix_absence_pupil_date", "pupil_id", "date"),)


class AbsenceLesson(Base):
    """A lesson an absence covers, as the lesson was at the time (the schedule may change)."""

    __tablename__ = "absence_lesson"

    absence_id: Mapped[int] = mapped_column(
        ForeignKey("absence.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True
    )
    regular_date: Mapped[date] = mapped_column(Date, primary_key=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    subject: Mapped[str] = mapped_column(String(100))


class AbsenceSmsDay(Base):
    """R44: at most one SMS per child per day, decided by this primary key. The row also counts
    the day's invalid lessons (R45: notify again at the second); updating it locks the row, so
    concurrent registrations count one after another."""

    __tablename__ = "absence_sms_day"

    pupil_id: Mapped[int] = mapped_column(
        ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    invalid_lessons: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
