"""A protocol-faithful simulator of the BankID RP API v6.0, for the demo and the tests.

It speaks HTTP like the real service: `POST /rp/v6.0/auth`, `/collect`, `/cancel` with the same
JSON answers and error bodies (`{"errorCode", "details"}` with the documented HTTP statuses).
Orders expire about three minutes after they were created if nobody completes them, a second
order for a personal number with an order in progress answers `alreadyInProgress` (and cancels
the first, as BankID does), and finished orders stay collectable for a while.

It is driven two ways:
- by tests, over HTTP: `/sim/scan` (scanned QR content → orderRef), `/sim/orders/{ref}/complete`,
  `/user-cancel`, `/fail`, `/hint`, `/expire`, and `/sim/next-error` to make the next RP call fail;
- by a person in the demo: `/` is "the BankID app", listing pending orders; pick a person and
  choose Identify or Cancel, or paste a scanned QR's content.

Run it on its own (`skolhub bankid-simulator`, with TLS and client-certificate checking if
wanted) or mounted on the demo server at /bankid-sim. The clock is injected so tests can let
orders expire without sleeping. State lives in this process's memory (one process serves it).
"""

from __future__ import annotations

import base64
import hmac
import html
import ipaddress
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.bankid.qr import parse_qr, qr_auth_code
from server.clock import Clock

ORDER_TTL = timedelta(seconds=180)  # an untouched order fails with expiredTransaction
RETENTION = timedelta(minutes=10)  # a finished order can be collected this long
QR_TOLERANCE_SECONDS = 30  # how stale scanned QR content may be

ERROR_STATUS = {
    "alreadyInProgress": 400,
    "invalidParameters": 400,
    "unauthorized": 401,
    "notFound": 404,
    "methodNotAllowed": 405,
    "requestTimeout": 408,
    "unsupportedMediaType": 415,
    "tooManyRequests": 429,
    "internalError": 500,
    "maintenance": 503,
}

# (personal number, display name) pairs the demo page offers.
PeopleProvider = Callable[[], list[tuple[str, str]]]


class SimError(Exception):
    def __init__(self, error_code: str, details: str) -> None:
        super().__init__(details)
        self.error_code = error_code
        self.details = details


@dataclass
class SimOrder:
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str
    created_at: datetime
    end_user_ip: str
    personal_number: str | None
    status: str = "pending"
    hint_code: str = "outstandingTransaction"
    finished_at: datetime | None = None
    completion_data: dict[str, Any] = field(default_factory=dict)


def _error(code: str, details: str) -> JSONResponse:
    return JSONResponse(
        {"errorCode": code, "details": details}, status_code=ERROR_STATUS.get(code, 400)
    )


