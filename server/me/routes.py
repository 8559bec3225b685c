"""R10: the signed-in user and their children (or, for a student, themself); R11–R14 settings."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from server.access import CurrentPrincipal, visible_pupil_ids
from server.accounts.models import User, UserKind
from server.accounts.schemas import PupilOut, pupil_out
from server.deps import DbDep
from server.me import service
from server.me.schemas import (
    AddressOut,
    MeOut,
    PersonalOut,
    PrivacyOut,
    PushOut,
    SettingsOut,
    SettingsPatchIn,
    StaffUnitOut,
)
from server.school.models import Pupil, StaffAssignment, Unit

router = APIRouter(tags=["me"])


@router.get("/me", response_model=MeOut, summary="The signed-in user and their children (R10)")
def get_me(principal: CurrentPrincipal, db: DbDep) -> MeOut:
    user = principal.user
    children: list[PupilOut] = []
    units: list[StaffUnitOut] = []
    if user.kind in (UserKind.GUARDIAN, UserKind.STUDENT):
        pupils = db.scalars(
            select(Pupil).join(Pupil.unit).outerjoin(Pupil.group).options(contains_eager(Pupil.unit), contains_eager(Pupil.group))
            .where(Pupil.id.in_(visible_pupil_ids(user))).order_by(Pupil.first_name, Pupil.id)
        )
        children = [pupil_out(p) for p in pupils]
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
