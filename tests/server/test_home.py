"""Home for a selected child (R7): which boxes show, in order, with counts — R1, R13, R30, R70."""

from __future__ import annotations

import pytest

from server.home import boxes as registry
from server.school.models import StaffRole, UnitKind


@pytest.fixture
def boxes(monkeypatch):
    """An empty registry for the test; boxes registered by test-only providers."""
    monkeypatch.setattr(registry, "BOXES", {})

    def register(key, order, count=0, school_only=False):
        registry.register_box(key, order, lambda db, user, pupil, clock: count, school_only=school_only)

    return register


def home(client, make, user, pupil):
    response = client.get(f"/api/v1/children/{pupil.id}/home", headers=make.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def keys(body):
    return [b["key"] for b in body["boxes"]]


def test_home_lists_the_registered_boxes_in_order_with_counts_of_new_items(client, make, boxes):
    boxes("calendar", 60, count=0)
    boxes("information", 50, count=3)
    boxes("schedule", 10, count=1, school_only=True)
    school = make.school()
    child = make.pupil(school.group)
    guardian = make.guardian(child)
    body = home(client, make, guardian, child)
    assert body == {"pupil_id": child.id, "boxes": [
        {"key": "schedule", "count": 1}, {"key": "information", "count": 3}, {"key": "calendar", "count": 0},
    ], "unseen_notifications": 0}


def test_school_only_boxes_are_hidden_for_preschool_children(client, make, boxes):
    boxes("schedule", 10, school_only=True)
    boxes("planning", 20)  # not flagged by its provider: the home service still knows it is school-only
    boxes("assessments", 30)
    boxes("documentation", 40)
    boxes("absence", 50)
    preschool = make.school("Förskolan Test", "Blåklockan", kind=UnitKind.PRESCHOOL)
    school = make.school("Skolan", "4A")
    small, big = make.pupil(preschool.group), make.pupil(school.group)
    guardian = make.guardian(small, big)
    assert keys(home(client, make, guardian, small)) == ["absence"]
    assert keys(home(client, make, guardian, big)) == ["schedule", "planning", "assessments", "documentation", "absence"]


def test_a_student_sees_neither_absence_talks_nor_leisure_even_when_the_providers_would_show_them(client, make, boxes):
    """R1, R30, R40, R70: the home service hides them for students, whatever a provider answers
    (a student cannot report absence, so the box for reporting it is not theirs: issue 10)."""
    boxes("absence", 20, count=1)
    boxes("talks", 30, count=2)
    boxes("leisure", 40, count=1)
    boxes("information", 50)
    school = make.school()
    child = make.pupil(school.group, in_fritids=True)
    guardian, student = make.guardian(child), make.student(child)
    assert keys(home(client, make, guardian, child)) == ["absence", "talks", "leisure", "information"]
    assert keys(home(client, make, student, child)) == ["information"]


def test_the_contact_list_box_never_shows(client, make, boxes):
    """R13: nothing about the user or the child is visible to other families."""
    boxes("contact_list", 5, count=9)
    boxes("information", 50)
    school = make.school()
    child = make.pupil(school.group)
    assert keys(home(client, make, make.guardian(child), child)) == ["information"]


def test_leisure_time_shows_only_for_children_in_fritids_or_preschool(client, make, boxes):
    """R70."""
    boxes("leisure", 40)
    school = make.school()
    preschool = make.school("Förskolan", "Smörblomman", kind=UnitKind.PRESCHOOL)
    in_fritids, not_in_fritids, small = make.pupil(school.group, in_fritids=True), make.pupil(school.group), make.pupil(preschool.group)
    guardian = make.guardian(in_fritids, not_in_fritids, small)
    assert keys(home(client, make, guardian, in_fritids)) == ["leisure"]
    assert keys(home(client, make, guardian, not_in_fritids)) == []
    assert keys(home(client, make, guardian, small)) == ["leisure"]


def test_a_provider_answering_none_hides_its_box(client, make, monkeypatch):
    """R30: e.g. talks without published times for the child."""
    monkeypatch.setattr(registry, "BOXES", {})
    registry.register_box("talks", 30, lambda db, user, pupil, clock: None)
    registry.register_box("calendar", 60, lambda db, user, pupil, clock: 1)
    school = make.school()
    child = make.pupil(school.group)
    assert keys(home(client, make, make.guardian(child), child)) == ["calendar"]


def test_which_boxes_a_unit_uses_is_the_units_data(client, make, boxes):
    boxes("blog", 70)
    boxes("information", 50)
    school = make.school()
    child = make.pupil(school.group)
    guardian = make.guardian(child)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group)
    assert keys(home(client, make, guardian, child)) == ["information", "blog"]  # no rows: everything on

    refused = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"blog": False}}, headers=make.headers(teacher))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_allowed"
    changed = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"blog": False}}, headers=make.headers(admin))
    assert changed.status_code == 200 and changed.json()["modules"]["blog"] is False
    assert keys(home(client, make, guardian, child)) == ["information"]
    unknown = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"nonsense": True}}, headers=make.headers(admin))
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_box"


