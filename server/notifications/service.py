"""The bell (R8): a user's own feed, unseen counts per child, seen and read marks.

Every query is filtered by the signed-in user's id and by the children they may still see, so a
feed never shows another family's items (R2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Select, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from server.access import visible_pupil_ids
from server.accounts.models import User
from server.clock import Clock
from server.db import affected, for_writing, insert_ignoring_conflicts
from server.domain_errors import not_found
from server.notifications.models import Notification
from server.texts import dump_params, has, load_params, render

MAX_PAGE = 100


def _mine(user: User) -> Select[Notification]:
    return select(Notification).where(
        Notification.user_id == user.id,
        or_(Notification.pupil_id.is_(None), Notification.pupil_id.in_(visible_pupil_ids(user))),
    )


def feed(db: Session, user: User, *, pupil_id: int | None, before_id: int | None, limit: int) -> tuple[list[Notification], int | None]:
    query = _mine(user)
    if pupil_id is not None:
        query = query.where(Notification.pupil_id == pupil_id)
    if before_id is not None:
        # Keyset cursor on (created_at, id): newest first, also when items were back-dated.
        cursor = db.scalar(_mine(user).with_only_columns(Notification.created_at).where(Notification.id == before_id))
        if cursor is None:
            return [], None
        query = query.where(or_(Notification.created_at < cursor, and_(Notification.created_at == cursor, Notification.id < before_id)))
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(db.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def unseen_counts(db: Session, user: User) -> dict[int | None, int]:
    sub = _mine(user).where(Notification.seen_at.is_(None)).subquery()
    rows = db.execute(select(sub.c.pupil_id, func.count()).group_by(sub.c.pupil_id)).all()
    return {pupil_id: int(n) for pupil_id, n in rows}


def mark_seen(db: Session, clock: Clock, user: User, *, pupil_id: int | None, ids: list[int] | None) -> int:
    for_writing(db)
    visible = _mine(user).with_only_columns(Notification.id).where(Notification.seen_at.is_(None))
    if pupil_id is not None:
        visible = visible.where(Notification.pupil_id == pupil_id)
    if ids is not None:
        visible = visible.where(Notification.id.in_(ids))
    result = db.execute(
        update(Notification).where(Notification.id.in_(visible.scalar_subquery())).values(seen_at=clock.now()).execution_options(synchronize_session=False)
    )
    return affected(result)


def mark_read(db: Session, clock: Clock, user: User, notification_id: int) -> Notification:
    for_writing(db)
    item = db.scalar(_mine(user).where(Notification.id == notification_id))
    if item is None:
        raise not_found("notification")
    now = clock.now()
    item.read_at = item.read_at or now
    item.seen_at = item.seen_at or now
    db.flush()
    return item


def notify_users(
    db: Session, clock: Clock, user_ids: Iterable[int], *, pupil_id: int | None, area: str, type: str,
    params: Mapping[str, object] | None = None, item_key: str, link: str, text_key: str | None = None,
) -> int:
    """Notify named users (message recipients) — one multi-row INSERT, duplicates ignored.
    The title is the catalog text `text_key` (default "notice.<type>") with `params`."""
    now = clock.now()
    text_key = text_key or f"notice.{type}"
    title = render(text_key, params, "sv")[:300]
    text_params = dump_params(params)
    values = [
        {"user_id": uid, "pupil_id": pupil_id, "area": area, "type": type, "title": title, "text_key": text_key,
         "text_params": text_params, "link": link, "item_key": item_key, "created_at": now}
        for uid in dict.fromkeys(user_ids)
    ]
    if not values:
        return 0
    return insert_ignoring_conflicts(db, Notification, values, ["user_id", "pupil_id", "item_key"])


def title_for(n: Notification, language: str | None) -> str:
    """The notification's title in the reader's language (R80): its catalog text rendered now;
    the stored title for rows from before keys (or with a key since removed)."""
    if n.text_key and has(n.text_key):
        try:
            return render(n.text_key, load_params(n.text_params), language)[:300]
        except (KeyError, IndexError, ValueError):
            pass
    return n.title


_AREA_COUNTS = "notifications.area_counts"


def area_count(db: Session, user: User, pupil_id: int, area: str, *, unread: bool) -> int:
    """A home box's number: this user's notifications about this child in `area` that are
    unread (read_at empty) or, with unread=False, unseen (seen_at empty).

    Inside `counting_areas(...)` (the home page) every area's numbers come from one GROUP BY."""
    memo: dict[tuple[int, int], dict[str, tuple[int, int]]] | None = db.info.get(_AREA_COUNTS)
    if memo is not None and (user.id, pupil_id) in memo:
        unread_n, unseen_n = memo[(user.id, pupil_id)].get(area, (0, 0))
        return unread_n if unread else unseen_n
    column = Notification.read_at if unread else Notification.seen_at
    return int(
        db.scalar(
            select(func.count()).select_from(Notification).where(
                Notification.user_id == user.id, Notification.pupil_id == pupil_id, Notification.area == area, column.is_(None)
            )
        )
        or 0
    )


def child_unseen_total(db: Session, user: User, pupil_id: int) -> int:
    """The bell's number for one child (R8). Inside `counting_areas(...)` for that child it is
    the sum of the areas' unseen counts already read (the caller has checked the child is
    visible to the user, as the home page's require_pupil does); otherwise a query."""
    memo: dict[tuple[int, int], dict[str, tuple[int, int]]] | None = db.info.get(_AREA_COUNTS)
    if memo is not None and (user.id, pupil_id) in memo:
        return sum(unseen for _unread, unseen in memo[(user.id, pupil_id)].values())
    return unseen_counts(db, user).get(pupil_id, 0)


_AREA_COUNTS_QUERY = (  # built once: the home page runs it on every visit
    select(
        Notification.area,
        func.count().filter(Notification.read_at.is_(None)),
        func.count().filter(Notification.seen_at.is_(None)),
    )
    .where(Notification.user_id == bindparam("user_id"), Notification.pupil_id == bindparam("pupil_id"))
    .group_by(Notification.area)
)


@contextmanager
def counting_areas(db: Session, user: User, pupil_id: int) -> Iterator[None]:
    """Count every area's unread and unseen notifications for (user, child) in one query, for
    the boxes asked inside the block."""
    rows = db.execute(_AREA_COUNTS_QUERY, {"user_id": user.id, "pupil_id": pupil_id}).all()
    db.info[_AREA_COUNTS] = {(user.id, pupil_id): {area: (int(unread), int(unseen)) for area, unread, unseen in rows}}
    try:
        yield
    finally:
        db.info.pop(_AREA_COUNTS, None)


def mark_area_seen(db: Session, clock: Clock, user: User, pupil_id: int, area: str) -> None:
    """The user has looked at the child's `area` (a BankID box): its notifications are seen.
    Called from a GET, so it asks for the write lock first (server.db.for_writing)."""
    for_writing(db)
    db.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.pupil_id == pupil_id,
            Notification.area == area,
            Notification.seen_at.is_(None),
        )
        .values(seen_at=clock.now())
    )
