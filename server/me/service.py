"""Settings (R11–R14): personal details, language, contact-list privacy, push per area.

The address and the name come from the population register (`skolhub import-addresses`): they
are shown, never edited here, because the nightly transfer would overwrite them (R11).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.domain_errors import Invalid, bad_request
from server.me.models import PUSH_AREAS, PrivacyChoice, PushPreference
from server.validation import clean_email, clean_mobile

LANGUAGES = ("sv", "en")
PRIVACY_KEYS = ("show_email", "show_phone", "show_child")
READ_ONLY = {
    "address": ("address_read_only", "The address comes from the population register and cannot be changed here (R11)."),
    "address_source": ("address_read_only", "The address comes from the population register and cannot be changed here (R11)."),
    "first_name": ("name_read_only", "The name comes from the population register and cannot be changed here."),
    "last_name": ("name_read_only", "The name comes from the population register and cannot be changed here."),
    "name": ("name_read_only", "The name comes from the population register and cannot be changed here."),
}


@dataclass
class Address:
    care_of: str | None
    street: str | None
    street2: str | None
    postcode: str | None
    city: str | None


def own_address(user: User) -> Address | None:
    """The user's register address — only ever for the user themself (protected identity too)."""
    if not any((user.address_street, user.address_street2, user.address_postcode, user.address_city, user.address_care_of)):
        return None
    return Address(user.address_care_of, user.address_street, user.address_street2, user.address_postcode, user.address_city)


def privacy(db: Session, user: User) -> dict[str, bool]:
    row = db.get(PrivacyChoice, user.id)
    return {key: bool(getattr(row, key)) if row else False for key in PRIVACY_KEYS}


def push(db: Session, user: User) -> dict[str, bool]:
    off = set(db.scalars(select(PushPreference.area).where(PushPreference.user_id == user.id, PushPreference.enabled.is_(False))))
    return {area: area not in off for area in PUSH_AREAS}


def _refuse_read_only(body: dict[str, Any], prefix: str = "") -> None:
    for key, (code, message) in READ_ONLY.items():
        if key in body:
            raise Invalid(code, message, fields=[{"field": prefix + key, "code": code, "message": message}])


def _bools(value: Any, keys: tuple[str, ...], field: str) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise bad_request("invalid_settings", f"{field} must be an object.", field)
    for key, flag in value.items():
        if key not in keys:
            raise bad_request("unknown_setting", f"There is no setting {field}.{key}.", f"{field}.{key}")
        if not isinstance(flag, bool):
            raise bad_request("invalid_settings", f"{field}.{key} must be true or false.", f"{field}.{key}")
    return dict(value)


def update_settings(db: Session, user: User, body: dict[str, Any]) -> None:
    """Apply a PATCH body; everything is validated before anything is written."""
    _refuse_read_only(body)
    changes = dict(body)
    personal = changes.pop("personal", None)
    if personal is not None:
        if not isinstance(personal, dict):
            raise bad_request("invalid_settings", "personal must be an object.", "personal")
        _refuse_read_only(personal, "personal.")
        for key in personal:
            if key not in ("email", "phone"):
                raise bad_request("unknown_setting", f"There is no setting personal.{key}.", f"personal.{key}")
        changes = {**personal, **changes}
    unknown = set(changes) - {"email", "phone", "language", "privacy", "push"}
    if unknown:
        key = sorted(unknown)[0]
        raise bad_request("unknown_setting", f"There is no setting {key}.", key)

    new: dict[str, Any] = {}
    # A form sends every field; a field the user did not touch (the value stored now) passes as
    # it is, so an address accepted earlier never blocks saving another field.
    for key in ("email", "phone"):
        if key in changes and isinstance(changes[key], str) and getattr(user, key) is not None and changes[key].strip() == getattr(user, key):
            del changes[key]
    if "email" in changes:
        email = changes["email"]
        if not isinstance(email, str) or not email.strip():
            raise bad_request("invalid_email", "That is not a valid email address.", "email")
        new["email"] = clean_email(email)
    if "phone" in changes:
        phone = changes["phone"]
        if phone is None or (isinstance(phone, str) and not phone.strip()):
            new["phone"] = None
        elif isinstance(phone, str):
            new["phone"] = clean_mobile(phone)
        else:
            raise bad_request("invalid_phone", "That is not a valid phone number.", "phone")
    if "language" in changes:
        if changes["language"] not in LANGUAGES:
            raise bad_request("invalid_language", "Choose sv or en.", "language")
        new["language"] = changes["language"]
    privacy_changes = _bools(changes["privacy"], PRIVACY_KEYS, "privacy") if "privacy" in changes else {}
    push_changes = _bools(changes["push"], PUSH_AREAS, "push") if "push" in changes else {}

    for key, value in new.items():
        setattr(user, key, value)
    if privacy_changes:
        row = db.get(PrivacyChoice, user.id)
        if row is None:
            row = PrivacyChoice(user_id=user.id, show_email=False, show_phone=False, show_child=False)
            db.add(row)
        for key, flag in privacy_changes.items():
            setattr(row, key, flag)
    for area, flag in push_changes.items():
        pref = db.get(PushPreference, (user.id, area))
        if pref is None:
            db.add(PushPreference(user_id=user.id, area=area, enabled=flag))
        else:
            pref.enabled = flag
    db.flush()
