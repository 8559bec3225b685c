"""Population-register import (R11): `skolhub import-addresses FILE` reads Navet XML as a stream,
upserts addresses by personnummer, skips malformed records with their position, protects
protected identities, reports counts and is safe to run twice."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.orm import sessionmaker

from server.cli import main
from server.population.navet import navet_document, navet_record_xml, read_navet
from server.population.service import import_file
from tests.server.factories import new_personnummer


def write_file(path, records):
    path.write_text("".join(navet_document(records)), encoding="utf-8")
    return path


@pytest.fixture
def people(make):
    school = make.school()
    child = make.pupil(school.group, "Alva", "Ek")
    guardian = make.guardian(child, first="Vera", last="Ek")
    student_pupil = make.pupil(school.group, "Elsa", "Berg")
    student = make.student(student_pupil)
    return {"child": child, "guardian": guardian, "student": student, "student_pupil": student_pupil}


def settings_of(client, make, user):
    return client.get("/api/v1/me/settings", headers=make.headers(user)).json()["personal"]


def run(db, clock, path):
    report = import_file(sessionmaker(db.get_bind()), clock, path)
    db.expire_all()
    return report


def test_the_import_sets_addresses_by_personnummer_and_a_second_run_changes_nothing(client, db, clock, make, people, tmp_path):
    guardian, child = people["guardian"], people["child"]
    path = write_file(tmp_path / "navet.xml", [
        navet_record_xml(guardian.personnummer, first="Vera Maria", last="Ek", care_of="c/o Holm", street="Ekvägen 3", street2="Lgh 1102",
                         postcode="123 45", city="EKBACKA"),
        navet_record_xml(child.personnummer, first="Alva", last="Ek", street="Ekvägen 3", postcode="12345", city="EKBACKA"),
        navet_record_xml(new_personnummer("19700101"), street="Okänd 1"),
    ])
    report = run(db, clock, path)
    assert (report.records, report.updated, report.unchanged, report.unknown, report.protected, report.malformed) == (3, 2, 0, 1, 0, 0)
    assert settings_of(client, make, guardian)["address"] == {
        "care_of": "c/o Holm", "street": "Ekvägen 3", "street2": "Lgh 1102", "postcode": "12345", "city": "EKBACKA",
    }
    again = run(db, clock, path)
    assert (again.updated, again.unchanged, again.unknown) == (0, 2, 1)

    moved = write_file(tmp_path / "moved.xml", [navet_record_xml(guardian.personnummer, first="Vera Maria", last="Ek", street="Nygatan 9", postcode="54321", city="LUND")])
    assert run(db, clock, moved).updated == 1
    assert settings_of(client, make, guardian)["address"] == {"care_of": None, "street": "Nygatan 9", "street2": None, "postcode": "54321", "city": "LUND"}


def test_the_register_name_uses_the_marked_calling_name(db, clock, make, people, tmp_path):
    from server.accounts.models import User

    path = write_file(tmp_path / "n.xml", [navet_record_xml(people["guardian"].personnummer, first="Anna Vera", marker="20", middle="af", last="Ek")])
    run(db, clock, path)
    user = db.get(User, people["guardian"].id)
    assert (user.first_name, user.last_name) == ("Vera", "af Ek")


def test_malformed_records_are_reported_with_their_position_and_skipped(db, clock, make, people, tmp_path):
    path = write_file(tmp_path / "bad.xml", [
        navet_record_xml(people["guardian"].personnummer, street="Ekvägen 3"),
        "<Folkbokforingspost><Sekretessmarkering>N</Sekretessmarkering><Personpost><Namn><Fornamn>Ingen</Fornamn></Namn></Personpost></Folkbokforingspost>\n",
        navet_record_xml("12345", street="X"),
        navet_record_xml(people["child"].personnummer, postcode="ABCDE"),
        navet_record_xml(people["student"].personnummer, street="Bergsgatan 1"),
    ])
    report = run(db, clock, path)
    assert report.malformed == 3 and report.updated == 2
    assert [(p.number, p.line) for p in report.problems] == [(2, 5), (3, 6), (4, 7)]
    assert [p.reason for p in report.problems] == ["no Personpost/PersonId/PersonNr", "PersonNr is not 12 digits", "PostNr is not five digits"]


def test_a_student_is_matched_as_both_account_and_pupil(client, db, clock, make, people, tmp_path):
    from server.school.models import Pupil

    path = write_file(tmp_path / "s.xml", [navet_record_xml(people["student"].personnummer, first="Elsa", last="Berg", street="Bergsgatan 1")])
    report = run(db, clock, path)
    assert (report.updated, report.unknown) == (1, 0)
    assert db.get(Pupil, people["student_pupil"].id).address_street == "Bergsgatan 1"
    assert settings_of(client, make, people["student"])["address"]["street"] == "Bergsgatan 1"


def test_a_protected_identitys_address_is_stored_but_shown_only_to_the_person(client, db, clock, make, people, tmp_path):
    guardian = people["guardian"]
    other_guardian = make.guardian(people["child"], first="Bo")
    path = write_file(tmp_path / "p.xml", [
        navet_record_xml(guardian.personnummer, first="Vera", last="Ek", street="Hemlig väg 1", protected=True),
    ])
    report = run(db, clock, path)
    assert (report.updated, report.protected) == (1, 1)
    assert settings_of(client, make, guardian)["address"]["street"] == "Hemlig väg 1"
    # Nothing another user can read carries it: not the co-guardian's settings, /me or messages.
    for url in ("/api/v1/me/settings", "/api/v1/me", f"/api/v1/pupils/{people['child'].id}"):
        assert "Hemlig" not in client.get(url, headers=make.headers(other_guardian)).text


def test_staff_see_register_addresses_except_protected_identities(client, db, clock, make, people, tmp_path):
    from server.school.models import StaffRole, Unit

    guardian, child = people["guardian"], people["child"]
    other_guardian = make.guardian(child, first="Bo", last="Ek")
    run(db, clock, write_file(tmp_path / "c.xml", [
        navet_record_xml(guardian.personnummer, first="Vera", last="Ek", street="Hemlig väg 1", protected=True),
        navet_record_xml(other_guardian.personnummer, first="Bo", last="Ek", street="Öppen väg 2"),
        navet_record_xml(child.personnummer, first="Alva", last="Ek", street="Hemlig väg 1", protected=True),
    ]))
    unit = db.get(Unit, child.unit_id)
    teacher = make.staff(unit, StaffRole.TEACHER)
    response = client.get(f"/api/v1/staff/pupils/{child.id}/contacts", headers=make.headers(teacher))
    assert response.status_code == 200
    body = response.json()
    assert body["pupil"]["address"] is None and body["pupil"]["protected_identity"] is True
    by_name = {g["name"]: g for g in body["guardians"]}
    assert by_name["Vera Ek"]["address"] is None and by_name["Vera Ek"]["protected_identity"] is True
    assert by_name["Bo Ek"]["address"]["street"] == "Öppen väg 2"
    assert "Hemlig" not in response.text
    # Guardians and staff of another school get nothing.
    assert client.get(f"/api/v1/staff/pupils/{child.id}/contacts", headers=make.headers(other_guardian)).status_code == 403
    elsewhere = make.school("Bortaskolan", "1A")
    assert client.get(f"/api/v1/staff/pupils/{child.id}/contacts", headers=make.headers(make.staff(elsewhere.unit))).status_code == 404


def test_skyddad_folkbokforing_protects_like_sekretessmarkering(db, clock, make, people, tmp_path):
    from server.accounts.models import User

    record = navet_record_xml(people["guardian"].personnummer, street="Skyddad 1").replace(
        "<Sekretessmarkering>N</Sekretessmarkering>", "<Sekretessmarkering>N</Sekretessmarkering><SkyddadFolkbokforing>J</SkyddadFolkbokforing>"
    )
    assert run(db, clock, write_file(tmp_path / "sk.xml", [record])).protected == 1
    assert db.get(User, people["guardian"].id).protected_identity is True


def test_deregistration_is_recorded(db, clock, make, people, tmp_path):
    from server.accounts.models import User

    run(db, clock, write_file(tmp_path / "d.xml", [navet_record_xml(people["guardian"].personnummer, street=None, postcode=None, city=None, deregistration_code="UV")]))
    user = db.get(User, people["guardian"].id)
    assert user.deregistered and user.deregistration_code == "UV" and user.address_street is None


def test_the_file_is_read_as_a_stream(tmp_path):
    """The first record is available after reading only the start of a large file."""
    records = [navet_record_xml(f"19700101{n:04d}") for n in range(20_000)]
    data = "".join(navet_document(records)).encode()

    class CountingStream(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            chunk = super().read(size)
            self.read_bytes += len(chunk)
            return chunk

    stream = CountingStream(data)
    first = next(read_navet(stream))
    assert first.number == 1
    assert stream.read_bytes < len(data) / 20


def test_the_command_imports_reports_counts_and_never_prints_personnummer(db, clock, make, people, tmp_path, settings, monkeypatch, capsys):
    monkeypatch.setenv("SKOLHUB_DATABASE_URL", settings.database_url)
    path = write_file(tmp_path / "cli.xml", [
        navet_record_xml(people["guardian"].personnummer, street="Ekvägen 3"),
        navet_record_xml("1234", street="X"),
        navet_record_xml(new_personnummer("19600101"), street="Y", protected=True),
    ])
    assert main(["import-addresses", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "3 records: 1 updated, 0 unchanged, 1 unknown, 0 protected, 1 malformed" in out
    assert "skipped record 2 (line 5): PersonNr is not 12 digits" in err
    assert people["guardian"].personnummer not in out + err and "1234" not in err


def test_a_file_that_is_not_well_formed_keeps_what_came_before_and_exits_with_an_error(db, clock, make, people, tmp_path, settings, monkeypatch, capsys):
    monkeypatch.setenv("SKOLHUB_DATABASE_URL", settings.database_url)
    path = tmp_path / "broken.xml"
    path.write_text("".join(navet_document([navet_record_xml(people["guardian"].personnummer, street="Ekvägen 3")]))[:-40] + "<oops", encoding="utf-8")
    assert main(["import-addresses", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "not well-formed" in err and "1 updated" in out
