"""Staff view of a pupil's register details: addresses, except protected identities (R11)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from server.access import Action, CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.deps import DbDep
from server.school.models import Guardianship, Pupil

router = APIRouter(tags=["staff"])


class RegisterAddressOut(BaseModel):
    care_of: str | None
    street: str | None
    street2: str | None
    postcode: str | None
    city: str | None


class ContactPersonOut(BaseModel):
    id: int
    name: str
    email: str | None = None
    phone: str | None = None
    # None when the register has no address, or when the person has a protected identity.
    address: RegisterAddressOut | None
    protected_identity: bool


class PupilContactsOut(BaseModel):
    pupil: ContactPersonOut
    guardians: list[ContactPersonOut]


def register_address(person: User | Pupil) -> RegisterAddressOut | None:
    """A register address for someone else's eyes: never for a protected identity."""
    if person.protected_identity or not any((person.address_street, person.address_street2, person.address_postcode, person.address_city)):
        return None
    return RegisterAddressOut(
        care_of=person.address_care_of, street=person.address_street, street2=person.address_street2,
        postcode=person.address_postcode, city=person.address_city,
    )


@router.get("/staff/pupils/{pupil_id}/contacts", response_model=PupilContactsOut, summary="A pupil's and their guardians' contact details (protected identities without address)")
def get_pupil_contacts(pupil_id: int, principal: CurrentPrincipal, db: DbDep) -> PupilContactsOut:
    require_staff(principal.user)
    pupil = require_pupil(db, principal.user, pupil_id, Action.STAFF_WRITE)
    guardians = db.scalars(
        select(User).join(Guardianship, Guardianship.guardian_id == User.id).where(Guardianship.pupil_id == pupil.id).order_by(User.last_name, User.first_name, User.id)
    )
    return PupilContactsOut(
        pupil=ContactPersonOut(id=pupil.id, name=pupil.name, address=register_address(pupil), protected_identity=pupil.protected_identity),
        guardians=[
            ContactPersonOut(id=g.id, name=g.name, email=g.email, phone=g.phone, address=register_address(g), protected_identity=g.protected_identity)
            for g in guardians
        ],
    )
