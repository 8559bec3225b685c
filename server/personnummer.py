"""Swedish personal identity numbers: validation and a canonical 12-digit form.

Accepts YYMMDD-NNNN, YYMMDD+NNNN (100 years or older), YYYYMMDDNNNN and YYYYMMDD-NNNN.
Coordination numbers (samordningsnummer, day + 60) are allowed.
"""

from __future__ import annotations

import re
from datetime import date

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


class InvalidPersonnummer(ValueError):
    pass


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def normalize(value: str, today: date | None = None) -> str:
    """Return the 12-digit form YYYYMMDDNNNC or raise InvalidPersonnummer."""
    raw = value.strip().replace(" ", "")
    m = _PATTERN.match(raw)
    if not m:
        raise InvalidPersonnummer("A personnummer has 10 or 12 digits, e.g. 20150312-1236.")
    century, yy, mm, dd, sep, serial, check = m.groups()
    today = today or date.today()
    if century is None:
        year = 2000 + int(yy)
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
    else:
        year = int(century + yy)
    day = int(dd)
    if day > 60:
        day -= 60  # coordination number
    try:
        date(year, int(mm), day)
    except ValueError as exc:
        raise InvalidPersonnummer("The date part of the personnummer is not a real date.") from exc
    if luhn_check_digit(f"{yy}{mm}{dd}{serial}") != int(check):
        raise InvalidPersonnummer("The personnummer's check digit is wrong.")
    return f"{year:04d}{mm}{dd}{serial}{check}"


def is_valid(value: str) -> bool:
    try:
        normalize(value)
    except InvalidPersonnummer:
        return False
    return True


def with_check_digit(yyyymmdd: str, serial: str) -> str:
    """Build a valid 12-digit number from a date and a three-digit serial (test data)."""
    return f"{yyyymmdd}{serial}{luhn_check_digit(yyyymmdd[2:] + serial)}"


def masked(pnr: str) -> str:
    """For logs and SMS-safe display: never the whole number."""
    return f"{pnr[:8]}-****" if len(pnr) == 12 else "****"
