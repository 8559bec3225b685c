from datetime import date

import pytest

from server.personnummer import InvalidPersonnummer, is_valid, masked, normalize, with_check_digit

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("19811218-9876", "198112189876"),
        ("811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("20150312-1236", "201503121236"),
        ("121212+1212", "191212121212"),  # '+' marks 100 years or older
        ("701063-2391", "197010632391"),  # coordination number: day + 60
    ],
)
def test_valid_personnummer_normalise_to_twelve_digits(given, canonical):
    from datetime import date

    assert normalize(given, date(2026, 11, 29)) == canonical


@pytest.mark.parametrize("bad", ["19811218-9875", "811318-9876", "abc", "1981121898", "19810230-1234", ""])
def test_invalid_personnummer_are_refused(bad):
    with pytest.raises(InvalidPersonnummer):
        normalize(bad, TODAY)
    assert not is_valid(bad, TODAY)


def test_generated_test_numbers_are_valid_and_masked_in_logs():
    pnr = with_check_digit("20160101", "981")
    assert is_valid(pnr, TODAY)
    assert masked(pnr) == "20160101-****"


def _ten(yymmdd: str, serial: str, sep: str = "-") -> str:
    twelve = with_check_digit("19" + yymmdd, serial)
    return f"{yymmdd}{sep}{serial}{twelve[-1]}"


@pytest.mark.parametrize(
    ("given", "today", "born"),
    [
        # Issue 13: on 2026-11-30 someone born 31 December '26 can only be 1926 (2026-12-31 is to come).
        (_ten("261231", "123"), date(2026, 11, 30), "19261231"),
        (_ten("261130", "123"), date(2026, 11, 30), "20261130"),  # born today
        (_ten("261201", "123"), date(2026, 11, 30), "19261201"),  # tomorrow's date: a century ago
        (_ten("261231", "123"), date(2027, 1, 1), "20261231"),  # a day after: a baby of last year
        (_ten("270101", "123"), date(2026, 12, 31), "19270101"),
        (_ten("000229", "123"), date(2026, 11, 30), "20000229"),  # a leap day in a century year
        # "+": the year they turn 100 and after
        (_ten("261231", "123", "+"), date(2026, 11, 30), "19261231"),
        (_ten("270101", "123", "+"), date(2026, 11, 30), "18270101"),
        (_ten("121212", "121", "+"), date(2026, 11, 30), "19121212"),
    ],
)
def test_a_ten_digit_number_takes_its_century_from_the_whole_date_of_the_clock(given, today, born):
    assert normalize(given, today)[:8] == born


@pytest.mark.parametrize(
    ("given", "today", "born"),
    [
        # Samordningsnummer: day + 60; the century is decided on the real day.
        (_ten("261291", "234"), date(2026, 11, 30), "19261291"),  # 31 December -> 1926
        (_ten("261190", "234"), date(2026, 11, 30), "20261190"),  # 30 November (today) -> 2026
        (_ten("701063", "239"), date(2026, 11, 30), "19701063"),
    ],
)
def test_samordningsnummer_at_the_century_boundary(given, today, born):
    assert normalize(given, today)[:8] == born


@pytest.mark.parametrize("yymmdd", ["261292", "260230", "260290", "250229", "250289"])
def test_impossible_dates_are_refused_also_as_samordningsnummer(yymmdd):
    assert not is_valid(_ten(yymmdd, "234"), TODAY)  # (the check digit is right)


def test_the_api_reads_the_century_from_the_servers_clock(client, make, clock):
    """The server's clock, not the machine's date: on 2026-11-30 a 10-digit '…1231' is 1926."""
    from server.school.models import StaffRole

    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    body = {"first_name": "Gun", "last_name": "Ek", "personnummer": _ten("261231", "123"), "email": "gun@example.test", "pupil_ids": [child.id]}
    answer = client.post("/api/v1/staff/guardians", json=body, headers=make.headers(admin))
    assert answer.status_code == 201, answer.text
    from sqlalchemy import select

    from server.accounts.models import User

    with make.sessionmaker() as db:
        assert db.scalar(select(User.personnummer).where(User.id == answer.json()["id"]))[:8] == "19261231"
