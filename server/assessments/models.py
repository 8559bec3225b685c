"""Subject assessments (ämnesomdöme, R52): per pupil, subject and term, a level and a comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(100))
    term: Mapped[str] = mapped_column(String(6))  # "HT2026" (autumn) | "VT2027" (spring)
    level: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)  # each publication notifies again

    __table_args__ = (
        UniqueConstraint("pupil_id", "subject", "term", name="uq_assessment_pupil_subject_term"),
    )
