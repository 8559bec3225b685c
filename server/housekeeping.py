"""Removing what has served its purpose: idempotency records past their TTL, old login
failures, finished BankID orders, expired sessions and used/expired one-time links.

The outbox worker runs it every `housekeeping_minutes`; `skolhub housekeeping` runs it once.
Every step is one DELETE, safe to run from several workers at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session, sessionmaker

from server.accounts.models import AuthSession, OneTimeLink
from server.accounts.service import purge_old_counters
from server.bankid.models import BankIdOrder
from server.clock import Clock
from server.config import Settings
from server.db import affected, unit_of_work
from server.idempotency import purge_expired

KEEP_FINISHED = timedelta(days=7)  # long enough to answer questions about a recent login


def run_housekeeping(factory: sessionmaker[Session], clock: Clock, settings: Settings) -> dict[str, int]:
    now = clock.now()
    removed: dict[str, int] = {}
    with unit_of_work(factory) as db:
        removed["idempotency_records"] = purge_expired(db, now, settings.idempotency_ttl_hours)
        removed["throttle_counters"] = purge_old_counters(db, clock, settings)
        removed["bankid_orders"] = affected(
            db.execute(delete(BankIdOrder).where(BankIdOrder.finished_at.is_not(None), BankIdOrder.finished_at < now - KEEP_FINISHED))
        )
        removed["sessions"] = affected(
            db.execute(
                delete(AuthSession).where(
                    or_(AuthSession.expires_at < now - KEEP_FINISHED, AuthSession.revoked_at < now - KEEP_FINISHED)
                )
            )
        )
        removed["one_time_links"] = affected(db.execute(delete(OneTimeLink).where(OneTimeLink.expires_at < now - KEEP_FINISHED)))
    return removed
