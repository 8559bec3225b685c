"""R52: subject assessments (ämnesomdöme) — staff publish, guardians and the student are notified,
and the content is only sent to a BankID-verified session (R5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.config import Settings
from server.home.boxes import BOXES
from server.notifications.models import Notification
from server.school.models import StaffRole, UnitKind
from tests.server.bankid_sim import Sim, running_simulator, verify_with_bankid


@pytest.fixture
def sim(clock):  # type: ignore[no-untyped-def]
    yield from running_simulator(clock)


@pytest.fixture
def settings(settings: Settings, sim: Sim) -> Settings:
    return settings.model_copy(update={"bankid_base_url": sim.rp_url})


@pytest.fixture
def world(make):  # type: ignore[no-untyped-def]
    school = make.school()
    pupil = make.pupil(school.group, first="Elsa")
    guardian = make.guardian(pupil)
    student = make.student(pupil)
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Karl", last="Sund")
    return school, pupil, guardian, student, teacher


def publish(
    client,
    headers,
    pupil_id,
    subject="Matematik",
    term="HT2026",
    level="good",
    comment="Bra jobbat!",
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/staff/assessments",
        headers=headers,
        json={
            "pupil_id": pupil_id,
            "subject": subject,
            "term": term,
            "level": level,
            "comment": comment,
        },
    )


def test_publishing_notifies_guardians_and_student_and_content_needs_bankid(
    client, clock, sim, make, db, world
) -> None:  # type: ignore[no-untyped-def]
    _school, pupil, guardian, student, teacher = world
    published = publish(client, make.headers(teacher), pupil.id)
    assert published.status_code == 201, published.text
    assert published.json()["notified"] == 2 and published.json()["level_sv"] == "Goda kunskaper"
    rows = db.scalars(select(Notification).where(Notification.area == "assessments")).all()
    assert {n.user_id for n in rows} == {guardian.id, student.id}
    assert all(n.link == f"/children/{pupil.id}/assessments" for n in rows)

    headers = make.headers(guardian)
    refused = client.get(f"/api/v1/children/{pupil.id}/assessments", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "bankid_required"
    assert "Bra jobbat" not in refused.text and "Matematik" not in refused.text
    # The home box shows a count of new items, never the content.
    with make.sessionmaker() as s:
        from server.accounts.models import User
        from server.school.models import Pupil

        assert BOXES["assessments"].school_only
        assert (
            BOXES["assessments"].provider(
                s, s.get(User, guardian.id), s.get(Pupil, pupil.id), clock
            )
            == 1
        )

    verify_with_bankid(client, clock, sim, headers, guardian.personnummer)
    listed = client.get(f"/api/v1/children/{pupil.id}/assessments", headers=headers)
    assert listed.status_code == 200
    [item] = listed.json()
    assert (
        item["subject"],
        item["term"],
        item["level"],
        item["comment"],
        item["teacher_name"],
    ) == ("Matematik", "HT2026", "good", "Bra jobbat!", "Karl Sund")
    with make.sessionmaker() as s:
        assert (
            BOXES["assessments"].provider(
                s, s.get(User, guardian.id), s.get(Pupil, pupil.id), clock
            )
            == 0
        )


def test_the_student_also_needs_bankid(client, clock, sim, make, world) -> None:  # type: ignore[no-untyped-def]
    _school, pupil, _guardian, student, teacher = world
    publish(client, make.headers(teacher), pupil.id)
    headers = make.headers(student)
    assert (
        client.get(f"/api/v1/children/{pupil.id}/assessments", headers=headers).status_code == 403
    )
    verify_with_bankid(client, clock, sim, headers, student.personnummer)
    assert len(client.get(f"/api/v1/children/{pupil.id}/assessments", headers=headers).json()) == 1


def test_republishing_replaces_the_assessment_and_notifies_again(client, make, db, world) -> None:  # type: ignore[no-untyped-def]
    _school, pupil, _guardian, _student, teacher = world
    headers = make.headers(teacher)
    first = publish(client, headers, pupil.id, level="acceptable").json()
    second = publish(client, headers, pupil.id, level="very_good", comment="Ännu bättre").json()
    assert (
        first["id"] == second["id"] and second["level"] == "very_good" and second["notified"] == 2
    )
    assert (
        len(db.scalars(select(Notification).where(Notification.area == "assessments")).all()) == 4
    )


def test_who_may_publish_and_what(client, make, world) -> None:  # type: ignore[no-untyped-def]
    school, pupil, guardian, _student, teacher = world
    assert publish(client, make.headers(guardian), pupil.id).json()["error"]["code"] == "staff_only"
    fritids = make.staff(school.unit, StaffRole.FRITIDS)
    assert (
        publish(client, make.headers(fritids), pupil.id).json()["error"]["code"]
        == "role_not_allowed"
    )
    elsewhere = make.staff(make.unit("Annan skola"), StaffRole.TEACHER)
    assert publish(client, make.headers(elsewhere), pupil.id).status_code == 404
    headers = make.headers(teacher)
    assert publish(client, headers, pupil.id, level="A").json()["error"]["code"] == "invalid_level"
    assert publish(client, headers, pupil.id, term="2026").json()["error"]["code"] == "invalid_term"
    preschool = make.school("Förskolan", "Blå", kind=UnitKind.PRESCHOOL)
    child = make.pupil(preschool.group)
    pre_teacher = make.staff(preschool.unit, StaffRole.ADMINISTRATOR)
    assert (
        publish(client, make.headers(pre_teacher), child.id).json()["error"]["code"]
        == "school_only"
    )


def test_someone_elses_child_is_not_found(client, make, world) -> None:  # type: ignore[no-untyped-def]
    _school, pupil, _guardian, _student, _teacher = world
    stranger = make.guardian(make.pupil(make.school("B").group))
    assert (
        client.get(
            f"/api/v1/children/{pupil.id}/assessments", headers=make.headers(stranger)
        ).status_code
        == 404
    )
