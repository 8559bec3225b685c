"""Leisure-time registration (R70–R74) through the HTTP API.

The clock stands on Monday 2026-11-30 07:30 Stockholm (ISO week 49)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from server.accounts.models import User
from server.clock import SCHOOL_TZ
from server.home.boxes import BOXES
from server.leisure.models import LeisureDay
from server.notifications.models import Notification
from server.school.models import Pupil, StaffRole, UnitKind

API = "/api/v1"


def fritids_child(make, **kwargs):
    school = make.school()
    return school, make.pupil(school.group, in_fritids=True, **kwargs)


def put_day(client, make, user, pupil, day, start="07:00", end="16:00", comment=None):
    body = {"start": start, "end": end}
    if comment is not None:
        body["comment"] = comment
    return client.put(
        f"{API}/children/{pupil.id}/leisure/days/{day}", json=body, headers=make.headers(user)
    )


def week(client, make, user, pupil, iso_week="2026-W49"):
    response = client.get(
        f"{API}/children/{pupil.id}/leisure", params={"week": iso_week}, headers=make.headers(user)
    )
    assert response.status_code == 200, response.text
    return response.json()


def day_of(view, day):
    return next(d for d in view["days"] if d["date"] == day)


def register_weeks(client, make, user, pupil, first_week, days, repeat=None):
    return client.post(
        f"{API}/children/{pupil.id}/leisure/weeks",
        json={"week": first_week, "days": days, "repeat": repeat},
        headers=make.headers(user),
    )


def error_code(response):
    return response.json()["error"]["code"]


def test_a_guardian_registers_a_day_and_both_guardians_see_it_with_who_registered_it(client, make):
    """R70, R71, R72: times and comment for a day; both guardians see everything."""
    _, child = fritids_child(make)
    karin = make.guardian(child, first="Karin", last="Berg")
    johan = make.guardian(child, first="Johan", last="Berg")
    assert (
        put_day(
            client, make, karin, child, "2026-12-01", "07:15", "15:30", comment="Morfar hämtar"
        ).status_code
        == 204
    )

    view = week(client, make, johan, child)
    assert view["week"] == "2026-W49" and view["locked_until"] == "2026-11-30"
    assert [d["date"] for d in view["days"]] == [
        f"2026-{m}" for m in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")
    ]
    tuesday = day_of(view, "2026-12-01")
    assert (tuesday["start"], tuesday["end"], tuesday["comment"]) == (
        "07:15",
        "15:30",
        "Morfar hämtar",
    )
    assert tuesday["registered_by"]["name"] == "Karin Berg" and tuesday["locked"] is False
    assert day_of(view, "2026-11-30")["locked"] is True
    assert day_of(view, "2026-12-05")["closed"]["kind"] == "weekday_closed"
    assert (
        view["opening"]["1"] == {"opens": "06:30", "closes": "18:00"}
        and view["opening"]["6"] is None
    )

    # Johan changes it; the day now says he registered it.
    assert put_day(client, make, johan, child, "2026-12-01", "08:00", "14:00").status_code == 204
    tuesday = day_of(week(client, make, karin, child), "2026-12-01")
    assert (
        tuesday["start"],
        tuesday["end"],
        tuesday["comment"],
        tuesday["registered_by"]["name"],
    ) == ("08:00", "14:00", None, "Johan Berg")


def test_the_week_view_answers_304_when_the_app_copy_is_current(client, make):
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    headers = make.headers(guardian)
    first = client.get(
        f"{API}/children/{child.id}/leisure", params={"week": "2026-W50"}, headers=headers
    )
    again = client.get(
        f"{API}/children/{child.id}/leisure",
        params={"week": "2026-W50"},
        headers={**headers, "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert (
        client.get(
            f"{API}/children/{child.id}/leisure", params={"week": "2026-49"}, headers=headers
        ).json()["error"]["code"]
        == "invalid_week"
    )


def test_a_same_day_change_is_refused_comment_included(client, make, clock):
    """R73: today and earlier cannot be changed — neither times nor the comment, nor removed."""
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    refused = put_day(client, make, guardian, child, "2026-11-30")
    assert refused.status_code == 409 and error_code(refused) == "leisure_day_locked"
    assert (
        put_day(client, make, guardian, child, "2026-12-01", comment="Hämtas 15").status_code == 204
    )

    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=SCHOOL_TZ))
    comment_only = put_day(
        client, make, guardian, child, "2026-12-01", comment="Hämtas 14 i stället"
    )
    assert comment_only.status_code == 409 and error_code(comment_only) == "leisure_day_locked"
    removed = client.delete(
        f"{API}/children/{child.id}/leisure/days/2026-12-01", headers=make.headers(guardian)
    )
    assert removed.status_code == 409 and error_code(removed) == "leisure_day_locked"
    assert error_code(put_day(client, make, guardian, child, "2026-11-27")) == "leisure_day_locked"
    tuesday = day_of(week(client, make, guardian, child), "2026-12-01")
    assert (tuesday["start"], tuesday["comment"], tuesday["locked"]) == ("07:00", "Hämtas 15", True)
    # Tomorrow is still open.
    assert put_day(client, make, guardian, child, "2026-12-02").status_code == 204


def test_the_lock_follows_stockholm_time_not_utc(client, make, clock):
    """At 23:30 UTC on 30 November it is already 1 December in Stockholm: 1 December is locked."""
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    clock.set(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert error_code(put_day(client, make, guardian, child, "2026-12-01")) == "leisure_day_locked"
    assert put_day(client, make, guardian, child, "2026-12-02").status_code == 204


def test_times_must_lie_within_opening_hours_start_before_end_and_on_an_open_day(client, make):
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    early = put_day(client, make, guardian, child, "2026-12-01", "05:45", "12:00")
    assert early.status_code == 422 and error_code(early) == "outside_opening_hours"
    assert (
        error_code(put_day(client, make, guardian, child, "2026-12-01", "08:00", "18:30"))
        == "outside_opening_hours"
    )
    backwards = put_day(client, make, guardian, child, "2026-12-01", "16:00", "08:00")
    assert backwards.status_code == 422 and error_code(backwards) == "start_must_be_before_end"
    assert (
        error_code(put_day(client, make, guardian, child, "2026-12-01", "08:00", "08:00"))
        == "start_must_be_before_end"
    )
    assert (
        error_code(put_day(client, make, guardian, child, "2026-12-05")) == "unit_closed"
    )  # a Saturday
    assert (
        error_code(put_day(client, make, guardian, child, "2026-12-25")) == "unit_closed"
    )  # Juldagen
    assert put_day(client, make, guardian, child, "2026-12-01", "06:30", "18:00").status_code == 204
    christmas = day_of(week(client, make, guardian, child, "2026-W52"), "2026-12-25")
    assert christmas["closed"] == {"kind": "holiday", "reason": "Juldagen"}


def test_the_locked_window_is_a_setting_per_unit(client, make, clock):
    """R73 varies by municipality: same day (the guide's), the current week, or the next 7 days."""
    school, child = fritids_child(make)
    guardian = make.guardian(child)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SCHOOL_TZ))  # Wednesday of week 49

    def policy(name):
        response = client.put(
            f"{API}/staff/leisure/units/{school.unit.id}/settings",
            json={"opens": "06:30", "closes": "18:00", "lock_policy": name},
            headers=make.headers(admin),
        )
        assert response.status_code == 200, response.text

    assert (
        put_day(client, make, guardian, child, "2026-12-03").status_code == 204
    )  # same_day by default
    policy("current_week")
    assert error_code(put_day(client, make, guardian, child, "2026-12-04")) == "leisure_day_locked"
    assert week(client, make, guardian, child)["locked_until"] == "2026-12-06"
    assert put_day(client, make, guardian, child, "2026-12-07").status_code == 204
    policy("next_7_days")
    assert error_code(put_day(client, make, guardian, child, "2026-12-08")) == "leisure_day_locked"
    assert put_day(client, make, guardian, child, "2026-12-09").status_code == 204
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group)
    refused = client.put(
        f"{API}/staff/leisure/units/{school.unit.id}/settings",
        json={"opens": "06:30", "closes": "18:00"},
        headers=make.headers(teacher),
    )
    assert refused.status_code == 403


