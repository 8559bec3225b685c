"""Information (R50, R51): news for groups, files for the unit, links; staff publish, guardians
and students read; every publication notifies everyone concerned in one INSERT … SELECT."""

from __future__ import annotations

from pathlib import Path

from tests.server.content_world import API, PDF, build, notifications, statements, unread


def publish_news(client, make, staff, group_ids, title="Luciafirande", body="Välkomna på luciatåg fredag kl 8.15."):
    return client.post(f"{API}/staff/information/news", json={"group_ids": group_ids, "title": title, "body": body}, headers=make.headers(staff))


def upload_file(client, make, staff, unit_id, name="Läsårstider 2026–27.pdf", data=PDF, title="Läsårstider", content_type="application/pdf"):
    return client.post(
        f"{API}/staff/information/files", data={"unit_id": str(unit_id), "title": title, "description": "Lov och studiedagar"},
        files={"file": (name, data, content_type)}, headers=make.headers(staff),
    )


def test_news_reaches_the_groups_guardians_and_students_with_one_insert_select(client, make, app, db):
    w = build(make)
    with statements(app.state.engine) as sql:
        response = publish_news(client, make, w.teacher, [w.class_4a.id])
    assert response.status_code == 201, response.text
    news = response.json()
    inserts = [s for s in sql if s.upper().startswith("INSERT INTO NOTIFICATION")]
    assert len(inserts) == 1 and "SELECT" in inserts[0].upper()  # R51: set-based, not a loop
    got = notifications(db, area="information", item_key=f"news:{news['id']}")
    expected_users = {w.guardian.id, w.second_guardian.id, w.student.id, w.classmate_guardian.id}
    assert {u for u, _, _ in got} == expected_users
    assert (w.guardian.id, w.pupil.id, f"/children/{w.pupil.id}/information/news/{news['id']}") in got
    assert w.other_class_guardian.id not in {u for u, _, _ in got}

    for reader in (w.guardian, w.student):
        listed = client.get(f"{API}/children/{w.pupil.id}/information/news", headers=make.headers(reader))
        assert listed.status_code == 200
        assert [n["title"] for n in listed.json()["items"]] == ["Luciafirande"]
        assert listed.json()["items"][0]["group_names"] == ["4A"]
    # 5B's pupils do not see 4A's news.
    other = client.get(f"{API}/children/{w.other_class_pupil.id}/information/news", headers=make.headers(w.other_class_guardian))
    assert other.json()["items"] == []


def test_opening_a_news_item_marks_its_notification_read(client, make, db):
    w = build(make)
    news = publish_news(client, make, w.teacher, [w.class_4a.id]).json()
    assert unread(db, w.guardian, w.pupil, "information") == 1
    opened = client.get(f"{API}/children/{w.pupil.id}/information/news/{news['id']}", headers=make.headers(w.guardian))
    assert opened.status_code == 200 and opened.json()["body"].startswith("Välkomna")
    assert unread(db, w.guardian, w.pupil, "information") == 0
    assert unread(db, w.second_guardian, w.pupil, "information") == 1


