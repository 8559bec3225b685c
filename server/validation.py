"""Shared validators for contact details: email syntax and mobile numbers in E.164."""

from __future__ import annotations

from datetime import time
from typing import Annotated

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, WithJsonSchema

from server.domain_errors import bad_request


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


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a school time is a local time (Europe/Stockholm), written without an offset, e.g. 08:15")
    return value


# A wall-clock time of the school day (Europe/Stockholm), e.g. "08:15" or "08:15:00". Documented
# as a string pattern, not `format: time` (RFC 3339 full-time, which requires a UTC offset).
LocalTime = Annotated[
    time,
    AfterValidator(_local_time),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
         "description": "Local time of day in Europe/Stockholm, without offset", "examples": ["08:15"]}
    ),
]