def test_a_repeated_week_pattern_lands_exactly_on_the_expected_dates(client, make):
    """R74: every 2nd week over 6 weeks from week 50 fills weeks 50, 52 and 2027-W01 — Mondays
    and Wednesdays — and skips Trettondedag jul (6 January, a public holiday)."""
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    days = {"1": {"start": "07:30", "end": "16:00"}, "3": {"start": "08:00", "end": "15:00"}}
    response = register_weeks(
        client, make, guardian, child, "2026-W50", days, {"every_weeks": 2, "count_weeks": 6}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "registered": ["2026-12-07", "2026-12-09", "2026-12-21", "2026-12-23", "2027-01-04"],
        "skipped_closed": ["2027-01-06"],
    }
    with make.sessionmaker() as db:
        stored = [
            (r.date.isoformat(), r.start.strftime("%H:%M"))
            for r in db.scalars(select(LeisureDay).order_by(LeisureDay.date))
        ]
    assert stored == [
        ("2026-12-07", "07:30"),
        ("2026-12-09", "08:00"),
        ("2026-12-21", "07:30"),
        ("2026-12-23", "08:00"),
        ("2027-01-04", "07:30"),
    ]

    until = register_weeks(
        client,
        make,
        guardian,
        child,
        "2027-W03",
        {"1": {"start": "07:00", "end": "15:00"}, "5": {"start": "07:00", "end": "13:00"}},
        {"every_weeks": 1, "until": "2027-01-25"},
    )
    assert until.json()["registered"] == ["2027-01-18", "2027-01-22", "2027-01-25"]


