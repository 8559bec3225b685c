"""Creating notifications for everyone a publication concerns, as one INSERT … SELECT.

A publication for a group or unit reaches every guardian of every pupil in it, and every
student account of those pupils. The database computes the recipients; Python never loops
over them, so publishing to a 1,000-pupil school stays one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, String, and_, cast, exists, insert, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from server.accounts.models import User, UserKind
from server.clock import Clock
from server.db import affected
from server.notifications.models import Notification
from server.school.models import Guardianship, Pupil, PupilGroup
from server.texts import dump_params, render


def pupils_of_groups(group_ids: Iterable[int]) -> Select[int]:
    return select(PupilGroup.pupil_id).where(PupilGroup.group_id.in_(list(group_ids)))


def pupils_of_units(unit_ids: Iterable[int]) -> Select[int]:
    return select(Pupil.id).where(Pupil.unit_id.in_(list(unit_ids)))


def pupils_by_id(pupil_ids: Iterable[int]) -> Select[int]:
    return select(Pupil.id).where(Pupil.id.in_(list(pupil_ids)))


def notify(
    db: Session,
    clock: Clock,
    pupils: Select[int],
    *,
    area: str,
    type: str,
    params: Mapping[str, object] | None = None,
    item_key: str,
    link: str,
    text_key: str | None = None,
    include_students: bool = True,
    include_guardians: bool = True,
) -> int:
    """Notify guardians (and students) of the selected pupils; returns rows created.

    The title is the catalog text `text_key` (default "notice.<type>", server/texts.py) with
    `params`, stored as key and parameters and rendered in each reader's language by the feed.
    `link` may contain "{pupil_id}", filled per recipient row in SQL. An item already
    notified to a user for a child is not notified again (unique index + NOT EXISTS)."""
    text_key = text_key or f"notice.{type}"
    title = render(text_key, params, "sv")[:300]  # KeyError for a key not in the catalog
    text_params = dump_params(params)
    pupil_subq = pupils.subquery()
    branches: list[Select[Any, Any]] = []
    if include_guardians:
        branches.append(
            select(Guardianship.guardian_id.label("user_id"), Guardianship.pupil_id.label("pupil_id"))
            .join(pupil_subq, pupil_subq.c[0] == Guardianship.pupil_id)
        )
    if include_students:
        branches.append(
            select(User.id.label("user_id"), User.pupil_id.label("pupil_id"))
            .join(pupil_subq, pupil_subq.c[0] == User.pupil_id)
            .where(User.kind == UserKind.STUDENT.value, User.is_active.is_(True))
        )
    if not branches:
        return 0
    recipients = (union_all(*branches) if len(branches) > 1 else branches[0]).subquery()
    existing = aliased(Notification)
    prefix, _, suffix = link.partition("{pupil_id}")
    link_expr = (
        literal(prefix) + cast(recipients.c.pupil_id, String) + literal(suffix)
        if "{pupil_id}" in link
        else literal(link)
    )
    rows = select(
        recipients.c.user_id,
        recipients.c.pupil_id,
        literal(area),
        literal(type),
        literal(title),
        literal(text_key),
        literal(text_params),
        link_expr,
        literal(item_key),
        literal(clock.now(), type_=Notification.__table__.c.created_at.type),
    ).distinct().where(
        ~exists().where(
            and_(
                existing.user_id == recipients.c.user_id,
                existing.pupil_id == recipients.c.pupil_id,
                existing.item_key == item_key,
            )
        )
    )
    result = db.execute(
        insert(Notification).from_select(
            ["user_id", "pupil_id", "area", "type", "title", "text_key", "text_params", "link", "item_key", "created_at"], rows
        ),
        # SQLAlchemy reports an INSERT … SELECT's rowcount on PostgreSQL only when asked.
        execution_options={"preserve_rowcount": True},
    )
    return affected(result)