def test_another_familys_child_has_no_home(client, make, boxes):
    school = make.school()
    mine, theirs = make.pupil(school.group), make.pupil(school.group)
    guardian = make.guardian(mine)
    response = client.get(f"/api/v1/children/{theirs.id}/home", headers=make.headers(guardian))
    assert response.status_code == 404


def test_home_answers_304_when_the_apps_copy_is_current(client, make, boxes):
    boxes("information", 50, count=1)
    school = make.school()
    child = make.pupil(school.group)
    headers = make.headers(make.guardian(child))
    first = client.get(f"/api/v1/children/{child.id}/home", headers=headers)
    again = client.get(f"/api/v1/children/{child.id}/home", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_demo_units_state_their_boxes(db, clock, settings):
    from sqlalchemy import select

    from server.demo import seed_demo
    from server.home.demo import seed
    from server.home.models import UnitModule

    world = seed_demo(db, clock, settings, seed=3)
    seed(db, clock, settings, world)
    off = set(db.scalars(select(UnitModule.box_key).where(UnitModule.unit_id == world.preschool.id, UnitModule.enabled.is_(False))))
    assert {"schedule", "assessments", "planning", "documentation", "contact_list"} <= off
    db.rollback()


def test_home_counts_every_box_from_one_notification_query(client, app, make, clock):
    """The app's most frequent call: one GROUP BY answers every box's count, however many boxes."""
    from sqlalchemy import event

    from server.notifications.fanout import notify, pupils_by_id

    school = make.school()
    child = make.pupil(school.group, in_fritids=True)
    guardian = make.guardian(child)
    with app.state.sessionmaker() as session:
        for area in ("information", "calendar", "blog", "planning", "absence", "assessments"):
            notify(session, clock, pupils_by_id([child.id]), area=area, type="news_published", params={"title": "x"}, item_key=f"{area}:1", link="/")
        session.commit()
    headers = make.headers(guardian)
    statements: list[str] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", capture)
    try:
        boxes = {b["key"]: b["count"] for b in client.get(f"/api/v1/children/{child.id}/home", headers=headers).json()["boxes"]}
    finally:
        event.remove(app.state.engine, "before_cursor_execute", capture)
    assert {k: boxes[k] for k in ("information", "calendar", "blog", "planning", "absence", "assessments")} == dict.fromkeys(
        ("information", "calendar", "blog", "planning", "absence", "assessments"), 1
    )
    touching = [s for s in statements if "FROM notification" in s]
    assert len(touching) <= 2, touching  # the boxes' GROUP BY, and the bell's unseen total


def test_the_registered_boxes_sort_in_the_guides_order(app):
    """Each area's box order puts the home page in KNOWN_BOXES' order (leisure after talks, not after the blog)."""
    from server.home.service import KNOWN_BOXES

    registered = sorted(registry.BOXES.values(), key=lambda spec: spec.order)
    assert [spec.key for spec in registered] == [key for key in KNOWN_BOXES if key in registry.BOXES]
    assert len({spec.order for spec in registered}) == len(registered)


def test_every_area_is_registered_in_one_list(app):
    """issue 15: server/app.py AREAS is the one place an area is registered — its routes, its
    box, whether it notifies (the push settings list the same areas) and its demo content."""
    from pathlib import Path

    import server
    from server.app import AREAS, demo_modules
    from server.me.models import PUSH_AREAS

    assert {area.name for area in AREAS if area.notifies} == set(PUSH_AREAS)
    assert set(registry.BOXES) == {area.name for area in AREAS if area.box is not None}
    assert demo_modules()[0] == "server.schedule.demo" and demo_modules()[-1] == "server.population.demo"
    for routes in Path(server.__file__).parent.glob("*/routes.py"):
        assert "register_box" not in routes.read_text(), routes