def test_a_week_registration_starts_on_a_week_whose_monday_can_still_be_scheduled(client, make):
    _, child = fritids_child(make)
    guardian = make.guardian(child)
    days = {"2": {"start": "07:30", "end": "16:00"}}
    refused = register_weeks(client, make, guardian, child, "2026-W49", days)
    assert refused.status_code == 422 and error_code(refused) == "week_not_schedulable"
    invalid = register_weeks(
        client,
        make,
        guardian,
        child,
        "2026-W50",
        {"2": {"start": "05:00", "end": "16:00"}},
        {"every_weeks": 1, "count_weeks": 3},
    )
    assert error_code(invalid) == "outside_opening_hours"
    with make.sessionmaker() as db:
        assert db.scalars(select(LeisureDay)).all() == []  # all or nothing
    both = register_weeks(
        client,
        make,
        guardian,
        child,
        "2026-W50",
        days,
        {"every_weeks": 1, "count_weeks": 2, "until": "2027-01-01"},
    )
    assert error_code(both) == "invalid_repeat"


def test_shared_custody_guardians_each_fill_their_own_alternate_weeks(client, make):
    """R74: weeks outside a guardian's pattern stay untouched for the other guardian."""
    _, child = fritids_child(make)
    karin = make.guardian(child, first="Karin", last="Berg")
    johan = make.guardian(child, first="Johan", last="Berg")
    weekdays = {str(d): {"start": "07:00", "end": "16:00"} for d in range(1, 6)}
    late = {str(d): {"start": "09:00", "end": "17:00"} for d in range(1, 6)}
    karin_weeks = register_weeks(
        client, make, karin, child, "2026-W50", weekdays, {"every_weeks": 2, "count_weeks": 4}
    ).json()
    johan_weeks = register_weeks(
        client, make, johan, child, "2026-W51", late, {"every_weeks": 2, "count_weeks": 4}
    ).json()
    assert karin_weeks["skipped_closed"] == ["2026-12-25"]  # Juldagen in week 52
    assert "2026-12-14" in johan_weeks["registered"] and "2026-12-28" in johan_weeks["registered"]

    for iso_week, who, start in [
        ("2026-W50", "Karin Berg", "07:00"),
        ("2026-W51", "Johan Berg", "09:00"),
        ("2026-W52", "Karin Berg", "07:00"),
        ("2026-W53", "Johan Berg", "09:00"),
    ]:
        view = week(client, make, johan, child, iso_week)
        open_days = [d for d in view["days"] if d["closed"] is None]
        assert {(d["registered_by"]["name"], d["start"]) for d in open_days} == {(who, start)}, (
            iso_week
        )
    # Karin's later change of her own week leaves Johan's weeks as they are.
    register_weeks(
        client,
        make,
        karin,
        child,
        "2026-W50",
        {"1": {"start": "08:00", "end": "12:00"}},
        {"every_weeks": 2, "count_weeks": 4},
    )
    assert day_of(week(client, make, karin, child, "2026-W51"), "2026-12-14")["start"] == "09:00"
    assert day_of(week(client, make, karin, child, "2026-W52"), "2026-12-21")["start"] == "08:00"


