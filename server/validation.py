"""Shared validators for contact details: email syntax and mobile numbers in E.164."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from server.errors import bad_request


def clean_email(value: str, field: str = "email") -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as exc:
        raise bad_request("invalid_email", "That is not a valid email address.", field) from exc


def clean_mobile(value: str, field: str = "phone") -> str:
    """Swedish (07x…) or international (+…) mobile numbers, normalised to E.164."""
    try:
        number = phonenumbers.parse(value.strip(), "SE")
    except phonenumbers.NumberParseException as exc:
        raise bad_request("invalid_phone", "That is not a valid phone number.", field) from exc
    if not phonenumbers.is_valid_number(number):
        raise bad_request("invalid_phone", "That is not a valid phone number.", field)
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise bad_request("not_a_mobile_number", "Give a mobile number, so text messages can reach you.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
