def test_health_answers_with_the_database_backend(client, backend):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": backend}


def test_a_guardian_sees_their_own_child(client, make):
    school = make.school()
    child = make.pupil(school.group, "Alva")
    guardian = make.guardian(child)
    response = client.get(f"/api/v1/pupils/{child.id}", headers=make.headers(guardian))
    assert response.status_code == 200
    assert response.json()["first_name"] == "Alva"
