"""Messages (R20–R24): threads with participants; each participant has their own read mark."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class MessageThread(Base):
    __tablename__ = "message_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    # The child it is about: decides which staff may be written to and whose guardians read it.
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # Denormalised for the inbox list: no per-thread query for the newest message.
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)
    last_message_at: Mapped[datetime]
    last_preview: Mapped[str] = mapped_column(String(160), default="")


class ThreadParticipant(Base):
    __tablename__ = "message_participant"

    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    # Every message with a higher id, written by someone else, is unread for this participant.
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_message_participant_user", "user_id", "thread_id"),)


class Message(Base):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_message_thread", "thread_id", "id"),
        Index("ix_message_author", "author_id", "thread_id"),
    )
