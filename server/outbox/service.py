"""Enqueue what leaves the system, in the caller's transaction (no commit here)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.clock import Clock
from server.db import insert_ignoring_conflicts
from server.outbox.models import Channel, OutboxMessage, OutboxStatus


def enqueue(
    db: Session,
    clock: Clock,
    *,
    channel: Channel,
    recipient: str,
    body: str,
    kind: str,
    subject: str | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Add a message to the outbox. With a dedupe_key, a second enqueue of the same key is a
    no-op decided by the database's unique index (safe under concurrency). Returns whether a
    row was added."""
    now = clock.now()
    values = {
        "channel": channel.value,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "kind": kind,
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }
    if dedupe_key is None:
        db.add(OutboxMessage(**values))
        return True
    return insert_ignoring_conflicts(db, OutboxMessage, values, ["dedupe_key"]) == 1
