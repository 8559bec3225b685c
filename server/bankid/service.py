"""The BankID flow (R5): start an order, poll it (collect at most every ~2 s), cancel it.

A step-up marks the signed-in session BankID-verified for `bankid_verified_minutes` when the
personnummer BankID returns is the account's own; a login creates a new session for the
account with that personnummer. The RP calls happen outside database transactions, and every
state change is a guarded UPDATE (`… WHERE status = 'pending'`), so simultaneous polls collect
once and finish an order once."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from server.access import Principal
from server.accounts.models import AuthSession, User
from server.accounts.service import IssuedSession, start_session
from server.bankid import rfa as messages
from server.bankid.models import BankIdOrder
from server.bankid.qr import qr_content
from server.bankid.rp import BankIdError, CollectAnswer, RpClient
from server.clock import Clock, as_utc
from server.config import Settings
from server.db import affected, for_writing, own_transaction
from server.domain_errors import Conflict, DomainError, NotSignedIn, Unavailable, UpstreamFailed, not_found
from server.texts import text

log = logging.getLogger("skolhub.bankid")

STEP_UP = "step_up"
LOGIN = "login"


@dataclass
class OrderView:
    order: BankIdOrder
    rfa: messages.Rfa
    qr: str | None
    verified_until: datetime | None = None
    issued: IssuedSession | None = None


def _ip(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "127.0.0.1"


def _error_to_api(exc: BankIdError) -> DomainError:
    message = messages.for_error(exc.error_code)
    if exc.error_code == "alreadyInProgress":
        return Conflict("bankid_already_in_progress", message.en)
    if exc.transient:
        return Unavailable("bankid_unavailable", message.en, headers={"Retry-After": "10"})
    log.warning("BankID answered %s (HTTP %s)", exc.error_code, exc.http_status)
    return UpstreamFailed("bankid_error", message.en)


def start_order(
    db: Session,
    settings: Settings,
    clock: Clock,
    rp: RpClient,
    *,
    purpose: str,
    on_this_device: bool,
    principal: Principal | None,
    address: str,
) -> OrderView:
    personal_number = None
    if purpose == STEP_UP:
        if principal is None:
            raise NotSignedIn(
                "not_authenticated",
                "Sign in to continue.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        personal_number = principal.user.personnummer
        if not personal_number:
            raise Conflict(
                "bankid_no_personnummer",
                "Your account has no personnummer for BankID. Contact the school.",
            )
    try:
        answer = rp.auth(
            _ip(address),
            personal_number=personal_number,
            user_visible_data=text("bankid.user_visible_data", principal.user.language if principal else None),
        )
    except BankIdError as exc:
        raise _error_to_api(exc) from exc
    order = BankIdOrder(
        public_id=secrets.token_urlsafe(24),
        purpose=purpose,
        user_id=principal.user.id if principal and purpose == STEP_UP else None,
        session_id=principal.session.id if principal and purpose == STEP_UP else None,
        order_ref=answer.order_ref,
        auto_start_token=answer.auto_start_token,
        qr_start_token=answer.qr_start_token,
        qr_start_secret=answer.qr_start_secret,
        on_this_device=on_this_device,
        started_at=clock.now(),
        status="pending",
        hint_code="outstandingTransaction",
    )
    db.add(order)
    db.flush()
    return _view(order, clock)


def _qr(order: BankIdOrder, clock: Clock) -> str | None:
    if order.status != "pending" or not order.qr_start_secret:
        return None
    seconds = int((clock.now() - as_utc(order.started_at)).total_seconds())
    return qr_content(order.qr_start_token, order.qr_start_secret, seconds)


def _rfa(order: BankIdOrder) -> messages.Rfa:
    if order.status == "pending":
        return messages.for_pending(order.hint_code, on_this_device=order.on_this_device)
    if order.status == "failed":
        if order.error_code in messages.OWN:
            return messages.OWN[order.error_code]
        if order.error_code == "rp_cancelled":
            return messages.RFA["RFA6"]
        if order.error_code and not order.hint_code:
            return messages.for_error(order.error_code)
        return messages.for_failed(order.hint_code)
    return messages.OWN["bankid_complete"]


def _view(order: BankIdOrder, clock: Clock, **extra: object) -> OrderView:
    return OrderView(order=order, rfa=_rfa(order), qr=_qr(order, clock), **extra)  # type: ignore[arg-type]


def _load(db: Session, public_id: str, principal: Principal | None) -> BankIdOrder:
    order = db.scalar(select(BankIdOrder).where(BankIdOrder.public_id == public_id))
    if order is None:
        raise not_found("BankID order")
    if order.purpose == STEP_UP and (principal is None or principal.user.id != order.user_id):
        raise not_found("BankID order")
    return order


def _finish(
    db: Session,
    clock: Clock,
    order: BankIdOrder,
    status: str,
    *,
    hint_code: str | None = None,
    error_code: str | None = None,
    user_id: int | None = None,
) -> bool:
    """Move a pending order to its end state, once (the guarded UPDATE decides who wins)."""
    values: dict[str, object] = {
        "status": status,
        "hint_code": hint_code,
        "error_code": error_code,
        "finished_at": clock.now(),
        "qr_start_secret": "",
    }
    if user_id is not None:
        values["user_id"] = user_id
    done = db.execute(
        update(BankIdOrder)
        .where(BankIdOrder.id == order.id, BankIdOrder.status == "pending")
        .values(**values)
    )
    return affected(done) == 1


def poll_order(
    db: Session,
    settings: Settings,
    clock: Clock,
    rp: RpClient,
    public_id: str,
    principal: Principal | None,
) -> OrderView:
    order = _load(db, public_id, principal)  # in the GET's read transaction: no lock
    if order.status != "pending":
        return _delivered(db, clock, order)
    now = clock.now()
    # Claim this poll's collect: at most one collect per order per poll interval, across
    # processes. The claim is a short transaction of its own: other polls must see it at once,
    # and neither it nor (on SQLite) the write lock may be held across the call to BankID.
    with own_transaction(db) as claiming:
        claimed = affected(claiming.execute(
            update(BankIdOrder)
            .where(
                BankIdOrder.id == order.id,
                BankIdOrder.status == "pending",
                or_(
                    BankIdOrder.last_collect_at.is_(None),
                    BankIdOrder.last_collect_at
                    <= now - timedelta(seconds=settings.bankid_poll_seconds * 0.9),
                ),
            )
            .values(last_collect_at=now)
        ))
    # Ends the read snapshot (so what other polls wrote is seen) without starting a transaction:
    # the next one, which may finish the order, begins after the call to BankID.
    for_writing(db)
    if not claimed:
        db.refresh(order)
        return _delivered(db, clock, order)
    try:
        answer = rp.collect(order.order_ref)
    except BankIdError as exc:
        _collect_failed(db, settings, clock, order, exc)
        db.refresh(order)
        return _delivered(db, clock, order)
    issued = _apply(db, settings, clock, order, answer)
    db.refresh(order)
    return _delivered(db, clock, order, issued)


def _collect_failed(
    db: Session, settings: Settings, clock: Clock, order: BankIdOrder, exc: BankIdError
) -> None:
    age = (clock.now() - as_utc(order.started_at)).total_seconds()
    if exc.transient:
        # BankID is busy or down: keep polling, but not past the order's lifetime.
        if age > settings.bankid_order_lifetime_seconds:
            _finish(db, clock, order, "failed", hint_code="expiredTransaction")
        return
    log.warning("BankID collect answered %s", exc.error_code)
    _finish(db, clock, order, "failed", error_code=exc.error_code)


def _apply(
    db: Session, settings: Settings, clock: Clock, order: BankIdOrder, answer: CollectAnswer
) -> IssuedSession | None:
    if answer.status == "failed":
        _finish(db, clock, order, "failed", hint_code=answer.hint_code or "unknown")
        return None
    if answer.status != "complete":
        # pending, or a status newer than this code: keep polling and show the hint's message.
        db.execute(
            update(BankIdOrder)
            .where(BankIdOrder.id == order.id, BankIdOrder.status == "pending")
            .values(hint_code=answer.hint_code)
        )
        return None
    pnr = answer.personal_number
    verified_until = clock.now() + timedelta(minutes=settings.bankid_verification_minutes)
    if order.purpose == STEP_UP:
        user = db.get(User, order.user_id) if order.user_id else None
        if user is None or not pnr or user.personnummer != pnr:
            _finish(db, clock, order, "failed", error_code="bankid_personnummer_mismatch")
            return None
        if _finish(db, clock, order, "complete"):
            db.execute(
                update(AuthSession)
                .where(AuthSession.id == order.session_id)
                .values(bankid_verified_until=verified_until)
            )
        return None
    # Login with BankID instead of username and password.
    user = (
        db.scalar(select(User).where(User.personnummer == pnr, User.is_active.is_(True)))
        if pnr
        else None
    )
    if user is None:
        _finish(db, clock, order, "failed", error_code="bankid_no_account")
        return None
    if not _finish(db, clock, order, "complete", user_id=user.id):
        return None
    issued = start_session(db, settings, clock, user, method="bankid")
    issued.session.bankid_verified_until = verified_until
    db.flush()
    db.execute(
        update(BankIdOrder)
        .where(BankIdOrder.id == order.id)
        .values(result_session_id=issued.session.id, session_delivered=True)
    )
    return issued


def _delivered(
    db: Session, clock: Clock, order: BankIdOrder, issued: IssuedSession | None = None
) -> OrderView:
    verified_until = None
    if order.status == "complete":
        session_id = order.session_id if order.purpose == STEP_UP else order.result_session_id
        session = db.get(AuthSession, session_id) if session_id else None
        verified_until = session.bankid_verified_until if session else None
    return _view(order, clock, verified_until=verified_until, issued=issued)


def cancel_order(
    db: Session, clock: Clock, rp: RpClient, public_id: str, principal: Principal | None
) -> OrderView:
    order = _load(db, public_id, principal)
    if order.status == "pending":
        try:
            rp.cancel(order.order_ref)
        except BankIdError as exc:  # already gone at BankID: it is cancelled either way
            log.info("BankID cancel answered %s", exc.error_code)
        _finish(db, clock, order, "failed", error_code="rp_cancelled")
        db.refresh(order)
    return _view(order, clock)
