"""R10: the signed-in user and their children (or, for a student, themself)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from server.access import CurrentPrincipal, visible_pupil_ids
from server.accounts.models import UserKind
from server.accounts.routes import pupil_out
from server.accounts.schemas import PupilOut
from server.deps import DbDep
from server.school.models import Pupil

router = APIRouter(tags=["me"])


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


@router.get("/me", response_model=MeOut, summary="The signed-in user and their children (R10)")
def get_me(principal: CurrentPrincipal, db: DbDep) -> MeOut:
    user = principal.user
    children: list[PupilOut] = []
    if user.kind in (UserKind.GUARDIAN, UserKind.STUDENT):
        pupils = db.scalars(select(Pupil).where(Pupil.id.in_(visible_pupil_ids(user))).order_by(Pupil.first_name, Pupil.id))
        children = [pupil_out(db, p) for p in pupils]
    return MeOut(
        id=user.id, kind=user.kind, username=user.username, first_name=user.first_name, last_name=user.last_name,
        email=user.email, phone=user.phone, language=user.language, children=children,
    )
