"""The outbox worker: claims due rows, sends them, marks them sent; retries with backoff.

Claiming is an UPDATE guarded by the row's status, so two workers (processes or machines)
never both own a row; on PostgreSQL candidates are picked with FOR UPDATE SKIP LOCKED so
workers do not queue behind each other's locks.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from server.clock import Clock
from server.config import Settings
from server.db import affected, unit_of_work
from server.outbox.adapters import Adapter, SendError
from server.outbox.models import OutboxMessage, OutboxStatus
from server.outbox.service import render_message

log = logging.getLogger("skolhub.outbox")


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _due(now):  # type: ignore[no-untyped-def]
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING.value, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING.value, OutboxMessage.locked_until < now),
    )


def claim(factory: sessionmaker[Session], clock: Clock, settings: Settings, worker_id: str, limit: int = 50) -> list[int]:
    with unit_of_work(factory) as db:
        now = clock.now()
        query = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
        if db.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        candidates = list(db.scalars(query))
        claimed: list[int] = []
        for message_id in candidates:
            result = db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, _due(now))
                .values(
                    status=OutboxStatus.SENDING.value,
                    claimed_by=worker_id,
                    locked_until=now + timedelta(seconds=settings.outbox_lease_seconds),
                    attempts=OutboxMessage.attempts + 1,
                )
            )
            if affected(result) == 1:
                claimed.append(message_id)
    return claimed


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver(factory: sessionmaker[Session], clock: Clock, settings: Settings, adapters: dict[str, Adapter], message_id: int, worker_id: str) -> bool:
    # Each step is a unit of work of its own: no transaction (and on SQLite no write lock) is
    # held while the gateway talks.
    with unit_of_work(factory) as db:
        message = db.get(OutboxMessage, message_id)
        if message is None or message.status != OutboxStatus.SENDING.value or message.claimed_by != worker_id:
            return False
        db.expunge(message)
    # Rendered now from its catalog key, in the recipient's language (server/texts.py).
    message.subject, message.body = render_message(message)
    adapter = adapters.get(message.channel)
    try:
        if adapter is None:
            raise SendError(f"no adapter for channel {message.channel}")
        provider_id = adapter.send(message)
    except SendError as exc:
        now = clock.now()
        give_up = message.attempts >= settings.outbox_max_attempts
        with unit_of_work(factory) as db:
            db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker_id)
                .values(
                    status=(OutboxStatus.FAILED if give_up else OutboxStatus.PENDING).value,
                    next_attempt_at=now + backoff(message.attempts),
                    locked_until=None,
                    last_error=str(exc)[:500],
                )
            )
        log.warning("outbox %s %s failed (attempt %s): %s", message.channel, message_id, message.attempts, exc)
        return False
    with unit_of_work(factory) as db:
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker_id)
            .values(
                status=OutboxStatus.SENT.value, sent_at=clock.now(), locked_until=None, provider_id=provider_id, last_error=None,
                subject=message.subject, body=message.body,  # what was sent
            )
        )
    log.info("outbox %s %s sent (%s)", message.channel, message_id, message.kind)
    return True


def run_once(factory: sessionmaker[Session], clock: Clock, settings: Settings, adapters: dict[str, Adapter], worker_id: str | None = None) -> int:
    """Send everything due now; returns how many were sent."""
    worker_id = worker_id or default_worker_id()
    sent = 0
    while True:
        batch = claim(factory, clock, settings, worker_id)
        if not batch:
            return sent
        for message_id in batch:
            sent += deliver(factory, clock, settings, adapters, message_id, worker_id)


def run_forever(factory: sessionmaker[Session], clock: Clock, settings: Settings, adapters: dict[str, Adapter], poll_seconds: float = 2.0) -> None:
    from server.housekeeping import run_housekeeping

    worker_id = default_worker_id()
    log.info("outbox worker %s started", worker_id)
    next_housekeeping = 0.0
    while True:
        try:
            run_once(factory, clock, settings, adapters, worker_id)
            if time.monotonic() >= next_housekeeping:
                log.info("housekeeping removed %s", run_housekeeping(factory, clock, settings))
                next_housekeeping = time.monotonic() + settings.housekeeping_minutes * 60
        except Exception:  # keep the worker alive through a database hiccup
            log.exception("outbox worker round failed")
        time.sleep(poll_seconds)
