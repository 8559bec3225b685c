"""The home page's boxes (R7): a registry each area adds its box to.

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
from server.school.models import Pupil

BoxProvider = Callable[[Session, User, Pupil, Clock], "int | None"]


@dataclass(frozen=True)
class BoxSpec:
    key: str  # "schedule", "absence", "talks", "leisure", "information", "calendar", "blog", "planning", "assessments", "documentation"
    order: int
    school_only: bool
    provider: BoxProvider


BOXES: dict[str, BoxSpec] = {}


def register_box(key: str, order: int, provider: BoxProvider, *, school_only: bool = False) -> None:
    BOXES[key] = BoxSpec(key=key, order=order, school_only=school_only, provider=provider)
