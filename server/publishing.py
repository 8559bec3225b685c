"""What information, calendar, blog and planning share: who may publish where, who may read a
unit's or group's content, and the notification bookkeeping around publishing.

Readers are guardians and students through a child (`visible_pupil_ids`) and staff of the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.orm import Session

from server.access import require_staff_of_unit, staff_unit_ids, visible_pupil_ids
from server.accounts.models import User, UserKind
from server.clock import Clock
from server.db import for_writing
from server.domain_errors import forbidden, not_found
from server.notifications.models import Notification
from server.school.models import Group, Pupil, PupilGroup, StaffAssignment, StaffRole, Unit

# Who may publish what (R2 for staff: only at their own units, and by role).
GROUP_PUBLISHERS = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.PRESCHOOL_TEACHER, StaffRole.FRITIDS, StaffRole.ADMINISTRATOR}
UNIT_PUBLISHERS = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.PRESCHOOL_TEACHER, StaffRole.ADMINISTRATOR}
PLANNERS = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.ADMINISTRATOR}


T = TypeVar("T")


def groups_of_pupil(pupil_id: int) -> Select[int]:
    return select(PupilGroup.group_id).where(PupilGroup.pupil_id == pupil_id)


def require_unit_publisher(db: Session, user: User, unit_id: int, roles: set[StaffRole] = UNIT_PUBLISHERS) -> Unit:
    unit = db.get(Unit, unit_id)
    if unit is None:
        raise not_found("unit")
    require_staff_of_unit(db, user, unit.id, roles)
    return unit


def require_group_publisher(db: Session, user: User, group_id: int, roles: set[StaffRole] = GROUP_PUBLISHERS) -> Group:
    group = db.get(Group, group_id)
    if group is None:
        raise not_found("group")
    require_staff_of_unit(db, user, group.unit_id, roles)
    return group


def may_read_unit(db: Session, user: User, unit_id: int) -> bool:
    """Staff of the unit, or a guardian/student with a child at it."""
    if user.kind == UserKind.STAFF:
        return unit_id in staff_unit_ids(db, user)
    return bool(db.scalar(select(exists().where(Pupil.unit_id == unit_id, Pupil.id.in_(visible_pupil_ids(user))))))


def may_read_group(db: Session, user: User, group_id: int, unit_id: int) -> bool:
    """Staff of the group's unit, or a guardian/student with a child in the group."""
    if user.kind == UserKind.STAFF:
        return unit_id in staff_unit_ids(db, user)
    return bool(
        db.scalar(select(exists().where(PupilGroup.group_id == group_id, PupilGroup.pupil_id.in_(visible_pupil_ids(user)))))
    )


def require_editor(db: Session, user: User, item: Any, roles: set[StaffRole]) -> None:
    """Who may edit, unpublish or republish a published item (README, "Who may change what"):
    staff of the item's unit holding a role that may publish it; and when the only such role
    they hold there is fritids, only what they published themselves — fritids staff write to
    their groups about fritids matters, not over the school's teachers and administrators."""
    require_unit_publisher(db, user, item.unit_id, roles)
    held = set(db.scalars(select(StaffAssignment.role).where(StaffAssignment.user_id == user.id, StaffAssignment.unit_id == item.unit_id)))
    if not held & {r.value for r in roles - {StaffRole.FRITIDS}} and item.author_id != user.id:
        raise forbidden("not_your_item", "Fritids staff can change only what they published themselves.")


def staff_item(db: Session, user: User, model: type[T], item_id: int, what: str, roles: set[StaffRole]) -> T:
    """A staff-published item (news, file, link, blog post, plan) for a staff member of its unit
    who may edit it (require_editor); 404 when it does not exist or is not theirs."""
    item = db.get(model, item_id)
    if item is None:
        raise not_found(what)
    require_editor(db, user, item, roles)
    return item


def edit_title_and_body(db: Session, clock: Clock, item: Any, title: str | None, body: str | None) -> None:
    """Staff edit of a news item or blog post: the given fields are checked and set."""
    if title is not None:
        item.title = check_text(title, "title", 200)
    if body is not None:
        item.body = check_text(body, "body", 20000)
    item.updated_at = clock.now()
    db.flush()


def set_published(db: Session, clock: Clock, item: Any, published: bool, item_key: str, announce: Callable[[], object]) -> None:
    """Publish or unpublish a staff item (news, file, link, calendar entry, blog post, plan).
    Re-publishing announces it again; unpublishing withdraws its notifications so no
    count points at something that can no longer be read."""
    if published and item.unpublished_at is not None:
        item.unpublished_at = None
        item.published_at = clock.now()
        db.flush()
        announce()
    elif not published and item.unpublished_at is None:
        item.unpublished_at = clock.now()
        withdraw_notifications(db, item_key)
    db.flush()


def withdraw_notifications(db: Session, item_key: str) -> None:
    """An unpublished item's notifications go too, so no bell or box counts what cannot be read."""
    db.execute(delete(Notification).where(Notification.item_key == item_key))


def mark_item_read(db: Session, clock: Clock, user: User, pupil_id: int, item_key: str) -> None:
    for_writing(db)
    now = clock.now()
    db.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.pupil_id == pupil_id, Notification.item_key == item_key, Notification.read_at.is_(None))
        .values(read_at=now, seen_at=func.coalesce(Notification.seen_at, now))
    )


def mark_area_read(db: Session, clock: Clock, user: User, pupil_id: int, area: str, type_: str | None = None) -> None:
    """A screen that shows an area's items as a list (files, links, absences, talk times) has
    shown them: their notifications become read and seen, so the box and the bell go down
    together (issue 16). A GET does this, so it first turns its read session into a writing one."""
    for_writing(db)
    now = clock.now()
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.pupil_id == pupil_id, Notification.area == area, Notification.read_at.is_(None)
    )
    if type_ is not None:
        query = query.where(Notification.type == type_)
    db.execute(query.values(read_at=now, seen_at=func.coalesce(Notification.seen_at, now)))


def author_names(db: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {u.id: u.name for u in db.scalars(select(User).where(User.id.in_(wanted)))}


def check_text(value: str, field: str, max_length: int) -> str:
    from server.domain_errors import bad_request

    cleaned = value.strip()
    if not cleaned:
        raise bad_request("required", f"{field} must not be empty.", field)
    if len(cleaned) > max_length:
        raise bad_request("too_long", f"{field} is longer than {max_length} characters.", field)
    return cleaned


# --- demo seed helpers ---------------------------------------------------------------------------

def demo_clock(clock: Clock, days_ago: int, hour: int = 8, minute: int = 0) -> Clock:
    """A clock standing `days_ago` days back at a local time, for backdated demo content
    (never later than the real now)."""
    from datetime import datetime, time, timedelta

    from server.clock import SCHOOL_TZ, FixedClock, local_today

    at = datetime.combine(local_today(clock) - timedelta(days=days_ago), time(hour, minute), tzinfo=SCHOOL_TZ)
    return FixedClock(min(at, clock.now() - timedelta(minutes=5)))


def demo_upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from server.storage.service import Upload

    return Upload.of_bytes(name, data)


def mark_demo_history_read(db: Session, clock: Clock, area: str, older_than_days: int = 5) -> None:
    """Demo realism: what was published a while ago has been read; recent items stay new."""
    from datetime import timedelta

    cutoff = clock.now() - timedelta(days=older_than_days)
    db.execute(
        update(Notification)
        .where(Notification.area == area, Notification.created_at < cutoff, Notification.read_at.is_(None))
        .values(read_at=clock.now(), seen_at=clock.now())
    )
