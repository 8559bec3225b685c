"""Per-user notification feed (R8): what the bell counts, per child."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The child it concerns (None for user-level items).
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    # Area and push-preference key: messages, information, calendar, absence, blog, talks,
    # assessments, documentation, planning, leisure.
    area: Mapped[str] = mapped_column(String(30))
    type: Mapped[str] = mapped_column(String(40))  # e.g. "news_published", "invalid_absence"
    # The title in Swedish as made at the time, for rows without a key and for staff tooling.
    title: Mapped[str] = mapped_column(String(300))
    # What the feed shows: the catalog text `text_key` (server/texts.py) with `text_params`
    # (JSON), rendered in the reader's language when the feed is read (R80).
    text_key: Mapped[str | None] = mapped_column(String(60))
    text_params: Mapped[str | None] = mapped_column(Text)
    # Deep link the app opens, e.g. "/children/12/information/news/5".
    link: Mapped[str] = mapped_column(String(300))
    # The item it is about ("news:5"); with user and pupil unique, so re-publishing never duplicates.
    item_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]

    __table_args__ = (
        Index("uq_notification_item", "user_id", "pupil_id", "item_key", unique=True),
        Index("ix_notification_feed", "user_id", "pupil_id", "id"),
    )
