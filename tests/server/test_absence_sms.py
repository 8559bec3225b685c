"""R44, R45: invalid absence sends each guardian with a mobile number one SMS per child per day
(through the outbox, in the guardian's language, no personnummer), and notifies guardians and the
student at the first invalid lesson and again when there is more than one. Delivery reports from
the gateway are idempotent."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

import httpx
import pytest
from sqlalchemy import func, select

from server.absence.models import Absence
from server.outbox.adapters import ElksSmsGateway, SendError, SmsSink
from server.outbox.models import Channel, OutboxMessage
from server.outbox.worker import run_once
from server.school.models import StaffRole
from tests.server import schedule_setup as s

TODAY = "2026-11-30"


def register(client, make, staff, pupil_id, lesson, day=TODAY, valid=False):
    body = {"pupil_id": pupil_id, "date": day, "lesson_id": lesson.id, "valid": valid}
    return client.post("/api/v1/staff/absences", json=body, headers=make.headers(staff))


def sms_rows(db):
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "absence_sms")
            .order_by(OutboxMessage.id)
        )
    )


def feed(client, make, user):
    """The user's absence notifications, read from the database through the notifications table."""
    from server.notifications.models import Notification

    with make.sessionmaker() as db:
        return sorted(
            db.scalars(
                select(Notification.item_key).where(
                    Notification.user_id == user.id, Notification.area == "absence"
                )
            )
        )


@pytest.fixture
def family(make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt, "Alva")
    mother = make.guardian(child, phone="+46701234567", first="Karin")
    father = make.guardian(child, phone="+46709876543", language="en", first="John")
    no_mobile = make.guardian(child, phone=None, first="Mats")
    student = make.student(child)
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    return tt, child, mother, father, no_mobile, student, teacher


def test_invalid_absence_sends_one_sms_per_guardian_with_a_mobile_number_per_day(
    client, make, db, clock, family
):
    tt, child, mother, father, no_mobile, student, teacher = family
    assert register(client, make, teacher, child.id, tt.lessons["sv"]).status_code == 201
    assert register(client, make, teacher, child.id, tt.lessons["ma"]).status_code == 201
    assert register(client, make, teacher, child.id, tt.lessons["en"]).status_code == 201

    rows = sms_rows(db)
    assert sorted(r.recipient for r in rows) == ["+46701234567", "+46709876543"]
    assert all(r.channel == Channel.SMS.value for r in rows)
    by_phone = {r.recipient: r.body for r in rows}
    assert "Alva" in by_phone["+46701234567"] and "ogiltig frånvaro" in by_phone["+46701234567"]
    assert "måndag 30 november" in by_phone["+46701234567"]
    assert (
        "unexcused absence" in by_phone["+46709876543"]
        and "Monday 30 November" in by_phone["+46709876543"]
    )
    for body in by_phone.values():
        assert child.personnummer not in body and child.personnummer[2:] not in body

    # Another day is another SMS.
    clock.advance(days=1)
    assert (
        register(client, make, teacher, child.id, tt.lessons["no"], day="2026-12-01").status_code
        == 201
    )
    assert len(sms_rows(db)) == 4


def test_valid_absence_sends_no_sms_and_no_notification(client, make, db, family):
    tt, child, mother, father, no_mobile, student, teacher = family
    assert (
        register(client, make, teacher, child.id, tt.lessons["sv"], valid=True).status_code == 201
    )
    assert sms_rows(db) == []
    assert feed(client, make, mother) == []


def test_guardians_and_the_student_are_notified_at_the_first_and_at_more_than_one(
    client, make, db, family
):
    tt, child, mother, father, no_mobile, student, teacher = family
    first = f"invalid-absence:{child.id}:{TODAY}:first"
    multiple = f"invalid-absence:{child.id}:{TODAY}:multiple"
    register(client, make, teacher, child.id, tt.lessons["sv"])
    for user in (mother, father, no_mobile, student):
        assert feed(client, make, user) == [first]
    register(client, make, teacher, child.id, tt.lessons["ma"])
    register(client, make, teacher, child.id, tt.lessons["en"])
    register(client, make, teacher, child.id, tt.lessons["ma"])  # the same lesson again: still two
    for user in (mother, father, no_mobile, student):
        assert feed(client, make, user) == [first, multiple]
    assert feed(client, make, teacher) == []
    # The home box counts the unread absence notifications.
    from server.home.boxes import BOXES
    from server.school.models import Pupil

    db.expire_all()
    assert BOXES["absence"].provider(db, mother, db.get(Pupil, child.id), None) == 2


