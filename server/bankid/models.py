"""BankID orders this server started. The app only ever sees `public_id`; the orderRef and the
qrStartSecret stay here (the secret is wiped when the order finishes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class BankIdOrder(Base):
    __tablename__ = "bankid_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))  # step_up | login
    # Step-up: whose session the identification opens; login: None until it completes.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_session.id", ondelete="CASCADE")
    )
    order_ref: Mapped[str] = mapped_column(String(64), unique=True)
    auto_start_token: Mapped[str] = mapped_column(String(64))
    qr_start_token: Mapped[str] = mapped_column(String(64))
    qr_start_secret: Mapped[str] = mapped_column(String(64))
    on_this_device: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[
        datetime
    ]  # when BankID answered the auth request (QR seconds count from here)
    status: Mapped[str] = mapped_column(
        String(10), default="pending"
    )  # pending | complete | failed
    hint_code: Mapped[str | None] = mapped_column(String(64))
    # Why it failed when BankID's hintCode does not say: our rule (personnummer mismatch, no
    # account) or an error answer from BankID.
    error_code: Mapped[str | None] = mapped_column(String(64))
    last_collect_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Login: the session created on completion (its token is handed out once).
    result_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_session.id", ondelete="SET NULL")
    )
    session_delivered: Mapped[bool] = mapped_column(Boolean, default=False)
