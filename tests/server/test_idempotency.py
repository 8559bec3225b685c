"""Every create-type POST takes an Idempotency-Key: a replay returns the first answer and
creates nothing new. Records live in the database, shared by every server process."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.accounts.models import User
from server.app import create_app
from server.outbox.models import OutboxMessage
from server.school.models import StaffRole
from tests.server.factories import new_personnummer


def _guardian_body(child_id):
    return {"first_name": "Eva", "last_name": "Ek", "personnummer": new_personnummer(), "email": "eva@example.test", "pupil_ids": [child_id]}


def _counts(db):
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(User).where(User.first_name == "Eva")),
        db.scalar(select(func.count()).select_from(OutboxMessage)),
    )


def test_a_replayed_create_returns_the_first_answer_and_creates_nothing(client, make, db):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "create-eva-1"}
    body = _guardian_body(child.id)
    first = client.post("/api/v1/staff/guardians", json=body, headers=headers)
    assert first.status_code == 201
    assert _counts(db) == (1, 1)
    replay = client.post("/api/v1/staff/guardians", json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert _counts(db) == (1, 1)


def test_the_same_key_with_a_different_request_is_refused(client, make):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "k1"}
    client.post("/api/v1/staff/guardians", json=_guardian_body(child.id), headers=headers)
    other = client.post("/api/v1/staff/guardians", json=_guardian_body(child.id), headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_per_user(client, make, db):
    school = make.school()
    child = make.pupil(school.group)
    admin1 = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    admin2 = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    body = _guardian_body(child.id)
    assert client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin1), "Idempotency-Key": "same"}).status_code == 201
    # Another user's request with the same key is its own request (here: the guardian exists and is linked already).
    second = client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin2), "Idempotency-Key": "same"})
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers


def test_a_retry_after_a_new_login_is_replayed_not_created_again(client, make, db):
    """The app's offline queue sends a message once more after the guardian logged in again:
    keys belong to the user, not the session, so nothing is created twice."""
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    body = _guardian_body(child.id)
    first = client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin), "Idempotency-Key": "queued-1"})
    assert first.status_code == 201
    again = client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin), "Idempotency-Key": "queued-1"})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert _counts(db) == (1, 1)


def test_a_replay_needs_a_valid_session(client, make):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    body = _guardian_body(child.id)
    assert client.post("/api/v1/staff/guardians", json=body, headers={**make.headers(admin), "Idempotency-Key": "k-401"}).status_code == 201
    stale = client.post("/api/v1/staff/guardians", json=body, headers={"Authorization": "Bearer not-a-session", "Idempotency-Key": "k-401"})
    assert stale.status_code == 401 and "Idempotent-Replayed" not in stale.headers


def test_a_refused_request_is_replayed_as_refused(client, make):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "bad-1"}
    body = {**_guardian_body(child.id), "email": "nope"}
    first = client.post("/api/v1/staff/guardians", json=body, headers=headers)
    assert first.status_code == 422
    assert client.post("/api/v1/staff/guardians", json=body, headers=headers).json() == first.json()


def test_records_are_shared_between_server_processes(client, make, db, settings, clock, engine):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "shared"}
    body = _guardian_body(child.id)
    client.post("/api/v1/staff/guardians", json=body, headers=headers)
    other = TestClient(create_app(settings, clock, engine)).post("/api/v1/staff/guardians", json=body, headers=headers)
    assert other.headers["Idempotent-Replayed"] == "true"
    assert _counts(db) == (1, 1)


async def test_concurrent_retries_with_one_key_create_one_guardian(aclient, make, db):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "burst"}
    body = _guardian_body(child.id)
    answers = await asyncio.gather(*[aclient.post("/api/v1/staff/guardians", json=body, headers=headers) for _ in range(10)])
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "idempotency_in_progress"
    assert _counts(db) == (1, 1)


def test_an_overlong_key_is_refused(client, make):
    response = client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}, headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_idempotency_key"
