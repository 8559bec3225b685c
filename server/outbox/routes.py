"""SMS delivery reports from the gateway (46elks `whendelivered`): idempotent, and an unknown id
is answered 200 too, since gateways retry on errors. Phone numbers are never logged."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel
from sqlalchemy import select

from server.deps import DbDep
from server.outbox.models import Channel, OutboxMessage

log = logging.getLogger("skolhub.outbox")
router = APIRouter(tags=["sms"])

# A later report never moves a message back to an earlier state (reports may arrive out of order).
RANK = {"sent": 1, "delivered": 2, "failed": 2}


class DeliveryReportAck(BaseModel):
    status: str  # "updated" | "unchanged" | "ignored"


@router.post(
    "/sms/delivery-reports",
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
    db.commit()
    log.info("sms delivery report: outbox %s is %s", message.id, status)
    return DeliveryReportAck(status="updated")
