"""A user's own choices (R12–R14): privacy for the contact list and push per area.

The language lives on the user (user_account.language) because the server uses it for emails
and SMS too. No row means the defaults: nothing shown in the contact list, every push on.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base

PUSH_AREAS = (
    "messages", "information", "calendar", "absence", "blog", "talks", "assessments", "documentation", "planning", "leisure",
)


class PrivacyChoice(Base):
    __tablename__ = "privacy_choice"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    show_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    show_child: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PushPreference(Base):
    """One row per area the user has set; an area without a row is on."""

    __tablename__ = "push_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(30), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
