"""R40–R43 and R46: guardians report absence for today or tomorrow (whole day or chosen lessons),
students cannot, a report is final; staff register valid and invalid absence; the history lists
both kinds with who registered them, and each has a detail view."""

from __future__ import annotations

from datetime import datetime

import pytest

from server.clock import SCHOOL_TZ
from server.school.models import StaffRole, UnitKind
from tests.server import schedule_setup as s

TODAY, TOMORROW = "2026-11-30", "2026-12-01"  # the clock fixture: Monday 30 November 2026, 07:30


def report(client, make, user, pupil_id, **body):
    payload = {"date": TODAY, "whole_day": True, "reason": "illness", "comment": None} | body
    return client.post(
        f"/api/v1/children/{pupil_id}/absences", json=payload, headers=make.headers(user)
    )


def register(client, make, staff, pupil_id, lesson, day=TODAY, valid=False, **extra):
    body = {"pupil_id": pupil_id, "date": day, "lesson_id": lesson.id, "valid": valid} | extra
    return client.post("/api/v1/staff/absences", json=body, headers=make.headers(staff))


def code(response):
    return response.json()["error"]["code"]


@pytest.fixture
def family(make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child, first="Karin", last="Berg")
    return tt, child, guardian


def test_absence_can_only_be_reported_for_today_or_tomorrow(client, make, family):
    tt, child, guardian = family
    assert report(client, make, guardian, child.id, date=TODAY).status_code == 201
    assert report(client, make, guardian, child.id, date=TOMORROW).status_code == 201
    for refused in (
        "2026-12-02",
        "2026-11-29",
        "2026-11-23",
    ):  # day after tomorrow, yesterday, last week
        response = report(client, make, guardian, child.id, date=refused)
        assert response.status_code == 422, refused
        assert code(response) == "absence_date_not_allowed"
        assert response.json()["error"]["fields"][0]["field"] == "date"


def test_today_and_tomorrow_are_stockholm_days(client, make, family, clock):
    tt, child, guardian = family
    # 23:30 on Monday in Stockholm is 22:30 UTC: tomorrow is Tuesday, Wednesday is too far.
    clock.set(datetime(2026, 11, 30, 23, 30, tzinfo=SCHOOL_TZ))
    assert report(client, make, guardian, child.id, date=TOMORROW).status_code == 201
    assert (
        code(report(client, make, guardian, child.id, date="2026-12-02"))
        == "absence_date_not_allowed"
    )
    # 00:30 on Tuesday in Stockholm is still Monday in UTC, but Monday is now yesterday.
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=SCHOOL_TZ))
    assert code(report(client, make, guardian, child.id, date=TODAY)) == "absence_date_not_allowed"
    assert (
        report(client, make, guardian, child.id, date="2026-12-02").status_code == 422
    )  # Wednesday: no lessons
    assert code(report(client, make, guardian, child.id, date="2026-12-02")) == "no_school_that_day"


def test_students_cannot_report_absence(client, make, family):
    tt, child, guardian = family
    student = make.student(child)
    response = report(client, make, student, child.id)
    assert response.status_code == 403
    assert code(response) == "students_cannot_report_absence"
    assert (
        client.get(f"/api/v1/children/{child.id}/absences", headers=make.headers(student)).json()[
            "items"
        ]
        == []
    )


