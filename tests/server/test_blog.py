"""Blog (R56, R57): posts per group with text and images; one group's feed or all of a child's
groups together; at school students and staff comment, at preschool guardians and staff."""

from __future__ import annotations

from tests.server.content_world import API, PDF, PNG, build, notifications, unread


def post(client, make, staff, group_id, title="Höstpromenad", body="Idag gick vi till ekbacken och samlade löv.", images=()):
    files = [("images", (name, data, "image/png")) for name, data in images]
    return client.post(
        f"{API}/staff/blog/posts", data={"group_id": str(group_id), "title": title, "body": body}, files=files or None,
        headers=make.headers(staff),
    )


def comment(client, make, user, post_id, body="Vad fint!"):
    return client.post(f"{API}/blog/posts/{post_id}/comments", json={"body": body}, headers=make.headers(user))


def test_at_school_students_and_staff_comment_but_guardians_are_refused(client, make):
    w = build(make)
    p = post(client, make, w.teacher, w.class_4a.id).json()
    refused = comment(client, make, w.guardian, p["id"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "blog_comment_not_allowed"
    assert comment(client, make, w.student, p["id"], "Det var roligt!").status_code == 201
    assert comment(client, make, w.teacher, p["id"], "Tack alla!").status_code == 201
    feed = client.get(f"{API}/children/{w.pupil.id}/blog", headers=make.headers(w.guardian)).json()["items"][0]
    assert [(c["author_kind"], c["body"]) for c in feed["comments"]] == [("student", "Det var roligt!"), ("staff", "Tack alla!")]
    assert feed["may_comment"] is False
    assert client.get(f"{API}/children/{w.pupil.id}/blog", headers=make.headers(w.student)).json()["items"][0]["may_comment"] is True


def test_at_preschool_guardians_and_staff_comment(client, make):
    w = build(make)
    p = post(client, make, w.preschool_teacher, w.preschool_group.id, title="Vi bakade pepparkakor").json()
    ok = comment(client, make, w.preschool_guardian, p["id"], "Så mysigt!")
    assert ok.status_code == 201 and ok.json()["author_kind"] == "guardian"
    assert comment(client, make, w.preschool_teacher, p["id"], "Tack!").status_code == 201
    feed = client.get(f"{API}/children/{w.preschool_child.id}/blog", headers=make.headers(w.preschool_guardian)).json()
    assert feed["items"][0]["may_comment"] is True and len(feed["items"][0]["comments"]) == 2


def test_nobody_comments_on_a_blog_they_cannot_read(client, make):
    w = build(make)
    p = post(client, make, w.teacher, w.class_4a.id).json()
    # A student in 5B, the other school's staff and guardian: the post does not exist for them.
    other_student = make.student(w.other_class_pupil)
    assert comment(client, make, other_student, p["id"]).status_code == 404
    assert comment(client, make, w.other_teacher, p["id"]).status_code == 404
    assert comment(client, make, w.other_guardian, p["id"]).status_code == 404


def test_a_childs_blog_shows_one_group_or_all_its_groups(client, make, db):
    from server.school import service as school
    from server.school.models import Group, Pupil

    w = build(make)
    language = make.group(w.school, "Spanska 4–5")
    with make.sessionmaker() as s:
        school.add_pupil_to_group(s, s.get(Pupil, w.pupil.id), s.get(Group, language.id))
        s.commit()
    post(client, make, w.teacher, w.class_4a.id, title="4A på museum")
    hola = post(client, make, w.teacher, language.id, title="¡Hola!").json()
    post(client, make, w.teacher, w.class_5b.id, title="5B bakar")
    headers = make.headers(w.guardian)
    everything = client.get(f"{API}/children/{w.pupil.id}/blog", headers=headers).json()["items"]
    assert [p["title"] for p in everything] == ["¡Hola!", "4A på museum"]
    one = client.get(f"{API}/children/{w.pupil.id}/blog", params={"group_id": language.id}, headers=headers).json()["items"]
    assert [(p["title"], p["group_name"]) for p in one] == [("¡Hola!", "Spanska 4–5")]
    assert client.get(f"{API}/children/{w.pupil.id}/blog", params={"group_id": w.class_5b.id}, headers=headers).status_code == 404
    # The language group's post reached only its one pupil's family.
    got = notifications(db, area="blog", item_key=f"blog:{hola['id']}")
    assert {u for u, _, _ in got} == {w.guardian.id, w.second_guardian.id, w.student.id}
    assert unread(db, w.guardian, w.pupil, "blog") == 2
    assert unread(db, w.classmate_guardian, w.classmate, "blog") == 1


def test_blog_posts_carry_images_that_readers_can_fetch(client, make):
    w = build(make)
    created = post(client, make, w.teacher, w.class_4a.id, images=[("löv 1.png", PNG), ("löv 2.png", PNG)])
    assert created.status_code == 201, created.text
    images = created.json()["images"]
    assert [i["file_name"] for i in images] == ["löv 1.png", "löv 2.png"]
    got = client.get(images[0]["url"], headers=make.headers(w.guardian))
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    assert client.get(images[0]["url"], headers=make.headers(w.other_guardian)).status_code == 404
    # Not an image: refused.
    pdf = client.post(f"{API}/staff/blog/posts/{created.json()['id']}/images", files={"image": ("brev.pdf", PDF, "application/pdf")}, headers=make.headers(w.teacher))
    assert pdf.status_code == 415 and pdf.json()["error"]["code"] == "unsupported_file_type"
    removed = client.delete(f"{API}/staff/blog/posts/{created.json()['id']}/images/{images[0]['id']}", headers=make.headers(w.teacher))
    assert [i["file_name"] for i in removed.json()["images"]] == ["löv 2.png"]
    assert client.get(images[0]["url"], headers=make.headers(w.guardian)).status_code == 404


def test_an_unpublished_post_disappears_and_takes_no_comments(client, make):
    w = build(make)
    p = post(client, make, w.teacher, w.class_4a.id).json()
    client.post(f"{API}/staff/blog/posts/{p['id']}/unpublish", headers=make.headers(w.teacher))
    assert client.get(f"{API}/children/{w.pupil.id}/blog", headers=make.headers(w.student)).json()["items"] == []
    assert client.get(f"{API}/children/{w.pupil.id}/blog/{p['id']}", headers=make.headers(w.student)).status_code == 404
    assert comment(client, make, w.student, p["id"]).status_code == 404


def test_staff_edit_posts_and_remove_comments(client, make):
    w = build(make)
    p = post(client, make, w.teacher, w.class_4a.id).json()
    c = comment(client, make, w.student, p["id"], "olämpligt").json()
    assert client.delete(f"{API}/blog/comments/{c['id']}", headers=make.headers(w.guardian)).status_code == 403
    assert client.delete(f"{API}/blog/comments/{c['id']}", headers=make.headers(w.teacher)).status_code == 204
    edited = client.patch(f"{API}/staff/blog/posts/{p['id']}", json={"body": "Ny text"}, headers=make.headers(w.teacher)).json()
    assert edited["body"] == "Ny text" and edited["comments"] == []
    assert post(client, make, w.guardian, w.class_4a.id).json()["error"]["code"] == "staff_only"
    assert post(client, make, w.other_teacher, w.class_4a.id).status_code == 404