def test_a_student_cannot_register_leisure_time_and_does_not_see_the_box(client, make):
    """R1, R70."""
    _, child = fritids_child(make)
    student = make.student(child)
    guardian = make.guardian(child)
    refused = put_day(client, make, student, child, "2026-12-01")
    assert refused.status_code == 403 and error_code(refused) == "students_cannot_register_leisure"
    assert (
        error_code(
            register_weeks(
                client, make, student, child, "2026-W50", {"1": {"start": "07:00", "end": "16:00"}}
            )
        )
        == "students_cannot_register_leisure"
    )
    assert (
        client.get(f"{API}/children/{child.id}/leisure", headers=make.headers(student)).status_code
        == 403
    )
    assert (
        client.delete(
            f"{API}/children/{child.id}/leisure/days/2026-12-01", headers=make.headers(student)
        ).status_code
        == 403
    )
    with make.sessionmaker() as db:
        provider = BOXES["leisure"].provider
        assert provider(db, db.get(User, student.id), db.get(Pupil, child.id), make.clock) is None
        assert provider(db, db.get(User, guardian.id), db.get(Pupil, child.id), make.clock) == 0


def test_only_fritids_and_preschool_children_have_leisure_time(client, make):
    school = make.school()
    not_in_fritids = make.pupil(school.group, in_fritids=False)
    preschool = make.school("Förskolan Lärkan", "Blåklockan", kind=UnitKind.PRESCHOOL)
    toddler = make.pupil(preschool.group, born="20220101")
    guardian = make.guardian(not_in_fritids, toddler)
    refused = put_day(client, make, guardian, not_in_fritids, "2026-12-01")
    assert refused.status_code == 404 and error_code(refused) == "not_enrolled_in_leisure"
    assert put_day(client, make, guardian, toddler, "2026-12-01").status_code == 204
    with make.sessionmaker() as db:
        provider = BOXES["leisure"].provider
        assert (
            provider(db, db.get(User, guardian.id), db.get(Pupil, not_in_fritids.id), make.clock)
            is None
        )
        assert provider(db, db.get(User, guardian.id), db.get(Pupil, toddler.id), make.clock) == 0
    stranger = make.guardian()
    assert put_day(client, make, stranger, toddler, "2026-12-02").status_code == 404


def test_removing_a_day_clears_its_times_but_keeps_the_staff_comment(client, make):
    school, child = fritids_child(make)
    guardian = make.guardian(child)
    fritids = make.staff(school.unit, StaffRole.FRITIDS)
    put_day(client, make, guardian, child, "2026-12-02", comment="Simskola")
    put_day(client, make, guardian, child, "2026-12-03")
    client.put(
        f"{API}/staff/leisure/{child.id}/days/2026-12-02/comment",
        json={"comment": "Ta med badkläder"},
        headers=make.headers(fritids),
    )
    for day in ("2026-12-02", "2026-12-03"):
        assert (
            client.delete(
                f"{API}/children/{child.id}/leisure/days/{day}", headers=make.headers(guardian)
            ).status_code
            == 204
        )
    view = week(client, make, guardian, child)
    wednesday, thursday = day_of(view, "2026-12-02"), day_of(view, "2026-12-03")
    assert (wednesday["start"], wednesday["comment"], wednesday["staff_comment"]) == (
        None,
        None,
        "Ta med badkläder",
    )
    assert thursday["start"] is None and thursday["registered_by"] is None


