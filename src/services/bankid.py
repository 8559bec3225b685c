"""The BankID flow as the app drives it (R5), following BankID's guidelines for relying parties.

The server is the relying party: it starts the order, collects it (at most every 2 s), computes
each second's animated QR content (the qrStartSecret never leaves it) and chooses BankID's
recommended user message (RFA) for each status and hintCode. This module — no flet — starts an
order, polls it every second while a QR is shown (every `poll_after_ms` otherwise), cancels it,
switches between "this device" and "another device", gives the message in the user's language,
renders the QR with segno, and remembers how long the session stays BankID-verified.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal
from urllib.parse import quote

import segno
from pydantic import BaseModel, ConfigDict

from services.api import ApiClient, ApiError, NotFound, ServerUnreachable

log = logging.getLogger("skolhub.app.bankid")

# BankID's own launch links: on a phone the universal link (redirect=null: the user returns to
# the app themselves), on a computer the bankid:/// scheme.
PHONE_LAUNCH = "https://app.bankid.com/?autostarttoken={token}&redirect=null"
DESKTOP_LAUNCH = "bankid:///?autostarttoken={token}&redirect=null"
QR_REFRESH_SECONDS = 1.0  # BankID: the animated QR changes every second


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Rfa(_Model):
    """One of BankID's recommended user messages (or Skolhub's own for R5), in both languages."""

    code: str
    sv: str
    en: str

    def text(self, language: str | None) -> str:
        return self.en if language == "en" else self.sv


class OrderStarted(_Model):
    order_id: str
    auto_start_token: str
    qr: str
    poll_after_ms: int = 2000
    rfa: Rfa


class OrderStatus(_Model):
    order_id: str
    purpose: str = "step_up"
    status: Literal["pending", "complete", "failed"]
    hint_code: str | None = None
    error_code: str | None = None
    rfa: Rfa
    qr: str | None = None
    poll_after_ms: int = 2000
    verified_until: datetime | None = None


# For answers that carry no RFA (the order could not be started, the server is unreachable):
# BankID's own texts RFA4, RFA5 and RFA22, and Skolhub's for an account without personnummer (R5).
_LOCAL: dict[str, Rfa] = {
    "RFA4": Rfa(
        code="RFA4",
        sv="En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.",
        en="An identification or signing for this personal number is already started. Please try again.",
    ),
    "RFA5": Rfa(code="RFA5", sv="Internt tekniskt fel. Försök igen.", en="Internal error. Please try again."),
    "RFA22": Rfa(code="RFA22", sv="Okänt fel. Försök igen.", en="Unknown error. Please try again."),
    "bankid_no_personnummer": Rfa(
        code="bankid_no_personnummer",
        sv="Ditt konto saknar personnummer för BankID. Kontakta skolan.",
        en="Your account has no personal identity number for BankID. Contact the school.",
    ),
}


def rfa_for_error(exc: Exception) -> Rfa:
    """The message for a start/poll/cancel that got no order answer."""
    if isinstance(exc, ServerUnreachable):
        return _LOCAL["RFA5"]
    if isinstance(exc, ApiError):
        if exc.code == "bankid_already_in_progress":
            return _LOCAL["RFA4"]
        if exc.code == "bankid_no_personnummer":
            return _LOCAL["bankid_no_personnummer"]
    return _LOCAL["RFA22"]


class Phase(StrEnum):
    IDLE = "idle"
    PENDING = "pending"
    COMPLETE = "complete"
    FAILED = "failed"


def phone_launch_url(auto_start_token: str) -> str:
    return PHONE_LAUNCH.format(token=quote(auto_start_token, safe=""))


def desktop_launch_url(auto_start_token: str) -> str:
    return DESKTOP_LAUNCH.format(token=quote(auto_start_token, safe=""))


def qr_png(content: str, scale: int = 6) -> bytes:
    """The QR code for `content` as PNG bytes (segno; a 4-module quiet zone, as scanners need)."""
    buffer = io.BytesIO()
    segno.make_qr(content, error="l").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(content: str, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(content, error="l").save(buffer, kind="svg", scale=scale, border=4, xmldecl=False)
    return buffer.getvalue()


@dataclass
class VerificationWindow:
    """Until when this session is BankID-verified (the server decides; this is the app's note of
    it so a box opens at once within the window and asks again after it)."""

    until: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.until is not None and now < self.until

    def seconds_left(self, now: datetime) -> float:
        return max(0.0, (self.until - now).total_seconds()) if self.until else 0.0

    def close(self) -> None:
        self.until = None


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class BankIdFlow:
    """One identification at a time: start → poll … → complete | failed (or cancelled)."""

    api: ApiClient
    window: VerificationWindow = field(default_factory=VerificationWindow)
    now: Callable[[], datetime] = _utcnow
    purpose: str = "step_up"
    phase: Phase = Phase.IDLE
    on_this_device: bool = False
    order_id: str | None = None
    auto_start_token: str | None = None
    qr: str | None = None
    rfa: Rfa | None = None
    hint_code: str | None = None
    error_code: str | None = None
    poll_after_ms: int = 2000
    _network_failures: int = 0

    @property
    def pending(self) -> bool:
        return self.phase == Phase.PENDING

    @property
    def showing_qr(self) -> bool:
        return self.pending and not self.on_this_device and bool(self.qr)

    def message(self, language: str | None) -> str:
        return self.rfa.text(language) if self.rfa else ""

    def launch_url(self, *, phone: bool) -> str | None:
        if not self.auto_start_token:
            return None
        return phone_launch_url(self.auto_start_token) if phone else desktop_launch_url(self.auto_start_token)

    def next_poll_in(self) -> float:
        """Every second while the QR is shown (a new frame each second; the server still collects
        at most every 2 s), else BankID's 2 s cadence the server gives."""
        return QR_REFRESH_SECONDS if self.showing_qr else max(QR_REFRESH_SECONDS, self.poll_after_ms / 1000)

    def _fail(self, rfa: Rfa, error_code: str | None = None) -> None:
        self.phase = Phase.FAILED
        self.rfa = rfa
        self.error_code = error_code
        self.qr = None

    async def start(self, *, on_this_device: bool) -> Phase:
        """Start a new order ("Legitimera med BankID", "Försök igen")."""
        self.on_this_device = on_this_device
        self.order_id = self.auto_start_token = self.qr = self.hint_code = self.error_code = None
        self._network_failures = 0
        try:
            response = await self.api.request(
                "POST", "/bankid/orders", json={"purpose": self.purpose, "on_this_device": on_this_device}, create=True
            )
        except (ApiError, ServerUnreachable) as exc:
            log.info("BankID order not started: %s", getattr(exc, "code", type(exc).__name__))
            self._fail(rfa_for_error(exc), getattr(exc, "code", None))
            return self.phase
        started = OrderStarted.model_validate(response.json())
        self.phase = Phase.PENDING
        self.order_id = started.order_id
        self.auto_start_token = started.auto_start_token
        self.qr = started.qr or None
        self.rfa = started.rfa
        self.poll_after_ms = started.poll_after_ms
        return self.phase

    def _apply(self, status: OrderStatus) -> None:
        self.rfa = status.rfa
        self.hint_code = status.hint_code
        self.error_code = status.error_code
        self.poll_after_ms = status.poll_after_ms
        self.qr = status.qr if status.status == "pending" else None
        if status.status == "complete":
            self.phase = Phase.COMPLETE
            self.window.until = status.verified_until
        elif status.status == "failed":
            self.phase = Phase.FAILED
        else:
            self.phase = Phase.PENDING

    async def poll(self) -> Phase:
        """One poll: the status, its message and this second's QR content."""
        if not self.pending or self.order_id is None:
            return self.phase
        try:
            response = await self.api.request("GET", f"/bankid/orders/{self.order_id}")
        except ServerUnreachable:
            # A network blip: keep the order and poll again (the server expires it in time).
            self._network_failures += 1
            if self._network_failures >= 30:
                self._fail(_LOCAL["RFA5"])
            return self.phase
        except NotFound as exc:
            self._fail(rfa_for_error(exc), exc.code)
            return self.phase
        except ApiError as exc:
            self._fail(rfa_for_error(exc), exc.code)
            return self.phase
        self._network_failures = 0
        self._apply(OrderStatus.model_validate(response.json()))
        return self.phase

    async def cancel(self) -> Phase:
        """"Avbryt": the order is cancelled on the server (and at BankID)."""
        if not self.pending or self.order_id is None:
            return self.phase
        try:
            response = await self.api.request("POST", f"/bankid/orders/{self.order_id}/cancel")
        except (ApiError, ServerUnreachable) as exc:
            self._fail(rfa_for_error(exc), getattr(exc, "code", None))
            return self.phase
        self._apply(OrderStatus.model_validate(response.json()))
        return self.phase

    async def switch(self, *, on_this_device: bool) -> Phase:
        """"BankID på annan enhet" / "BankID på den här enheten": a new order for the other way,
        so the messages BankID recommends for it are the right ones."""
        await self.cancel()
        return await self.start(on_this_device=on_this_device)

    def reset(self) -> None:
        self.phase = Phase.IDLE
        self.order_id = self.auto_start_token = self.qr = self.rfa = self.hint_code = self.error_code = None

    async def run(
        self,
        on_change: Callable[[], Awaitable[None] | None] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> Phase:
        """Poll until the order is finished (or cancelled/replaced by another task), calling
        `on_change` after every poll."""
        order_id = self.order_id
        while self.pending and self.order_id == order_id:
            await sleep(self.next_poll_in())
            if not self.pending or self.order_id != order_id:
                break
            await self.poll()
            if on_change is not None:
                result = on_change()
                if result is not None:
                    await result
        return self.phase
