"""R5, R80: notifications of the protected boxes name nothing of the item before BankID — not in
the feed (which is also what the app's device push shows), not in any email — and every
server-made notification title is rendered in the reader's language when the feed is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from server.config import Settings
from server.outbox.adapters import EmailSink, SmsSink
from server.outbox.models import Channel, OutboxMessage
from server.outbox.worker import run_once
from server.school.models import StaffRole
from tests.server import schedule_setup as s
from tests.server.bankid_sim import Sim, running_simulator, verify_with_bankid

API = "/api/v1"
TOMORROW = "2026-12-01"  # the clock stands on Monday 2026-11-30

# Words of the published items that must not appear anywhere before BankID.
SECRET_SUBJECT = "Hemkunskap"
SECRET_COMMENT = "Kokar utmärkt soppa"
SECRET_TERM = "VT2026"
SECRET_PORTFOLIO = "Utflykt till Sjöskogen"
SECRET_PORTFOLIO_BODY = "Elsa hittade en salamander"
SECRET_IUP_GOALS = "Läsa kapitelböcker"


@pytest.fixture
def sim(clock):  # type: ignore[no-untyped-def]
    yield from running_simulator(clock)


@pytest.fixture
def settings(settings: Settings, sim: Sim) -> Settings:
    return settings.model_copy(update={"bankid_base_url": sim.rp_url})


@pytest.fixture
def world(make):  # type: ignore[no-untyped-def]
    tt = s.timetable(make)
    pupil = s.pupil_in(make, tt, "Elsa")
    swedish = make.guardian(pupil, first="Karin", email="karin@example.test", phone="+46701234567")
    english = make.guardian(pupil, first="John", email="john@example.test", phone="+46709876543", language="en")
    student = make.student(pupil)
    teacher = make.staff(tt.school.unit, StaffRole.MENTOR, tt.school.group, first="Tore", last="Lärare")
    return tt, pupil, swedish, english, student, teacher


def publish_assessment(client, make, teacher, pupil):  # type: ignore[no-untyped-def]
    response = client.post(
        f"{API}/staff/assessments", headers=make.headers(teacher),
        json={"pupil_id": pupil.id, "subject": SECRET_SUBJECT, "term": SECRET_TERM, "level": "good", "comment": SECRET_COMMENT},
    )
    assert response.status_code == 201, response.text


def publish_portfolio(client, make, teacher, pupil=None, group=None):  # type: ignore[no-untyped-def]
    data = {"title": SECRET_PORTFOLIO, "body": SECRET_PORTFOLIO_BODY}
    data.update({"pupil_id": str(pupil.id)} if pupil is not None else {"group_id": str(group.id)})
    response = client.post(f"{API}/staff/documentation/portfolio", headers=make.headers(teacher), data=data)
    assert response.status_code == 201, response.text


def publish_iup(client, make, teacher, pupil):  # type: ignore[no-untyped-def]
    response = client.post(
        f"{API}/staff/documentation/iup", headers=make.headers(teacher),
        json={"pupil_id": pupil.id, "term": SECRET_TERM, "goals": SECRET_IUP_GOALS, "school_actions": "Lästräning"},
    )
    assert response.status_code == 201, response.text


def feed(client, make, user):  # type: ignore[no-untyped-def]
    response = client.get(f"{API}/notifications", headers=make.headers(user))
    assert response.status_code == 200
    return response


def sent_texts(app, db, settings, clock, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Everything in the outbox, as stored and as the worker sends it (into local sinks)."""
    sinks = {Channel.EMAIL.value: EmailSink(tmp_path / "mail", settings.email_from), Channel.SMS.value: SmsSink(tmp_path / "sms")}
    run_once(app.state.sessionmaker, clock, settings, sinks)
    db.expire_all()
    stored = [f"{m.subject or ''}\n{m.body}" for m in db.scalars(select(OutboxMessage))]
    files = [p.read_text(errors="replace") for p in sorted(tmp_path.rglob("*")) if p.is_file()]
    return stored + files


