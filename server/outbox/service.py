"""Enqueue what leaves the system, in the caller's transaction (no commit here)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from server.clock import Clock
from server.db import insert_ignoring_conflicts
from server.outbox.models import Channel, OutboxMessage, OutboxStatus
from server.texts import dump_params, has, language_of, load_params, render


def rendered(text_key: str, params: Mapping[str, object] | None, language: str | None) -> tuple[str | None, str]:
    """Subject and body of catalog message `text_key` ("<key>.subject" is optional; SMS have none)."""
    subject_key = f"{text_key}.subject"
    subject = render(subject_key, params, language) if has(subject_key) else None
    return subject, render(f"{text_key}.body", params, language)


def render_message(message: OutboxMessage) -> tuple[str | None, str]:
    """What the worker sends: the catalog text rendered now in the recipient's language, or the
    stored subject and body for a message enqueued without a key."""
    if message.text_key and has(f"{message.text_key}.body"):
        try:
            return rendered(message.text_key, load_params(message.text_params), message.language)
        except (KeyError, IndexError, ValueError):
            pass
    return message.subject, message.body


def enqueue(
    db: Session,
    clock: Clock,
    *,
    channel: Channel,
    recipient: str,
    kind: str,
    text_key: str | None = None,
    params: Mapping[str, object] | None = None,
    language: str | None = None,
    body: str | None = None,
    subject: str | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Add a message to the outbox: the catalog text `text_key` (server/texts.py) with `params`
    in the recipient's `language`, rendered again by the worker when it sends. (A raw `body`
    is for tooling and tests.) With a dedupe_key, a second enqueue of the same key is a no-op
    decided by the database's unique index (safe under concurrency). Returns whether a row
    was added."""
    if text_key is not None:
        language = language_of(language)
        subject, body = rendered(text_key, params, language)  # KeyError for a key not in the catalog
    if body is None:
        raise ValueError("enqueue needs a text_key or a body")
    now = clock.now()
    values = {
        "channel": channel.value,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "text_key": text_key,
        "text_params": dump_params(params) if text_key is not None else None,
        "language": language if text_key is not None else None,
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
