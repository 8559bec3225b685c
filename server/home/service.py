"""The home page for a selected child (R7, R1, R13, R30, R70): which boxes show, with counts.

Order of decisions, each independent of the box's own provider:
1. the unit has not switched the box off (unit_module rows; no row = on);
2. the box is registered (server/home/boxes.py BOXES);
3. the generic rules: the contact list never shows (R13); school-only boxes only for school
   pupils; absence, talks and leisure time never for students (R1, issue 10); leisure time only for children in
   fritids or preschool (R70);
4. the provider's own rule (None hides, e.g. talks without published times, R30).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock
from server.home import boxes as registry
from server.home.models import UnitModule
from server.notifications.service import child_unseen_total, counting_areas
from server.school.models import Pupil, Unit, UnitKind

# Every box a unit can switch on or off, in the guide's order.
KNOWN_BOXES = (
    "schedule", "absence", "talks", "leisure", "information", "calendar", "blog", "planning",
    "assessments", "documentation", "contact_list",
)
SCHOOL_ONLY = frozenset({"schedule", "assessments", "planning", "documentation"})
NEVER_SHOWN = frozenset({"contact_list"})  # R13
# R1, R30, R70; and absence (issue 10): a student cannot report it, so the box that is there to
# report it is not shown (the history still opens from an invalid-absence notification, R45).
NOT_FOR_STUDENTS = frozenset({"absence", "talks", "leisure"})


@dataclass(frozen=True)
class HomeBox:
    key: str
    count: int


_DISABLED = select(UnitModule.box_key).where(UnitModule.unit_id == bindparam("unit_id"), UnitModule.enabled.is_(False))


def disabled_boxes(db: Session, unit_id: int) -> set[str]:
    return set(db.scalars(_DISABLED, {"unit_id": unit_id}))


def generic_rules_allow(key: str, school_only: bool, user: User, pupil: Pupil, unit: Unit) -> bool:
    if key in NEVER_SHOWN:
        return False
    if (school_only or key in SCHOOL_ONLY) and unit.kind != UnitKind.SCHOOL:
        return False
    if user.kind == UserKind.STUDENT and key in NOT_FOR_STUDENTS:
        return False
    if key == "leisure" and not (pupil.in_fritids or unit.kind == UnitKind.PRESCHOOL):
        return False
    return True


def home_boxes(db: Session, user: User, pupil: Pupil, clock: Clock) -> list[HomeBox]:
    return home_page(db, user, pupil, clock)[0]


def home_page(db: Session, user: User, pupil: Pupil, clock: Clock) -> tuple[list[HomeBox], int]:
    """The boxes shown for the child, and the bell's unseen number for the child (R8), from one
    GROUP BY over the child's notifications. The caller has checked the child (require_pupil)."""
    unit = db.get(Unit, pupil.unit_id)
    assert unit is not None
    off = disabled_boxes(db, unit.id)
    boxes: list[HomeBox] = []
    with counting_areas(db, user, pupil.id):
        for spec in sorted(registry.BOXES.values(), key=lambda s: (s.order, s.key)):
            if spec.key in off or not generic_rules_allow(spec.key, spec.school_only, user, pupil, unit):
                continue
            count = spec.provider(db, user, pupil, clock)
            if count is None:
                continue
            boxes.append(HomeBox(spec.key, int(count)))
        unseen = child_unseen_total(db, user, pupil.id)
    return boxes, unseen


def unit_modules(db: Session, unit_id: int) -> dict[str, bool]:
    off = disabled_boxes(db, unit_id)
    keys = list(KNOWN_BOXES) + sorted(k for k in registry.BOXES if k not in KNOWN_BOXES)
    return {key: key not in off for key in keys}


def set_unit_modules(db: Session, unit_id: int, choices: dict[str, bool]) -> None:
    """Store the unit's switches (an upsert per key; the unit of work commits)."""
    for key, enabled in choices.items():
        row = db.get(UnitModule, (unit_id, key))
        if row is None:
            db.add(UnitModule(unit_id=unit_id, box_key=key, enabled=enabled))
        else:
            row.enabled = enabled
    db.flush()


def default_modules(unit: Unit) -> dict[str, bool]:
    """Sensible defaults for a new unit: a preschool does not use the school-only boxes."""
    return {key: not (unit.kind != UnitKind.SCHOOL and key in SCHOOL_ONLY) and key not in NEVER_SHOWN for key in KNOWN_BOXES}