def test_news_list_answers_304_when_the_app_copy_is_current(client, make):
    w = build(make)
    publish_news(client, make, w.teacher, [w.class_4a.id])
    headers = make.headers(w.guardian)
    first = client.get(f"{API}/children/{w.pupil.id}/information/news", headers=headers)
    etag = first.headers["etag"]
    again = client.get(f"{API}/children/{w.pupil.id}/information/news", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    publish_news(client, make, w.teacher, [w.class_4a.id], title="Julavslutning")
    changed = client.get(f"{API}/children/{w.pupil.id}/information/news", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.json()["items"]) == 2


def test_an_unpublished_item_disappears_for_readers_and_its_notifications_go(client, make, db):
    w = build(make)
    news = publish_news(client, make, w.teacher, [w.class_4a.id]).json()
    headers = make.headers(w.guardian)
    off = client.post(f"{API}/staff/information/news/{news['id']}/unpublish", headers=make.headers(w.teacher))
    assert off.status_code == 200 and off.json()["unpublished_at"] is not None
    assert client.get(f"{API}/children/{w.pupil.id}/information/news", headers=headers).json()["items"] == []
    assert client.get(f"{API}/children/{w.pupil.id}/information/news/{news['id']}", headers=headers).status_code == 404
    assert notifications(db, area="information") == []
    # Staff still see it in their list, and can publish it again.
    staff_list = client.get(f"{API}/staff/information/news", params={"unit_id": w.school.id}, headers=make.headers(w.teacher)).json()
    assert staff_list["items"][0]["unpublished_at"] is not None
    client.post(f"{API}/staff/information/news/{news['id']}/publish", headers=make.headers(w.teacher))
    assert len(client.get(f"{API}/children/{w.pupil.id}/information/news", headers=headers).json()["items"]) == 1
    assert unread(db, w.guardian, w.pupil, "information") == 1


def test_staff_edit_news(client, make):
    w = build(make)
    news = publish_news(client, make, w.teacher, [w.class_4a.id]).json()
    edited = client.patch(f"{API}/staff/information/news/{news['id']}", json={"title": "Luciafirande flyttat"}, headers=make.headers(w.teacher))
    assert edited.status_code == 200 and edited.json()["updated_at"] is not None
    listed = client.get(f"{API}/children/{w.pupil.id}/information/news", headers=make.headers(w.guardian)).json()
    assert listed["items"][0]["title"] == "Luciafirande flyttat"


def test_publishing_is_guarded_by_role_and_unit(client, make):
    w = build(make)
    assert publish_news(client, make, w.guardian, [w.class_4a.id]).json()["error"]["code"] == "staff_only"
    assert publish_news(client, make, w.student, [w.class_4a.id]).status_code == 403
    # Staff of another school: the group is not theirs.
    assert publish_news(client, make, w.other_teacher, [w.class_4a.id]).status_code == 404
    # Groups of two units in one news item.
    mixed = publish_news(client, make, w.teacher, [w.class_4a.id, w.other_group.id])
    assert mixed.status_code == 404
    # Fritids staff may post news to a group but not publish unit-wide files or links.
    assert publish_news(client, make, w.fritids, [w.class_4a.id]).status_code == 201
    refused = upload_file(client, make, w.fritids, w.school.id)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_allowed"
    link = client.post(f"{API}/staff/information/links", json={"unit_id": w.school.id, "title": "Skolverket", "url": "https://www.skolverket.se"},
                       headers=make.headers(w.fritids))
    assert link.status_code == 403
    # Another school's staff cannot unpublish this school's news.
    news = publish_news(client, make, w.teacher, [w.class_4a.id]).json()
    assert client.post(f"{API}/staff/information/news/{news['id']}/unpublish", headers=make.headers(w.other_teacher)).status_code == 404


def test_files_are_for_the_whole_unit_with_real_upload_and_download(client, make, settings, db):
    w = build(make)
    response = upload_file(client, make, w.teacher, w.school.id, name="../../etc/Läsårstider 2026–27.pdf")
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["file_name"] == "Läsårstider 2026–27.pdf"  # no path from the client survives
    assert item["content_type"] == "application/pdf" and item["size"] == len(PDF)
    stored = list(Path(settings.upload_dir).iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == PDF and "Läs" not in stored[0].name

    # Every pupil at the unit — any class — sees the file, and their guardians were notified.
    assert {u for u, _, _ in notifications(db, area="information", item_key=f"file:{item['id']}")} >= {w.guardian.id, w.other_class_guardian.id, w.student.id}
    listed = client.get(f"{API}/children/{w.other_class_pupil.id}/information/files", headers=make.headers(w.other_class_guardian))
    assert [f["title"] for f in listed.json()["items"]] == ["Läsårstider"]
    download = client.get(item["download_url"], headers=make.headers(w.student))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in download.headers["content-disposition"]
    assert "filename*=UTF-8''L%C3%A4s%C3%A5rstider" in download.headers["content-disposition"]


def test_a_guardian_cannot_read_another_schools_news_or_files(client, make):
    w = build(make)
    publish_news(client, make, w.other_teacher, [w.other_group.id], title="Björkskolans nyheter")
    other_file = upload_file(client, make, w.other_teacher, w.other_school.id).json()
    headers = make.headers(w.guardian)
    assert client.get(f"{API}/children/{w.other_pupil.id}/information/news", headers=headers).status_code == 404
    assert client.get(f"{API}/children/{w.other_pupil.id}/information/files", headers=headers).status_code == 404
    assert client.get(other_file["download_url"], headers=headers).status_code == 404
    assert client.get(f"{API}/children/{w.pupil.id}/information/news", headers=headers).json()["items"] == []
    assert client.get(f"{API}/children/{w.pupil.id}/information/files", headers=headers).json()["items"] == []
    assert client.get(other_file["download_url"]).status_code == 401


def test_an_unpublished_file_cannot_be_downloaded_by_readers(client, make):
    w = build(make)
    item = upload_file(client, make, w.teacher, w.school.id).json()
    client.post(f"{API}/staff/information/files/{item['id']}/unpublish", headers=make.headers(w.teacher))
    assert client.get(item["download_url"], headers=make.headers(w.guardian)).status_code == 404
    assert client.get(f"{API}/children/{w.pupil.id}/information/files", headers=make.headers(w.guardian)).json()["items"] == []
    assert client.get(item["download_url"], headers=make.headers(w.teacher)).status_code == 200


def test_uploads_have_a_size_limit(client, make, settings):
    w = build(make)
    settings.upload_max_bytes = 1024
    response = upload_file(client, make, w.teacher, w.school.id, data=PDF + b"0" * 2000)
    assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
    assert not Path(settings.upload_dir).exists() or list(Path(settings.upload_dir).iterdir()) == []


def test_only_documents_images_and_text_can_be_uploaded(client, make):
    w = build(make)
    exe = upload_file(client, make, w.teacher, w.school.id, name="setup.exe", data=b"MZ\x90\x00", content_type="application/octet-stream")
    assert exe.status_code == 415 and exe.json()["error"]["code"] == "unsupported_file_type"
    # A name ending in .pdf is not enough: the bytes must be a PDF.
    fake = upload_file(client, make, w.teacher, w.school.id, name="brev.pdf", data=b"<html><script>alert(1)</script>")
    assert fake.json()["error"]["code"] == "unsupported_file_type"
    text = upload_file(client, make, w.teacher, w.school.id, name="packlista.txt", data="Ombyteskläder, matsäck, vattenflaska".encode(), content_type="text/plain")
    assert text.status_code == 201 and text.json()["content_type"].startswith("text/plain")
    empty = upload_file(client, make, w.teacher, w.school.id, name="tom.pdf", data=b"")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "empty_file"


def test_links_are_published_for_the_unit_and_must_be_web_addresses(client, make, db):
    w = build(make)
    headers = make.headers(w.teacher)
    bad = client.post(f"{API}/staff/information/links", json={"unit_id": w.school.id, "title": "Klick", "url": "javascript:alert(1)"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_url"
    ok = client.post(f"{API}/staff/information/links", json={"unit_id": w.school.id, "title": "Skolmaten", "url": "https://skolmaten.example/ekskolan"}, headers=headers)
    assert ok.status_code == 201
    listed = client.get(f"{API}/children/{w.pupil.id}/information/links", headers=make.headers(w.guardian)).json()
    assert [(link["title"], link["url"]) for link in listed["items"]] == [("Skolmaten", "https://skolmaten.example/ekskolan")]
    # Reading the links tab marks link notifications read.
    assert unread(db, w.guardian, w.pupil, "information") == 0
    assert unread(db, w.second_guardian, w.pupil, "information") == 1
    client.post(f"{API}/staff/information/links/{ok.json()['id']}/unpublish", headers=headers)
    assert client.get(f"{API}/children/{w.pupil.id}/information/links", headers=make.headers(w.guardian)).json()["items"] == []


def test_information_home_box_counts_the_childs_unread_information(client, make, app, clock):
    from server.home.boxes import BOXES

    w = build(make)
    publish_news(client, make, w.teacher, [w.class_4a.id])
    upload_file(client, make, w.teacher, w.school.id)
    with app.state.sessionmaker() as db:
        from server.accounts.models import User
        from server.school.models import Pupil

        guardian, pupil = db.get(User, w.guardian.id), db.get(Pupil, w.pupil.id)
        assert BOXES["information"].provider(db, guardian, pupil, clock) == 2
        assert BOXES["planning"].school_only is True


def test_a_retried_publication_with_the_same_idempotency_key_publishes_once(client, make, db):
    w = build(make)
    headers = {**make.headers(w.teacher), "Idempotency-Key": "news-lucia-1"}
    body = {"group_ids": [w.class_4a.id], "title": "Luciafirande", "body": "Välkomna!"}
    first = client.post(f"{API}/staff/information/news", json=body, headers=headers)
    retry = client.post(f"{API}/staff/information/news", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.headers.get("idempotent-replayed") == "true" and retry.json()["id"] == first.json()["id"]
    assert len(client.get(f"{API}/children/{w.pupil.id}/information/news", headers=make.headers(w.guardian)).json()["items"]) == 1
    assert unread(db, w.guardian, w.pupil, "information") == 1


def test_client_file_names_become_safe_display_names():
    from server.storage.service import safe_display_name

    assert safe_display_name("C:\\Users\\anna\\Desktop\\Veckobrev v.49.pdf") == "Veckobrev v.49.pdf"
    assert safe_display_name("../../../etc/passwd") == "passwd"
    assert safe_display_name("..\u0000hidden\r\n.pdf") == "hidden.pdf"
    assert safe_display_name('a<b>c:"d|e?f*.txt') == "a_b_c__d_e_f_.txt"
    assert safe_display_name("") == safe_display_name(None) == "fil"
    long = safe_display_name("å" * 300 + ".docx")
    assert len(long) == 120 and long.endswith(".docx")


def test_news_for_groups_of_two_units_is_refused(client, make):
    from server.accounts.models import User
    from server.school import service as school
    from server.school.models import StaffRole, Unit

    w = build(make)
    head = make.staff(w.school, StaffRole.ADMINISTRATOR)
    with make.sessionmaker() as s:
        school.assign_staff(s, s.get(User, head.id), s.get(Unit, w.other_school.id), StaffRole.ADMINISTRATOR)
        s.commit()
    mixed = publish_news(client, make, head, [w.class_4a.id, w.other_group.id])
    assert mixed.status_code == 422 and mixed.json()["error"]["code"] == "groups_in_different_units"
