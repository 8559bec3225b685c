"""Messages (R20–R24): threads, inbox and sent, unread counts, replies, the recipient directory,
staff letters, and the email notice every staff recipient gets (R23)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.outbox.models import OutboxMessage
from server.school.models import StaffRole


def outbox(app):
    with app.state.sessionmaker() as db:
        return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def world(make):
    school = make.school("Ekskolan", "4A")
    other_class = make.group(school.unit, "4B")
    child = make.pupil(school.group, "Alva")
    guardian = make.guardian(child, first="Vera", last="Ek")
    mentor = make.staff(school.unit, StaffRole.MENTOR, school.group, first="Mona", last="Mentor", language="en")
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Tore", last="Lärare", subject="Matematik")
    other_teacher = make.staff(school.unit, StaffRole.TEACHER, other_class, first="Åsa", last="Annan")
    principal = make.staff(school.unit, StaffRole.ADMINISTRATOR, first="Rut", last="Rektor")
    elsewhere = make.school("Bortaskolan", "1A")
    stranger = make.staff(elsewhere.unit, StaffRole.TEACHER, elsewhere.group, first="Sten", last="Främling")
    return {"school": school, "other_class": other_class, "child": child, "guardian": guardian, "mentor": mentor, "teacher": teacher,
            "other_teacher": other_teacher, "principal": principal, "stranger": stranger, "elsewhere": elsewhere}


def write(client, make, user, pupil, recipients, subject="Fråga om läxan", body="Hej! Vilken sida ska vi läsa?"):
    return client.post(
        "/api/v1/messages/threads",
        json={"pupil_id": pupil.id, "recipient_ids": [r.id for r in recipients], "subject": subject, "body": body},
        headers=make.headers(user),
    )


def test_the_recipient_directory_lists_staff_of_the_childs_unit_mentor_and_teachers_first(client, make, world):
    """R22, R24."""
    response = client.get(f"/api/v1/children/{world['child'].id}/message-recipients", headers=make.headers(world["guardian"]))
    assert response.status_code == 200
    rows = response.json()["recipients"]
    assert [r["name"] for r in rows[:2]] == ["Mona Mentor", "Tore Lärare"]
    assert rows[0] == {"id": world["mentor"].id, "name": "Mona Mentor", "role": "mentor", "is_mentor": True, "is_teacher_of_child": True, "subject": None}
    assert rows[1]["is_teacher_of_child"] and not rows[1]["is_mentor"] and rows[1]["subject"] == "Matematik"
    assert {r["name"] for r in rows[2:]} == {"Åsa Annan", "Rut Rektor"}
    assert world["stranger"].id not in {r["id"] for r in rows}


def test_a_guardian_writes_to_several_staff_and_each_gets_one_email_notice_in_their_language(client, app, make, world):
    """R22–R24: every staff recipient is told by email there is a message — without its content."""
    response = write(client, make, world["guardian"], world["child"], [world["mentor"], world["teacher"], world["mentor"]])
    assert response.status_code == 201, response.text
    thread = response.json()
    assert thread["subject"] == "Fråga om läxan" and thread["pupil_id"] == world["child"].id and thread["pupil_name"] == "Alva Test"
    assert {p["id"] for p in thread["participants"]} == {world["guardian"].id, world["mentor"].id, world["teacher"].id}
    assert thread["messages"][0]["author"]["name"] == "Vera Ek"

    notices = outbox(app)
    assert sorted(n.recipient for n in notices) == sorted([world["mentor"].email, world["teacher"].email])
    by_recipient = {n.recipient: n for n in notices}
    assert by_recipient[world["mentor"].email].subject == "You have a new message in Skolhub"
    assert by_recipient[world["teacher"].email].subject == "Du har fått ett meddelande i Skolhub"
    for notice in notices:
        assert notice.kind == "message_notice"
        assert "läxan" not in notice.body and "Vilken sida" not in notice.body and "Alva" not in notice.body


def test_inbox_unread_count_read_marks_and_reply(client, app, make, world):
    """R9, R20, R21."""
    thread_id = write(client, make, world["guardian"], world["child"], [world["teacher"]]).json()["id"]
    teacher, guardian = make.headers(world["teacher"]), make.headers(world["guardian"])
    assert client.get("/api/v1/messages/unread-count", headers=teacher).json() == {"unread": 1}
    assert client.get("/api/v1/messages/unread-count", headers=guardian).json() == {"unread": 0}
    inbox = client.get("/api/v1/messages/inbox", headers=teacher).json()["threads"]
    assert [(t["id"], t["unread"], t["last_preview"]) for t in inbox] == [(thread_id, True, "Hej! Vilken sida ska vi läsa?")]
    assert client.get("/api/v1/messages/inbox", headers=guardian).json() == {"threads": []}
    assert [t["id"] for t in client.get("/api/v1/messages/sent", headers=guardian).json()["threads"]] == [thread_id]

    opened = client.get(f"/api/v1/messages/threads/{thread_id}", headers=teacher)
    assert opened.status_code == 200 and len(opened.json()["messages"]) == 1
    assert client.get("/api/v1/messages/unread-count", headers=teacher).json() == {"unread": 0}
    assert client.get("/api/v1/messages/inbox", headers=teacher).json()["threads"][0]["unread"] is False

    replied = client.post(f"/api/v1/messages/threads/{thread_id}/replies", json={"body": "Sidan 12."}, headers=teacher)
    assert replied.status_code == 201 and [m["body"] for m in replied.json()["messages"]] == ["Hej! Vilken sida ska vi läsa?", "Sidan 12."]
    assert client.get("/api/v1/messages/unread-count", headers=guardian).json() == {"unread": 1}
    inbox = client.get("/api/v1/messages/inbox", headers=guardian).json()["threads"]
    assert inbox[0]["unread"] and inbox[0]["last_preview"] == "Sidan 12."
    # The guardian's bell shows the reply for the child, and reading the thread clears it.
    feed = client.get("/api/v1/notifications", headers=guardian).json()["items"]
    assert [(n["area"], n["pupil_id"], n["link"]) for n in feed] == [("messages", world["child"].id, f"/messages/threads/{thread_id}")]
    client.get(f"/api/v1/messages/threads/{thread_id}", headers=guardian)
    assert client.get("/api/v1/notifications/counts", headers=guardian).json() == {"total": 0, "by_pupil": {}}
    # A staff reply sends no email to the guardian (R23 is for staff recipients); the guardian's reply notifies the teacher.
    client.post(f"/api/v1/messages/threads/{thread_id}/replies", json={"body": "Tack!"}, headers=guardian)
    assert [n.recipient for n in outbox(app)] == [world["teacher"].email, world["teacher"].email]


def test_a_guardian_cannot_message_staff_of_another_school(client, app, make, world):
    response = write(client, make, world["guardian"], world["child"], [world["teacher"], world["stranger"]])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "recipient_not_allowed"
    assert outbox(app) == []
    assert client.get("/api/v1/messages/sent", headers=make.headers(world["guardian"])).json() == {"threads": []}


def test_nobody_writes_about_or_reads_another_familys_child(client, make, world):
    """R2: another family's child is not found; a thread one is not in is not found."""
    other_child = make.pupil(world["school"].group, "Nils")
    other_guardian = make.guardian(other_child)
    response = write(client, make, world["guardian"], other_child, [world["teacher"]])
    assert response.status_code == 404
    directory = client.get(f"/api/v1/children/{other_child.id}/message-recipients", headers=make.headers(world["guardian"]))
    assert directory.status_code == 404
    thread_id = write(client, make, world["guardian"], world["child"], [world["teacher"]]).json()["id"]
    assert client.get(f"/api/v1/messages/threads/{thread_id}", headers=make.headers(other_guardian)).status_code == 404
    refused = client.post(f"/api/v1/messages/threads/{thread_id}/replies", json={"body": "Hej"}, headers=make.headers(other_guardian))
    assert refused.status_code == 404