def test_a_guardian_reports_chosen_lessons_of_that_days_schedule(client, make, family):
    tt, child, guardian = family
    chosen = [s.occurrence(tt.lessons["sv"], s.MONDAY), s.occurrence(tt.lessons["ma"], s.MONDAY)]
    response = report(
        client,
        make,
        guardian,
        child.id,
        whole_day=False,
        lesson_ids=chosen,
        reason="other",
        comment="Tandläkare",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "reported"
    assert body["whole_day"] is False
    assert [(x["id"], x["subject"], x["start"], x["end"]) for x in body["lessons"]] == [
        (chosen[0], "Svenska", "08:10", "09:00"),
        (chosen[1], "Matematik", "09:10", "10:00"),
    ]
    assert body["comment"] == "Tandläkare"
    assert body["registered_by"] == {"id": guardian.id, "name": "Karin Berg", "role": "guardian"}


def test_lessons_not_on_that_day_are_refused(client, make, family):
    tt, child, guardian = family
    tuesday_lesson = s.occurrence(tt.lessons["no"], datetime(2026, 12, 1).date())
    response = report(
        client, make, guardian, child.id, whole_day=False, lesson_ids=[tuesday_lesson]
    )
    assert response.status_code == 422
    assert code(response) == "lesson_not_on_that_day"
    s.cancel(make, tt.lessons["en"], s.MONDAY)
    cancelled = s.occurrence(tt.lessons["en"], s.MONDAY)
    assert (
        code(report(client, make, guardian, child.id, whole_day=False, lesson_ids=[cancelled]))
        == "lesson_not_on_that_day"
    )
    assert (
        code(report(client, make, guardian, child.id, whole_day=False, lesson_ids=["nonsense"]))
        == "lesson_not_on_that_day"
    )
    assert (
        code(report(client, make, guardian, child.id, whole_day=False, lesson_ids=[]))
        == "lessons_required"
    )


def test_days_without_school_and_unknown_reasons_are_refused(client, make, family, clock):
    tt, child, guardian = family
    clock.set(datetime(2026, 12, 4, 8, 0, tzinfo=SCHOOL_TZ))  # Friday: tomorrow is Saturday
    assert code(report(client, make, guardian, child.id, date="2026-12-05")) == "no_school_that_day"
    assert (
        code(report(client, make, guardian, child.id, date="2026-12-04", reason="because"))
        == "invalid_absence_reason"
    )


def test_a_reported_absence_cannot_be_changed_or_deleted_but_staff_can_still_register(
    client, make, family
):
    tt, child, guardian = family
    absence_id = report(client, make, guardian, child.id, comment="Feber").json()["id"]
    headers = make.headers(guardian)
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.request(
            method, f"/api/v1/absences/{absence_id}", headers=headers, json={"comment": "Ändrad"}
        )
        assert response.status_code == 405, method
        assert (
            client.request(
                method, f"/api/v1/children/{child.id}/absences", headers=headers
            ).status_code
            == 405
        )
    assert (
        client.get(f"/api/v1/absences/{absence_id}", headers=headers).json()["comment"] == "Feber"
    )
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    assert (
        register(
            client, make, teacher, child.id, tt.lessons["sv"], valid=True, reason="illness"
        ).status_code
        == 201
    )


def test_the_history_lists_both_kinds_with_who_registered_them(client, make, family, clock):
    tt, child, guardian = family
    teacher = make.staff(
        tt.school.unit, StaffRole.TEACHER, tt.school.group, first="Omar", last="Haddad"
    )
    report(client, make, guardian, child.id, date=TOMORROW, reason="illness")
    valid = register(
        client, make, teacher, child.id, tt.lessons["sv"], valid=True, reason="illness"
    )
    invalid = register(client, make, teacher, child.id, tt.lessons["en"], valid=False)
    assert (valid.status_code, invalid.status_code) == (201, 201)

    response = client.get(f"/api/v1/children/{child.id}/absences", headers=make.headers(guardian))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["date"], i["kind"]) for i in items] == [
        (TOMORROW, "reported"),
        (TODAY, "invalid"),
        (TODAY, "valid"),
    ]
    assert items[0]["registered_by"]["role"] == "guardian"
    assert items[1]["registered_by"] == {"id": teacher.id, "name": "Omar Haddad", "role": "staff"}
    assert items[1]["lessons"][0]["subject"] == "Engelska"
    etag = response.headers["etag"]
    again = client.get(
        f"/api/v1/children/{child.id}/absences",
        headers={**make.headers(guardian), "If-None-Match": etag},
    )
    assert again.status_code == 304

    detail = client.get(
        f"/api/v1/absences/{items[1]['id']}", headers=make.headers(make.student(child))
    )
    assert detail.status_code == 200
    assert detail.json()["kind"] == "invalid"
    stranger = make.guardian(make.pupil(tt.school.group, "Noah"))
    assert (
        client.get(f"/api/v1/absences/{items[1]['id']}", headers=make.headers(stranger)).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/children/{child.id}/absences", headers=make.headers(stranger)
        ).status_code
        == 404
    )
    assert client.get("/api/v1/absences/999999", headers=make.headers(guardian)).status_code == 404


