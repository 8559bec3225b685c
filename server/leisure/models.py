"""Leisure-time registration (R70–R74): the times a child will be at fritids or preschool.

One row per child and day (unique), holding the guardian's times and comment, who registered
it, and the staff's comment with a flag that a new guardian comment is still unseen by staff.
Units keep their opening hours and lock policy; closed days are the unit's own plus Swedish
public holidays (computed, not stored).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class LockPolicy:
    SAME_DAY = "same_day"  # the guide's municipality: today and earlier are locked (R73)
    CURRENT_WEEK = "current_week"  # the whole current ISO week is locked
    NEXT_7_DAYS = "next_7_days"  # today and the six days after are locked

    ALL = (SAME_DAY, CURRENT_WEEK, NEXT_7_DAYS)


class LeisureUnitSettings(Base):
    """Opening hours and lock policy of a unit. A unit without a row uses the defaults."""

    __tablename__ = "leisure_unit_settings"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    # Per ISO weekday overrides {"1": ["06:30", "17:30"], "6": null}; a weekday missing here is
    # open opens–closes on Monday–Friday and closed on Saturday–Sunday.
    weekday_hours: Mapped[dict[str, list[str] | None] | None] = mapped_column(JSON)
    lock_policy: Mapped[str] = mapped_column(String(20), default=LockPolicy.SAME_DAY)
    updated_at: Mapped[datetime]


class LeisureClosedDay(Base):
    __tablename__ = "leisure_closed_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("unit_id", "date", name="uq_leisure_closed_day_unit_date"),)


class LeisureDay(Base):
    """A child's registration for one day. Times may be empty when only staff commented."""

    __tablename__ = "leisure_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    start: Mapped[time | None] = mapped_column(Time)
    end: Mapped[time | None] = mapped_column(Time)
    comment: Mapped[str | None] = mapped_column(Text)
    registered_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime]
    # R72: staff see that a guardian wrote a new comment until they mark it seen.
    guardian_comment_unseen: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_comment: Mapped[str | None] = mapped_column(Text)
    staff_comment_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    staff_comment_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("pupil_id", "date", name="uq_leisure_day_pupil_date"),
        Index("ix_leisure_day_date", "date", "pupil_id"),
    )
