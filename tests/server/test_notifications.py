"""The bell (R8, R45, R51): a per-user feed of what concerns each child, unseen counts, seen and
read marks — filled by publishing to a group or unit (one INSERT … SELECT)."""

from __future__ import annotations

import pytest

from server.notifications.fanout import notify, pupils_by_id, pupils_of_groups, pupils_of_units


@pytest.fixture
def family(make):
    school = make.school("Ekskolan", "4A")
    other_group = make.group(school.unit, "5A")
    child = make.pupil(school.group, "Alva")
    sibling = make.pupil(other_group, "Nils")
    guardian = make.guardian(child, sibling)
    neighbour_child = make.pupil(school.group, "Olle")
    neighbour = make.guardian(neighbour_child)
    return {"school": school, "other_group": other_group, "child": child, "sibling": sibling, "guardian": guardian,
            "neighbour_child": neighbour_child, "neighbour": neighbour}


def publish(app, clock, pupils, key, title="Ny nyhet", area="information", link="/children/{pupil_id}/information/news/1"):
    with app.state.sessionmaker() as db:
        created = notify(db, clock, pupils, area=area, type="news_published", params={"title": title}, item_key=key, link=link)
        db.commit()
        return created


def feed(client, make, user, **params):
    response = client.get("/api/v1/notifications", params=params, headers=make.headers(user))
    assert response.status_code == 200
    return response.json()


def test_publishing_to_a_group_notifies_every_guardian_and_student_of_it(client, app, clock, make, family):
    """R51: news for 4A reaches 4A's families and students, with a deep link per child."""
    student = make.student(family["child"])
    created = publish(app, clock, pupils_of_groups([family["school"].group.id]), "news:1")
    assert created == 3  # guardian (for Alva), neighbour, Alva herself
    items = feed(client, make, family["guardian"])["items"]
    assert [(n["pupil_id"], n["area"], n["link"], n["seen"], n["read"]) for n in items] == [
        (family["child"].id, "information", f"/children/{family['child'].id}/information/news/1", False, False)
    ]
    assert [n["pupil_id"] for n in feed(client, make, student)["items"]] == [family["child"].id]
    assert publish(app, clock, pupils_of_groups([family["school"].group.id]), "news:1") == 0  # re-publishing never duplicates


def test_a_feed_never_shows_another_familys_items(client, app, clock, make, family):
    publish(app, clock, pupils_by_id([family["neighbour_child"].id]), "absence:7", area="absence", title="Ogiltig frånvaro")
    assert feed(client, make, family["guardian"]) == {"items": [], "next_before_id": None}
    theirs = feed(client, make, family["neighbour"])["items"]
    assert len(theirs) == 1
    # Not even by naming the neighbour's child or the notification's id.
    assert feed(client, make, family["guardian"], pupil_id=family["neighbour_child"].id)["items"] == []
    assert client.post(f"/api/v1/notifications/{theirs[0]['id']}/read", headers=make.headers(family["guardian"])).status_code == 404
    marked = client.post("/api/v1/notifications/seen", json={"ids": [theirs[0]["id"]]}, headers=make.headers(family["guardian"]))
    assert marked.json() == {"marked": 0}
    assert feed(client, make, family["neighbour"])["items"][0]["seen"] is False


def test_the_bell_counts_unseen_items_per_child_and_mark_seen_clears_them(client, app, clock, make, family):
    """R8: the number is per selected child."""
    publish(app, clock, pupils_of_units([family["school"].unit.id]), "file:1", title="Ny fil")
    publish(app, clock, pupils_of_groups([family["other_group"].id]), "news:2")
    headers = make.headers(family["guardian"])
    counts = client.get("/api/v1/notifications/counts", headers=headers).json()
    assert counts == {"total": 3, "by_pupil": {str(family["child"].id): 1, str(family["sibling"].id): 2}}
    home = client.get(f"/api/v1/children/{family['sibling'].id}/home", headers=headers).json()
    assert home["unseen_notifications"] == 2
    only_nils = feed(client, make, family["guardian"], pupil_id=family["sibling"].id)["items"]
    assert len(only_nils) == 2 and {n["pupil_id"] for n in only_nils} == {family["sibling"].id}

    marked = client.post("/api/v1/notifications/seen", json={"pupil_id": family["sibling"].id}, headers=headers)
    assert marked.json() == {"marked": 2}
    assert client.get("/api/v1/notifications/counts", headers=headers).json() == {"total": 1, "by_pupil": {str(family["child"].id): 1}}
    item = feed(client, make, family["guardian"], pupil_id=family["child"].id)["items"][0]
    read = client.post(f"/api/v1/notifications/{item['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read"] is True and read.json()["seen"] is True
    assert client.get("/api/v1/notifications/counts", headers=headers).json() == {"total": 0, "by_pupil": {}}
    # The neighbour's bell is untouched.
    assert client.get("/api/v1/notifications/counts", headers=make.headers(family["neighbour"])).json()["total"] == 1


