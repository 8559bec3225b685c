"""The demo school's content (information, calendar, blog, planning): every box shows something
real for the featured demo logins."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from server.demo import DEMO_PASSWORD, seed_demo
from server.school.models import Guardianship, Pupil
from tests.server.content_world import API


def login(client, username):
    token = client.post(f"{API}/auth/login", json={"username": username, "password": DEMO_PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_demo_content_fills_every_box_for_the_featured_families(client, app, clock, settings):
    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings)
        db.commit()
        anna = world.people["fritids_and_preschool_guardian"]
        children = db.scalars(select(Pupil).join(Guardianship, Guardianship.pupil_id == Pupil.id).where(Guardianship.guardian_id == anna.id))
        school_child, preschool_child = sorted(children, key=lambda p: p.unit_id != world.school.id)
        assert db.get(Pupil, school_child.id).unit_id == world.school.id
        assert db.get(Pupil, preschool_child.id).unit_id == world.preschool.id
        elsa_id = world.people["student"].pupil_id

    headers = login(client, anna.username)
    for child in (school_child.id, preschool_child.id):
        assert client.get(f"{API}/children/{child}/information/news", headers=headers).json()["items"]
        assert client.get(f"{API}/children/{child}/information/files", headers=headers).json()["items"]
        assert client.get(f"{API}/children/{child}/information/links", headers=headers).json()["items"]
        calendar = client.get(f"{API}/children/{child}/calendar", headers=headers).json()["items"]
        assert any(e["kind"] == "survey" and e["answerable"] for e in calendar)
        blog = client.get(f"{API}/children/{child}/blog", headers=headers).json()["items"]
        assert blog and any(p["images"] for p in blog)
    assert client.get(f"{API}/children/{school_child.id}/planning", headers=headers).json()["items"]
    preschool_blog = client.get(f"{API}/children/{preschool_child.id}/blog", headers=headers).json()["items"]
    assert any(c["author_kind"] == "guardian" for p in preschool_blog for c in p["comments"])
    assert all(p["may_comment"] for p in preschool_blog)

    files = client.get(f"{API}/children/{school_child.id}/information/files", headers=headers).json()["items"]
    pdf = next(f for f in files if f["content_type"] == "application/pdf")
    download = client.get(pdf["download_url"], headers=headers)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-") and download.content.rstrip().endswith(b"%%EOF")
    assert len(list(Path(settings.upload_dir).iterdir())) >= 10

    student = login(client, "elsa.nyberg")
    blog = client.get(f"{API}/children/{elsa_id}/blog", headers=student).json()["items"]
    assert any(c["author_kind"] == "student" for p in blog for c in p["comments"])
    assert all(p["may_comment"] for p in blog)
    assert client.get(f"{API}/children/{elsa_id}/planning", headers=student).json()["subjects"] == ["Matematik", "NO"]
