"""Account rules: activation (R3), login and sessions (R4), changing username/password (R6),
password reset, and throttling of failed logins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server import throttle
from server.accounts.models import AuthSession, OneTimeLink, OneTimeLinkPurpose, User
from server.clock import Clock
from server.config import Settings
from server.db import affected, own_transaction
from server.domain_errors import DomainError, Gone, NotAllowed, NotFound, NotSignedIn, TooMany, bad_request, conflict
from server.outbox.models import Channel
from server.outbox.service import enqueue
from server.school.models import Guardianship, Pupil, Unit
from server.security import hash_password, new_token, token_hash, verify_password
from server.texts import text_param

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def normalize_username(value: str) -> str:
    return value.strip().lower()


def check_username(value: str) -> str:
    username = normalize_username(value)
    if not USERNAME_RE.match(username):
        raise bad_request(
            "invalid_username",
            "A username is 3–64 characters: letters a–z, digits, and . _ @ - (not first).",
            "username",
        )
    return username


def check_password(value: str, field: str = "password") -> str:
    if len(value) < MIN_PASSWORD:
        raise bad_request("password_too_short", f"The password needs at least {MIN_PASSWORD} characters.", field)
    if len(value) > MAX_PASSWORD:
        raise bad_request("password_too_long", f"The password can have at most {MAX_PASSWORD} characters.", field)
    return value


def _username_taken(db: Session, username: str, except_user: int | None = None) -> bool:
    query = select(User.id).where(User.username == username)
    if except_user is not None:
        query = query.where(User.id != except_user)
    return db.scalar(query) is not None


# --- one-time links ------------------------------------------------------------------------


def _issue_link(db: Session, clock: Clock, user: User, purpose: OneTimeLinkPurpose, valid_for: timedelta) -> str:
    now = clock.now()
    # A new link replaces older unused ones of the same purpose.
    db.execute(
        update(OneTimeLink)
        .where(OneTimeLink.user_id == user.id, OneTimeLink.purpose == purpose.value, OneTimeLink.used_at.is_(None), OneTimeLink.expires_at > now)
        .values(expires_at=now)
    )
    token = new_token()
    db.add(OneTimeLink(user_id=user.id, purpose=purpose.value, token_hash=token_hash(token), created_at=now, expires_at=now + valid_for))
    return token


def _unit_name_for(db: Session, user: User) -> str | dict[str, str]:
    name = db.scalar(
        select(Unit.name).join(Pupil, Pupil.unit_id == Unit.id).join(Guardianship, Guardianship.pupil_id == Pupil.id)
        .where(Guardianship.guardian_id == user.id).order_by(Unit.id).limit(1)
    )
    return name or text_param("unit.fallback")


def send_activation(db: Session, settings: Settings, clock: Clock, user: User) -> None:
    """R3: a single-use link valid `activation_valid_days`, sent by email through the outbox."""
    if user.username is not None and user.password_hash is not None:
        raise conflict("already_activated", "This account is already activated.")
    if not user.email:
        raise bad_request("email_required", "The account needs an email address for the activation link.", "email")
    token = _issue_link(db, clock, user, OneTimeLinkPurpose.ACTIVATION, timedelta(days=settings.activation_valid_days))
    link = f"{settings.app_base_url.rstrip('/')}/activate/{token}"
    enqueue(
        db, clock, channel=Channel.EMAIL, recipient=user.email, kind="activation",
        text_key="activation", language=user.language,
        params={"name": user.first_name, "unit": _unit_name_for(db, user), "days": settings.activation_valid_days, "link": link},
    )


def _valid_link(db: Session, clock: Clock, token: str, purpose: OneTimeLinkPurpose) -> OneTimeLink:
    link = db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token), OneTimeLink.purpose == purpose.value))
    if link is None:
        raise NotFound("link_invalid", "This link is not valid. Contact the school for a new one.")
    if link.used_at is not None:
        raise Gone("link_used", "This link has already been used. Contact the school for a new one.")
    if link.expires_at <= clock.now():
        raise Gone("link_expired", "This link has expired. Contact the school for a new one.")
    return link


def inspect_activation(db: Session, clock: Clock, token: str) -> tuple[User, datetime]:
    link = _valid_link(db, clock, token, OneTimeLinkPurpose.ACTIVATION)
    user = db.get(User, link.user_id)
    assert user is not None
    return user, link.expires_at


def activate(db: Session, settings: Settings, clock: Clock, token: str, username: str, password: str) -> User:
    link = _valid_link(db, clock, token, OneTimeLinkPurpose.ACTIVATION)
    username = check_username(username)
    check_password(password)
    if _username_taken(db, username, except_user=link.user_id):
        raise conflict("username_taken", "That username is taken; choose another.")
    now = clock.now()
    # Mark used with a guarded UPDATE so two simultaneous submissions cannot both succeed.
    used = db.execute(update(OneTimeLink).where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None)).values(used_at=now))
    if affected(used) != 1:
        raise Gone("link_used", "This link has already been used. Contact the school for a new one.")
    user = db.get(User, link.user_id)
    assert user is not None
    user.username = username
    user.password_hash = hash_password(settings, password)
    user.password_changed_at = now
    db.flush()
    return user


# --- login and sessions ---------------------------------------------------------------------


@dataclass
class IssuedSession:
    token: str
    session: AuthSession
    user: User


def start_session(db: Session, settings: Settings, clock: Clock, user: User, method: str = "password") -> IssuedSession:
    now = clock.now()
    token = new_token()
    session = AuthSession(
        user_id=user.id, token_hash=token_hash(token), created_at=now,
        expires_at=now + timedelta(hours=settings.session_ttl_hours), method=method,
    )
    db.add(session)
    db.flush()
    return IssuedSession(token=token, session=session, user=user)


def _throttled_error(retry_after: int) -> DomainError:
    return TooMany("login_throttled", "Too many failed attempts. Wait a few minutes and try again.", retry_after)


def login(db: Session, settings: Settings, clock: Clock, username: str, password: str, address: str) -> IssuedSession:
    """R4. Every attempt is counted (atomically, server/throttle.py) before the password is
    checked, per account and per client address; a right password gives the attempt back."""
    username = normalize_username(username)[:64]
    address = address[:128]
    now = clock.now()
    window = timedelta(minutes=settings.throttle_window_minutes)
    # The count is a short transaction of its own, committed before the (slow) password check:
    # a failed login answers 401 and rolls the request back, never the count. It also ends
    # before argon2 (deliberately ~150 ms of CPU): on SQLite a transaction here holds the single
    # write lock, and logins taking turns on it through their password checks would queue past
    # the busy timeout in a morning rush. The request's own writes (below) come after.
    with own_transaction(db) as counting:
        account = throttle.take(counting, "login_account", username, now, window, settings.throttle_account_failures)
        by_address = throttle.take(counting, "login_address", address, now, window, settings.throttle_address_failures)
        found = counting.scalar(select(User).where(User.username == username)) if username and account.allowed and by_address.allowed else None
    if not account.allowed or not by_address.allowed:
        raise _throttled_error(max(account.retry_after_seconds if not account.allowed else 0, by_address.retry_after_seconds if not by_address.allowed else 0))
    # verify_password does a full argon2 verification even for an unknown user.
    ok = verify_password(settings, found.password_hash if found else None, password)
    if not ok or found is None or not found.is_active:
        raise NotSignedIn("invalid_credentials", "Wrong username or password.")
    user = db.merge(found, load=False)
    throttle.clear(db, "login_account", username)
    throttle.give_back(db, "login_address", address)
    return start_session(db, settings, clock, user)


def logout(db: Session, clock: Clock, session: AuthSession) -> None:
    db.execute(update(AuthSession).where(AuthSession.id == session.id, AuthSession.revoked_at.is_(None)).values(revoked_at=clock.now()))
    db.flush()


def revoke_sessions(db: Session, clock: Clock, user_id: int, keep: int | None = None) -> int:
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    return affected(db.execute(query.values(revoked_at=clock.now()))) or 0


def _require_current_password(settings: Settings, user: User, current_password: str) -> None:
    if not verify_password(settings, user.password_hash, current_password):
        raise NotAllowed(
            "wrong_current_password", "The current password is wrong.",
            fields=[{"field": "current_password", "code": "wrong_current_password", "message": "The current password is wrong."}],
        )


def change_username(db: Session, settings: Settings, user: User, new_username: str, current_password: str) -> User:
    _require_current_password(settings, user, current_password)
    username = check_username(new_username)
    if _username_taken(db, username, except_user=user.id):
        raise conflict("username_taken", "That username is taken; choose another.")
    user.username = username
    db.flush()
    return user


def change_password(db: Session, settings: Settings, clock: Clock, user: User, session: AuthSession, current_password: str, new_password: str) -> int:
    """R6: the current password is asked for; every other session of the user is revoked."""
    _require_current_password(settings, user, current_password)
    check_password(new_password, "new_password")
    user.password_hash = hash_password(settings, new_password)
    user.password_changed_at = clock.now()
    revoked = revoke_sessions(db, clock, user.id, keep=session.id)
    db.flush()
    return revoked


def request_password_reset(db: Session, settings: Settings, clock: Clock, identifier: str, address: str = "unknown") -> None:
    """Sends a reset link if the username or email belongs to an activated account. The caller's
    answer is the same either way, so it never reveals whether an account exists. Requests are
    limited per identifier and per client address (counted whether or not an account exists),
    so nobody can flood a mailbox with reset emails."""
    ident = identifier.strip().lower()
    if not ident:
        return
    now = clock.now()
    window = timedelta(minutes=settings.reset_window_minutes)
    # The counts are a short transaction of their own: they stand even when the request is
    # refused (429) or fails later.
    with own_transaction(db) as counting:
        per_ident = throttle.take(counting, "reset_identifier", ident, now, window, settings.reset_identifier_limit)
        per_address = throttle.take(counting, "reset_address", address[:128], now, window, settings.reset_address_limit)
    if not per_ident.allowed or not per_address.allowed:
        raise TooMany(
            "reset_throttled", "Too many password-reset requests. Wait a while and try again.",
            max(per_ident.retry_after_seconds, per_address.retry_after_seconds),
        )
    users = list(db.scalars(select(User).where((User.username == ident) | (func.lower(User.email) == ident)).where(User.is_active.is_(True))))
    for user in users:
        if user.password_hash is None or not user.email:
            continue
        token = _issue_link(db, clock, user, OneTimeLinkPurpose.PASSWORD_RESET, timedelta(minutes=settings.password_reset_valid_minutes))
        link = f"{settings.app_base_url.rstrip('/')}/reset-password/{token}"
        enqueue(
            db, clock, channel=Channel.EMAIL, recipient=user.email, kind="password_reset",
            text_key="reset", language=user.language,
            params={"name": user.first_name, "minutes": settings.password_reset_valid_minutes, "link": link},
        )
    db.flush()


def inspect_password_reset(db: Session, clock: Clock, token: str) -> datetime:
    """Until when a reset link works; an unknown, used or expired link says so (the app then
    offers to send a new one)."""
    return _valid_link(db, clock, token, OneTimeLinkPurpose.PASSWORD_RESET).expires_at


def reset_password(db: Session, settings: Settings, clock: Clock, token: str, new_password: str) -> None:
    link = _valid_link(db, clock, token, OneTimeLinkPurpose.PASSWORD_RESET)
    check_password(new_password, "new_password")
    now = clock.now()
    used = db.execute(update(OneTimeLink).where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None)).values(used_at=now))
    if affected(used) != 1:
        raise Gone("link_used", "This link has already been used.")
    user = db.get(User, link.user_id)
    assert user is not None
    user.password_hash = hash_password(settings, new_password)
    user.password_changed_at = now
    revoke_sessions(db, clock, user.id)
    db.flush()


def purge_old_counters(db: Session, clock: Clock, settings: Settings) -> int:
    longest = max(settings.throttle_window_minutes, settings.reset_window_minutes)
    return throttle.purge_before(db, clock.now() - timedelta(minutes=longest * 4))
