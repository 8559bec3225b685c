"""Contract: the app's leisure-time services (R70–R74) against the real server in-process.

The clock stands on Monday 2026-11-30 07:30 Stockholm (ISO week 49); the unit keeps the default
opening hours 06:30–18:00 on weekdays and locks the same day."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import select

from server.leisure.models import LeisureDay as LeisureRow
from server.school.models import StaffRole
from services.api import ApiError
from services.models import Home
from services.schoolday import DayTimes, SchoolDay, new_key, school_day_error, shift_week
from tests.app.conftest import SERVER_URL
from tests.app.test_app_absence import LosesAnswers
from tests.server.factories import PASSWORD

MONDAY, TUESDAY = date(2026, 11, 30), date(2026, 12, 1)


@pytest.fixture
async def fritids(state, make):
    school = make.school()
    child = make.pupil(school.group, first="Alva", in_fritids=True)
    make.guardian(child, username="karin.b", first="Karin", last="Berg")
    await state.login("karin.b", PASSWORD)
    return school, child


def stored(server, pupil_id: int) -> list[tuple[str, str]]:
    with server.state.sessionmaker() as db:
        return [(r.date.isoformat(), r.start.strftime("%H:%M"))
                for r in db.scalars(select(LeisureRow).where(LeisureRow.pupil_id == pupil_id).order_by(LeisureRow.date))]


async def test_a_day_with_a_comment_shows_in_the_week_today_is_locked_R71_R72_R73(state, fritids):
    _, child = fritids
    day = SchoolDay(state.api)
    await day.set_leisure_day(child.id, TUESDAY, DayTimes(start="07:15", end="15:30", comment="Morfar hämtar"))
    week = await day.leisure_week(child.id, "2026-W49")
    tuesday = week.day(TUESDAY)
    assert (tuesday.start, tuesday.end, tuesday.comment, tuesday.registered) == ("07:15", "15:30", "Morfar hämtar", True)
    assert tuesday.registered_by.name == "Karin Berg" and not tuesday.locked
    assert week.day(MONDAY).locked and week.locked_until == MONDAY
    assert week.day(date(2026, 12, 5)).closed.kind == "weekday_closed"
    assert (week.opening_on(1).opens, week.opening_on(1).closes) == ("06:30", "18:00") and week.opening_on(6) is None
    assert (await day.leisure_week(child.id, shift_week("2026-W49", 1))).week == "2026-W50"


async def test_refused_changes_come_with_the_servers_reason_and_save_nothing_R73(state, server, fritids):
    _, child = fritids
    day = SchoolDay(state.api)
    cases = [
        (MONDAY, "07:00", "16:00", "leisure_day_locked", "Den här dagen kan inte längre ändras"),
        (TUESDAY, "05:00", "16:00", "outside_opening_hours", "Tiderna måste ligga inom öppettiden 06:30–18:00."),
        (TUESDAY, "16:00", "08:00", "start_must_be_before_end", "Starttiden måste vara före sluttiden."),
        (date(2026, 12, 5), "08:00", "12:00", "unit_closed", "Enheten är stängd den dagen."),
    ]
    for on, start, end, code, swedish in cases:
        with pytest.raises(ApiError) as caught:
            await day.set_leisure_day(child.id, on, DayTimes(start=start, end=end))
        assert caught.value.code == code
        assert school_day_error(caught.value, state.i18n).startswith(swedish)
    state.i18n.set_language("en")
    assert school_day_error(caught.value, state.i18n) == "The unit is closed that day."
    # A week with one bad day is refused whole: nothing half-saved.
    with pytest.raises(ApiError) as caught:
        await day.register_leisure_weeks(child.id, "2026-W50", {1: DayTimes(start="07:00", end="16:00"),
                                                                 2: DayTimes(start="05:00", end="16:00")}, key=new_key())
    assert caught.value.code == "outside_opening_hours"
    assert stored(server, child.id) == []


async def test_a_week_repeated_every_2_weeks_for_6_weeks_fills_weeks_50_52_and_2027_w01_R74(state, fritids):
    _, child = fritids
    day = SchoolDay(state.api)
    pattern = {1: DayTimes(start="08:00", end="14:00"), 3: DayTimes(start="08:00", end="14:00", comment="Simning")}
    result = await day.register_leisure_weeks(child.id, "2026-W50", pattern, key=new_key(), every_weeks=2, count_weeks=6)
    assert [d.isoformat() for d in result.registered] == ["2026-12-07", "2026-12-09", "2026-12-21", "2026-12-23", "2027-01-04"]
    assert [d.isoformat() for d in result.skipped_closed] == ["2027-01-06"]  # Trettondedag jul
    plus_two = await day.leisure_week(child.id, "2026-W52")
    plus_one = await day.leisure_week(child.id, "2026-W51")
    assert plus_two.day(date(2026, 12, 21)).start == "08:00" and plus_two.day(date(2026, 12, 23)).comment == "Simning"
    assert not any(d.registered for d in plus_one.days)

    until = await day.register_leisure_weeks(child.id, "2027-W03", {5: DayTimes(start="07:00", end="13:00")},
                                             key=new_key(), every_weeks=1, until=date(2027, 1, 29))
    assert [d.isoformat() for d in until.registered] == ["2027-01-22", "2027-01-29"]


async def test_a_retried_week_registration_with_the_same_key_is_applied_once(state, server, fritids, transport):
    _, child = fritids
    day = SchoolDay(state.api)
    pattern = {2: DayTimes(start="07:00", end="15:00")}
    key = new_key()
    first = await day.register_leisure_weeks(child.id, "2026-W50", pattern, key=key, every_weeks=1, count_weeks=2)
    second = await day.register_leisure_weeks(child.id, "2026-W50", pattern, key=key, every_weeks=1, count_weeks=2)
    assert first == second and stored(server, child.id) == [("2026-12-08", "07:00"), ("2026-12-15", "07:00")]

    lossy = LosesAnswers(transport, lose=1)
    state.api._http._transport = lossy
    third = await day.register_leisure_weeks(child.id, "2026-W52", pattern, key=new_key())
    posts = [r for r in lossy.sent if r.method == "POST"]
    assert len(posts) == 2 and posts[0].headers["Idempotency-Key"] == posts[1].headers["Idempotency-Key"]
    assert [d.isoformat() for d in third.registered] == ["2026-12-22"] and len(stored(server, child.id)) == 3


async def test_the_staff_comment_shows_when_the_day_is_opened_R72(state, make, fritids, transport):
    school, child = fritids
    nora = make.staff(school.unit, StaffRole.FRITIDS, first="Nora", last="Falk")
    await SchoolDay(state.api).set_leisure_day(child.id, TUESDAY, DayTimes(start="07:00", end="16:00"))
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as client:
        response = await client.put(f"/api/v1/staff/leisure/{child.id}/days/{TUESDAY.isoformat()}/comment",
                                    json={"comment": "Vi går till skogen – varma kläder!"}, headers=make.headers(nora))
    assert response.status_code == 204, response.text
    tuesday = (await SchoolDay(state.api).leisure_week(child.id, "2026-W49")).day(TUESDAY)
    assert tuesday.staff_comment == "Vi går till skogen – varma kläder!" and tuesday.staff_comment_by.name == "Nora Falk"


async def test_a_students_session_cannot_register_and_has_no_leisure_box_R70(state, make, server):
    school = make.school()
    pupil = make.pupil(school.group, first="Elsa", in_fritids=True)
    make.student(pupil, username="elsa.n")
    await state.login("elsa.n", PASSWORD)
    day = SchoolDay(state.api)
    for call in (day.leisure_week(pupil.id, "2026-W49"),
                 day.set_leisure_day(pupil.id, TUESDAY, DayTimes(start="07:00", end="16:00")),
                 day.register_leisure_weeks(pupil.id, "2026-W50", {1: DayTimes(start="07:00", end="16:00")}, key=new_key())):
        with pytest.raises(ApiError) as caught:
            await call
        assert caught.value.status == 403 and caught.value.code == "students_cannot_register_leisure"
    assert stored(server, pupil.id) == []
    assert "leisure" not in {b.key for b in (await state.api.get_model(f"/children/{pupil.id}/home", Home)).boxes}
