"""R54: Documentation — the Portfolio (entries with text and files, per pupil or group) and the IUP
(per term); nothing is sent before the session is BankID-verified (R5)."""

from __future__ import annotations

import pytest

from server.config import Settings
from server.school.models import StaffRole
from tests.server.bankid_sim import Sim, running_simulator, verify_with_bankid

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


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
    classmate = make.pupil(school.group, first="Noah")
    guardian = make.guardian(pupil)
    teacher = make.staff(school.unit, StaffRole.MENTOR, school.group)
    return school, pupil, classmate, guardian, teacher


def test_portfolio_entries_for_a_group_and_a_pupil_with_files(
    client, clock, sim, make, world
) -> None:  # type: ignore[no-untyped-def]
    school, pupil, classmate, guardian, teacher = world
    staff = make.headers(teacher)
    group_entry = client.post(
        "/api/v1/staff/documentation/portfolio",
        headers=staff,
        data={
            "title": "Utflykt till skogen",
            "body": "Vi undersökte djur.",
            "group_id": str(school.group.id),
        },
        files=[("files", ("skog.png", PNG, "image/png"))],
    )
    assert group_entry.status_code == 201, group_entry.text
    assert (
        group_entry.json()["notified"] == 1
    )  # every guardian of the group's pupils: here only Elsa has one
    own = client.post(
        "/api/v1/staff/documentation/portfolio",
        headers=staff,
        data={"title": "Min bästa text", "pupil_id": str(classmate.id)},
    )
    assert own.status_code == 201

    headers = make.headers(guardian)
    for path in ("portfolio", "iup"):
        refused = client.get(f"/api/v1/children/{pupil.id}/documentation/{path}", headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "bankid_required"
        assert "skogen" not in refused.text
    entry_id, file_id = group_entry.json()["id"], group_entry.json()["files"][0]["id"]
    file_url = f"/api/v1/children/{pupil.id}/documentation/portfolio/{entry_id}/files/{file_id}"
    assert client.get(file_url, headers=headers).status_code == 403

    verify_with_bankid(client, clock, sim, headers, guardian.personnummer)
    entries = client.get(
        f"/api/v1/children/{pupil.id}/documentation/portfolio", headers=headers
    ).json()
    assert [e["title"] for e in entries] == ["Utflykt till skogen"]  # not the classmate's own entry
    assert entries[0]["for_group"] and entries[0]["files"][0]["url"] == file_url
    download = client.get(file_url, headers=headers)
    assert (
        download.status_code == 200
        and download.content == PNG
        and download.headers["content-type"] == "image/png"
    )


def test_iup_per_term_newest_first(client, clock, sim, make, world) -> None:  # type: ignore[no-untyped-def]
    _school, pupil, _classmate, guardian, teacher = world
    staff = make.headers(teacher)
    for term in ("VT2026", "HT2026"):
        published = client.post(
            "/api/v1/staff/documentation/iup",
            headers=staff,
            json={
                "pupil_id": pupil.id,
                "term": term,
                "goals": f"Mål {term}",
                "school_actions": "Lästräning",
            },
        )
        assert published.status_code == 201 and published.json()["notified"] == 1
    headers = make.headers(guardian)
    verify_with_bankid(client, clock, sim, headers, guardian.personnummer)
    plans = client.get(f"/api/v1/children/{pupil.id}/documentation/iup", headers=headers).json()
    assert [p["term"] for p in plans] == ["HT2026", "VT2026"] and plans[0]["goals"] == "Mål HT2026"


def test_portfolio_refusals(client, make, world) -> None:  # type: ignore[no-untyped-def]
    school, pupil, _classmate, guardian, teacher = world
    staff = make.headers(teacher)
    both = client.post(
        "/api/v1/staff/documentation/portfolio",
        headers=staff,
        data={"title": "x", "pupil_id": str(pupil.id), "group_id": str(school.group.id)},
    )
    assert both.json()["error"]["code"] == "pupil_or_group"
    exe = client.post(
        "/api/v1/staff/documentation/portfolio",
        headers=staff,
        data={"title": "x", "pupil_id": str(pupil.id)},
        files=[("files", ("a.exe", b"MZ", "application/x-msdownload"))],
    )
    assert exe.json()["error"]["code"] == "file_type_not_allowed"
    assert (
        client.post(
            "/api/v1/staff/documentation/portfolio",
            headers=make.headers(guardian),
            data={"title": "x", "pupil_id": str(pupil.id)},
        ).json()["error"]["code"]
        == "staff_only"
    )
    stranger = make.guardian(make.pupil(make.school("B").group))
    assert (
        client.get(
            f"/api/v1/children/{pupil.id}/documentation/portfolio", headers=make.headers(stranger)
        ).status_code
        == 404
    )
