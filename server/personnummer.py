"""Swedish personal identity numbers: validation and a canonical 12-digit form.

Accepts YYMMDD-NNNN, YYMMDD+NNNN (100 years or older), YYYYMMDDNNNN and YYYYMMDD-NNNN.
Coordination numbers (samordningsnummer, day + 60) are allowed.

The check digit is python-stdnum's Luhn. The century of a 10-digit number is decided here
from the whole date against the clock's today (both python-stdnum and `personnummer` compare
only the year, which puts someone born 1926-12-31 into 2026 on 2026-11-30): with "-" the
person is born on or before today, the latest such year; with "+" (Folkbokföringslagen §18:
the year they turn 100 and later) the birth year is at least 100 years back.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum import luhn

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


class InvalidPersonnummer(ValueError):
    pass


def luhn_check_digit(nine_digits: str) -> int:
    return int(luhn.calc_check_digit(nine_digits))


def _century_year(yy: int, month: int, day: int, plus: bool, today: date) -> int:
    if plus:
        latest = today.year - 100
        return latest - (latest - yy) % 100
    year = today.year - (today.year - yy) % 100
    try:
        born_later_this_century = date(year, month, day) > today
    except ValueError:  # 29 February in a year that has none: the century before decides
        born_later_this_century = False
    return year - 100 if born_later_this_century else year


def normalize(value: str, today: date) -> str:
    """Return the 12-digit form YYYYMMDDNNNC or raise InvalidPersonnummer; `today` is the
    clock's local date (server.clock.local_today), which decides a 10-digit number's century."""
    raw = value.strip().replace(" ", "")
    m = _PATTERN.match(raw)
    if not m:
        raise InvalidPersonnummer("A personnummer has 10 or 12 digits, e.g. 20150312-1236.")
    century, yy, mm, dd, sep, serial, check = m.groups()
    day = int(dd)
    if day > 60:
        day -= 60  # coordination number
    year = int(century + yy) if century is not None else _century_year(int(yy), int(mm), day, sep == "+", today)
    try:
        date(year, int(mm), day)
    except ValueError as exc:
        raise InvalidPersonnummer("The date part of the personnummer is not a real date.") from exc
    if not luhn.is_valid(f"{yy}{mm}{dd}{serial}{check}"):
        raise InvalidPersonnummer("The personnummer's check digit is wrong.")
    return f"{year:04d}{mm}{dd}{serial}{check}"


def is_valid(value: str, today: date) -> bool:
    try:
        normalize(value, today)
    except InvalidPersonnummer:
        return False
    return True


def with_check_digit(yyyymmdd: str, serial: str) -> str:
    """Build a valid 12-digit number from a date and a three-digit serial (test data)."""
    return f"{yyyymmdd}{serial}{luhn_check_digit(yyyymmdd[2:] + serial)}"


def masked(pnr: str) -> str:
    """For logs and SMS-safe display: never the whole number."""
    return f"{pnr[:8]}-****" if len(pnr) == 12 else "****"
