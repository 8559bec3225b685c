"""Calendar (R55): entries for a unit, a group or a pupil; surveys answered once per user and
child; a private iCalendar (RFC 5545) feed a phone calendar can subscribe to."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import icalendar

from tests.server.content_world import API, build, notifications, unread

# The clock fixture: Monday 30 November 2026, 07:30 Stockholm.


def publish(client, make, staff, **fields):
    body = {"kind": "activity", "title": "Utflykt", "start_date": "2026-12-03", **fields}
    return client.post(f"{API}/staff/calendar/entries", json=body, headers=make.headers(staff))


def survey(client, make, staff, group_id, end_date="2026-12-11"):
    return publish(
        client, make, staff, group_id=group_id, kind="survey", title="Julfika", start_date="2026-12-01", end_date=end_date,
        questions=[
            {"text": "Kommer ni på julfikat?", "kind": "choice", "options": ["Ja", "Nej"]},
            {"text": "Allergier vi behöver känna till?", "kind": "text"},
        ],
    ).json()


def answers(entry, pupil_id, choice="Ja", text="Inga"):
    q1, q2 = entry["questions"]
    return {"pupil_id": pupil_id, "answers": [{"question_id": q1["id"], "value": choice}, {"question_id": q2["id"], "value": text}]}


def test_a_child_sees_unit_group_and_own_entries_in_the_date_range(client, make, db):
    w = build(make)
    unit_wide = publish(client, make, w.teacher, unit_id=w.school.id, kind="information", title="Studiedag", start_date="2026-12-07")
    assert unit_wide.status_code == 201, unit_wide.text
    publish(client, make, w.teacher, group_id=w.class_4a.id, kind="test", title="Glosförhör", start_date="2026-12-04", start_time="09:00", end_time="09:40")
    homework = publish(client, make, w.teacher, pupil_id=w.pupil.id, kind="homework", title="Läs kapitel 3", start_date="2026-12-02").json()
    publish(client, make, w.teacher, pupil_id=w.classmate.id, kind="homework", title="Nils läxa", start_date="2026-12-02")
    publish(client, make, w.teacher, group_id=w.class_5b.id, kind="activity", title="5B bad", start_date="2026-12-03")
    publish(client, make, w.teacher, unit_id=w.school.id, title="Skolavslutning", start_date="2026-12-18", end_date="2026-12-18")
    publish(client, make, w.other_teacher, unit_id=w.other_school.id, title="Björkskolans dag", start_date="2026-12-03")

    got = client.get(f"{API}/children/{w.pupil.id}/calendar", params={"from": "2026-11-30", "to": "2026-12-13"}, headers=make.headers(w.guardian))
    assert got.status_code == 200
    assert [(e["start_date"], e["title"], e["kind"]) for e in got.json()["items"]] == [
        ("2026-12-02", "Läs kapitel 3", "homework"),
        ("2026-12-04", "Glosförhör", "test"),
        ("2026-12-07", "Studiedag", "information"),
    ]
    test = got.json()["items"][1]
    assert (test["start_time"], test["end_time"], test["all_day"], test["group_name"]) == ("09:00:00", "09:40:00", False, "4A")
    # Default range starts today; the student sees the same.
    student = client.get(f"{API}/children/{w.pupil.id}/calendar", headers=make.headers(w.student)).json()
    assert student["from_date"] == "2026-11-30" and len(student["items"]) == 4
    # Only the concerned get notified: the pupil's own homework reaches the pupil's guardians and student.
    own = notifications(db, area="calendar", item_key=f"calendar:{homework['id']}")
    assert {u for u, _, _ in own} == {w.guardian.id, w.second_guardian.id, w.student.id}


def test_multi_day_entries_overlap_the_range_and_bad_ranges_are_refused(client, make):
    w = build(make)
    publish(client, make, w.teacher, group_id=w.class_4a.id, title="Lägerskola", start_date="2026-12-01", end_date="2026-12-04")
    headers = make.headers(w.guardian)
    inside = client.get(f"{API}/children/{w.pupil.id}/calendar", params={"from": "2026-12-03", "to": "2026-12-03"}, headers=headers)
    assert [e["title"] for e in inside.json()["items"]] == ["Lägerskola"]
    backwards = client.get(f"{API}/children/{w.pupil.id}/calendar", params={"from": "2026-12-03", "to": "2026-12-01"}, headers=headers)
    assert backwards.status_code == 422 and backwards.json()["error"]["code"] == "to_before_from"
    bad = publish(client, make, w.teacher, group_id=w.class_4a.id, start_date="2026-12-05", end_date="2026-12-04")
    assert bad.json()["error"]["code"] == "end_before_start"
    two_scopes = publish(client, make, w.teacher, group_id=w.class_4a.id, unit_id=w.school.id)
    assert two_scopes.json()["error"]["code"] == "one_scope"
    questions_on_activity = publish(client, make, w.teacher, group_id=w.class_4a.id, questions=[{"text": "?"}])
    assert questions_on_activity.json()["error"]["code"] == "questions_only_for_surveys"


def test_a_survey_can_be_answered_once_per_user_and_child(client, make):
    w = build(make)
    entry = survey(client, make, w.teacher, w.class_4a.id)
    url = f"{API}/calendar/surveys/{entry['id']}/answers"
    first = client.post(url, json=answers(entry, w.pupil.id), headers=make.headers(w.guardian))
    assert first.status_code == 201, first.text
    again = client.post(url, json=answers(entry, w.pupil.id, choice="Nej"), headers=make.headers(w.guardian))
    assert again.status_code == 409 and again.json()["error"]["code"] == "survey_already_answered"
    # The other guardian and the student answer for themselves.
    assert client.post(url, json=answers(entry, w.pupil.id, choice="Nej"), headers=make.headers(w.second_guardian)).status_code == 201
    assert client.post(url, json=answers(entry, w.pupil.id), headers=make.headers(w.student)).status_code == 201
    # The list says it is answered.
    listed = client.get(f"{API}/children/{w.pupil.id}/calendar", headers=make.headers(w.guardian)).json()["items"][0]
    assert (listed["answered"], listed["answerable"]) == (True, False)
    fresh = client.get(f"{API}/children/{w.classmate.id}/calendar", headers=make.headers(w.classmate_guardian)).json()["items"][0]
    assert (fresh["answered"], fresh["answerable"]) == (False, True)
    # Staff see the answers and the counts.
    results = client.get(f"{API}/staff/calendar/surveys/{entry['id']}/answers", headers=make.headers(w.teacher)).json()
    assert len(results["responses"]) == 3
    assert results["counts"][str(entry["questions"][0]["id"])] == {"Ja": 2, "Nej": 1}


async def test_two_simultaneous_answers_leave_exactly_one(aclient, make):
    w = build(make)
    staff_headers = make.headers(w.teacher)
    created = await aclient.post(f"{API}/staff/calendar/entries", headers=staff_headers, json={
        "group_id": w.class_4a.id, "kind": "survey", "title": "Julfika", "start_date": "2026-12-01", "end_date": "2026-12-11",
        "questions": [{"text": "Kommer ni?", "kind": "choice", "options": ["Ja", "Nej"]}],
    })
    entry = created.json()
    body = {"pupil_id": w.pupil.id, "answers": [{"question_id": entry["questions"][0]["id"], "value": "Ja"}]}
    headers = make.headers(w.guardian)
    results = await asyncio.gather(*[aclient.post(f"{API}/calendar/surveys/{entry['id']}/answers", json=body, headers=headers) for _ in range(4)])
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409]


def test_survey_answers_are_checked_and_refused_where_they_do_not_belong(client, make, clock):
    w = build(make)
    entry = survey(client, make, w.teacher, w.class_4a.id)
    url = f"{API}/calendar/surveys/{entry['id']}/answers"
    wrong_option = client.post(url, json=answers(entry, w.pupil.id, choice="Kanske"), headers=make.headers(w.guardian))
    assert wrong_option.status_code == 422 and wrong_option.json()["error"]["code"] == "invalid_option"
    missing = client.post(url, json={"pupil_id": w.pupil.id, "answers": []}, headers=make.headers(w.guardian))
    assert missing.json()["error"]["code"] == "answers_missing"
    # A child the survey does not concern (5B), another family's child, and staff.
    assert client.post(url, json=answers(entry, w.other_class_pupil.id), headers=make.headers(w.other_class_guardian)).status_code == 404
    assert client.post(url, json=answers(entry, w.classmate.id), headers=make.headers(w.guardian)).status_code == 404
    assert client.post(url, json=answers(entry, w.pupil.id), headers=make.headers(w.teacher)).status_code == 403
    # After its last day the survey is closed.
    clock.set(datetime(2026, 12, 12, 8, 0))
    closed = client.post(url, json=answers(entry, w.pupil.id), headers=make.headers(w.guardian))
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "survey_closed"


def test_a_survey_needs_questions_and_choices_need_options(client, make):
    w = build(make)
    none = publish(client, make, w.teacher, group_id=w.class_4a.id, kind="survey")
    assert none.json()["error"]["code"] == "survey_needs_questions"
    one_option = publish(client, make, w.teacher, group_id=w.class_4a.id, kind="survey", questions=[{"text": "?", "kind": "choice", "options": ["Ja"]}])
    assert one_option.json()["error"]["code"] == "choice_needs_options"


def test_an_entry_read_through_its_notification_marks_it_read(client, make, db):
    w = build(make)
    entry = publish(client, make, w.teacher, group_id=w.class_4a.id, title="Luciatåg").json()
    assert unread(db, w.guardian, w.pupil, "calendar") == 1
    got = client.get(f"{API}/calendar/entries/{entry['id']}", params={"pupil_id": w.pupil.id}, headers=make.headers(w.guardian))
    assert got.status_code == 200 and got.json()["title"] == "Luciatåg"
    assert unread(db, w.guardian, w.pupil, "calendar") == 0
    assert client.get(f"{API}/calendar/entries/{entry['id']}", headers=make.headers(w.other_guardian)).status_code == 404
    assert client.get(f"{API}/calendar/entries/{entry['id']}", headers=make.headers(w.other_class_guardian)).status_code == 404


def test_an_unpublished_entry_disappears_for_readers(client, make, db):
    w = build(make)
    entry = publish(client, make, w.teacher, unit_id=w.school.id, title="Föräldramöte").json()
    client.post(f"{API}/staff/calendar/entries/{entry['id']}/unpublish", headers=make.headers(w.teacher))
    assert client.get(f"{API}/children/{w.pupil.id}/calendar", headers=make.headers(w.guardian)).json()["items"] == []
    assert client.get(f"{API}/calendar/entries/{entry['id']}", headers=make.headers(w.guardian)).status_code == 404
    assert notifications(db, area="calendar") == []
    edited = client.patch(f"{API}/staff/calendar/entries/{entry['id']}", json={"start_date": "2026-12-09", "start_time": "18:00"}, headers=make.headers(w.teacher))
    assert edited.status_code == 200 and edited.json()["start_time"] == "18:00:00"
    client.post(f"{API}/staff/calendar/entries/{entry['id']}/publish", headers=make.headers(w.teacher))
    assert [e["start_date"] for e in client.get(f"{API}/children/{w.pupil.id}/calendar", headers=make.headers(w.guardian)).json()["items"]] == ["2026-12-09"]


def test_calendar_publishing_is_guarded_by_role_and_unit(client, make):
    w = build(make)
    assert publish(client, make, w.guardian, group_id=w.class_4a.id).json()["error"]["code"] == "staff_only"
    assert publish(client, make, w.other_teacher, group_id=w.class_4a.id).status_code == 404
    assert publish(client, make, w.other_teacher, pupil_id=w.pupil.id).status_code == 404
    assert publish(client, make, w.fritids, unit_id=w.school.id).json()["error"]["code"] == "role_not_allowed"
    assert publish(client, make, w.fritids, group_id=w.class_4a.id).status_code == 201


def test_the_ical_feed_needs_only_its_private_token_and_rotating_it_ends_the_old_one(client, make):
    w = build(make)
    publish(client, make, w.teacher, group_id=w.class_4a.id, title="Glosförhör", start_date="2026-12-04", start_time="09:00", end_time="09:40")
    publish(client, make, w.teacher, unit_id=w.school.id, kind="information", title="Jullov", start_date="2026-12-21", end_date="2027-01-08")
    publish(client, make, w.teacher, group_id=w.class_5b.id, title="5B bad")
    feed = client.post(f"{API}/children/{w.pupil.id}/calendar-feed", headers=make.headers(w.guardian))
    assert feed.status_code == 200
    url = feed.json()["url"]
    assert url.startswith(f"http://testserver/api/v1/children/{w.pupil.id}/calendar.ics?token=")
    assert feed.json()["webcal_url"].startswith("webcal://testserver/")

    ics = client.get(url)  # no Authorization header: a phone calendar cannot send one
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(ics.content)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Glosförhör", "Jullov"}
    quiz = events["Glosförhör"]
    assert quiz.decoded("DTSTART") == datetime(2026, 12, 4, 8, 0, tzinfo=quiz.decoded("DTSTART").tzinfo)  # 09:00 CET = 08:00 UTC
    assert quiz.decoded("DTSTART").utcoffset().total_seconds() == 0
    holiday = events["Jullov"]
    assert holiday.decoded("DTSTART") == date(2026, 12, 21) and holiday.decoded("DTEND") == date(2027, 1, 9)  # exclusive end
    assert str(cal["VERSION"]) == "2.0" and "UID" in quiz and "DTSTAMP" in quiz

    token = url.split("token=")[1]
    assert client.get(f"{API}/children/{w.classmate.id}/calendar.ics", params={"token": token}).status_code == 404
    assert client.get(f"{API}/children/{w.pupil.id}/calendar.ics", params={"token": "x" * 43}).status_code == 404
    rotated = client.post(f"{API}/children/{w.pupil.id}/calendar-feed", headers=make.headers(w.guardian)).json()
    assert client.get(url).status_code == 404
    assert client.get(rotated["url"]).status_code == 200
    client.delete(f"{API}/children/{w.pupil.id}/calendar-feed", headers=make.headers(w.guardian))
    assert client.get(rotated["url"]).status_code == 404
    # Nobody makes a feed for a child that is not theirs.
    assert client.post(f"{API}/children/{w.other_pupil.id}/calendar-feed", headers=make.headers(w.guardian)).status_code == 404


def test_tokens_are_kept_out_of_access_logs(app):
    import logging

    from server.log_privacy import RedactTokens

    def logged(path: str) -> str:
        record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5000", "GET", path, "1.1", 200), None)
        RedactTokens().filter(record)
        return record.getMessage()

    assert "token=[redacted]&x=1" in logged("/api/v1/children/4/calendar.ics?token=s3cr3t-Tok_en&x=1")
    assert "s3cr3t" not in logged("/api/v1/children/4/calendar.ics?token=s3cr3t-Tok_en&x=1")
    assert "/activations/[redacted] " in logged("/api/v1/activations/s3cr3tLink")
    assert "s3cr3t" not in logged("/api/v1/password-resets/s3cr3tLink?x=1")
    # create_app installs it on uvicorn's access log.
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters)
