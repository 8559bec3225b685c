"""Issue 16: a home box's number and the bell agree with what the screens show, and both go
down when an item is opened — checked on the demo school, as a guardian meets it."""

from __future__ import annotations

from server.demo import DEMO_PASSWORD, seed_demo

API = "/api/v1"


def _login(client, username: str) -> dict[str, str]:
    token = client.post(f"{API}/auth/login", json={"username": username, "password": DEMO_PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _home(client, headers, pupil_id: int) -> tuple[dict[str, int], int]:
    body = client.get(f"{API}/children/{pupil_id}/home", headers=headers).json()
    return {b["key"]: b["count"] for b in body["boxes"]}, body["unseen_notifications"]


def _first_school_child(client, headers) -> int:
    return next(c["id"] for c in client.get(f"{API}/me", headers=headers).json()["children"] if c["unit_kind"] == "school")


def _seed(app, clock, settings) -> None:
    with app.state.sessionmaker() as db:
        seed_demo(db, clock, settings)
        db.commit()


def test_information_counts_what_its_tabs_list_and_opening_them_lowers_box_and_bell_together(client, app, clock, settings):
    _seed(app, clock, settings)
    headers = _login(client, "anna.lindqvist")
    child = _first_school_child(client, headers)
    boxes, bell = _home(client, headers, child)
    assert boxes["information"] >= 1
    feed = client.get(f"{API}/notifications", params={"pupil_id": child, "limit": 100}, headers=headers).json()["items"]
    news_new = [n for n in feed if n["area"] == "information" and not n["read"] and n["type"] == "news_published"]
    listed = {n["id"] for n in client.get(f"{API}/children/{child}/information/news", headers=headers).json()["items"]}
    # Every new news item the box counts is one the News tab lists.
    assert {int(n["link"].rsplit("/", 1)[1]) for n in news_new} <= listed
    for n in news_new:
        client.get(f"{API}/children/{child}/information/news/{n['link'].rsplit('/', 1)[1]}", headers=headers)
    client.get(f"{API}/children/{child}/information/files", headers=headers)
    client.get(f"{API}/children/{child}/information/links", headers=headers)
    after, bell_after = _home(client, headers, child)
    assert after["information"] == 0
    unseen_info = sum(1 for n in feed if n["area"] == "information" and not n["seen"])
    assert bell_after == bell - unseen_info


def test_listing_files_lowers_the_bell_as_well_as_the_box(client, app, clock, settings, make):
    from tests.server.content_world import build
    from tests.server.test_information import upload_file

    w = build(make)
    assert upload_file(client, make, w.teacher, w.school.id).status_code == 201
    headers = make.headers(w.guardian)
    boxes, bell = _home(client, headers, w.pupil.id)
    assert (boxes["information"], bell) == (1, 1)
    client.get(f"{API}/children/{w.pupil.id}/information/files", headers=headers)
    assert _home(client, headers, w.pupil.id)[1] == 0
    assert _home(client, headers, w.pupil.id)[0]["information"] == 0


def test_the_absence_box_counts_like_every_other_box_and_the_history_clears_it(client, app, clock, settings):
    """Opening the bell clears the bell only; opening the screen that shows the items clears both."""
    _seed(app, clock, settings)
    headers = _login(client, "karin.berg")
    child = _first_school_child(client, headers)
    boxes, bell = _home(client, headers, child)
    assert boxes["absence"] >= 1 and bell >= 1
    client.post(f"{API}/notifications/seen", json={"pupil_id": child}, headers=headers)
    seen_boxes, seen_bell = _home(client, headers, child)
    assert seen_bell == 0
    assert seen_boxes["absence"] == boxes["absence"] and seen_boxes["information"] == boxes["information"]
    client.get(f"{API}/children/{child}/absences", headers=headers)
    assert _home(client, headers, child)[0]["absence"] == 0


def test_opening_the_talk_times_lowers_the_bell(client, app, clock, settings):
    _seed(app, clock, settings)
    headers = _login(client, "mats.wikstrom")
    child = _first_school_child(client, headers)
    feed = client.get(f"{API}/notifications", params={"pupil_id": child}, headers=headers).json()["items"]
    talks = [n for n in feed if n["area"] == "talks" and not n["seen"]]
    assert talks, "the demo announces its talk times"
    _boxes, bell = _home(client, headers, child)
    assert client.get(f"{API}/children/{child}/talks", headers=headers).status_code == 200
    assert _home(client, headers, child)[1] == bell - len(talks)
