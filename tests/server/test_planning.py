"""Planning (R53, school only): teachers' plans per subject and group, with attachments."""

from __future__ import annotations

from tests.server.content_world import API, PDF, build, notifications, unread


def plan(client, make, staff, group_id, subject="Matematik", title="Bråk v. 49–51", **extra):
    body = {"group_id": group_id, "subject": subject, "title": title, "body": "Vi arbetar med bråk: jämföra, förlänga och förkorta.", **extra}
    return client.post(f"{API}/staff/planning/plans", json=body, headers=make.headers(staff))


def test_teachers_publish_plans_per_subject_and_group_with_attachments(client, make, db):
    w = build(make)
    created = plan(client, make, w.teacher, w.class_4a.id, period_start="2026-11-30", period_end="2026-12-18")
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    plan(client, make, w.teacher, w.class_4a.id, subject="Svenska", title="Sagor")
    plan(client, make, w.teacher, w.class_5b.id, subject="Svenska", title="5B:s plan")
    attached = client.post(
        f"{API}/staff/planning/plans/{plan_id}/attachments", files={"file": ("Planering bråk.pdf", PDF, "application/pdf")},
        headers=make.headers(w.teacher),
    )
    assert attached.status_code == 201 and attached.json()["attachments"][0]["file_name"] == "Planering bråk.pdf"

    got = client.get(f"{API}/children/{w.pupil.id}/planning", headers=make.headers(w.guardian)).json()
    assert got["subjects"] == ["Matematik", "Svenska"]
    assert [(p["subject"], p["title"]) for p in got["items"]] == [("Matematik", "Bråk v. 49–51"), ("Svenska", "Sagor")]
    maths = client.get(f"{API}/children/{w.pupil.id}/planning", params={"subject": "Matematik"}, headers=make.headers(w.student)).json()
    attachment = maths["items"][0]["attachments"][0]
    download = client.get(attachment["download_url"], headers=make.headers(w.student))
    assert download.status_code == 200 and download.content == PDF
    assert client.get(attachment["download_url"], headers=make.headers(w.other_class_guardian)).status_code == 404

    assert {u for u, _, _ in notifications(db, area="planning", item_key=f"plan:{plan_id}")} == {
        w.guardian.id, w.second_guardian.id, w.student.id, w.classmate_guardian.id,
    }
    assert unread(db, w.guardian, w.pupil, "planning") == 2
    client.get(f"{API}/children/{w.pupil.id}/planning/{plan_id}", headers=make.headers(w.guardian))
    assert unread(db, w.guardian, w.pupil, "planning") == 1


def test_planning_is_for_school_groups_and_teachers(client, make):
    w = build(make)
    preschool = plan(client, make, w.preschool_teacher, w.preschool_group.id)
    assert preschool.status_code == 403  # preschool teachers do not hold a planning role
    from server.school.models import StaffRole

    head = make.staff(w.preschool, StaffRole.ADMINISTRATOR)
    refused = plan(client, make, head, w.preschool_group.id)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "planning_school_only"
    assert plan(client, make, w.fritids, w.class_4a.id).json()["error"]["code"] == "role_not_allowed"
    assert plan(client, make, w.other_teacher, w.class_4a.id).status_code == 404
    assert plan(client, make, w.guardian, w.class_4a.id).json()["error"]["code"] == "staff_only"
    backwards = plan(client, make, w.teacher, w.class_4a.id, period_start="2026-12-18", period_end="2026-11-30")
    assert backwards.json()["error"]["code"] == "end_before_start"


def test_an_unpublished_plan_disappears_for_readers(client, make):
    w = build(make)
    p = plan(client, make, w.teacher, w.class_4a.id).json()
    edited = client.patch(f"{API}/staff/planning/plans/{p['id']}", json={"title": "Bråk och decimaltal"}, headers=make.headers(w.teacher))
    assert edited.json()["title"] == "Bråk och decimaltal"
    client.post(f"{API}/staff/planning/plans/{p['id']}/unpublish", headers=make.headers(w.teacher))
    assert client.get(f"{API}/children/{w.pupil.id}/planning", headers=make.headers(w.guardian)).json()["items"] == []
    assert client.get(f"{API}/children/{w.pupil.id}/planning/{p['id']}", headers=make.headers(w.guardian)).status_code == 404
    staff_view = client.get(f"{API}/staff/planning/plans", params={"group_id": w.class_4a.id}, headers=make.headers(w.teacher)).json()
    assert staff_view["items"][0]["unpublished_at"] is not None
