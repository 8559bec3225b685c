from server.demo import DEMO_PASSWORD, seed_demo
from server.school.models import Pupil


def _summary(world):
    return [(p.first_name, p.last_name, p.personnummer) for p in world.pupils], [(g.first_name, g.personnummer) for g in world.guardians]


def test_demo_school_is_deterministic_and_its_logins_work(client, app, clock, settings):
    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings, seed=7)
        db.commit()
        first = _summary(world)
        assert 55 <= db.query(Pupil).count() <= 70
    assert 8 <= len(world.staff) <= 12
    for login in world.logins:
        response = client.post("/api/v1/auth/login", json={"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, login.username
    # Same seed → same people (in a fresh database the ids would match too).
    from tests.conftest import _empty_all_tables

    _empty_all_tables(app.state.engine)
    with app.state.sessionmaker() as db:
        again = _summary(seed_demo(db, clock, settings, seed=7))
    assert again == first


def test_demo_addresses_come_through_the_population_register_import(client, app, clock, settings):
    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings)
        db.commit()
        anna = world.people["fritids_and_preschool_guardian"]
    token = client.post("/api/v1/auth/login", json={"username": "anna.lindqvist", "password": DEMO_PASSWORD}).json()["token"]
    personal = client.get("/api/v1/me/settings", headers={"Authorization": f"Bearer {token}"}).json()["personal"]
    assert personal["address"]["city"] == "EKBACKA" and personal["address"]["street"]
    assert personal["email"].startswith("anna.lindqvist")
    assert anna.first_name == "Anna"
    student = client.post("/api/v1/auth/login", json={"username": "elsa.nyberg", "password": DEMO_PASSWORD}).json()["token"]
    assert client.get("/api/v1/me/settings", headers={"Authorization": f"Bearer {student}"}).json()["personal"]["address"]["city"] == "EKBACKA"


def test_demo_emails_and_phones_pass_the_servers_own_validation_and_a_demo_guardian_can_save_a_phone(client, app, clock, settings):
    """Issue 16: the seeded `…@example.invalid` addresses were refused by the settings form, so a
    demo guardian could not save a phone number."""
    from server.accounts.models import User
    from server.validation import clean_email, clean_mobile

    with app.state.sessionmaker() as db:
        seed_demo(db, clock, settings)
        db.commit()
        contacts = [(u.email, u.phone) for u in db.query(User).all()]
    assert sum(1 for email, _ in contacts if email) > 50
    for email, phone in contacts:
        if email:
            assert clean_email(email) == email
        if phone:
            assert clean_mobile(phone) == phone
    token = client.post("/api/v1/auth/login", json={"username": "anna.lindqvist", "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    personal = client.get("/api/v1/me/settings", headers=headers).json()["personal"]
    saved = client.patch("/api/v1/me/settings", json={"personal": {"email": personal["email"], "phone": "070-765 43 21"}}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["personal"] == {**personal, "phone": "+46707654321"}