def test_a_second_invalid_lesson_after_a_correction_is_counted_once(client, make, family):
    tt, child, mother, father, no_mobile, student, teacher = family
    register(client, make, teacher, child.id, tt.lessons["sv"])
    register(
        client, make, teacher, child.id, tt.lessons["sv"], valid=True
    )  # corrected: was illness
    register(client, make, teacher, child.id, tt.lessons["ma"])
    assert feed(client, make, mother) == [f"invalid-absence:{child.id}:{TODAY}:first"]


def _twenty_lessons(make, tt):
    return [
        s.lesson(
            make,
            tt.term,
            tt.school.group,
            1,
            f"{11 + i // 4:02d}:{(i % 4) * 15:02d}",
            f"{11 + i // 4:02d}:{(i % 4) * 15 + 10:02d}",
            f"Ämne {i}",
        )
        for i in range(20)
    ]


@pytest.mark.parametrize(
    "same_lesson", [False, True], ids=["twenty-lessons", "one-lesson-twenty-times"]
)
async def test_twenty_concurrent_invalid_registrations_give_one_sms_per_guardian(
    aclient, make, app, clock, settings, family, same_lesson
):
    tt, child, mother, father, no_mobile, student, teacher = family
    lessons = [tt.lessons["sv"]] * 20 if same_lesson else _twenty_lessons(make, tt)
    headers = make.headers(teacher)

    responses = await asyncio.gather(
        *[
            aclient.post(
                "/api/v1/staff/absences",
                headers=headers,
                json={"pupil_id": child.id, "date": TODAY, "lesson_id": lesson.id, "valid": False},
            )
            for lesson in lessons
        ]
    )

    assert sorted({r.status_code for r in responses}) == ([200, 201] if same_lesson else [201])
    with app.state.sessionmaker() as db:
        rows = sms_rows(db)
        assert sorted(r.recipient for r in rows) == ["+46701234567", "+46709876543"]
        absences = db.scalar(
            select(func.count()).select_from(Absence).where(Absence.pupil_id == child.id)
        )
        assert absences == (1 if same_lesson else 20)
    expected = [f"invalid-absence:{child.id}:{TODAY}:first"] + (
        [] if same_lesson else [f"invalid-absence:{child.id}:{TODAY}:multiple"]
    )
    for user in (mother, father, student):
        assert feed(None, make, user) == expected
    # The worker sends them: exactly two SMS reach the sink.
    sink = SmsSink(settings.sms_sink_dir)
    assert run_once(app.state.sessionmaker, clock, settings, {Channel.SMS.value: sink}) == 2
    assert len(list(settings.sms_sink_dir.glob("*.json"))) == 2


