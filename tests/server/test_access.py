"""R1, R2: who may read or act on which pupil — one place answers, every route asks it."""

from __future__ import annotations

import pytest

from server.access import Action, require_pupil
from server.domain_errors import DomainError
from server.errors import http_status
from server.school.models import StaffRole, UnitKind


def test_a_guardian_cannot_read_another_familys_pupil(client, make):
    school = make.school()
    mine, theirs = make.pupil(school.group, "Mine"), make.pupil(school.group, "Theirs")
    guardian = make.guardian(mine)
    auth = make.headers(guardian)
    assert client.get(f"/api/v1/pupils/{mine.id}", headers=auth).status_code == 200
    refused = client.get(f"/api/v1/pupils/{theirs.id}", headers=auth)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    # The same answer as for a pupil that does not exist: existence is not revealed.
    assert client.get("/api/v1/pupils/999999", headers=auth).json() == refused.json()


def test_shared_custody_both_guardians_see_the_child(client, make):
    school = make.school()
    child = make.pupil(school.group)
    first, second = make.guardian(child), make.guardian(child)
    for guardian in (first, second):
        assert client.get(f"/api/v1/pupils/{child.id}", headers=make.headers(guardian)).status_code == 200


def test_a_student_sees_only_themself(client, make):
    school = make.school()
    me, classmate = make.pupil(school.group, "Me"), make.pupil(school.group, "Classmate")
    student = make.student(me)
    auth = make.headers(student)
    assert client.get(f"/api/v1/pupils/{me.id}", headers=auth).status_code == 200
    assert client.get(f"/api/v1/pupils/{classmate.id}", headers=auth).status_code == 404


def test_staff_see_their_own_units_pupils_only(client, make):
    ours, other = make.school("Vår skola"), make.school("Annan skola")
    our_pupil, other_pupil = make.pupil(ours.group), make.pupil(other.group)
    teacher = make.staff(ours.unit, StaffRole.TEACHER, ours.group)
    auth = make.headers(teacher)
    assert client.get(f"/api/v1/pupils/{our_pupil.id}", headers=auth).status_code == 200
    assert client.get(f"/api/v1/pupils/{other_pupil.id}", headers=auth).status_code == 404


def test_me_lists_a_guardians_children_and_a_students_own_record(client, make):
    school = make.school()
    preschool = make.school("Förskolan", "Blåklockan", kind=UnitKind.PRESCHOOL)
    big, small = make.pupil(school.group, "Stor", in_fritids=True), make.pupil(preschool.group, "Liten", born="20220101")
    guardian = make.guardian(big, small)
    children = client.get("/api/v1/me", headers=make.headers(guardian)).json()["children"]
    assert {(c["first_name"], c["unit_kind"], c["group_name"]) for c in children} == {("Stor", "school", "4A"), ("Liten", "preschool", "Blåklockan")}
    student = make.student(make.pupil(school.group, "Elev"))
    assert [c["first_name"] for c in client.get("/api/v1/me", headers=make.headers(student)).json()["children"]] == ["Elev"]


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (Action.REPORT_ABSENCE, "students_cannot_report_absence"),
        (Action.BOOK_TALK, "students_cannot_book_talks"),
        (Action.REGISTER_LEISURE, "students_cannot_register_leisure"),
    ],
)
def test_students_have_the_guardians_functions_except_absence_talks_and_leisure(make, db, action, code):
    school = make.school()
    pupil = make.pupil(school.group)
    student, guardian = make.student(pupil), make.guardian(pupil)
    assert require_pupil(db, guardian, pupil.id, action).id == pupil.id
    with pytest.raises(DomainError) as refused:
        require_pupil(db, student, pupil.id, action)
    assert (http_status(refused.value), refused.value.code) == (403, code)
    for allowed in (Action.READ, Action.MESSAGE, Action.COMMENT, Action.ANSWER_SURVEY):
        assert require_pupil(db, student, pupil.id, allowed).id == pupil.id


def test_only_staff_may_do_staff_actions(make, db):
    school = make.school()
    pupil = make.pupil(school.group)
    guardian, teacher = make.guardian(pupil), make.staff(school.unit, StaffRole.TEACHER, school.group)
    assert require_pupil(db, teacher, pupil.id, Action.STAFF_WRITE).id == pupil.id
    with pytest.raises(DomainError) as refused:
        require_pupil(db, guardian, pupil.id, Action.STAFF_WRITE)
    assert http_status(refused.value) == 403
    with pytest.raises(DomainError):
        require_pupil(db, teacher, pupil.id, Action.REPORT_ABSENCE)


def test_requests_without_a_valid_token_are_refused(client):
    assert client.get("/api/v1/me").json()["error"]["code"] == "not_authenticated"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
