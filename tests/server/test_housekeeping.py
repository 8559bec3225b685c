"""Expired records are removed; what is still in use is kept."""

from __future__ import annotations

from sqlalchemy import func, select

from server.accounts.models import AuthSession, ThrottleCounter
from server.housekeeping import run_housekeeping
from server.idempotency import IdempotencyRecord
from server.school.models import StaffRole
from tests.server.factories import new_personnummer


def _count(db, model):
    return db.scalar(select(func.count()).select_from(model))


def test_housekeeping_removes_what_has_expired_and_keeps_what_is_live(client, make, db, app, clock, settings):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    make.guardian(child, username="vera")
    body = {"first_name": "Eva", "last_name": "Ek", "personnummer": new_personnummer(), "email": "eva@example.test", "pupil_ids": [child.id]}
    client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin), "Idempotency-Key": "old"})
    client.post("/api/v1/auth/login", json={"username": "vera", "password": "wrong wrong wrong"})
    client.post("/api/v1/auth/login", json={"username": "nobody", "password": "wrong wrong wrong"})
    old_session = client.post("/api/v1/auth/login", json={"username": "vera", "password": "correct horse battery"}).json()["token"]
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {old_session}"})

    clock.advance(days=40)
    live = client.post("/api/v1/auth/login", json={"username": "vera", "password": "correct horse battery"}).json()["token"]
    client.post("/api/v1/staff/guardians", json={**body, "personnummer": new_personnummer()}, headers={**make.headers(admin), "Idempotency-Key": "new"})
    sessions_before = _count(db, AuthSession)

    removed = run_housekeeping(app.state.sessionmaker, clock, settings)

    assert removed["idempotency_records"] == 1
    assert db.scalars(select(IdempotencyRecord.key)).all() == ["new"]
    # vera's successful logins cleared her account counter and gave their address attempts
    # back; what is left is the old counter of the unknown username "nobody"
    assert removed["throttle_counters"] == 1 and _count(db, ThrottleCounter) == 0
    assert removed["sessions"] >= 1 and _count(db, AuthSession) == sessions_before - removed["sessions"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {live}"}).status_code == 200
    assert run_housekeeping(app.state.sessionmaker, clock, settings)["idempotency_records"] == 0


def test_the_worker_command_offers_housekeeping():
    from server.cli import COMMANDS

    assert "housekeeping" in COMMANDS
