"""The home page's boxes (R7): the registry server/app.py fills from its AREAS list.

A provider answers, for a user and a selected child, whether its box shows and how many new
items it has: None hides the box (a rule says so, e.g. talks without published times, or a
student looking at leisure time); an int is the count of new items. Which boxes a unit uses at
all is the unit's own choice, stored as data (server/home/models.py, once it exists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import Clock
from server.notifications.service import area_count
from server.school.models import Pupil

BoxProvider = Callable[[Session, User, Pupil, Clock], "int | None"]


@dataclass(frozen=True)
class Box:
    """An area's box as server/app.py AREAS declares it."""

    order: int
    provider: BoxProvider
    school_only: bool = False


@dataclass(frozen=True)
class BoxSpec:
    key: str  # "schedule", "absence", "talks", "leisure", "information", "calendar", "blog", "planning", "assessments", "documentation"
    order: int
    school_only: bool
    provider: BoxProvider


BOXES: dict[str, BoxSpec] = {}


def register_box(key: str, box: Box | int, provider: BoxProvider | None = None, *, school_only: bool = False) -> None:
    """Called for every area in server/app.py AREAS (and by tests, with an order and a provider)."""
    if isinstance(box, Box):
        BOXES[key] = BoxSpec(key=key, order=box.order, school_only=box.school_only, provider=box.provider)
        return
    assert provider is not None
    BOXES[key] = BoxSpec(key=key, order=box, school_only=school_only, provider=provider)


def notification_count(area: str, *, unseen: bool = False) -> BoxProvider:
    """The count most boxes show: the child's unread notifications in `area`; with unseen=True
    (the BankID boxes) the unseen ones, so the number reveals nothing of the content. The one
    counting function is server.notifications.service.area_count."""

    def count(db: Session, user: User, pupil: Pupil, _clock: Clock) -> int:
        return area_count(db, user, pupil.id, area, unread=not unseen)

    return count
