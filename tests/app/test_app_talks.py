"""Contract: the app's development-talk services (R30–R34) against the real server in-process.

The clock stands on Monday 2026-11-30 07:30 Stockholm; the times are on Tuesday."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from server.school.models import StaffRole
from server.talks.models import TalkBooking
from services.api import ApiError
from services.models import Home
from services.schoolday import SchoolDay, message_route, new_key, school_day_error
from tests.app.conftest import SERVER_URL
from tests.app.test_app_absence import LosesAnswers
from tests.server.factories import PASSWORD

TUESDAY = "2026-12-01"


async def publish(transport, make, staff, group_ids, times) -> dict:
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as client:
        response = await client.post("/api/v1/staff/talks/series",
                                     json={"title": "Utvecklingssamtal HT", "group_ids": group_ids, "times": times},
                                     headers=make.headers(staff))
    assert response.status_code == 201, response.text
    return response.json()


def a_time(teacher, start: str, place: str = "Klassrum 4A") -> dict:
    return {"teacher_id": teacher.id, "date": TUESDAY, "start": start, "length_minutes": 20, "place": place}


def bookings(server) -> int:
    with server.state.sessionmaker() as db:
        return int(db.scalar(select(func.count()).select_from(TalkBooking)) or 0)


@pytest.fixture
async def talks_world(state, make, transport):
    school = make.school()
    karl = make.staff(school.unit, StaffRole.MENTOR, school.group, first="Karl", last="Sund")
    mira = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Mira", last="Lund")
    child = make.pupil(school.group, first="Alva")
    other = make.pupil(school.group, first="Bo")
    make.guardian(child, username="karin.b", first="Karin", last="Berg")
    make.guardian(other, username="per.o", first="Per", last="Ort")
    await publish(transport, make, karl, [school.group.id],
                  [a_time(karl, "15:00"), a_time(karl, "15:30"), a_time(mira, "14:00", "https://mote.example/mira")])
    await state.login("karin.b", PASSWORD)
    return school, karl, mira, child, other


async def test_no_published_times_means_no_box_and_an_empty_list_R30(state, make):
    school = make.school()
    child = make.pupil(school.group)
    make.guardian(child, username="karin.b")
    await state.login("karin.b", PASSWORD)
    talks = await SchoolDay(state.api).talks(child.id)
    assert not talks.has_times and talks.booked() == []
    assert "talks" not in {b.key for b in (await state.api.get_model(f"/children/{child.id}/home", Home)).boxes}


async def test_times_are_grouped_by_teacher_booked_with_a_message_then_on_top_R31_R32(state, talks_world):
    school, karl, mira, child, _ = talks_world
    day = SchoolDay(state.api)
    talks = await day.talks(child.id)
    assert talks.has_times and "talks" in {b.key for b in (await state.api.get_model(f"/children/{child.id}/home", Home)).boxes}
    groups = talks.series[0].by_teacher()
    assert [(teacher.name, [t.start for t in times]) for teacher, times in groups] == [
        ("Karl Sund", ["15:00", "15:30"]), ("Mira Lund", ["14:00"])]
    first = groups[0][1][0]
    booking = await day.book_talk(first.id, child.id, "Vi vill prata om läsningen.", new_key())
    assert booking.message == "Vi vill prata om läsningen." and booking.time_id == first.id
    booked = (await day.talks(child.id)).booked()
    assert len(booked) == 1
    series, t = booked[0]
    assert (t.id, t.booked_by_this_child, t.booking_id, t.teacher.name, t.place) == (
        first.id, True, booking.id, "Karl Sund", "Klassrum 4A")


async def test_a_retried_booking_with_the_same_key_books_once(state, server, talks_world, transport):
    school, karl, mira, child, _ = talks_world
    day = SchoolDay(state.api)
    time_id = (await day.talks(child.id)).series[0].by_teacher()[0][1][0].id
    key = new_key()
    first = await day.book_talk(time_id, child.id, None, key)
    second = await day.book_talk(time_id, child.id, None, key)  # the double tap
    assert second.id == first.id and bookings(server) == 1

    await day.cancel_talk(first.id)
    lossy = LosesAnswers(transport, lose=1)
    state.api._http._transport = lossy
    again = await day.book_talk(time_id, child.id, None, new_key())
    assert [r.method for r in lossy.sent].count("POST") == 2 and bookings(server) == 1
    assert (await day.talks(child.id)).booked()[0][1].booking_id == again.id


async def test_a_time_taken_meanwhile_is_talk_time_already_booked_in_swedish_R34(state, make, talks_world):
    school, karl, mira, child, other = talks_world
    day = SchoolDay(state.api)
    time_id = (await day.talks(child.id)).series[0].by_teacher()[0][1][0].id
    # Per books it from his phone while Karin is still reading the list.
    per = SchoolDay(state.api.__class__(SERVER_URL, transport=state.api._http._transport))
    await per.api.login("per.o", PASSWORD)
    await per.book_talk(time_id, other.id, None, new_key())
    await per.api.aclose()
    with pytest.raises(ApiError) as caught:
        await day.book_talk(time_id, child.id, None, new_key())
    assert caught.value.code == "talk_time_already_booked"
    assert school_day_error(caught.value, state.i18n) == "Någon annan har precis bokat den tiden. Välj en annan tid."
    refreshed = (await day.talks(child.id)).find(time_id)
    assert refreshed is not None and refreshed[1].booked and not refreshed[1].booked_by_this_child


async def test_avboka_frees_the_time_and_the_message_to_the_teacher_is_prefilled_R33(state, talks_world):
    school, karl, mira, child, _ = talks_world
    day = SchoolDay(state.api)
    time_id = (await day.talks(child.id)).series[0].by_teacher()[0][1][0].id
    booking = await day.book_talk(time_id, child.id, None, new_key())
    await day.cancel_talk(booking.id)
    talks = await day.talks(child.id)
    assert talks.booked() == [] and not talks.find(time_id)[1].booked
    assert message_route(karl.id, "Avbokat utvecklingssamtal 1 dec 15:00") == (
        f"/messages/new?to={karl.id}&subject=Avbokat%20utvecklingssamtal%201%20dec%2015%3A00")


async def test_a_students_session_cannot_see_or_book_talks_R30(state, make, talks_world):
    school, karl, mira, child, _ = talks_world
    make.student(child, username="alva.s")
    await state.logout()
    await state.login("alva.s", PASSWORD)
    day = SchoolDay(state.api)
    with pytest.raises(ApiError) as caught:
        await day.talks(child.id)
    assert caught.value.status == 403 and caught.value.code == "students_cannot_book_talks"
    with pytest.raises(ApiError) as caught:
        await day.book_talk(1, child.id, None, new_key())
    assert caught.value.status in (403, 404)
    assert "talks" not in {b.key for b in (await state.api.get_model(f"/children/{child.id}/home", Home)).boxes}
