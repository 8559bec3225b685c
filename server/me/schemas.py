"""Request and response bodies of me/routes.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from server.accounts.schemas import PupilOut


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
