"""Accounts, sessions, one-time links and login throttling — all in the database, so several
server processes share them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class UserKind(StrEnum):
    GUARDIAN = "guardian"
    STUDENT = "student"
    STAFF = "staff"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Lower-case; None until the guardian has activated the account.
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    personnummer: Mapped[str | None] = mapped_column(String(12), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164 mobile number
    language: Mapped[str] = mapped_column(String(2), default="sv")
    # For a student: their own pupil record.
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id", ondelete="SET NULL"), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]
    # Population-register address (R11), written only by `skolhub import-addresses`.
    address_care_of: Mapped[str | None] = mapped_column(String(100))
    address_street: Mapped[str | None] = mapped_column(String(100))
    address_street2: Mapped[str | None] = mapped_column(String(100))
    address_postcode: Mapped[str | None] = mapped_column(String(10))
    address_city: Mapped[str | None] = mapped_column(String(100))
    # Sekretessmarkering: the address is stored but shown to nobody but the person.
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    address_updated_at: Mapped[datetime | None]
    deregistered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deregistration_code: Mapped[str | None] = mapped_column(String(10))

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class OneTimeLinkPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"


class OneTimeLink(Base):
    __tablename__ = "one_time_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuthSession(Base):
    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Set by a BankID identification of the account's own personnummer (R5).
    bankid_verified_until: Mapped[datetime | None]
    method: Mapped[str] = mapped_column(String(20), default="password")


class ThrottleCounter(Base):
    """Attempts per (scope, key) in a fixed window: failed logins per account and per client
    address, password-reset requests per identifier and per address. Counted with one
    INSERT … ON CONFLICT DO UPDATE … RETURNING (server/throttle.py), so concurrent attempts
    cannot all pass a check made before any of them was counted."""

    __tablename__ = "throttle_counter"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer)
