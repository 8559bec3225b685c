"""Everything that leaves the system is first a row here, written in the same transaction as
the change that causes it; the worker sends it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after outbox_max_attempts


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The catalog texts (server/texts.py) "<text_key>.subject" / "<text_key>.body" with
    # `text_params` (JSON) in `language`: the worker renders them when it sends; subject and body
    # above hold the rendering at enqueue time (and the sent text once sent).
    text_key: Mapped[str | None] = mapped_column(String(60))
    text_params: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    # What caused it, for staff tooling ("activation", "message_notice", "absence_sms"…).
    kind: Mapped[str] = mapped_column(String(40))
    # Optional unique key so a cause enqueues its message once (e.g. "sms:pupil:7:2026-11-30:guardian:3").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Gateway's id for the sent message (46elks id), to match delivery reports.
    provider_id: Mapped[str | None] = mapped_column(String(100), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(30))

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