def test_staff_register_per_lesson_and_registering_again_changes_it(client, make, family):
    tt, child, guardian = family
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    occurrence = s.occurrence(tt.lessons["ma"], s.MONDAY)
    first = client.post(
        "/api/v1/staff/absences",
        headers=make.headers(teacher),
        json={"pupil_id": child.id, "date": TODAY, "occurrence_id": occurrence, "valid": False},
    )
    assert first.status_code == 201
    again = register(
        client, make, teacher, child.id, tt.lessons["ma"], valid=True, reason="illness"
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["kind"] == "valid"
    items = client.get(
        f"/api/v1/children/{child.id}/absences", headers=make.headers(guardian)
    ).json()["items"]
    assert [i["kind"] for i in items] == ["valid"]


def test_staff_registration_is_refused_where_it_does_not_apply(client, make, family):
    tt, child, guardian = family
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    other_school = make.school("Andra skolan", "5B")
    outsider = make.staff(other_school.unit, StaffRole.TEACHER, other_school.group)
    assert register(client, make, outsider, child.id, tt.lessons["sv"]).status_code == 404
    assert code(register(client, make, guardian, child.id, tt.lessons["sv"])) == "staff_only"
    assert (
        code(register(client, make, teacher, child.id, tt.lessons["no"]))
        == "lesson_not_on_that_day"
    )
    assert (
        code(register(client, make, teacher, child.id, tt.lessons["sv"], day="2026-12-07"))
        == "absence_date_in_future"
    )
    # Staff do not use the guardians' report.
    assert report(client, make, teacher, child.id).status_code == 403


def test_preschool_absence_is_today_or_tomorrow_with_illness_or_leave(client, make):
    preschool = make.school("Förskolan Lärkan", "Blåklockan", kind=UnitKind.PRESCHOOL)
    child = make.pupil(preschool.group, "Saga", born="20220101")
    guardian = make.guardian(child)
    leave = report(
        client,
        make,
        guardian,
        child.id,
        date=TOMORROW,
        reason="leave",
        comment="ledig, mormor hälsar på",
    )
    assert leave.status_code == 201
    assert (leave.json()["whole_day"], leave.json()["lessons"]) == (True, [])
    assert (
        leave.json()["comment"] == "ledig, mormor hälsar på"
    )  # stored as written (R47 is the app's reminder)
    assert report(client, make, guardian, child.id, reason="illness").status_code == 201
    assert (
        code(report(client, make, guardian, child.id, reason="other")) == "invalid_absence_reason"
    )
    assert (
        code(report(client, make, guardian, child.id, date="2026-12-02"))
        == "absence_date_not_allowed"
    )
    assert (
        code(report(client, make, guardian, child.id, date="2026-11-29"))
        == "absence_date_not_allowed"
    )

    items = client.get(
        f"/api/v1/children/{child.id}/absences", headers=make.headers(guardian)
    ).json()["items"]
    assert [(i["date"], i["reason"]) for i in items] == [(TOMORROW, "leave"), (TODAY, "illness")]
    detail = client.get(f"/api/v1/absences/{items[0]['id']}", headers=make.headers(guardian)).json()
    assert detail["comment"] == "ledig, mormor hälsar på"
    staff = make.staff(preschool.unit, StaffRole.PRESCHOOL_TEACHER, preschool.group)
    assert (
        client.get(f"/api/v1/children/{child.id}/absences", headers=make.headers(staff)).status_code
        == 200
    )


def test_a_public_holiday_tomorrow_has_no_school(client, make, family, clock):
    tt, child, guardian = family
    s.lesson(make, tt.term, tt.school.group, 5, "08:10", "09:00", "Musik", "Musiksalen")  # Fridays
    clock.set(datetime(2026, 12, 24, 9, 0, tzinfo=SCHOOL_TZ))  # Thursday; Friday is Juldagen
    assert code(report(client, make, guardian, child.id, date="2026-12-25")) == "no_school_that_day"
    clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=SCHOOL_TZ))  # an ordinary Friday tomorrow
    assert report(client, make, guardian, child.id, date="2026-12-18").status_code == 201


def test_a_retried_report_with_the_same_idempotency_key_creates_one_absence(client, make, family):
    tt, child, guardian = family
    headers = {**make.headers(guardian), "Idempotency-Key": "absence-1"}
    body = {"date": TODAY, "whole_day": True, "reason": "illness"}
    first = client.post(f"/api/v1/children/{child.id}/absences", json=body, headers=headers)
    second = client.post(f"/api/v1/children/{child.id}/absences", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    items = client.get(
        f"/api/v1/children/{child.id}/absences", headers=make.headers(guardian)
    ).json()["items"]
    assert len(items) == 1
