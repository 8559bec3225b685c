from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from server.accounts.models import User
from server.school.models import Pupil


class LoginIn(BaseModel):
    username: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class UserOut(BaseModel):
    id: int
    kind: str
    username: str | None
    first_name: str
    last_name: str
    language: str


class SessionOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class ActivationInfo(BaseModel):
    first_name: str
    last_name: str
    expires_at: datetime


class ActivateIn(BaseModel):
    username: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class ChangeUsernameIn(BaseModel):
    new_username: str = Field(max_length=254)
    current_password: str = Field(max_length=1024)


class ChangePasswordIn(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class ChangePasswordOut(BaseModel):
    other_sessions_revoked: int


class ResetRequestIn(BaseModel):
    identifier: str = Field(max_length=254, description="Username or email address")


class ResetLinkInfo(BaseModel):
    """What the app shows before the new password is chosen: until when the link works and the
    server's rules for a password."""

    expires_at: datetime
    min_password_length: int
    max_password_length: int


class ResetIn(BaseModel):
    new_password: str = Field(max_length=1024)


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"


class NewGuardianIn(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    personnummer: str = Field(max_length=20)
    email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    language: Literal["sv", "en"] = "sv"
    pupil_ids: list[int] = Field(min_length=1, max_length=20)


class GuardianCreatedOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    pupil_ids: list[int]
    activation_sent: bool


class PupilOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    unit_id: int
    unit_name: str
    unit_kind: str
    group_id: int | None
    group_name: str | None
    in_fritids: bool


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, kind=user.kind, username=user.username, first_name=user.first_name, last_name=user.last_name, language=user.language)


def pupil_out(pupil: Pupil) -> PupilOut:
    """The unit and group come from pupil.unit and pupil.group: loaded with the pupil where the
    caller asked for them (GET /me does), otherwise looked up."""
    unit = pupil.unit
    group = pupil.group if pupil.group_id else None
    return PupilOut(
        id=pupil.id, first_name=pupil.first_name, last_name=pupil.last_name, unit_id=unit.id, unit_name=unit.name,
        unit_kind=unit.kind, group_id=group.id if group else None, group_name=group.name if group else None, in_fritids=pupil.in_fritids,
    )
