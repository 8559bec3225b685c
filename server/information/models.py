"""Information (R50): news for groups, files for the whole unit, links for guardians."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class NewsItem(Base):
    __tablename__ = "news_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    # Set when staff unpublish: readers no longer see it; republishing clears it.
    unpublished_at: Mapped[datetime | None]


class NewsGroup(Base):
    """The groups a news item is for (a class, a preschool group, a teaching group)."""

    __tablename__ = "news_group"

    news_id: Mapped[int] = mapped_column(ForeignKey("news_item.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_news_group_group", "group_id", "news_id"),)


class InformationFile(Base):
    __tablename__ = "information_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True)
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    unpublished_at: Mapped[datetime | None]


class InformationLink(Base):
    __tablename__ = "information_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    unpublished_at: Mapped[datetime | None]
