"""HTTP for the BankID flow: start an order, poll its status every 2 s, cancel it (R5)."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from server.access import Principal, current_principal
from server.accounts.schemas import SessionOut, user_out
from server.bankid import service
from server.bankid.rp import RpClient
from server.bankid.schemas import OrderIn, OrderStartedOut, OrderStatusOut, RfaOut
from server.deps import NO_STORE, ClockDep, DbDep, SettingsDep, client_address

router = APIRouter(tags=["bankid"])
_rp_lock = threading.Lock()


def get_rp(request: Request) -> RpClient:
    """One RP client per app (its TLS context loads the RP certificate once)."""
    state = request.app.state
    rp = getattr(state, "bankid_rp", None)
    if rp is None:
        with _rp_lock:
            rp = getattr(state, "bankid_rp", None)
            if rp is None:
                rp = state.bankid_rp = RpClient.from_settings(state.settings)
    return rp


def optional_principal(
    request: Request, db: DbDep, clock: ClockDep
) -> Principal | None:
    if not request.headers.get("authorization"):
        return None
    return current_principal(request, db, clock)


RpDep = Annotated[RpClient, Depends(get_rp)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def _status_out(settings: SettingsDep, view: service.OrderView) -> OrderStatusOut:
    order = view.order
    session = None
    if view.issued is not None:
        session = SessionOut(
            token=view.issued.token,
            expires_at=view.issued.session.expires_at,
            user=user_out(view.issued.user),
        )
    return OrderStatusOut(
        order_id=order.public_id,
        purpose=order.purpose,
        status=order.status,  # type: ignore[arg-type]  # the column holds only these three
        hint_code=order.hint_code or None,  # type: ignore[arg-type]
        error_code=order.error_code,
        rfa=RfaOut(**view.rfa.as_dict()),
        qr=view.qr,
        poll_after_ms=int(settings.bankid_poll_seconds * 1000),
        verified_until=view.verified_until,
        session=session,
    )


@router.post(
    "/bankid/orders",
    response_model=OrderStartedOut,
    status_code=201,
    dependencies=NO_STORE,
    summary="Start a BankID identification: step-up for the protected boxes, or login (R5)",
)
def bankid_start_order(
    body: OrderIn,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    clock: ClockDep,
    rp: RpDep,
    principal: OptionalPrincipal,
) -> OrderStartedOut:
    view = service.start_order(
        db,
        settings,
        clock,
        rp,
        purpose=body.purpose,
        on_this_device=body.on_this_device,
        principal=principal,
        address=client_address(request),
    )
    return OrderStartedOut(
        order_id=view.order.public_id,
        auto_start_token=view.order.auto_start_token,
        qr=view.qr or "",
        poll_after_ms=int(settings.bankid_poll_seconds * 1000),
        rfa=RfaOut(**view.rfa.as_dict()),
    )


@router.get(
    "/bankid/orders/{order_id}",
    response_model=OrderStatusOut,
    dependencies=NO_STORE,
    summary="Poll a BankID order every 2 s: status, the recommended message (RFA) and the current QR content",
)
def bankid_order_status(
    order_id: str,
    db: DbDep,
    settings: SettingsDep,
    clock: ClockDep,
    rp: RpDep,
    principal: OptionalPrincipal,
) -> OrderStatusOut:
    return _status_out(settings, service.poll_order(db, settings, clock, rp, order_id, principal))


@router.post(
    "/bankid/orders/{order_id}/cancel",
    response_model=OrderStatusOut,
    summary="Cancel a BankID order",
)
def bankid_cancel_order(
    order_id: str,
    db: DbDep,
    settings: SettingsDep,
    clock: ClockDep,
    rp: RpDep,
    principal: OptionalPrincipal,
) -> OrderStatusOut:
    return _status_out(settings, service.cancel_order(db, clock, rp, order_id, principal))
