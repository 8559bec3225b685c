"""R10: the signed-in user and their children (or, for a student, themself); R11–R14 settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from server.access import CurrentPrincipal, visible_pupil_ids
from server.accounts.models import User, UserKind
from server.accounts.schemas import PupilOut, pupil_out
from server.deps import DbDep
from server.me import service
from server.school.models import Pupil, StaffAssignment, Unit

router = APIRouter(tags=["me"])


class StaffUnitOut(BaseModel):
    id: int
    name: str
    kind: str
    roles: list[str]


class MeOut(BaseModel):
    id: int
    kind: str
    username: str | None
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    language: str
    children: list[PupilOut]
    # For staff: the units they work at and their roles there.
    units: list[StaffUnitOut] = []


@router.get("/me", response_model=MeOut, summary="The signed-in user and their children (R10)")
def get_me(principal: CurrentPrincipal, db: DbDep) -> MeOut:
    user = principal.user
    children: list[PupilOut] = []
    units: list[StaffUnitOut] = []
    if user.kind in (UserKind.GUARDIAN, UserKind.STUDENT):
        pupils = db.scalars(select(Pupil).where(Pupil.id.in_(visible_pupil_ids(user))).order_by(Pupil.first_name, Pupil.id))
        children = [pupil_out(db, p) for p in pupils]
    elif user.kind == UserKind.STAFF:
        rows = db.execute(
            select(Unit.id, Unit.name, Unit.kind, StaffAssignment.role)
            .join(StaffAssignment, StaffAssignment.unit_id == Unit.id)
            .where(StaffAssignment.user_id == user.id)
            .order_by(Unit.name, Unit.id)
        ).all()
        by_unit: dict[int, StaffUnitOut] = {}
        for unit_id, name, kind, role in rows:
            entry = by_unit.setdefault(unit_id, StaffUnitOut(id=unit_id, name=name, kind=kind, roles=[]))
            if role not in entry.roles:
                entry.roles.append(role)
        units = list(by_unit.values())
    return MeOut(
        id=user.id, kind=user.kind, username=user.username, first_name=user.first_name, last_name=user.last_name,
        email=user.email, phone=user.phone, language=user.language, children=children, units=units,
    )


class AddressOut(BaseModel):
    care_of: str | None
    street: str | None
    street2: str | None
    postcode: str | None
    city: str | None


class PersonalOut(BaseModel):
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    address: AddressOut | None
    address_source: str = "population_register"


class PrivacyOut(BaseModel):
    show_email: bool
    show_phone: bool
    show_child: bool


class PushOut(BaseModel):
    messages: bool
    information: bool
    calendar: bool
    absence: bool
    blog: bool
    talks: bool
    assessments: bool
    documentation: bool
    planning: bool
    leisure: bool


class SettingsOut(BaseModel):
    personal: PersonalOut
    language: str
    privacy: PrivacyOut
    push: PushOut


class SettingsPatchIn(BaseModel):
    """Any of these; the address and the name are read-only (422 address_read_only / name_read_only)."""

    model_config = ConfigDict(extra="allow")

    email: str | None = None
    phone: str | None = None
    language: str | None = None
    privacy: dict[str, Any] | None = None
    push: dict[str, Any] | None = None


def settings_out(db: DbDep, user: User) -> SettingsOut:
    address = service.own_address(user)
    return SettingsOut(
        personal=PersonalOut(
            first_name=user.first_name, last_name=user.last_name, email=user.email, phone=user.phone,
            address=AddressOut(**address.__dict__) if address else None,
        ),
        language=user.language,
        privacy=PrivacyOut(**service.privacy(db, user)),
        push=PushOut(**service.push(db, user)),
    )


@router.get("/me/settings", response_model=SettingsOut, summary="Personal information, language, privacy and push settings (R11–R14)")
def get_my_settings(principal: CurrentPrincipal, db: DbDep) -> SettingsOut:
    return settings_out(db, principal.user)


@router.patch("/me/settings", response_model=SettingsOut, summary="Change email, phone, language, privacy or push settings (R11–R14)")
def patch_my_settings(body: SettingsPatchIn, principal: CurrentPrincipal, db: DbDep) -> SettingsOut:
    user = db.get(User, principal.user.id)
    assert user is not None
    service.update_settings(db, user, body.model_dump(exclude_unset=True))
    return settings_out(db, user)
