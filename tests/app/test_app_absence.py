"""Contract: the app's absence services (R40–R47) against the real server in-process.

The clock stands on Monday 2026-11-30 07:30 Stockholm: today is Monday, tomorrow Tuesday."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import func, select

from server.absence.models import Absence as AbsenceRow
from server.school.models import StaffRole, UnitKind
from services.api import ApiError
from services.models import Home
from services.schoolday import SchoolDay, new_key, school_day_error
from tests.app.conftest import SERVER_URL
from tests.server import schedule_setup as s
from tests.server.factories import PASSWORD

TODAY, TOMORROW = date(2026, 11, 30), date(2026, 12, 1)


class LosesAnswers(httpx.AsyncBaseTransport):
    """The request reaches the real server, but the first N answers are lost on the way back
    (as on a train going into a tunnel): the client sees a network error and retries."""

    def __init__(self, inner: httpx.AsyncBaseTransport, lose: int) -> None:
        self.inner = inner
        self.lose = lose
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and self.lose > 0:
            self.lose -= 1
            await response.aread()
            raise httpx.ReadError("connection lost", request=request)
        return response


@pytest.fixture
async def family(state, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child, username="karin.b", first="Karin", last="Berg")
    await state.login("karin.b", PASSWORD)
    return tt, child, guardian


def rows(server, pupil_id: int) -> int:
    with server.state.sessionmaker() as db:
        return int(db.scalar(select(func.count()).select_from(AbsenceRow).where(AbsenceRow.pupil_id == pupil_id)) or 0)


async def test_whole_day_today_and_lessons_tomorrow_then_both_in_the_history_newest_first_R42_R41(state, family):
    tt, child, _ = family
    day = SchoolDay(state.api)
    whole = await day.report_absence(child.id, day=TODAY, whole_day=True, lesson_ids=[], reason="illness",
                                     comment=None, key=new_key())
    assert whole.kind == "reported" and whole.whole_day and whole.lessons == []

    lessons = await day.lessons_on(child.id, TOMORROW)
    assert [(x.start, x.subject) for x in lessons] == [("08:10", "Idrott och hälsa"), ("10:00", "NO")]
    partial = await day.report_absence(child.id, day=TOMORROW, whole_day=False, lesson_ids=[lessons[1].id],
                                       reason="other", comment="Tandläkare", key=new_key())
    assert not partial.whole_day and [x.subject for x in partial.lessons] == ["NO"]
    assert partial.registered_by is not None and partial.registered_by.name == "Karin Berg"

    history = await day.absences(child.id)
    assert [a.id for a in history.items] == [partial.id, whole.id]
    detail = await day.absence(partial.id)
    assert detail.comment == "Tandläkare" and detail.lessons[0].start == "10:00"


async def test_the_school_registered_invalid_absence_per_lesson_is_in_the_history_R41_R44(state, make, transport, family):
    tt, child, _ = family
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as staff_client:
        response = await staff_client.post("/api/v1/staff/absences", json={"pupil_id": child.id, "date": TODAY.isoformat(),
                                                           "lesson_id": tt.lessons["ma"].id, "valid": False},
                                           headers=make.headers(teacher))
    assert response.status_code == 201, response.text
    items = (await SchoolDay(state.api).absences(child.id)).items
    assert len(items) == 1
    invalid = items[0]
    assert invalid.kind == "invalid" and invalid.by_school and not invalid.whole_day
    assert [(x.start, x.end, x.subject) for x in invalid.lessons] == [("09:10", "10:00", "Matematik")]
    assert invalid.registered_by is not None and invalid.registered_by.role == "staff"


async def test_a_retried_report_with_the_same_key_makes_one_absence(state, server, family, transport):
    """A double tap sends the form's key twice; a lost answer makes the client retry it."""
    tt, child, _ = family
    day = SchoolDay(state.api)
    key = new_key()
    first = await day.report_absence(child.id, day=TODAY, whole_day=True, lesson_ids=[], reason="illness",
                                     comment=None, key=key)
    again = await day.report_absence(child.id, day=TODAY, whole_day=True, lesson_ids=[], reason="illness",
                                     comment=None, key=key)
    assert again.id == first.id and rows(server, child.id) == 1

    lossy = LosesAnswers(transport, lose=1)
    state.api._http._transport = lossy
    report = await day.report_absence(child.id, day=TOMORROW, whole_day=True, lesson_ids=[], reason="leave",
                                      comment=None, key=new_key())
    posts = [r for r in lossy.sent if r.method == "POST"]
    assert len(posts) == 2 and len({r.headers["Idempotency-Key"] for r in posts}) == 1
    assert rows(server, child.id) == 2 and report.date == TOMORROW


async def test_refusals_come_back_as_swedish_and_english_sentences_R42(state, family):
    tt, child, _ = family
    day = SchoolDay(state.api)
    with pytest.raises(ApiError) as caught:
        await day.report_absence(child.id, day=date(2026, 12, 2), whole_day=True, lesson_ids=[], reason="illness",
                                 comment=None, key=new_key())
    assert caught.value.code == "absence_date_not_allowed"
    assert school_day_error(caught.value, state.i18n).startswith("Frånvaro kan bara anmälas för i dag eller i morgon")
    state.i18n.set_language("en")
    assert school_day_error(caught.value, state.i18n).startswith("Absence can be reported for today or tomorrow only")
    with pytest.raises(ApiError) as caught:
        await day.report_absence(child.id, day=TODAY, whole_day=False, lesson_ids=[], reason="illness",
                                 comment=None, key=new_key())
    assert caught.value.code == "lessons_required"


async def test_preschool_illness_or_leave_with_a_comment_R46_R47(state, make):
    unit = make.unit("Förskolan Lärkan", UnitKind.PRESCHOOL)
    child = make.pupil(make.group(unit, "Blåklockan"), first="Ture")
    make.guardian(child, username="anna.l", first="Anna", last="Lind")
    await state.login("anna.l", PASSWORD)
    day = SchoolDay(state.api)
    leave = await day.report_absence(child.id, day=TOMORROW, whole_day=True, lesson_ids=[], reason="leave",
                                     comment="ledig, farmor hämtar", key=new_key())
    assert leave.whole_day and leave.comment == "ledig, farmor hämtar"
    with pytest.raises(ApiError) as caught:
        await day.report_absence(child.id, day=TODAY, whole_day=True, lesson_ids=[], reason="other", comment=None,
                                 key=new_key())
    assert caught.value.code == "invalid_absence_reason"
    assert [a.reason for a in (await day.absences(child.id)).items] == ["leave"]


async def test_a_students_session_cannot_report_and_the_students_home_has_no_school_day_boxes_R40(state, make, server):
    tt = s.timetable(make)
    pupil = make.pupil(tt.school.group, first="Elsa", in_fritids=True)
    make.student(pupil, username="elsa.n")
    await state.login("elsa.n", PASSWORD)
    with pytest.raises(ApiError) as caught:
        await SchoolDay(state.api).report_absence(pupil.id, day=TODAY, whole_day=True, lesson_ids=[],
                                                  reason="illness", comment=None, key=new_key())
    assert caught.value.status == 403 and caught.value.code == "students_cannot_report_absence"
    assert rows(server, pupil.id) == 0
    home = await state.api.get_model(f"/children/{pupil.id}/home", Home)
    assert not {b.key for b in home.boxes} & {"absence", "talks", "leisure"}
