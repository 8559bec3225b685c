"""The bell's feed (R8, R45, R51): list, unseen counts per child, mark seen, mark read."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from server.access import CurrentPrincipal
from server.deps import ClockDep, DbDep
from server.http_cache import cached_json
from server.me.service import push as push_preferences
from server.notifications import service
from server.notifications.models import Notification

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    id: int
    pupil_id: int | None
    area: str
    type: str
    title: str
    link: str
    created_at: datetime
    seen: bool
    read: bool
    # Whether the user wants a device push for this item's area (R14); the app's sync loop asks.
    push: bool = True


class FeedOut(BaseModel):
    items: list[NotificationOut]
    next_before_id: int | None


class CountsOut(BaseModel):
    total: int
    by_pupil: dict[str, int]


class SeenIn(BaseModel):
    pupil_id: int | None = None
    ids: list[int] | None = None


class MarkedOut(BaseModel):
    marked: int


def notification_out(n: Notification, language: str | None, push: dict[str, bool] | None = None) -> NotificationOut:
    return NotificationOut(
        id=n.id, pupil_id=n.pupil_id, area=n.area, type=n.type, title=service.title_for(n, language), link=n.link, created_at=n.created_at,
        seen=n.seen_at is not None, read=n.read_at is not None, push=(push or {}).get(n.area, True),
    )


@router.get("/notifications", response_model=FeedOut, summary="The signed-in user's notifications, newest first (R8)")
def list_notifications(
    request: Request, principal: CurrentPrincipal, db: DbDep,
    pupil_id: int | None = None, before_id: int | None = None, limit: int = Query(30, ge=1, le=service.MAX_PAGE),
) -> Response:
    items, next_before = service.feed(db, principal.user, pupil_id=pupil_id, before_id=before_id, limit=limit)
    push = push_preferences(db, principal.user)
    return cached_json(request, FeedOut(items=[notification_out(n, principal.user.language, push) for n in items], next_before_id=next_before))


@router.get("/notifications/counts", response_model=CountsOut, summary="Unseen notifications, in total and per child (the bell, R8)")
def notification_counts(principal: CurrentPrincipal, db: DbDep) -> CountsOut:
    counts = service.unseen_counts(db, principal.user)
    return CountsOut(total=sum(counts.values()), by_pupil={str(k): v for k, v in counts.items() if k is not None})


@router.post("/notifications/seen", response_model=MarkedOut, summary="Mark notifications seen (all, a child's, or chosen ids)")
def mark_notifications_seen(body: SeenIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> MarkedOut:
    marked = service.mark_seen(db, clock, principal.user, pupil_id=body.pupil_id, ids=body.ids)
    return MarkedOut(marked=marked)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut, summary="Mark one notification read (and seen)")
def mark_notification_read(notification_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NotificationOut:
    item = service.mark_read(db, clock, principal.user, notification_id)
    return notification_out(item, principal.user.language, push_preferences(db, principal.user))