def test_a_student_writes_to_their_teachers_like_a_guardian(client, make, world):
    """R1: students have the same message functions."""
    student = make.student(world["child"])
    response = write(client, make, student, world["child"], [world["mentor"]], body="Jag är sjuk idag.")
    assert response.status_code == 201
    assert client.get("/api/v1/messages/unread-count", headers=make.headers(world["mentor"])).json() == {"unread": 1}


@pytest.mark.parametrize(("subject", "body", "code"), [
    ("", "Hej", "subject_required"),
    ("x" * 201, "Hej", "subject_too_long"),
    ("Hej", "   ", "body_required"),
    ("Hej", "x" * 10_001, "body_too_long"),
    ("Hej", "bell\x07", "invalid_text"),  # the input policy for all text (server/input_policy.py)
])
def test_messages_are_plain_text_within_size_limits(client, make, world, subject, body, code):
    response = write(client, make, world["guardian"], world["child"], [world["teacher"]], subject=subject, body=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_a_message_needs_a_recipient(client, make, world):
    response = write(client, make, world["guardian"], world["child"], [])
    assert response.status_code == 422 and response.json()["error"]["code"] == "recipients_required"


def test_a_group_letter_is_one_thread_per_household_so_families_do_not_see_each_other(client, app, make, world):
    """Staff write to all guardians of a group: each household gets its own thread."""
    sibling_family = make.pupil(world["school"].group, "Nils")
    parent_a, parent_b = make.guardian(sibling_family, first="Ann"), make.guardian(sibling_family, first="Bo")
    outside = make.guardian(make.pupil(world["other_class"], "Olle"))
    response = client.post(
        "/api/v1/staff/messages",
        json={"to_guardians_of_group": world["school"].group.id, "subject": "Utflykt fredag", "body": "Ta med matsäck."},
        headers=make.headers(world["mentor"]),
    )
    assert response.status_code == 201, response.text
    threads = response.json()["threads"]
    assert sorted(t["pupil_id"] for t in threads) == sorted([world["child"].id, sibling_family.id])

    shared = client.get("/api/v1/messages/inbox", headers=make.headers(parent_a)).json()["threads"]
    assert len(shared) == 1
    assert {p["id"] for p in shared[0]["participants"]} == {world["mentor"].id, parent_a.id, parent_b.id}
    assert world["guardian"].id not in {p["id"] for p in shared[0]["participants"]}
    assert client.get("/api/v1/messages/inbox", headers=make.headers(outside)).json() == {"threads": []}
    assert client.get("/api/v1/messages/unread-count", headers=make.headers(world["guardian"])).json() == {"unread": 1}
    assert outbox(app) == []  # guardians are not emailed; their feeds and the app's pushes tell them


def test_staff_write_to_one_pupils_guardians_but_not_at_another_unit(client, make, world):
    ok = client.post(
        "/api/v1/staff/messages",
        json={"to_guardians_of_pupil": world["child"].id, "subject": "Samtal", "body": "Kan vi ses?"},
        headers=make.headers(world["teacher"]),
    )
    assert ok.status_code == 201 and len(ok.json()["threads"]) == 1
    for target in ({"to_guardians_of_pupil": world["child"].id}, {"to_guardians_of_group": world["school"].group.id}):
        refused = client.post("/api/v1/staff/messages", json={**target, "subject": "Hej", "body": "Hej"}, headers=make.headers(world["stranger"]))
        assert refused.status_code == 404, target
    as_guardian = client.post(
        "/api/v1/staff/messages", json={"to_guardians_of_pupil": world["child"].id, "subject": "Hej", "body": "Hej"},
        headers=make.headers(world["guardian"]),
    )
    assert as_guardian.status_code == 403 and as_guardian.json()["error"]["code"] == "staff_only"
    both = client.post("/api/v1/staff/messages", json={"subject": "Hej", "body": "Hej"}, headers=make.headers(world["teacher"]))
    assert both.status_code == 422 and both.json()["error"]["code"] == "choose_one_target"


def test_a_retried_send_with_the_same_idempotency_key_creates_one_message_and_one_notice(client, app, make, world):
    headers = {**make.headers(world["guardian"]), "Idempotency-Key": "send-1"}
    body = {"pupil_id": world["child"].id, "recipient_ids": [world["teacher"].id], "subject": "Hej", "body": "Hej"}
    first = client.post("/api/v1/messages/threads", json=body, headers=headers)
    second = client.post("/api/v1/messages/threads", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert len(outbox(app)) == 1


def test_inbox_answers_304_when_nothing_changed(client, make, world):
    write(client, make, world["guardian"], world["child"], [world["teacher"]])
    headers = make.headers(world["teacher"])
    first = client.get("/api/v1/messages/inbox", headers=headers)
    assert client.get("/api/v1/messages/inbox", headers={**headers, "If-None-Match": first.headers["ETag"]}).status_code == 304


def test_the_demo_has_weeks_of_messages_for_the_featured_logins(client, app, make, clock, settings):
    """Demo content: the Messages box shows real conversations, some unread."""
    from server.demo import seed_demo

    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings, seed=2026)
        db.commit()
        people = {k: world.people[k] for k in ("fritids_and_preschool_guardian", "no_mobile_guardian", "student", "teacher")}
    anna = make.headers(people["fritids_and_preschool_guardian"])
    inbox = client.get("/api/v1/messages/inbox", headers=anna).json()["threads"]
    assert len(inbox) >= 4 and any(t["unread"] for t in inbox) and any(not t["unread"] for t in inbox)
    dates = sorted(t["last_message_at"] for t in inbox)
    assert dates[0] < dates[-1]  # spread over weeks, not one moment
    assert client.get("/api/v1/messages/unread-count", headers=anna).json()["unread"] >= 1
    assert client.get("/api/v1/messages/inbox", headers=make.headers(people["student"])).json()["threads"]
    assert client.get("/api/v1/messages/inbox", headers=make.headers(people["teacher"])).json()["threads"]
    assert not any(n.kind == "message_notice" for n in outbox(app))  # back-dated messages are not announced again


async def test_concurrent_replies_keep_the_newest_message_as_the_threads_last(aclient, make, world):
    import asyncio

    guardian, teacher, mentor = make.headers(world["guardian"]), make.headers(world["teacher"]), make.headers(world["mentor"])
    created = await aclient.post(
        "/api/v1/messages/threads",
        json={"pupil_id": world["child"].id, "recipient_ids": [world["teacher"].id, world["mentor"].id], "subject": "Hej", "body": "Hej"},
        headers=guardian,
    )
    thread_id = created.json()["id"]
    url = f"/api/v1/messages/threads/{thread_id}/replies"
    results = await asyncio.gather(*[
        aclient.post(url, json={"body": f"Svar {n}"}, headers=teacher if n % 2 else mentor) for n in range(6)
    ])
    assert all(r.status_code == 201 for r in results)
    thread = (await aclient.get(f"/api/v1/messages/threads/{thread_id}", headers=guardian)).json()
    inbox = (await aclient.get("/api/v1/messages/inbox", headers=guardian)).json()["threads"]
    assert len(thread["messages"]) == 7
    assert inbox[0]["last_preview"] == thread["messages"][-1]["body"]
