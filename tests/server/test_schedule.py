"""R35: the pupil's schedule by week — lessons with subject, time, teacher and room; weeks change
with the arrows; cancelled and moved lessons; days without school; printable; cacheable."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from server.clock import SCHOOL_TZ
from server.home.boxes import BOXES
from server.school import service as school_service
from server.school.models import GroupKind, Pupil, StaffRole, UnitKind
from tests.server import schedule_setup as s


def week(client, make, user, pupil_id, week=None, **headers):
    params = {"week": week} if week else {}
    return client.get(
        f"/api/v1/children/{pupil_id}/schedule",
        params=params,
        headers={**make.headers(user), **headers},
    )


def test_week_shows_each_lesson_with_subject_time_teacher_and_room(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)

    response = week(client, make, guardian, child.id, "2026-W49")

    assert response.status_code == 200
    body = response.json()
    assert body["week"] == "2026-W49"
    assert [d["date"] for d in body["days"]] == [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
    ]
    assert [d["weekday"] for d in body["days"]] == [1, 2, 3, 4, 5]
    monday = body["days"][0]
    assert monday["no_school"] is None
    assert [(x["start"], x["end"], x["subject"], x["room"]) for x in monday["lessons"]] == [
        ("08:10", "09:00", "Svenska", "B12"),
        ("09:10", "10:00", "Matematik", "B14"),
        ("10:20", "11:00", "Engelska", "B12"),
    ]
    first = monday["lessons"][0]
    assert first["id"] == f"{tt.lessons['sv'].id}:2026-11-30"
    assert first["lesson_id"] == tt.lessons["sv"].id
    assert first["teachers"] == [{"id": tt.teacher_id, "name": "Lisa Ek"}]
    assert first["status"] == "scheduled"
    assert [x["subject"] for x in body["days"][1]["lessons"]] == ["Idrott och hälsa", "NO"]
    assert body["days"][2]["lessons"] == []


def test_lessons_of_every_group_the_pupil_belongs_to_are_included(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    language_group = make._save(
        lambda db: school_service.add_group(db, tt.school.unit, "Spanska 6-9", GroupKind.TEACHING)
    )
    make._save(
        lambda db: school_service.add_pupil_to_group(db, db.get(Pupil, child.id), language_group)
    )
    s.lesson(make, tt.term, language_group, 3, "13:00", "14:00", "Spanska", "C3")
    classmate = s.pupil_in(make, tt, "Noah")

    mine = week(client, make, make.guardian(child), child.id, "2026-W49").json()
    theirs = week(client, make, make.guardian(classmate), classmate.id, "2026-W49").json()

    assert [x["subject"] for x in mine["days"][2]["lessons"]] == ["Spanska"]
    assert theirs["days"][2]["lessons"] == []


def test_the_arrows_change_week_and_the_default_is_this_week_in_stockholm(client, make, clock):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    assert week(client, make, guardian, child.id).json()["week"] == "2026-W49"
    assert (
        week(client, make, guardian, child.id, "2026-W50").json()["days"][0]["date"] == "2026-12-07"
    )
    # Monday 00:30 in Stockholm is still Sunday in UTC: the week is Stockholm's.
    clock.set(datetime(2026, 12, 7, 0, 30, tzinfo=SCHOOL_TZ))
    assert week(client, make, guardian, child.id).json()["week"] == "2026-W50"


def test_cancelled_and_moved_lessons_are_marked_and_keep_their_ids(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    s.cancel(make, tt.lessons["sv"], date(2026, 11, 30), note="Läraren är sjuk")
    s.move(
        make,
        tt.lessons["no"],
        date(2026, 12, 1),
        new_date=date(2026, 12, 2),
        start=datetime(2026, 1, 1, 13).time(),
        end=datetime(2026, 1, 1, 14).time(),
        room="Labb 2",
        note="Flyttad till onsdag",
    )

    days = week(client, make, guardian, child.id, "2026-W49").json()["days"]

    cancelled = days[0]["lessons"][0]
    assert (cancelled["subject"], cancelled["status"], cancelled["note"]) == (
        "Svenska",
        "cancelled",
        "Läraren är sjuk",
    )
    assert [x["subject"] for x in days[1]["lessons"]] == ["Idrott och hälsa"]
    [moved] = days[2]["lessons"]
    assert moved["id"] == f"{tt.lessons['no'].id}:2026-12-01"
    assert (moved["date"], moved["start"], moved["end"], moved["room"], moved["status"]) == (
        "2026-12-02",
        "13:00",
        "14:00",
        "Labb 2",
        "moved",
    )
    # The week after is back to normal.
    next_week = week(client, make, guardian, child.id, "2026-W50").json()["days"]
    assert [x["status"] for x in next_week[0]["lessons"]] == ["scheduled"] * 3


def test_public_holidays_and_the_municipalitys_breaks_have_no_lessons(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    english = make.guardian(child, language="en")
    s.school_break(
        make, "Jullov", date(2026, 12, 21), date(2027, 1, 6), organisation_id=tt.school.org.id
    )
    s.school_break(
        make, "Studiedag", date(2026, 12, 9), date(2026, 12, 9), unit_id=tt.school.unit.id
    )

    christmas = week(client, make, guardian, child.id, "2026-W52").json()["days"]
    assert all(d["lessons"] == [] for d in christmas)
    assert christmas[0]["no_school"] == {"reason": "break", "name": "Jullov"}
    assert christmas[4]["no_school"] == {"reason": "holiday", "name": "Juldagen"}
    assert (
        week(client, make, english, child.id, "2026-W52").json()["days"][4]["no_school"]["name"]
        == "Christmas Day"
    )
    study_day = week(client, make, guardian, child.id, "2026-W50").json()["days"][2]
    assert study_day["no_school"] == {"reason": "break", "name": "Studiedag"}
    # Outside the term there are simply no lessons.
    assert all(
        d["lessons"] == []
        for d in week(client, make, guardian, child.id, "2027-W03").json()["days"]
    )


def test_weeks_carry_an_etag_and_answer_304_when_unchanged(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    headers = make.headers(guardian)
    url = f"/api/v1/children/{child.id}/schedule?week=2026-W49"
    first = client.get(url, headers=headers)
    tag = first.headers["etag"]
    assert client.get(url, headers={**headers, "If-None-Match": tag}).status_code == 304
    s.cancel(make, tt.lessons["ma"], date(2026, 11, 30))
    changed = client.get(url, headers={**headers, "If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


def pdf_text(data: bytes) -> str:
    """The PDF's text as a reader would copy it (pypdf), whitespace folded."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_the_week_can_be_printed_as_pdf_with_its_lessons_R35(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    s.cancel(make, tt.lessons["ma"], date(2026, 11, 30))
    response = client.get(
        f"/api/v1/children/{child.id}/schedule.pdf?week=2026-W49", headers=make.headers(guardian)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="schema-2026-W49.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Schema v. 49" in text
    for subject in ("Svenska", "Matematik", "Engelska", "Idrott och hälsa", "NO"):
        assert subject in text, subject
    for piece in ("08:10–09:00", "09:10–10:00", "B12", "Gymnastiksalen", "Labbet", "Lisa Ek", "Måndag", "2026-11-30"):
        assert piece in text, piece
    assert "Inställd" in text  # the cancelled Matematik is marked
    # The Monday lessons come in the day's order.
    assert text.index("Svenska") < text.index("Matematik") < text.index("Engelska")


def test_a_week_without_lessons_prints_as_such(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    response = client.get(
        f"/api/v1/children/{child.id}/schedule.pdf?week=2027-W03", headers=make.headers(make.guardian(child))
    )
    text = pdf_text(response.content)
    assert "Inga lektioner" in text
    assert "Svenska" not in text


def test_students_see_their_own_schedule_and_nobody_elses(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    other = s.pupil_in(make, tt, "Noah")
    student = make.student(child)
    assert week(client, make, student, child.id).status_code == 200
    assert week(client, make, student, other.id).status_code == 404
    assert week(client, make, make.guardian(other), child.id).status_code == 404
    assert (
        client.get(
            f"/api/v1/children/{child.id}/schedule.pdf", headers=make.headers(make.guardian(other))
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/children/{child.id}/schedule").status_code == 401


def test_preschool_children_have_no_schedule(client, make):
    preschool = make.school("Förskolan", "Blåklockan", kind=UnitKind.PRESCHOOL)
    child = make.pupil(preschool.group)
    response = week(client, make, make.guardian(child), child.id)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_school_pupil"


def test_a_week_that_does_not_exist_is_refused(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    assert (
        week(client, make, guardian, child.id, "2026-W60").json()["error"]["code"] == "invalid_week"
    )
    assert week(client, make, guardian, child.id, "next").status_code == 422


def test_the_schedule_box_counts_this_weeks_changed_lessons(make, db, clock):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    box = BOXES["schedule"]
    assert box.school_only
    assert box.provider(db, guardian, db.get(Pupil, child.id), clock) == 0
    s.cancel(make, tt.lessons["sv"], date(2026, 11, 30))
    s.move(make, tt.lessons["no"], date(2026, 12, 1), room="Labb 2")
    s.cancel(make, tt.lessons["sv"], date(2026, 12, 7))  # next week: not counted
    db.expire_all()
    assert box.provider(db, guardian, db.get(Pupil, child.id), clock) == 2



def test_the_schedule_box_count_agrees_with_the_weeks_occurrences(make, db, clock):
    """The box counts from the week's exceptions alone; it must give what counting the full
    week's occurrences gives, also for changes the week view ignores."""
    from server.schedule import service
    from server.school.models import Unit

    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    s.school_break(make, "Studiedag", date(2026, 11, 30), date(2026, 11, 30), unit_id=tt.school.unit.id)
    s.cancel(make, tt.lessons["sv"], date(2026, 11, 30))  # on a day without school: not a change to show
    s.cancel(make, tt.lessons["ma"], date(2026, 12, 1))  # Matematik is on Mondays: no such occurrence
    s.move(make, tt.lessons["no"], date(2026, 12, 1), room="Labb 2")  # counted
    s.move(make, tt.lessons["idh"], date(2026, 11, 24), new_date=date(2026, 12, 3))  # from last week into this one: counted
    s.move(make, tt.lessons["idh"], date(2026, 12, 1), new_date=date(2026, 12, 8))  # out of this week: not counted
    s.cancel(make, tt.lessons["en"], date(2026, 12, 7))  # next week
    db.expire_all()
    pupil = db.get(Pupil, child.id)
    unit = db.get(Unit, pupil.unit_id)
    week = service.occurrences(db, pupil, unit, s.MONDAY, date(2026, 12, 6))
    expected = sum(1 for o in week if o.status != "scheduled")
    assert expected == 2
    assert BOXES["schedule"].provider(db, guardian, pupil, clock) == expected

def test_staff_cancel_and_move_a_lesson_and_the_week_changes(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    url = f"/api/v1/staff/lessons/{tt.lessons['sv'].id}/occurrences/2026-11-30"
    before = week(client, make, guardian, child.id, "2026-W49")

    cancelled = client.put(
        url, json={"status": "cancelled", "note": "Studiebesök"}, headers=make.headers(teacher)
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["id"] == f"{tt.lessons['sv'].id}:2026-11-30"
    after = week(
        client, make, guardian, child.id, "2026-W49", **{"If-None-Match": before.headers["etag"]}
    )
    assert after.status_code == 200
    assert after.json()["days"][0]["lessons"][0]["status"] == "cancelled"

    moved = client.put(
        url,
        json={"status": "moved", "new_date": "2026-12-02", "start": "13:00", "end": "13:50"},
        headers=make.headers(teacher),
    )
    assert moved.status_code == 200
    days = week(client, make, guardian, child.id, "2026-W49").json()["days"]
    assert [x["subject"] for x in days[0]["lessons"]] == ["Matematik", "Engelska"]
    assert [(x["subject"], x["start"], x["status"]) for x in days[2]["lessons"]] == [
        ("Svenska", "13:00", "moved")
    ]

    assert client.delete(url, headers=make.headers(teacher)).status_code == 204
    assert week(client, make, guardian, child.id, "2026-W49").json() == before.json()


def test_only_staff_of_the_unit_change_lessons_and_only_on_their_days(client, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    teacher = make.staff(tt.school.unit, StaffRole.TEACHER, tt.school.group)
    other = make.school("Andra skolan", "5B")
    outsider = make.staff(other.unit, StaffRole.TEACHER, other.group)
    fritids = make.staff(tt.school.unit, StaffRole.FRITIDS)
    url = f"/api/v1/staff/lessons/{tt.lessons['sv'].id}/occurrences/2026-11-30"
    body = {"status": "cancelled"}
    assert (
        client.put(url, json=body, headers=make.headers(make.guardian(child))).json()["error"][
            "code"
        ]
        == "staff_only"
    )
    assert client.put(url, json=body, headers=make.headers(outsider)).status_code == 404
    assert (
        client.put(url, json=body, headers=make.headers(fritids)).json()["error"]["code"]
        == "role_not_allowed"
    )
    tuesday = f"/api/v1/staff/lessons/{tt.lessons['sv'].id}/occurrences/2026-12-01"
    assert (
        client.put(tuesday, json=body, headers=make.headers(teacher)).json()["error"]["code"]
        == "lesson_not_on_that_day"
    )
    bad_time = client.put(
        url,
        json={"status": "moved", "start": "10:00", "end": "09:00"},
        headers=make.headers(teacher),
    )
    assert bad_time.json()["error"]["code"] == "invalid_lesson_time"
    nothing = client.put(url, json={"status": "moved"}, headers=make.headers(teacher))
    assert nothing.json()["error"]["code"] == "nothing_to_move"
