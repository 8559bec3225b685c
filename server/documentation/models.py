"""Documentation (R54): Portfolio entries (text and files, per pupil or group) and the IUP,
the forward-looking individual development plan per term. Action programmes are not here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class PortfolioEntry(Base):
    __tablename__ = "portfolio_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    # Exactly one of pupil_id / group_id: one pupil's entry, or the whole group's.
    pupil_id: Mapped[int | None] = mapped_column(
        ForeignKey("pupil.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_group.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime]


class PortfolioFile(Base):
    __tablename__ = "portfolio_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(
        String(80), unique=True
    )  # file name under upload_dir/portfolio

    __table_args__ = (Index("ix_portfolio_file_entry", "entry_id", "id"),)


class IupPlan(Base):
    __tablename__ = "iup_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(6))
    goals: Mapped[str] = mapped_column(Text)  # what the pupil is to develop next
    school_actions: Mapped[str] = mapped_column(Text, default="")  # how the school supports it
    pupil_actions: Mapped[str] = mapped_column(Text, default="")
    guardian_actions: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (UniqueConstraint("pupil_id", "term", name="uq_iup_plan_pupil_term"),)
