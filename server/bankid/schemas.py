from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from server.accounts.schemas import SessionOut


class RfaOut(BaseModel):
    code: str
    sv: str
    en: str


class OrderIn(BaseModel):
    purpose: Literal["step_up", "login"] = "step_up"
    on_this_device: bool = False


class OrderStartedOut(BaseModel):
    order_id: str
    auto_start_token: str
    qr: str
    poll_after_ms: int
    rfa: RfaOut


class OrderStatusOut(BaseModel):
    order_id: str
    purpose: str
    status: Literal["pending", "complete", "failed"]
    hint_code: str | None = None
    error_code: str | None = None
    rfa: RfaOut
    qr: str | None = None
    poll_after_ms: int
    verified_until: datetime | None = None
    session: SessionOut | None = None
