"""Read sessions (issue 14). On SQLite a GET runs in a deferred transaction under WAL, so it
answers while another connection holds the write lock; writes — also a GET that marks
something read — still queue for the lock (BEGIN IMMEDIATE) and then succeed. On PostgreSQL a
GET reads in autocommit (no BEGIN/ROLLBACK round trips); a write there is refused until
for_writing(), so it can never be committed outside the request's unit of work.

Also the pool: a connection that died while it lay idle is replaced without an error."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from server import db as db_module
from server.db import WriteInReadTransaction, for_writing, make_engine, read_session
from server.messages.models import ThreadParticipant
from server.school.models import StaffRole


@pytest.fixture
def write_lock(database_url: str, backend: str) -> Iterator[sqlite3.Connection]:
    """Another process's connection holding SQLite's write lock (BEGIN IMMEDIATE) until the test
    commits it; rolled back at the end if the test did not."""
    if backend != "sqlite":
        pytest.skip("SQLite's single write lock")
    path = make_url(database_url).database
    assert path
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


@pytest.fixture
def family(make):
    school = make.school("Ekskolan", "4A")
    child = make.pupil(school.group, "Alva")
    guardian = make.guardian(child, first="Vera", last="Ek")
    mentor = make.staff(school.unit, StaffRole.MENTOR, school.group, first="Mona", last="Mentor")
    return {"child": child, "guardian": guardian, "mentor": mentor, "headers": make.headers(guardian), "mentor_headers": make.headers(mentor)}


async def test_reads_answer_while_another_connection_holds_the_write_lock(aclient, family, write_lock):
    child = family["child"].id
    write_lock.execute("BEGIN IMMEDIATE")
    # Before: every GET began with BEGIN IMMEDIATE and waited out the 30 s busy timeout here.
    answers = await asyncio.wait_for(
        asyncio.gather(
            aclient.get("/api/v1/me", headers=family["headers"]),
            aclient.get(f"/api/v1/children/{child}/home", headers=family["headers"]),
            aclient.get(f"/api/v1/children/{child}/schedule?week=2026-W49", headers=family["headers"]),
            aclient.get("/api/v1/messages/inbox", headers=family["headers"]),
            aclient.get("/api/v1/messages/unread-count", headers=family["headers"]),
        ),
        timeout=20,
    )
    assert [a.status_code for a in answers] == [200] * 5
    assert write_lock.in_transaction  # the lock was held the whole time


async def test_a_write_waits_for_the_lock_and_then_succeeds(aclient, family, write_lock):
    write_lock.execute("BEGIN IMMEDIATE")
    post = asyncio.create_task(aclient.post(
        "/api/v1/messages/threads",
        json={"pupil_id": family["child"].id, "recipient_ids": [family["mentor"].id], "subject": "Läxan", "body": "Hej!"},
        headers=family["headers"],
    ))
    done, _ = await asyncio.wait({post}, timeout=1.0)
    assert not done, "a write must queue behind the lock holder"
    write_lock.execute("COMMIT")
    response = await asyncio.wait_for(post, timeout=30)
    assert response.status_code == 201, response.text


async def test_a_get_that_marks_a_thread_read_queues_for_the_lock_and_marks_it(aclient, app, family, write_lock):
    created = await aclient.post(
        "/api/v1/messages/threads",
        json={"pupil_id": family["child"].id, "recipient_ids": [family["mentor"].id], "subject": "Läxan", "body": "Hej!"},
        headers=family["headers"],
    )
    assert created.status_code == 201, created.text
    thread_id = created.json()["id"]
    unread = await aclient.get("/api/v1/messages/unread-count", headers=family["mentor_headers"])
    assert unread.json() == {"unread": 1}

    write_lock.execute("BEGIN IMMEDIATE")
    opened = asyncio.create_task(aclient.get(f"/api/v1/messages/threads/{thread_id}", headers=family["mentor_headers"]))
    done, _ = await asyncio.wait({opened}, timeout=1.0)
    assert not done, "marking read is a write: it queues behind the lock holder instead of failing"
    write_lock.execute("COMMIT")
    response = await asyncio.wait_for(opened, timeout=30)
    assert response.status_code == 200, response.text
    unread = await aclient.get("/api/v1/messages/unread-count", headers=family["mentor_headers"])
    assert unread.json() == {"unread": 0}
    with app.state.sessionmaker() as db:
        mark = db.scalar(select(ThreadParticipant.last_read_message_id).where(
            ThreadParticipant.thread_id == thread_id, ThreadParticipant.user_id == family["mentor"].id))
    assert mark == response.json()["messages"][-1]["id"]


def test_a_write_inside_a_read_transaction_is_refused_and_for_writing_allows_it(app, backend):
    with read_session(app.state.sessionmaker) as db:
        db.execute(text("SELECT 1"))
        with pytest.raises(WriteInReadTransaction):
            db.execute(text("UPDATE unit_module SET enabled = true WHERE unit_id = -1"))
        db.rollback()
        db.execute(text("SELECT 1"))
        for_writing(db)
        db.execute(text("UPDATE unit_module SET enabled = true WHERE unit_id = -1"))
        db.commit()


def test_a_postgresql_read_session_reads_in_autocommit_and_for_writing_writes_in_a_transaction(app, backend, make):
    if backend != "postgresql":
        pytest.skip("SQLite's read sessions are deferred transactions (above)")
    unit = make.school("Ekskolan", "4A").unit.id
    with read_session(app.state.sessionmaker) as db:
        db.execute(text("SELECT 1"))
        assert db.connection().connection.dbapi_connection.autocommit is True
        for_writing(db)
        db.execute(text("INSERT INTO unit_module (unit_id, box_key, enabled) VALUES (:u, 'blog', false)"), {"u": unit})
        assert db.connection().connection.dbapi_connection.autocommit is False
        db.rollback()  # a failed request: its write must not have been committed on its own
    with app.state.sessionmaker() as db:
        assert db.scalar(text("SELECT count(*) FROM unit_module WHERE unit_id = :u"), {"u": unit}) == 0


def test_a_pooled_connection_that_died_while_idle_is_replaced_without_an_error(database_url, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL server process can be ended from outside")
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            first = conn.scalar(text("SELECT pg_backend_pid()"))
        with make_engine(database_url, poolclass=NullPool).connect() as other:  # the database restarted, say
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            other.commit()
        with engine.connect() as conn:  # checked before use: a new connection, no error
            assert conn.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        engine.dispose()
