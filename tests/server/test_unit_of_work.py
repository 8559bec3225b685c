"""One transaction boundary per request (issue 15): the request's session commits once when the
route has returned and rolls back on any error, so an error raised after a first write leaves
nothing written. Runs on SQLite and PostgreSQL like every server test."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.db import unit_of_work
from server.errors import ApiError
from server.home import service as home_service
from server.home.models import UnitModule
from server.school.models import StaffRole


def _switches(db, unit_id):  # type: ignore[no-untyped-def]
    db.expire_all()
    return {m.box_key: m.enabled for m in db.scalars(select(UnitModule).where(UnitModule.unit_id == unit_id))}


@pytest.fixture
def admin_of(make):  # type: ignore[no-untyped-def]
    school = make.school()
    return school, make.staff(school.unit, StaffRole.ADMINISTRATOR)


def test_a_domain_error_after_a_first_write_leaves_nothing_written(client, db, make, admin_of, monkeypatch):
    school, admin = admin_of
    original = home_service.set_unit_modules

    def write_then_refuse(session, unit_id, choices):  # type: ignore[no-untyped-def]
        original(session, unit_id, choices)  # written and flushed ...
        assert session.scalar(select(UnitModule.enabled).where(UnitModule.unit_id == unit_id, UnitModule.box_key == "blog")) is False
        raise ApiError(409, "test_refusal", "Refused after the write.")  # ... then the request fails

    monkeypatch.setattr(home_service, "set_unit_modules", write_then_refuse)
    response = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"blog": False}}, headers=make.headers(admin))
    assert response.status_code == 409 and response.json()["error"]["code"] == "test_refusal"
    assert _switches(db, school.unit.id) == {}

    monkeypatch.setattr(home_service, "set_unit_modules", original)
    response = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"blog": False}}, headers=make.headers(admin))
    assert response.status_code == 200
    assert _switches(db, school.unit.id) == {"blog": False}


def test_an_unexpected_error_after_a_first_write_leaves_nothing_written(app, db, make, admin_of, monkeypatch):
    school, admin = admin_of
    original = home_service.set_unit_modules

    def write_then_crash(session, unit_id, choices):  # type: ignore[no-untyped-def]
        original(session, unit_id, choices)
        raise RuntimeError("a bug after the write")

    monkeypatch.setattr(home_service, "set_unit_modules", write_then_crash)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.put(f"/api/v1/staff/units/{school.unit.id}/modules", json={"modules": {"blog": False}}, headers=make.headers(admin))
    assert response.status_code == 500
    assert _switches(db, school.unit.id) == {}


def test_unit_of_work_commits_a_finished_block_and_rolls_back_a_failed_one(app, db, make):
    school = make.school()
    with unit_of_work(app.state.sessionmaker) as session:
        home_service.set_unit_modules(session, school.unit.id, {"blog": False})
    assert _switches(db, school.unit.id) == {"blog": False}
    with pytest.raises(RuntimeError), unit_of_work(app.state.sessionmaker) as session:
        home_service.set_unit_modules(session, school.unit.id, {"blog": True, "talks": False})
        raise RuntimeError("the job failed half-way")
    assert _switches(db, school.unit.id) == {"blog": False}
