"""The demo school has a term of schedule for every class, the municipality's breaks, changed
lessons this week, and absence history of both kinds for the featured families."""

from __future__ import annotations

from sqlalchemy import func, select

from server.absence.models import Absence
from server.demo import DEMO_PASSWORD, seed_demo
from server.outbox.models import OutboxMessage


def login(client, username):
    token = client.post(
        "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_demo_has_a_schedule_for_every_class_and_absences_of_both_kinds(
    client, app, clock, settings
):
    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings)
        db.commit()
        first_pupil_of = {
            name: next(p for p in world.pupils if p.group_id == g.id)
            for name, g in world.classes.items()
        }
        kinds = set(db.scalars(select(Absence.kind)))
        sms = db.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "absence_sms")
        )
    assert kinds == {"reported", "valid", "invalid"}
    assert sms >= 2

    admin = login(client, "rektor.holm")
    for name, pupil in first_pupil_of.items():
        days = client.get(
            f"/api/v1/children/{pupil.id}/schedule?week=2026-W49", headers=admin
        ).json()["days"]
        assert all(len(d["lessons"]) >= 4 for d in days), name
        assert all(
            lesson["teachers"] and lesson["room"] for d in days for lesson in d["lessons"]
        ), name
        autumn_break = client.get(
            f"/api/v1/children/{pupil.id}/schedule?week=2026-W44", headers=admin
        ).json()["days"]
        assert {d["no_school"]["name"] for d in autumn_break} == {"Höstlov"}
        sport = client.get(
            f"/api/v1/children/{pupil.id}/schedule?week=2027-W08", headers=admin
        ).json()["days"]
        assert {d["no_school"]["name"] for d in sport} == {"Sportlov"}
        spring = client.get(
            f"/api/v1/children/{pupil.id}/schedule?week=2027-W10", headers=admin
        ).json()["days"]
        assert all(d["lessons"] for d in spring)

    karin = login(client, "karin.berg")
    child = client.get("/api/v1/me", headers=karin).json()["children"][0]
    week = client.get(
        f"/api/v1/children/{child['id']}/schedule?week=2026-W49", headers=karin
    ).json()
    assert any(lesson["status"] == "cancelled" for d in week["days"] for lesson in d["lessons"])
    history = client.get(f"/api/v1/children/{child['id']}/absences", headers=karin).json()["items"]
    assert {i["kind"] for i in history} == {"reported", "invalid"}
    assert {i["registered_by"]["role"] for i in history} == {"guardian", "staff"}

    anna = login(client, "anna.lindqvist")
    for kid in client.get("/api/v1/me", headers=anna).json()["children"]:
        items = client.get(f"/api/v1/children/{kid['id']}/absences", headers=anna).json()["items"]
        assert items, kid
