"""Schedule (R35): terms, days without school, weekly lessons and their exceptions — all data."""

from __future__ import annotations

from datetime import date, time
from datetime import date as Day
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class Term(Base):
    """A unit's term (termin): lessons repeat weekly between start and end."""

    __tablename__ = "term"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class SchoolBreak(Base):
    """The municipality's or a unit's own break (sportlov, höstlov, jullov…): no lessons."""

    __tablename__ = "school_break"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR unit_id IS NOT NULL", name="owner"),
    )


class Lesson(Base):
    """A lesson that repeats every week of its term on one weekday (1 = Monday … 7 = Sunday)."""

    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    subject: Mapped[str] = mapped_column(String(100))
    room: Mapped[str | None] = mapped_column(String(50))

    __table_args__ = (
        Index("ix_lesson_group_weekday", "group_id", "weekday"),
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday"),
    )


class LessonTeacher(Base):
    __tablename__ = "lesson_teacher"

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )


class ExceptionKind(StrEnum):
    CANCELLED = "cancelled"
    MOVED = "moved"


class LessonException(Base):
    """One occurrence (the lesson on `date`) cancelled, or moved to another date, time or room."""

    __tablename__ = "lesson_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)  # the occurrence's regular date
    kind: Mapped[str] = mapped_column(String(20))
    new_date: Mapped[Day | None] = mapped_column(Date, index=True)
    new_start_time: Mapped[time | None] = mapped_column(Time)
    new_end_time: Mapped[time | None] = mapped_column(Time)
    new_room: Mapped[str | None] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("lesson_id", "date", name="uq_lesson_exception_occurrence"),)