def test_the_feed_pages_newest_first_with_a_before_id_cursor(client, app, clock, make, family):
    for n in range(5):
        publish(app, clock, pupils_by_id([family["child"].id]), f"news:{n}", title=f"Nyhet {n}")
    first = feed(client, make, family["guardian"], limit=2)
    assert [n["title"] for n in first["items"]] == ["Nyhet 4", "Nyhet 3"]
    second = feed(client, make, family["guardian"], limit=2, before_id=first["next_before_id"])
    assert [n["title"] for n in second["items"]] == ["Nyhet 2", "Nyhet 1"]
    last = feed(client, make, family["guardian"], limit=2, before_id=second["next_before_id"])
    assert [n["title"] for n in last["items"]] == ["Nyhet 0"] and last["next_before_id"] is None


def test_the_feed_is_newest_first_by_time_even_when_items_arrive_out_of_order(client, app, clock, make, family):
    """Back-dated publications (imports, the demo) still sort by when they happened."""
    from datetime import timedelta

    from server.clock import FixedClock

    now = clock.now()
    for days_ago, title in [(1, "Igår"), (10, "För tio dagar sedan"), (0, "Idag"), (5, "För fem dagar sedan"), (5, "Också för fem dagar sedan")]:
        publish(app, FixedClock(now - timedelta(days=days_ago)), pupils_by_id([family["child"].id]), f"item:{title}", title=title)
    titles = []
    page = feed(client, make, family["guardian"], limit=2)
    while True:
        titles += [n["title"] for n in page["items"]]
        if page["next_before_id"] is None:
            break
        page = feed(client, make, family["guardian"], limit=2, before_id=page["next_before_id"])
    assert titles == ["Idag", "Igår", "Också för fem dagar sedan", "För fem dagar sedan", "För tio dagar sedan"]
    # A cursor naming someone else's item gives an empty page, even for a user who has items.
    publish(app, FixedClock(now - timedelta(days=20)), pupils_by_id([family["neighbour_child"].id]), "item:neighbour", title="Grannens")
    assert [n["title"] for n in feed(client, make, family["neighbour"])["items"]] == ["Grannens"]
    family_item = feed(client, make, family["guardian"], limit=1)["items"][0]["id"]
    assert feed(client, make, family["neighbour"], before_id=family_item)["items"] == []


def test_a_guardian_no_longer_linked_to_a_child_no_longer_sees_its_items(client, app, clock, make, family):
    from sqlalchemy import delete

    from server.school.models import Guardianship

    publish(app, clock, pupils_by_id([family["sibling"].id]), "news:9")
    with app.state.sessionmaker() as db:
        db.execute(delete(Guardianship).where(Guardianship.pupil_id == family["sibling"].id))
        db.commit()
    assert feed(client, make, family["guardian"])["items"] == []


def test_the_feed_answers_304_when_nothing_is_new(client, app, clock, make, family):
    publish(app, clock, pupils_by_id([family["child"].id]), "news:1")
    headers = make.headers(family["guardian"])
    first = client.get("/api/v1/notifications", headers=headers)
    assert client.get("/api/v1/notifications", headers={**headers, "If-None-Match": first.headers["ETag"]}).status_code == 304


def test_feed_items_say_whether_the_user_wants_a_push_for_their_area(client, app, clock, make, family):
    """R14: push can be turned off per area; the feed still lists the item."""
    headers = make.headers(family["guardian"])
    client.patch("/api/v1/me/settings", json={"push": {"information": False}}, headers=headers)
    publish(app, clock, pupils_by_id([family["child"].id]), "news:1")
    publish(app, clock, pupils_by_id([family["child"].id]), "absence:1", area="absence")
    items = feed(client, make, family["guardian"])["items"]
    assert {(n["area"], n["push"]) for n in items} == {("information", False), ("absence", True)}
