"""Accounts: activation (R3), login and sessions (R4), username/password changes (R6),
password reset, and throttling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.accounts.models import User, UserKind
from server.outbox.models import OutboxMessage
from server.school.models import StaffRole
from tests.server.factories import PASSWORD, new_personnummer

NEW_PASSWORD = "a much better passphrase"


def _admin_and_child(make):
    school = make.school()
    child = make.pupil(school.group, "Alva")
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    return school, child, admin


def _create_guardian(client, make, admin, child, **overrides):
    body = {
        "first_name": "Eva", "last_name": "Ek", "personnummer": new_personnummer(), "email": "eva.ek@example.test",
        "phone": "070-123 45 67", "language": "sv", "pupil_ids": [child.id], **overrides,
    }
    return client.post("/api/v1/staff/guardians", json=body, headers=make.headers(admin))


def _activation_token(db, email="eva.ek@example.test"):
    bodies = db.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "activation", OutboxMessage.recipient == email).order_by(OutboxMessage.id)).all()
    return re.search(r"/activate/([\w-]+)", bodies[-1]).group(1)


def _login(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_staff_creates_a_guardian_and_the_activation_email_goes_through_the_outbox(client, make, db):
    _, child, admin = _admin_and_child(make)
    response = _create_guardian(client, make, admin, child)
    assert response.status_code == 201, response.text
    assert response.json()["phone"] == "+46701234567"
    assert response.json()["activation_sent"] is True
    email = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "activation")).one()
    assert email.recipient == "eva.ek@example.test"
    assert "14 dagar" in email.body and "http://app.test/activate/" in email.body


def test_only_an_administrator_of_the_childs_unit_creates_guardians(client, make):
    school, child, _ = _admin_and_child(make)
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group)
    assert _create_guardian(client, make, teacher, child).json()["error"]["code"] == "role_not_allowed"
    other = make.school("Andra skolan")
    other_admin = make.staff(other.unit, StaffRole.ADMINISTRATOR)
    assert _create_guardian(client, make, other_admin, child).status_code == 404
    guardian = make.guardian(child)
    assert _create_guardian(client, make, guardian, child).json()["error"]["code"] == "staff_only"


def test_creating_a_guardian_validates_personnummer_email_and_phone(client, make):
    _, child, admin = _admin_and_child(make)
    cases = [({"personnummer": "19800101-1235"}, "invalid_personnummer"), ({"email": "not-an-email"}, "invalid_email"), ({"phone": "12"}, "invalid_phone")]
    for override, code in cases:
        response = _create_guardian(client, make, admin, child, **override)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["fields"][0]["field"] in override


def test_activation_link_is_valid_for_14_days_minus_a_moment(client, make, db, clock):
    _, child, admin = _admin_and_child(make)
    _create_guardian(client, make, admin, child)
    token = _activation_token(db)
    clock.advance(days=13, hours=23)
    assert client.get(f"/api/v1/activations/{token}").json()["first_name"] == "Eva"
    response = client.post(f"/api/v1/activations/{token}", json={"username": "Eva.Ek", "password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "eva.ek"
    assert _login(client, "eva.ek", NEW_PASSWORD).status_code == 200


def test_activation_link_is_refused_at_14_days_and_says_to_contact_the_school(client, make, db, clock):
    _, child, admin = _admin_and_child(make)
    _create_guardian(client, make, admin, child)
    token = _activation_token(db)
    clock.advance(days=14)
    response = client.post(f"/api/v1/activations/{token}", json={"username": "eva", "password": NEW_PASSWORD})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "link_expired"
    assert "contact the school" in response.json()["error"]["message"].lower()


def test_activation_link_works_once(client, make, db):
    _, child, admin = _admin_and_child(make)
    _create_guardian(client, make, admin, child)
    token = _activation_token(db)
    assert client.post(f"/api/v1/activations/{token}", json={"username": "eva", "password": NEW_PASSWORD}).status_code == 200
    again = client.post(f"/api/v1/activations/{token}", json={"username": "eva2", "password": NEW_PASSWORD})
    assert again.status_code == 410 and again.json()["error"]["code"] == "link_used"
    assert client.get(f"/api/v1/activations/{token}").json()["error"]["code"] == "link_used"
    assert client.get("/api/v1/activations/not-a-token").json()["error"]["code"] == "link_invalid"


def test_staff_can_resend_activation_and_the_old_link_stops_working(client, make, db, clock):
    _, child, admin = _admin_and_child(make)
    guardian_id = _create_guardian(client, make, admin, child).json()["id"]
    old = _activation_token(db)
    clock.advance(days=20)
    assert client.post(f"/api/v1/staff/guardians/{guardian_id}/activation", headers=make.headers(admin)).status_code == 202
    new = _activation_token(db)
    assert new != old
    assert client.get(f"/api/v1/activations/{old}").status_code == 410
    assert client.post(f"/api/v1/activations/{new}", json={"username": "eva", "password": NEW_PASSWORD}).status_code == 200
    # Once activated there is nothing to re-send.
    assert client.post(f"/api/v1/staff/guardians/{guardian_id}/activation", headers=make.headers(admin)).json()["error"]["code"] == "already_activated"


def test_activation_checks_username_and_password(client, make, db):
    _, child, admin = _admin_and_child(make)
    make.guardian(child, username="taken.name")
    _create_guardian(client, make, admin, child)
    token = _activation_token(db)
    assert client.post(f"/api/v1/activations/{token}", json={"username": "ev", "password": NEW_PASSWORD}).json()["error"]["code"] == "invalid_username"
    assert client.post(f"/api/v1/activations/{token}", json={"username": "eva", "password": "short"}).json()["error"]["code"] == "password_too_short"
    assert client.post(f"/api/v1/activations/{token}", json={"username": "Taken.Name", "password": NEW_PASSWORD}).json()["error"]["code"] == "username_taken"
    # The failed attempts did not use up the link.
    assert client.post(f"/api/v1/activations/{token}", json={"username": "eva", "password": NEW_PASSWORD}).status_code == 200


def test_login_returns_a_session_that_logout_revokes(client, make):
    school = make.school()
    guardian = make.guardian(make.pupil(school.group), username="vera")
    response = _login(client, "VERA")
    assert response.status_code == 200
    token = response.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).json()["id"] == guardian.id
    assert client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    after = client.get("/api/v1/me", headers=auth)
    assert after.status_code == 401 and after.json()["error"]["code"] == "not_authenticated"


def test_session_tokens_are_stored_hashed(client, make, db):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    token = _login(client, "vera").json()["token"]
    from server.accounts.models import AuthSession

    stored = db.scalars(select(AuthSession.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_a_session_expires(client, make, clock, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    auth = {"Authorization": f"Bearer {_login(client, 'vera').json()['token']}"}
    clock.advance(hours=settings.session_ttl_hours - 1)
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    clock.advance(hours=1)
    expired = client.get("/api/v1/me", headers=auth)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "session_expired"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    wrong = _login(client, "vera", "wrong password!")
    unknown = _login(client, "nobody", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_an_unknown_username_costs_one_full_password_verification_like_a_wrong_password(client, make, monkeypatch):
    from argon2 import PasswordHasher

    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p))
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    _login(client, "vera", "wrong password!")
    _login(client, "nobody", "wrong password!")
    assert len(calls) == 2  # one argon2 verification each


def test_failed_logins_are_throttled_per_account(client, make, clock, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    for _ in range(settings.throttle_account_failures):
        assert _login(client, "vera", "wrong password!").status_code == 401
    throttled = _login(client, "vera")  # even the right password waits
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "login_throttled"
    assert throttled.headers["Retry-After"]
    clock.advance(minutes=settings.throttle_window_minutes + 1)
    assert _login(client, "vera").status_code == 200


def test_failed_logins_are_throttled_per_client_address(client, make, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    for i in range(settings.throttle_address_failures):
        _login(client, f"guess{i}", "wrong password!")
    assert _login(client, "vera").status_code == 429


def test_throttling_state_lives_in_the_database_so_every_server_process_sees_it(client, make, settings, app, clock, engine):
    from fastapi.testclient import TestClient

    from server.app import create_app

    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    for _ in range(settings.throttle_account_failures):
        _login(client, "vera", "wrong password!")
    other_process = TestClient(create_app(settings, clock, engine))
    assert _login(other_process, "vera").status_code == 429


def test_change_password_needs_the_current_one_and_revokes_other_sessions(client, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    phone = {"Authorization": f"Bearer {_login(client, 'vera').json()['token']}"}
    laptop = {"Authorization": f"Bearer {_login(client, 'vera').json()['token']}"}
    refused = client.put("/api/v1/account/password", json={"current_password": "not it at all", "new_password": NEW_PASSWORD}, headers=phone)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "wrong_current_password"
    too_short = client.put("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=phone)
    assert too_short.json()["error"]["code"] == "password_too_short"
    changed = client.put("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=phone)
    assert changed.status_code == 200 and changed.json()["other_sessions_revoked"] == 1
    assert client.get("/api/v1/me", headers=phone).status_code == 200
    assert client.get("/api/v1/me", headers=laptop).status_code == 401
    assert _login(client, "vera", PASSWORD).status_code == 401
    assert _login(client, "vera", NEW_PASSWORD).status_code == 200


def test_change_username_needs_the_current_password_and_a_free_name(client, make):
    school = make.school()
    child = make.pupil(school.group)
    vera = make.guardian(child, username="vera")
    make.guardian(child, username="olle")
    auth = make.headers(vera)
    assert client.put("/api/v1/account/username", json={"new_username": "vera2", "current_password": "nope nope nope"}, headers=auth).status_code == 403
    assert client.put("/api/v1/account/username", json={"new_username": "Olle", "current_password": PASSWORD}, headers=auth).json()["error"]["code"] == "username_taken"
    assert client.put("/api/v1/account/username", json={"new_username": "Vera.K", "current_password": PASSWORD}, headers=auth).json()["username"] == "vera.k"
    assert _login(client, "vera.k").status_code == 200


def _reset_token(db, email):
    body = db.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "password_reset", OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/reset-password/([\w-]+)", body).group(1)


def test_password_reset_never_reveals_whether_an_account_exists(client, make, db):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera", email="vera@example.test")
    known = client.post("/api/v1/password-resets", json={"identifier": "vera@example.test"})
    unknown = client.post("/api/v1/password-resets", json={"identifier": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "password_reset")) == 1


def test_password_reset_link_is_single_use_short_lived_and_revokes_sessions(client, make, db, clock, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera", email="vera@example.test")
    old_session = {"Authorization": f"Bearer {_login(client, 'vera').json()['token']}"}
    client.post("/api/v1/password-resets", json={"identifier": "vera"})
    token = _reset_token(db, "vera@example.test")
    checked = client.get(f"/api/v1/password-resets/{token}")
    assert checked.status_code == 200
    assert checked.json()["min_password_length"] == 10 and checked.json()["max_password_length"] >= 64
    assert client.post(f"/api/v1/password-resets/{token}", json={"new_password": NEW_PASSWORD}).status_code == 204
    assert client.get(f"/api/v1/password-resets/{token}").json()["error"]["code"] == "link_used"
    assert client.get("/api/v1/password-resets/not-a-token").json()["error"]["code"] == "link_invalid"
    assert client.post(f"/api/v1/password-resets/{token}", json={"new_password": NEW_PASSWORD}).json()["error"]["code"] == "link_used"
    assert client.get("/api/v1/me", headers=old_session).status_code == 401
    assert _login(client, "vera", NEW_PASSWORD).status_code == 200

    client.post("/api/v1/password-resets", json={"identifier": "vera"})
    late = _reset_token(db, "vera@example.test")
    clock.advance(minutes=settings.password_reset_valid_minutes)
    assert client.get(f"/api/v1/password-resets/{late}").json()["error"]["code"] == "link_expired"
    assert client.post(f"/api/v1/password-resets/{late}", json={"new_password": NEW_PASSWORD + "!"}).json()["error"]["code"] == "link_expired"


def test_passwords_are_hashed_with_argon2id(make, db):
    school = make.school()
    vera = make.guardian(make.pupil(school.group), username="vera")
    assert db.get(User, vera.id).password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("kind", [UserKind.STAFF, UserKind.STUDENT])
def test_every_kind_of_account_logs_in_the_same_way(client, make, kind):
    school = make.school()
    pupil = make.pupil(school.group)
    user = make.student(pupil, username="u1") if kind == UserKind.STUDENT else make.staff(school.unit, username="u1")
    response = _login(client, "u1")
    assert response.status_code == 200 and response.json()["user"]["id"] == user.id and response.json()["user"]["kind"] == kind.value


def test_session_lifetime_is_a_setting(client, make, settings, clock):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera")
    expires = _login(client, "vera").json()["expires_at"]
    from datetime import datetime

    assert datetime.fromisoformat(expires) - clock.now() == timedelta(hours=settings.session_ttl_hours)