@pytest.mark.parametrize("kind", ["assessment", "portfolio_for_pupil", "portfolio_for_group", "iup"])
def test_a_protected_publication_names_nothing_of_the_item_in_feed_push_or_email(
    client, app, db, make, clock, settings, sim, world, tmp_path, kind
):  # type: ignore[no-untyped-def]
    tt, pupil, swedish, english, student, teacher = world
    if kind == "assessment":
        publish_assessment(client, make, teacher, pupil)
        expected = ("Ny bedömning har publicerats", "A new assessment has been published", "assessments")
    else:
        if kind == "iup":
            publish_iup(client, make, teacher, pupil)
        elif kind == "portfolio_for_pupil":
            publish_portfolio(client, make, teacher, pupil=pupil)
        else:
            publish_portfolio(client, make, teacher, group=tt.school.group)
        expected = ("Ny dokumentation har publicerats", "New documentation has been published", "documentation")
    secrets = [SECRET_SUBJECT, SECRET_COMMENT, SECRET_TERM, SECRET_PORTFOLIO, SECRET_PORTFOLIO_BODY, SECRET_IUP_GOALS]
    for user, title in ((swedish, expected[0]), (english, expected[1]), (student, expected[0])):
        response = feed(client, make, user)
        items = response.json()["items"]
        # The feed item is also the device push (the app shows its area name and title, R82).
        assert [(n["area"], n["title"], n["push"]) for n in items] == [(expected[2], title, True)]
        assert not [word for word in secrets if word.lower() in response.text.lower()], response.text
    texts = sent_texts(app, db, settings, clock, tmp_path)
    assert not [(word, t) for t in texts for word in secrets if word.lower() in t.lower()]
    # Inside the box, after BankID, the detail is there.
    headers = make.headers(english)
    verify_with_bankid(client, clock, sim, headers, english.personnummer)
    path = "assessments" if kind == "assessment" else ("documentation/iup" if kind == "iup" else "documentation/portfolio")
    inside = client.get(f"{API}/children/{pupil.id}/{path}", headers=headers)
    assert inside.status_code == 200
    assert (SECRET_SUBJECT if kind == "assessment" else SECRET_IUP_GOALS if kind == "iup" else SECRET_PORTFOLIO) in inside.text


def test_each_reader_gets_the_server_made_titles_in_their_own_language_read_when_the_feed_is_read(
    client, app, db, make, clock, settings, world, tmp_path
):  # type: ignore[no-untyped-def]
    tt, pupil, swedish, english, _student, teacher = world
    # Absence (R45): two invalid lessons on Monday 30 November.
    for lesson in ("sv", "ma"):
        body = {"pupil_id": pupil.id, "date": "2026-11-30", "lesson_id": tt.lessons[lesson].id, "valid": False}
        assert client.post(f"{API}/staff/absences", json=body, headers=make.headers(teacher)).status_code == 201
    # Messages: the English guardian writes, the teacher replies.
    thread = client.post(
        f"{API}/messages/threads", headers=make.headers(english),
        json={"pupil_id": pupil.id, "recipient_ids": [teacher.id], "subject": "Utflykten", "body": "Vad ska hon ha med sig?"},
    )
    assert thread.status_code == 201, thread.text
    reply = client.post(f"{API}/messages/threads/{thread.json()['id']}/replies", json={"body": "Matsäck."}, headers=make.headers(teacher))
    assert reply.status_code == 201
    # Talks (R30).
    talks = client.post(
        f"{API}/staff/talks/series", headers=make.headers(teacher),
        json={"title": "Utvecklingssamtal HT", "group_ids": [tt.school.group.id],
              "times": [{"teacher_id": teacher.id, "date": TOMORROW, "start": "15:00", "length_minutes": 20, "place": "4A"}]},
    )
    assert talks.status_code == 201, talks.text
    # Publications: an assessment and a portfolio entry.
    publish_assessment(client, make, teacher, pupil)
    publish_portfolio(client, make, teacher, pupil=pupil)

    def titles(user):  # type: ignore[no-untyped-def]
        return sorted((n["area"], n["title"]) for n in feed(client, make, user).json()["items"])

    assert titles(english) == sorted([
        ("absence", "Unexcused absence on Monday 30 November"),
        ("absence", "Unexcused absence from several lessons on Monday 30 November"),
        ("messages", "New message from Tore Lärare: Utflykten"),
        ("talks", "Book a time for a talk: Utvecklingssamtal HT"),
        ("assessments", "A new assessment has been published"),
        ("documentation", "New documentation has been published"),
    ])
    assert titles(swedish) == sorted([
        ("absence", "Ogiltig frånvaro måndag 30 november"),
        ("absence", "Ogiltig frånvaro från flera lektioner måndag 30 november"),
        ("talks", "Boka tid för samtal: Utvecklingssamtal HT"),
        ("assessments", "Ny bedömning har publicerats"),
        ("documentation", "Ny dokumentation har publicerats"),
    ])
    # Rendered at read time: switching language (R12) changes the titles already in the feed.
    switched = client.patch(f"{API}/me/settings", json={"language": "sv"}, headers=make.headers(english))
    assert switched.status_code == 200, switched.text
    assert ("absence", "Ogiltig frånvaro måndag 30 november") in titles(english)
    assert ("messages", "Nytt meddelande från Tore Lärare: Utflykten") in titles(english)
    # The SMS (R44) went out in each guardian's language, rendered by the worker when sent.
    sent_texts(app, db, settings, clock, tmp_path)
    sms = {json.loads(p.read_text())["to"]: json.loads(p.read_text())["message"] for p in (tmp_path / "sms").glob("*.json")}
    assert "unexcused absence on Monday 30 November" in sms["+46709876543"]
    assert "ogiltig frånvaro måndag 30 november" in sms["+46701234567"]
