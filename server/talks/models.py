"""Development talks (R30–R34): staff publish a series of bookable times for groups; a guardian
books one time per child and series.

One booking per time and one per child per series are unique indexes on `talk_booking`, so
the database — not a check-then-insert — decides who wins when guardians race for a time.
A cancelled booking (Avboka, R33) is deleted, which frees the time, and leaves a row in
`talk_cancellation` for the record.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class TalkSeries(Base):
    __tablename__ = "talk_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class TalkSeriesGroup(Base):
    """The groups a series is published for."""

    __tablename__ = "talk_series_group"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("talk_series.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("school_group.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_talk_series_group_group", "group_id", "series_id"),)


class TalkTime(Base):
    """One bookable time, held by one teacher (R31: each time says whose it is)."""

    __tablename__ = "talk_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("talk_series.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date] = mapped_column(Date)
    start: Mapped[time] = mapped_column(Time)
    length_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300))  # a room or a video-call link
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_talk_time_series_date", "series_id", "date", "start"),)


class TalkBooking(Base):
    """An active booking. R34: one per time; one per child and series."""

    __tablename__ = "talk_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    time_id: Mapped[int] = mapped_column(ForeignKey("talk_time.id", ondelete="CASCADE"))
    series_id: Mapped[int] = mapped_column(ForeignKey("talk_series.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    booked_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # R32: seen by staff only in their overview; no notification.
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("uq_talk_booking_time", "time_id", unique=True),
        Index("uq_talk_booking_series_pupil", "series_id", "pupil_id", unique=True),
    )


class TalkCancellation(Base):
    """A booking that was cancelled (Avboka, R33): the record stays, the time is free."""

    __tablename__ = "talk_cancellation"

    id: Mapped[int] = mapped_column(primary_key=True)
    time_id: Mapped[int] = mapped_column(ForeignKey("talk_time.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("talk_series.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    booked_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    cancelled_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    booked_at: Mapped[datetime]
    cancelled_at: Mapped[datetime]