def test_staff_see_new_guardian_comments_and_their_own_comment_makes_no_notification(client, make):
    """R72: staff are marked that a guardian commented; the guardian sees the staff comment only
    inside the registration."""
    school, child = fritids_child(make, first="Alva", last="Berg")
    guardian = make.guardian(child)
    fritids = make.staff(school.unit, StaffRole.FRITIDS, first="Nora", last="Falk")
    put_day(client, make, guardian, child, "2026-12-02", comment="Morfar hämtar")
    staff_headers = make.headers(fritids)

    unseen = client.get(
        f"{API}/staff/leisure/units/{school.unit.id}/unseen-comments", headers=staff_headers
    ).json()
    assert unseen == {"days": [{"date": "2026-12-02", "unseen_comments": 1}]}
    day = client.get(
        f"{API}/staff/leisure/units/{school.unit.id}/days/2026-12-02", headers=staff_headers
    ).json()
    assert (
        day["unseen_comments"] == 1
        and day["children"][0]["comment"] == "Morfar hämtar"
        and day["children"][0]["comment_unseen"] is True
    )
    assert client.post(
        f"{API}/staff/leisure/units/{school.unit.id}/days/2026-12-02/comments-seen",
        headers=staff_headers,
    ).json() == {"marked": 1}
    assert client.get(
        f"{API}/staff/leisure/units/{school.unit.id}/unseen-comments", headers=staff_headers
    ).json() == {"days": []}
    # Changing only the times keeps the comment seen; a new comment is flagged again.
    put_day(client, make, guardian, child, "2026-12-02", "08:00", "15:00", comment="Morfar hämtar")
    assert client.get(
        f"{API}/staff/leisure/units/{school.unit.id}/unseen-comments", headers=staff_headers
    ).json() == {"days": []}
    put_day(client, make, guardian, child, "2026-12-02", "08:00", "15:00", comment="Mormor hämtar")
    assert (
        len(
            client.get(
                f"{API}/staff/leisure/units/{school.unit.id}/unseen-comments", headers=staff_headers
            ).json()["days"]
        )
        == 1
    )

    commented = client.put(
        f"{API}/staff/leisure/{child.id}/days/2026-12-02/comment",
        json={"comment": "Vi går till skogen, varma kläder"},
        headers=staff_headers,
    )
    assert commented.status_code == 204
    wednesday = day_of(week(client, make, guardian, child), "2026-12-02")
    assert (
        wednesday["staff_comment"] == "Vi går till skogen, varma kläder"
        and wednesday["staff_comment_by"]["name"] == "Nora Falk"
    )
    assert wednesday["comment"] == "Mormor hämtar"
    with make.sessionmaker() as db:
        assert (
            db.scalars(select(Notification).where(Notification.user_id == guardian.id)).all() == []
        )
    # Guardians cannot write staff comments.
    assert (
        client.put(
            f"{API}/staff/leisure/{child.id}/days/2026-12-02/comment",
            json={"comment": "x"},
            headers=make.headers(guardian),
        ).status_code
        == 403
    )


