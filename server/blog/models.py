"""Blog (R56, R57): posts per group with text and images, and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class BlogPost(Base):
    __tablename__ = "blog_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    unpublished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_blog_post_group", "group_id", "published_at"),)


class BlogImage(Base):
    __tablename__ = "blog_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("blog_post.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    caption: Mapped[str] = mapped_column(String(300), default="")


class BlogComment(Base):
    __tablename__ = "blog_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("blog_post.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    author_kind: Mapped[str] = mapped_column(String(20))  # guardian | student | staff
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Staff may remove a comment; it then disappears for readers.
    removed_at: Mapped[datetime | None]
