"""Me and settings (R10–R14): personal details, read-only address and name, language, privacy, push."""

from __future__ import annotations

from server.school.models import StaffRole

ALL_PUSH = ["messages", "information", "calendar", "absence", "blog", "talks", "assessments", "documentation", "planning", "leisure"]


def test_me_lists_a_guardians_children_with_unit_and_group_and_a_student_as_themself(client, make):
    """R10."""
    school = make.school("Ekskolan", "4A")
    child = make.pupil(school.group, "Alva")
    guardian, student = make.guardian(child), make.student(child)
    me = client.get("/api/v1/me", headers=make.headers(guardian)).json()
    assert [(c["first_name"], c["unit_name"], c["unit_kind"], c["group_name"]) for c in me["children"]] == [("Alva", "Ekskolan", "school", "4A")]
    own = client.get("/api/v1/me", headers=make.headers(student)).json()
    assert own["kind"] == "student" and [c["id"] for c in own["children"]] == [child.id]


def test_me_for_staff_lists_their_units_and_roles(client, make):
    school = make.school()
    teacher = make.staff(school.unit, StaffRole.MENTOR, school.group)
    me = client.get("/api/v1/me", headers=make.headers(teacher)).json()
    assert me["children"] == [] and me["units"] == [{"id": school.unit.id, "name": "Testskolan", "kind": "school", "roles": ["mentor"]}]


def test_settings_show_personal_details_language_privacy_and_push(client, make):
    school = make.school()
    guardian = make.guardian(make.pupil(school.group), email="vera@example.org", phone="+46701234567", first="Vera", last="Ek")
    body = client.get("/api/v1/me/settings", headers=make.headers(guardian)).json()
    assert body == {
        "personal": {"first_name": "Vera", "last_name": "Ek", "email": "vera@example.org", "phone": "+46701234567", "address": None,
                     "address_source": "population_register"},
        "language": "sv",
        "privacy": {"show_email": False, "show_phone": False, "show_child": False},
        "push": dict.fromkeys(ALL_PUSH, True),
    }


def test_email_and_phone_can_be_changed_and_are_validated_and_normalised(client, make):
    """R11: email syntax; Swedish or international mobile numbers to E.164."""
    school = make.school()
    headers = make.headers(make.guardian(make.pupil(school.group)))
    ok = client.patch("/api/v1/me/settings", json={"email": " Vera.Ek@Example.org ", "phone": "070-123 45 67"}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["personal"]["email"] == "Vera.Ek@example.org"
    assert ok.json()["personal"]["phone"] == "+46701234567"
    abroad = client.patch("/api/v1/me/settings", json={"phone": "+358 40 1234567"}, headers=headers)
    assert abroad.json()["personal"]["phone"] == "+358401234567"

    bad_email = client.patch("/api/v1/me/settings", json={"email": "not-an-address"}, headers=headers)
    assert bad_email.status_code == 422 and bad_email.json()["error"]["code"] == "invalid_email"
    bad_phone = client.patch("/api/v1/me/settings", json={"phone": "12"}, headers=headers)
    assert bad_phone.status_code == 422 and bad_phone.json()["error"]["code"] == "invalid_phone"
    # A refused change changes nothing, not even the valid half of it.
    mixed = client.patch("/api/v1/me/settings", json={"language": "en", "email": "nope"}, headers=headers)
    assert mixed.status_code == 422
    assert client.get("/api/v1/me/settings", headers=headers).json()["language"] == "sv"


def test_the_address_and_the_name_cannot_be_changed_through_the_api(client, make):
    """R11: the address comes from the population register; typed here it would be overwritten."""
    school = make.school()
    headers = make.headers(make.guardian(make.pupil(school.group), first="Vera"))
    for body, code in [
        ({"address": {"street": "Nygatan 2"}}, "address_read_only"),
        ({"personal": {"address": {"street": "Nygatan 2"}}}, "address_read_only"),
        ({"first_name": "Kalle"}, "name_read_only"),
        ({"personal": {"last_name": "Anka"}}, "name_read_only"),
    ]:
        response = client.patch("/api/v1/me/settings", json=body, headers=headers)
        assert response.status_code == 422 and response.json()["error"]["code"] == code, body
    after = client.get("/api/v1/me/settings", headers=headers).json()["personal"]
    assert after["address"] is None and after["first_name"] == "Vera"


def test_language_privacy_and_push_choices_are_kept(client, make):
    """R12–R14."""
    school = make.school()
    headers = make.headers(make.guardian(make.pupil(school.group)))
    response = client.patch(
        "/api/v1/me/settings",
        json={"language": "en", "privacy": {"show_email": True}, "push": {"blog": False, "leisure": False}},
        headers=headers,
    )
    assert response.status_code == 200
    body = client.get("/api/v1/me/settings", headers=headers).json()
    assert body["language"] == "en"
    assert body["privacy"] == {"show_email": True, "show_phone": False, "show_child": False}
    assert [a for a, on in body["push"].items() if not on] == ["blog", "leisure"]
    assert client.get("/api/v1/me", headers=headers).json()["language"] == "en"

    for bad, code in [({"language": "de"}, "invalid_language"), ({"push": {"weather": False}}, "unknown_setting"),
                      ({"privacy": {"show_email": "yes"}}, "invalid_settings"), ({"username": "x"}, "unknown_setting")]:
        refused = client.patch("/api/v1/me/settings", json=bad, headers=headers)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == code, bad


def test_settings_need_a_signed_in_user(client):
    assert client.get("/api/v1/me/settings").status_code == 401


def test_an_untouched_field_passes_as_stored_while_a_changed_one_is_validated(client, make, app):
    """Issue 16: a form sends every field; the one the user did not touch must not block saving."""
    from server.accounts.models import User

    school = make.school()
    guardian = make.guardian(make.pupil(school.group), email="vera@example.org", phone="+46701234567")
    with app.state.sessionmaker() as db:  # an address stored before today's validation rules
        db.get(User, guardian.id).email = "vera@old-school.invalid"
        db.commit()
    headers = make.headers(guardian)
    ok = client.patch("/api/v1/me/settings", json={"email": "vera@old-school.invalid", "phone": "070-765 43 21"}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["personal"]["email"] == "vera@old-school.invalid" and ok.json()["personal"]["phone"] == "+46707654321"
    changed = client.patch("/api/v1/me/settings", json={"email": "vera@other.invalid"}, headers=headers)
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "invalid_email"
