"""Creating the school's world (used by staff operations, the demo seed and test factories)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock, local_today
from server.domain_errors import bad_request, conflict
from server.personnummer import InvalidPersonnummer, normalize
from server.school.models import (
    Group,
    GroupKind,
    Guardianship,
    Organisation,
    Pupil,
    PupilGroup,
    StaffAssignment,
    StaffRole,
    Unit,
    UnitKind,
)


def valid_personnummer(value: str, clock: Clock, field: str = "personnummer") -> str:
    try:
        return normalize(value, local_today(clock))
    except InvalidPersonnummer as exc:
        raise bad_request("invalid_personnummer", str(exc), field) from exc


def add_organisation(db: Session, name: str) -> Organisation:
    org = Organisation(name=name)
    db.add(org)
    db.flush()
    return org


def add_unit(db: Session, org: Organisation, name: str, kind: UnitKind, has_fritids: bool = False) -> Unit:
    unit = Unit(organisation_id=org.id, name=name, kind=kind.value, has_fritids=has_fritids)
    db.add(unit)
    db.flush()
    return unit


def add_group(db: Session, unit: Unit, name: str, kind: GroupKind | None = None) -> Group:
    if kind is None:
        kind = GroupKind.PRESCHOOL if unit.kind == UnitKind.PRESCHOOL else GroupKind.CLASS
    group = Group(unit_id=unit.id, name=name, kind=kind.value)
    db.add(group)
    db.flush()
    return group


def add_pupil(
    db: Session, clock: Clock, group: Group, first_name: str, last_name: str, personnummer: str, in_fritids: bool = False
) -> Pupil:
    pnr = valid_personnummer(personnummer, clock)
    if db.scalar(select(Pupil.id).where(Pupil.personnummer == pnr)) is not None:
        raise conflict("pupil_exists", "A pupil with this personnummer already exists.")
    pupil = Pupil(
        personnummer=pnr, first_name=first_name, last_name=last_name, unit_id=group.unit_id, group_id=group.id,
        in_fritids=in_fritids, created_at=clock.now(),
    )
    db.add(pupil)
    db.flush()
    db.add(PupilGroup(pupil_id=pupil.id, group_id=group.id))
    db.flush()
    return pupil


def add_pupil_to_group(db: Session, pupil: Pupil, group: Group) -> None:
    db.add(PupilGroup(pupil_id=pupil.id, group_id=group.id))
    db.flush()


def add_user(
    db: Session,
    clock: Clock,
    kind: UserKind,
    first_name: str,
    last_name: str,
    *,
    personnummer: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str = "sv",
    pupil: Pupil | None = None,
) -> User:
    pnr = valid_personnummer(personnummer, clock) if personnummer else None
    if pnr and db.scalar(select(User.id).where(User.personnummer == pnr)) is not None:
        raise conflict("account_exists", "An account with this personnummer already exists.")
    user = User(
        kind=kind.value, first_name=first_name, last_name=last_name, personnummer=pnr, email=email, phone=phone,
        language=language, pupil_id=pupil.id if pupil else None, is_active=True, created_at=clock.now(),
    )
    db.add(user)
    db.flush()
    return user


def link_guardian(db: Session, guardian: User, pupil: Pupil) -> None:
    if guardian.kind != UserKind.GUARDIAN:
        raise bad_request("not_a_guardian", "Only guardian accounts can be linked to children.")
    db.add(Guardianship(guardian_id=guardian.id, pupil_id=pupil.id))
    db.flush()


def assign_staff(
    db: Session, user: User, unit: Unit, role: StaffRole, group: Group | None = None, subject: str | None = None
) -> StaffAssignment:
    assignment = StaffAssignment(
        user_id=user.id, unit_id=unit.id, group_id=group.id if group else None, role=role.value, subject=subject
    )
    db.add(assignment)
    db.flush()
    return assignment
