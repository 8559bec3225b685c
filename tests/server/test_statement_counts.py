"""How many SQL statements the pages every guardian opens first cost, at the demo's size (issue 14).

The numbers are pinned: a query per box, per lesson or per thread (an N+1) makes them grow with
the data and fails here. Lower them when a page gets cheaper; raise them only with a reason.
Transaction control (BEGIN/COMMIT, which only SQLite sends as statements) is not counted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from server.demo import seed_demo
from server.school.models import Guardianship, Pupil, Unit, UnitKind

EXPECTED = {
    # session+user, the children with their units and classes (one statement however many)
    "me": 2,
    # session+user, the child with its unit (if the guardian's), switched-off boxes, the
    # notification counts of every box (one GROUP BY), this week's lesson changes, the talk
    # times with whether each series is booked
    "home": 6,
    # session+user, the child with its unit, breaks, lessons with terms and teachers, exceptions
    "schedule": 5,
    # session+user, threads with unread flags and the children's names, participants
    "inbox": 3,
}


@contextmanager
def counted(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if statement.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def demo_guardian(app, clock, settings, make):  # type: ignore[no-untyped-def]
    """A demo guardian with a school child who has lessons, and their Authorization header."""
    with app.state.sessionmaker() as db:
        world = seed_demo(db, clock, settings)
        db.commit()
        for guardian in world.guardians:
            child = db.scalar(
                select(Pupil.id).join(Guardianship, Guardianship.pupil_id == Pupil.id).join(Unit, Unit.id == Pupil.unit_id)
                .where(Guardianship.guardian_id == guardian.id, Unit.kind == UnitKind.SCHOOL).order_by(Pupil.id)
            )
            if child is not None:
                break
        db.commit()
    assert child is not None, "the demo has a guardian of a school child"
    return make.headers(guardian), child


@pytest.mark.parametrize("page", ["me", "home", "schedule", "inbox"])
def test_the_first_pages_cost_a_fixed_number_of_statements(client, app, demo_guardian, page):
    headers, child = demo_guardian
    url = {
        "me": "/api/v1/me",
        "home": f"/api/v1/children/{child}/home",
        "schedule": f"/api/v1/children/{child}/schedule?week=2026-W49",
        "inbox": "/api/v1/messages/inbox",
    }[page]
    with counted(app.state.engine) as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    if page == "schedule":
        assert sum(len(d["lessons"]) for d in response.json()["days"]) > 5  # a real week, not an empty one
    if page == "me":
        assert len(response.json()["children"]) >= 2  # one statement for all of them, not one per child
    if page == "inbox":
        assert response.json()["threads"]  # the demo guardian has threads
    assert len(statements) == EXPECTED[page], "\n".join(s.split("\n")[0][:120] for s in statements)