def test_staff_day_overview_counts_the_children_expected_each_hour(client, make):
    school = make.school()
    children = [
        make.pupil(school.group, in_fritids=True, first=name) for name in ("Alva", "Hugo", "Saga")
    ]
    make.pupil(school.group, in_fritids=True, first="Olle")  # enrolled, not registered
    guardians = [make.guardian(child) for child in children]
    for guardian, child, (start, end) in zip(
        guardians,
        children,
        [("07:00", "12:00"), ("08:30", "16:00"), ("13:00", "17:15")],
        strict=True,
    ):
        assert put_day(client, make, guardian, child, "2026-12-03", start, end).status_code == 204
    fritids = make.staff(school.unit, StaffRole.FRITIDS)
    day = client.get(
        f"{API}/staff/leisure/units/{school.unit.id}/days/2026-12-03", headers=make.headers(fritids)
    ).json()
    assert day["expected_children"] == 3 and day["enrolled_children"] == 4
    assert [c["pupil"]["name"].split()[0] for c in day["children"]] == ["Alva", "Hugo", "Saga"]
    assert [(h["hour"], h["expected"]) for h in day["hours"]] == [
        (6, 0),
        (7, 1),
        (8, 2),
        (9, 2),
        (10, 2),
        (11, 2),
        (12, 1),
        (13, 2),
        (14, 2),
        (15, 2),
        (16, 1),
        (17, 1),
    ]
    elsewhere = make.school("Annanskolan", "1B")
    stranger = make.staff(elsewhere.unit, StaffRole.FRITIDS)
    assert (
        client.get(
            f"{API}/staff/leisure/units/{school.unit.id}/days/2026-12-03",
            headers=make.headers(stranger),
        ).status_code
        == 404
    )
    assert (
        error_code(
            client.get(
                f"{API}/staff/leisure/units/{school.unit.id}/days/2026-12-03",
                headers=make.headers(guardians[0]),
            )
        )
        == "staff_only"
    )


def test_a_day_the_unit_closes_is_skipped_by_week_registration(client, make):
    school, child = fritids_child(make)
    guardian = make.guardian(child)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    assert (
        client.put(
            f"{API}/staff/leisure/units/{school.unit.id}/closed-days",
            json={"date": "2026-12-11", "reason": "Planeringsdag"},
            headers=make.headers(admin),
        ).status_code
        == 204
    )
    result = register_weeks(
        client,
        make,
        guardian,
        child,
        "2026-W50",
        {str(d): {"start": "07:00", "end": "16:00"} for d in range(1, 6)},
    ).json()
    assert result["skipped_closed"] == ["2026-12-11"] and len(result["registered"]) == 4
    friday = day_of(week(client, make, guardian, child, "2026-W50"), "2026-12-11")
    assert (
        friday["closed"] == {"kind": "closed_day", "reason": "Planeringsdag"}
        and friday["opening"] is None
    )
    assert error_code(put_day(client, make, guardian, child, "2026-12-11")) == "unit_closed"
    assert (
        client.delete(
            f"{API}/staff/leisure/units/{school.unit.id}/closed-days/2026-12-11",
            headers=make.headers(admin),
        ).status_code
        == 204
    )
    assert put_day(client, make, guardian, child, "2026-12-11").status_code == 204


def test_the_demo_registers_leisure_time_with_shared_custody_in_alternate_weeks(
    client, app, clock, settings
):
    from server.demo import DEMO_PASSWORD, seed_demo

    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings, seed=7)
        db.commit()
        shared_child = next(
            p.id
            for p in world.pupils
            if p.group_id == world.classes["3A"].id and p.last_name == "Berg"
        )
        from server.school.models import Guardianship

        anna_id = world.people["fritids_and_preschool_guardian"].id
        anna_children = list(
            db.scalars(select(Guardianship.pupil_id).where(Guardianship.guardian_id == anna_id))
        )
    assert len(anna_children) == 2

    token = client.post(
        f"{API}/auth/login", json={"username": "karin.berg", "password": DEMO_PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    names = set()
    for iso_week in ("2026-W50", "2026-W51"):
        view = client.get(
            f"{API}/children/{shared_child}/leisure", params={"week": iso_week}, headers=headers
        ).json()
        who = {d["registered_by"]["name"] for d in view["days"] if d["closed"] is None}
        assert len(who) == 1, iso_week
        names |= who
    assert names == {"Karin Berg", "Johan Berg"}
    anna = client.post(
        f"{API}/auth/login", json={"username": "anna.lindqvist", "password": DEMO_PASSWORD}
    ).json()["token"]
    for child_id in anna_children:
        view = client.get(
            f"{API}/children/{child_id}/leisure",
            params={"week": "2026-W50"},
            headers={"Authorization": f"Bearer {anna}"},
        ).json()
        assert all(d["start"] for d in view["days"] if d["closed"] is None)