def test_delivery_reports_update_the_message_and_are_idempotent(
    client, make, app, db, clock, settings, family
):
    tt, child, mother, father, no_mobile, student, teacher = family
    register(client, make, teacher, child.id, tt.lessons["sv"])
    run_once(
        app.state.sessionmaker, clock, settings, {Channel.SMS.value: SmsSink(settings.sms_sink_dir)}
    )
    message = sms_rows(db)[0]
    assert message.provider_id

    report = {
        "id": message.provider_id,
        "status": "delivered",
        "delivered": "2026-11-30T08:01:02.000000",
    }
    settings.sms_report_secret = "report-secret"
    gateway = ("skolhub", "report-secret")
    # Anyone else is refused: no credentials, or wrong ones (issue 13).
    assert client.post("/api/v1/sms/delivery-reports", data=report).status_code == 401
    assert client.post("/api/v1/sms/delivery-reports", data=report, auth=("skolhub", "guess")).status_code == 401
    first = client.post("/api/v1/sms/delivery-reports", data=report, auth=gateway)
    second = client.post("/api/v1/sms/delivery-reports", data=report, auth=gateway)
    assert (first.status_code, first.json()["status"]) == (200, "updated")
    assert (second.status_code, second.json()["status"]) == (200, "unchanged")
    # A late "sent" never moves a delivered message back.
    assert (
        client.post(
            "/api/v1/sms/delivery-reports", data={"id": message.provider_id, "status": "sent"}, auth=gateway
        ).json()["status"]
        == "unchanged"
    )
    db.expire_all()
    assert db.get(OutboxMessage, message.id).delivery_status == "delivered"
    unknown = client.post(
        "/api/v1/sms/delivery-reports", data={"id": "s-unknown", "status": "failed"}, auth=gateway
    )
    assert (unknown.status_code, unknown.json()["status"]) == (200, "ignored")


class FakeElks:
    """A stand-in for the third-party gateway: checks basic auth and the form like 46elks does."""

    def __init__(self, fail: bool = False):
        self.requests: list[dict[str, list[str]]] = []
        self.fail = fail

    def __call__(self, request: httpx.Request) -> httpx.Response:
        expected = "Basic " + base64.b64encode(b"u123:secret").decode()
        if request.headers.get("authorization") != expected:
            return httpx.Response(401, text="Wrong username or password")
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = parse_qs(request.content.decode())
        self.requests.append(form)
        if self.fail:
            return httpx.Response(503, text="try later")
        return httpx.Response(
            200,
            json={
                "id": f"s{len(self.requests):04d}abcdef",
                "status": "created",
                "to": form["to"][0],
            },
        )


def test_the_46elks_adapter_posts_a_form_with_basic_auth_and_reports_come_back(
    client, make, app, db, clock, settings, family
):
    tt, child, mother, father, no_mobile, student, teacher = family
    elks_settings = settings.model_copy(
        update={
            "sms_adapter": "elks",
            "elks_url": "https://elks.test/a1/sms",
            "elks_username": "u123",
            "elks_password": "secret",
            "sms_sender": "Ekbacka",
            "sms_report_secret": "r/e:p@rt",
        }
    )
    settings.sms_report_secret = "r/e:p@rt"  # the running server's configuration
    gateway = FakeElks()
    adapter = ElksSmsGateway(
        elks_settings, client=httpx.Client(transport=httpx.MockTransport(gateway))
    )
    register(client, make, teacher, child.id, tt.lessons["sv"])

    assert run_once(app.state.sessionmaker, clock, elks_settings, {Channel.SMS.value: adapter}) == 2

    assert sorted(r["to"][0] for r in gateway.requests) == ["+46701234567", "+46709876543"]
    for form in gateway.requests:
        assert form["from"] == ["Ekbacka"]
        # the report credentials ride in the callback URL (46elks sends them as basic auth)
        assert form["whendelivered"] == ["http://skolhub:r%2Fe%3Ap%40rt@testserver/api/v1/sms/delivery-reports"]
        assert "Alva" in form["message"][0]
    ids = sorted(m.provider_id for m in sms_rows(db))
    assert ids == ["s0001abcdef", "s0002abcdef"]
    assert (
        client.post(
            "/api/v1/sms/delivery-reports", data={"id": ids[0], "status": "delivered"}, auth=("skolhub", "r/e:p@rt")
        ).json()["status"]
        == "updated"
    )

    wrong_password = ElksSmsGateway(
        elks_settings.model_copy(update={"elks_password": "nope"}),
        client=httpx.Client(transport=httpx.MockTransport(gateway)),
    )
    with pytest.raises(SendError):
        wrong_password.send(sms_rows(db)[0])
    down = ElksSmsGateway(
        elks_settings, client=httpx.Client(transport=httpx.MockTransport(FakeElks(fail=True)))
    )
    with pytest.raises(SendError):
        down.send(sms_rows(db)[0])
