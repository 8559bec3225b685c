"""A small world for the content areas (information, calendar, blog, planning): a school with
two classes, a preschool, and another school whose content must stay out of sight."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from server.accounts.models import User
from server.notifications.models import Notification
from server.school.models import Group, Pupil, StaffRole, Unit, UnitKind
from tests.server.factories import Factory

API = "/api/v1"

# A real (tiny) PDF, and a 1×1 PNG.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000005"
    "0001e226059b0000000049454e44ae426082"
)


@dataclass
class ContentWorld:
    school: Unit
    class_4a: Group
    class_5b: Group
    pupil: Pupil  # in 4A
    classmate: Pupil  # in 4A
    other_class_pupil: Pupil  # in 5B
    guardian: User  # of pupil
    second_guardian: User  # of pupil (shared custody)
    classmate_guardian: User
    other_class_guardian: User
    student: User  # pupil's own login
    teacher: User  # mentor of 4A
    fritids: User  # fritids staff at the school
    preschool: Unit
    preschool_group: Group
    preschool_child: Pupil
    preschool_guardian: User
    preschool_teacher: User
    other_school: Unit
    other_group: Group
    other_pupil: Pupil
    other_guardian: User
    other_teacher: User


def build(make: Factory) -> ContentWorld:
    school = make.unit("Ekskolan")
    class_4a, class_5b = make.group(school, "4A"), make.group(school, "5B")
    pupil = make.pupil(class_4a, "Alva")
    classmate = make.pupil(class_4a, "Nils")
    other_class_pupil = make.pupil(class_5b, "Saga")
    preschool = make.unit("Förskolan Humlan", UnitKind.PRESCHOOL, has_fritids=False)
    preschool_group = make.group(preschool, "Blåklockan")
    preschool_child = make.pupil(preschool_group, "Olle", born="20220101")
    other_school = make.unit("Björkskolan")
    other_group = make.group(other_school, "4A")
    other_pupil = make.pupil(other_group, "Ebba")
    return ContentWorld(
        school=school, class_4a=class_4a, class_5b=class_5b, pupil=pupil, classmate=classmate, other_class_pupil=other_class_pupil,
        guardian=make.guardian(pupil, first="Anna"), second_guardian=make.guardian(pupil, first="Johan"),
        classmate_guardian=make.guardian(classmate), other_class_guardian=make.guardian(other_class_pupil),
        student=make.student(pupil), teacher=make.staff(school, StaffRole.MENTOR, class_4a, first="Karl", last="Sund"),
        fritids=make.staff(school, StaffRole.FRITIDS), preschool=preschool, preschool_group=preschool_group,
        preschool_child=preschool_child, preschool_guardian=make.guardian(preschool_child, first="Lena"),
        preschool_teacher=make.staff(preschool, StaffRole.PRESCHOOL_TEACHER, preschool_group, first="Ida"),
        other_school=other_school, other_group=other_group, other_pupil=other_pupil, other_guardian=make.guardian(other_pupil),
        other_teacher=make.staff(other_school, StaffRole.MENTOR, other_group),
    )


def notifications(db: Any, *, area: str, item_key: str | None = None) -> list[tuple[int, int | None, str]]:
    """(user_id, pupil_id, link) of the notifications in an area, fresh from the database."""
    db.expire_all()
    query = select(Notification.user_id, Notification.pupil_id, Notification.link).where(Notification.area == area)
    if item_key is not None:
        query = query.where(Notification.item_key == item_key)
    return sorted((u, p, link) for u, p, link in db.execute(query))


def unread(db: Any, user: User, pupil: Pupil, area: str) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.pupil_id == pupil.id, Notification.area == area, Notification.read_at.is_(None)
    )) or 0)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)