class BankIdSimulator:
    def __init__(self, clock: Clock, people: PeopleProvider | None = None) -> None:
        self.clock = clock
        self.people = people or (lambda: [])
        self._orders: dict[str, SimOrder] = {}
        self._lock = threading.Lock()
        self._next_errors: list[tuple[str | None, str]] = []

    # --- the RP API ---------------------------------------------------------------------------

    def _injected(self, endpoint: str) -> None:
        for i, (which, code) in enumerate(self._next_errors):
            if which in (None, endpoint):
                del self._next_errors[i]
                raise SimError(code, f"simulated {code}")

    def _refresh(self, order: SimOrder) -> None:
        now = self.clock.now()
        if order.status == "pending" and now - order.created_at >= ORDER_TTL:
            order.status, order.hint_code, order.finished_at = (
                "failed",
                "expiredTransaction",
                order.created_at + ORDER_TTL,
            )

    def _get(self, order_ref: Any) -> SimOrder:
        if not isinstance(order_ref, str) or not order_ref:
            raise SimError("invalidParameters", "Invalid orderRef.")
        order = self._orders.get(order_ref)
        if order is not None:
            self._refresh(order)
            if order.finished_at is not None and self.clock.now() - order.finished_at > RETENTION:
                del self._orders[order_ref]
                order = None
        if order is None:
            raise SimError("invalidParameters", "No such order")
        return order

    def auth(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._injected("auth")
            ip = body.get("endUserIp")
            try:
                ipaddress.ip_address(str(ip))
            except ValueError as exc:
                raise SimError("invalidParameters", "Invalid endUserIp.") from exc
            requirement = body.get("requirement") or {}
            if not isinstance(requirement, dict):
                raise SimError("invalidParameters", "Invalid requirement.")
            pnr = requirement.get("personalNumber")
            if pnr is not None and (
                not isinstance(pnr, str) or len(pnr) != 12 or not pnr.isdigit()
            ):
                raise SimError("invalidParameters", "Invalid personalNumber.")
            if "userVisibleData" in body:
                try:
                    base64.b64decode(str(body["userVisibleData"]), validate=True)
                except ValueError as exc:
                    raise SimError("invalidParameters", "Invalid userVisibleData.") from exc
            if pnr:
                for other in list(self._orders.values()):
                    self._refresh(other)
                    if other.status == "pending" and other.personal_number == pnr:
                        # BankID aborts both: the new request and the order already in progress.
                        other.status, other.hint_code, other.finished_at = (
                            "failed",
                            "cancelled",
                            self.clock.now(),
                        )
                        raise SimError("alreadyInProgress", "Order already in progress for pno")
            order = SimOrder(
                order_ref=str(uuid.uuid4()),
                auto_start_token=str(uuid.uuid4()),
                qr_start_token=str(uuid.uuid4()),
                qr_start_secret=str(uuid.uuid4()),
                created_at=self.clock.now(),
                end_user_ip=str(ip),
                personal_number=pnr,
            )
            self._orders[order.order_ref] = order
            return {
                "orderRef": order.order_ref,
                "autoStartToken": order.auto_start_token,
                "qrStartToken": order.qr_start_token,
                "qrStartSecret": order.qr_start_secret,
            }

    def collect(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._injected("collect")
            order = self._get(body.get("orderRef"))
            answer: dict[str, Any] = {"orderRef": order.order_ref, "status": order.status}
            if order.status != "complete":
                answer["hintCode"] = order.hint_code
            else:
                answer["completionData"] = order.completion_data
            return answer

    def cancel(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._injected("cancel")
            order = self._get(body.get("orderRef"))
            # The RP cancelled it: the order is gone.
            del self._orders[order.order_ref]
            return {}

    # --- driving it (tests and the demo page) ------------------------------------------------

    def _pending(self, order_ref: str) -> SimOrder:
        order = self._get(order_ref)
        if order.status != "pending":
            raise SimError("invalidParameters", f"The order is {order.status}.")
        return order

    def _name(self, pnr: str) -> str:
        return dict(self.people()).get(pnr, "Test Testsson")

    def complete(self, order_ref: str, personal_number: str, name: str | None = None) -> None:
        if len(personal_number) != 12 or not personal_number.isdigit():
            raise SimError("invalidParameters", "A personal number has 12 digits.")
        with self._lock:
            order = self._pending(order_ref)
            full = name or self._name(personal_number)
            given, _, surname = full.partition(" ")
            now = self.clock.now()
            order.status, order.finished_at = "complete", now
            order.hint_code = ""
            order.completion_data = {
                "user": {
                    "personalNumber": personal_number,
                    "name": full,
                    "givenName": given,
                    "surname": surname,
                },
                "device": {
                    "ipAddress": order.end_user_ip,
                    "uhi": base64.b64encode(secrets.token_bytes(12)).decode(),
                },
                "bankIdIssueDate": (now - timedelta(days=400)).date().isoformat(),
                "stepUp": {"mrtd": False},
                "signature": base64.b64encode(
                    f"<simulated-signature orderRef='{order.order_ref}'/>".encode()
                ).decode(),
                "ocspResponse": base64.b64encode(b"simulated-ocsp-response").decode(),
            }

    def fail(self, order_ref: str, hint_code: str) -> None:
        with self._lock:
            order = self._pending(order_ref)
            order.status, order.hint_code, order.finished_at = "failed", hint_code, self.clock.now()

    def set_hint(self, order_ref: str, hint_code: str) -> None:
        with self._lock:
            self._pending(order_ref).hint_code = hint_code

    def expire(self, order_ref: str) -> None:
        with self._lock:
            order = self._pending(order_ref)
            order.created_at = self.clock.now() - ORDER_TTL
            self._refresh(order)

    def scan(self, content: str) -> str:
        """The app reads QR content: checks it like BankID does and opens the order (userSign)."""
        parsed = parse_qr(content)
        if parsed is None:
            raise SimError("invalidParameters", "This is not a BankID QR code.")
        token, seconds, code = parsed
        with self._lock:
            for order in list(self._orders.values()):
                self._refresh(order)
                if order.qr_start_token != token:
                    continue
                if order.status != "pending":
                    raise SimError("invalidParameters", f"The order is {order.status}.")
                if not hmac.compare_digest(qr_auth_code(order.qr_start_secret, seconds), code):
                    raise SimError("invalidParameters", "The QR code is not valid.")
                elapsed = (self.clock.now() - order.created_at).total_seconds()
                if abs(elapsed - seconds) > QR_TOLERANCE_SECONDS:
                    raise SimError("invalidParameters", "The QR code is too old.")
                order.hint_code = "userSign"
                return order.order_ref
        raise SimError("invalidParameters", "No such order")

    def open_autostart(self, auto_start_token: str) -> str:
        with self._lock:
            for order in self._orders.values():
                self._refresh(order)
                if order.auto_start_token == auto_start_token and order.status == "pending":
                    order.hint_code = "userSign"
                    return order.order_ref
        raise SimError("invalidParameters", "No such order")

    def inject_error(self, error_code: str, endpoint: str | None = None) -> None:
        with self._lock:
            self._next_errors.append((endpoint, error_code))

    def pending_orders(self) -> list[SimOrder]:
        with self._lock:
            for order in self._orders.values():
                self._refresh(order)
            return sorted(
                (o for o in self._orders.values() if o.status == "pending"),
                key=lambda o: o.created_at,
            )


# --- the HTTP app ------------------------------------------------------------------------------


def create_simulator_app(clock: Clock, people: PeopleProvider | None = None) -> FastAPI:
    sim = BankIdSimulator(clock, people)
    app = FastAPI(
        title="BankID simulator (Skolhub)", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.simulator = sim

    @app.exception_handler(SimError)
    async def _sim_error(_request: Request, exc: SimError) -> JSONResponse:
        return _error(exc.error_code, exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "notFound", 405: "methodNotAllowed"}.get(exc.status_code, "invalidParameters")
        return _error(code, str(exc.detail))

    async def _json(request: Request) -> dict[str, Any]:
        if (
            request.headers.get("content-type", "").split(";")[0].strip().lower()
            != "application/json"
        ):
            raise SimError("unsupportedMediaType", "Content-Type must be application/json.")
        try:
            body = await request.json()
        except ValueError as exc:
            raise SimError("invalidParameters", "The body is not JSON.") from exc
        if not isinstance(body, dict):
            raise SimError("invalidParameters", "The body must be a JSON object.")
        return body

    @app.post("/rp/v6.0/auth")
    async def rp_auth(request: Request) -> dict[str, Any]:
        return sim.auth(await _json(request))

    @app.post("/rp/v6.0/collect")
    async def rp_collect(request: Request) -> dict[str, Any]:
        return sim.collect(await _json(request))

    @app.post("/rp/v6.0/cancel")
    async def rp_cancel(request: Request) -> dict[str, Any]:
        return sim.cancel(await _json(request))

    # Test and demo controls (not part of BankID's API).
    @app.get("/sim/orders")
    def sim_orders() -> list[dict[str, Any]]:
        return [
            {
                "orderRef": o.order_ref,
                "personalNumber": o.personal_number,
                "hintCode": o.hint_code,
                "createdAt": o.created_at.isoformat(),
            }
            for o in sim.pending_orders()
        ]

    @app.post("/sim/scan")
    async def sim_scan(request: Request) -> dict[str, str]:
        return {"orderRef": sim.scan(str((await _json(request)).get("qr", "")))}

    @app.post("/sim/autostart")
    async def sim_autostart(request: Request) -> dict[str, str]:
        return {
            "orderRef": sim.open_autostart(str((await _json(request)).get("autoStartToken", "")))
        }

    @app.post("/sim/orders/{order_ref}/complete")
    async def sim_complete(order_ref: str, request: Request) -> dict[str, str]:
        body = await _json(request)
        sim.complete(order_ref, str(body.get("personalNumber", "")), body.get("name"))
        return {"status": "complete"}

    @app.post("/sim/orders/{order_ref}/user-cancel")
    def sim_user_cancel(order_ref: str) -> dict[str, str]:
        sim.fail(order_ref, "userCancel")
        return {"status": "failed"}

    @app.post("/sim/orders/{order_ref}/fail")
    async def sim_fail(order_ref: str, request: Request) -> dict[str, str]:
        sim.fail(order_ref, str((await _json(request)).get("hintCode", "")) or "startFailed")
        return {"status": "failed"}

    @app.post("/sim/orders/{order_ref}/hint")
    async def sim_hint(order_ref: str, request: Request) -> dict[str, str]:
        sim.set_hint(order_ref, str((await _json(request)).get("hintCode", "")))
        return {"status": "pending"}

    @app.post("/sim/orders/{order_ref}/expire")
    def sim_expire(order_ref: str) -> dict[str, str]:
        sim.expire(order_ref)
        return {"status": "failed"}

    @app.post("/sim/next-error")
    async def sim_next_error(request: Request) -> dict[str, str]:
        body = await _json(request)
        sim.inject_error(str(body.get("errorCode", "internalError")), body.get("endpoint"))
        return {"status": "armed"}

    # "The BankID app" for a person in the demo.
    @app.get("/", response_class=HTMLResponse)
    def app_page(request: Request, note: str = "") -> HTMLResponse:
        return HTMLResponse(_page(request.scope.get("root_path", ""), sim, note))

    @app.post("/app/action")
    async def app_action(request: Request) -> Response:
        form = await request.form()
        base = request.scope.get("root_path", "")
        ref, action = str(form.get("order_ref", "")), str(form.get("action", ""))
        pnr = "".join(
            ch
            for ch in str(form.get("typed_personnummer") or form.get("personnummer") or "")
            if ch.isdigit()
        )
        try:
            if action == "identify":
                sim.complete(ref, pnr)
                note = "Identifieringen är klar."
            else:
                sim.fail(ref, "userCancel")
                note = "Du avbröt."
        except SimError as exc:
            note = exc.details
        return RedirectResponse(f"{base}/?note={_q(note)}", status_code=303)

    @app.post("/app/scan")
    async def app_scan(request: Request) -> Response:
        form = await request.form()
        base = request.scope.get("root_path", "")
        try:
            sim.scan(str(form.get("qr", "")))
            note = "QR-koden är läst. Välj person och Identifiera."
        except SimError as exc:
            note = exc.details
        return RedirectResponse(f"{base}/?note={_q(note)}", status_code=303)

    return app


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value)


def _page(base: str, sim: BankIdSimulator, note: str) -> str:
    esc = html.escape
    people = sim.people()
    rows = []
    now = sim.clock.now()
    for order in sim.pending_orders():
        options = "".join(
            f'<option value="{esc(p)}"{" selected" if p == order.personal_number else ""}>{esc(n)} ({esc(p[:8])}-{esc(p[8:])})</option>'
            for p, n in people
        )
        waiting = int((now - order.created_at).total_seconds())
        who = (
            f"för {esc(order.personal_number[:8])}-****"
            if order.personal_number
            else "vem som helst"
        )
        rows.append(
            f'<li><form method="post" action="{esc(base)}/app/action">'
            f'<input type="hidden" name="order_ref" value="{esc(order.order_ref)}">'
            f"<b>Skolhub vill att du identifierar dig</b> ({who}, {waiting} s, {esc(order.hint_code)})<br>"
            f'<select name="personnummer">{options}</select> eller personnummer '
            f'<input name="typed_personnummer" placeholder="ÅÅÅÅMMDDNNNN" size="14"> '
            f'<button name="action" value="identify">Identifiera</button> '
            f'<button name="action" value="cancel">Avbryt</button></form></li>'
        )
    listing = "\n".join(rows) or "<li>Inga väntande beställningar.</li>"
    return f"""<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>BankID (simulator)</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto}} li{{margin:1rem 0}} .note{{background:#eef;padding:.5rem}}</style>
</head><body>
<h1>BankID-appen <small>(simulator för Skolhubs demo)</small></h1>
{f'<p class="note">{esc(note)}</p>' if note else ""}
<h2>Väntande identifieringar</h2>
<ul>{listing}</ul>
<h2>Läs av QR-kod</h2>
<form method="post" action="{esc(base)}/app/scan">
<input name="qr" size="60" placeholder="bankid.…"> <button>Läs av</button></form>
<p>Alla personer och personnummer i demon är påhittade.</p>
</body></html>"""


def people_from_database(factory: Any) -> PeopleProvider:
    """The demo people the simulator page offers: guardians and students with a personnummer."""

    def load() -> list[tuple[str, str]]:
        from sqlalchemy import select

        from server.accounts.models import User, UserKind

        with factory() as db:
            rows = db.execute(
                select(User.personnummer, User.first_name, User.last_name, User.username)
                .where(
                    User.personnummer.is_not(None),
                    User.kind.in_([UserKind.GUARDIAN.value, UserKind.STUDENT.value]),
                )
                .order_by(User.username.is_(None), User.last_name, User.first_name)
                .limit(300)
            ).all()
        return [(pnr, f"{first} {last}") for pnr, first, last, _username in rows]

    return load
