"""SMS delivery reports from the gateway (46elks `whendelivered`): idempotent, and an unknown id
is answered 200 too, since gateways retry on errors. Phone numbers are never logged."""

from __future__ import annotations

import base64
import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel
from sqlalchemy import select

from server.deps import DbDep, SettingsDep
from server.errors import ApiError
from server.outbox.models import Channel, OutboxMessage

log = logging.getLogger("skolhub.outbox")
router = APIRouter(tags=["sms"])

# A later report never moves a message back to an earlier state (reports may arrive out of order).
RANK = {"sent": 1, "delivered": 2, "failed": 2}


class DeliveryReportAck(BaseModel):
    status: str  # "updated" | "unchanged" | "ignored"


def gateway_credentials(request: Request, settings: SettingsDep) -> None:
    """HTTP basic auth with the configured report credentials; refused when none are configured."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    given_user = given_secret = ""
    if scheme.lower() == "basic":
        try:
            given_user, _, given_secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            pass
    expected = f"{settings.sms_report_username}:{settings.sms_report_secret}".encode()
    if not settings.sms_report_secret or not hmac.compare_digest(f"{given_user}:{given_secret}".encode(), expected):
        raise ApiError(401, "not_authenticated", "Delivery reports need the gateway's credentials.", headers={"WWW-Authenticate": 'Basic realm="sms"'})


@router.post(
    "/sms/delivery-reports",
    dependencies=[Depends(gateway_credentials)],
    response_model=DeliveryReportAck,
    summary="Delivery report from the SMS gateway (46elks style)",
)
def sms_delivery_report(
    db: DbDep,
    id: Annotated[str, Form(max_length=100)],
    status: Annotated[str, Form(max_length=30)],
    delivered: Annotated[str | None, Form(max_length=40)] = None,
) -> DeliveryReportAck:
    message = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.provider_id == id, OutboxMessage.channel == Channel.SMS.value)
        .with_for_update()
    )
    if message is None:
        log.info("sms delivery report for an unknown gateway id ignored")
        return DeliveryReportAck(status="ignored")
    current = message.delivery_status
    if current == status or RANK.get(status, 0) < RANK.get(current or "", 0):
        return DeliveryReportAck(status="unchanged")
    message.delivery_status = status
    log.info("sms delivery report: outbox %s is %s", message.id, status)
    return DeliveryReportAck(status="updated")
