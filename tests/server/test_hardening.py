"""Issue 13, server hardening: one test (or a few) per finding 1–9, on every database of the run
(SQLite always, PostgreSQL when SKOLHUB_TEST_POSTGRES_URL is set). Finding 10 (personnummer
century) is in test_personnummer.py.

Most tests talk to the real server in-process; the ones about sockets (slow bodies, forwarded
headers) run it under uvicorn on a free loopback port, configured as `skolhub serve` does."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.accounts.models import AuthSession, User, UserKind
from server.app import create_app
from server.cli import uvicorn_options
from server.idempotency import IdempotencyRecord, _reserve
from server.outbox.models import OutboxMessage
from server.population.navet import MalformedRecord, NavetRecord, navet_document, navet_record_xml, read_navet
from server.school.models import StaffRole
from tests.server.content_world import API, PNG, build
from tests.server.factories import PASSWORD, new_personnummer

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app under uvicorn with `skolhub serve`'s options, on a free loopback port."""
    options = {**uvicorn_options(), "log_level": "warning"}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


# --- 1. slow bodies ---------------------------------------------------------------------------


def test_1_trickling_bodies_hold_no_slot_and_time_out(settings, clock, engine):
    settings.body_read_timeout_seconds = 3
    settings.max_requests_in_flight = 8
    app = create_app(settings, clock, engine)
    with live_server(app) as url:
        port = int(url.rsplit(":", 1)[1])
        assert httpx.get(f"{url}/api/v1/health", timeout=10).status_code == 200  # warm: first connection, route table
        sockets = []
        for _ in range(24):  # three times the slots
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
            sockets.append(s)
        try:
            time.sleep(0.3)
            started = time.monotonic()
            health = httpx.get(f"{url}/api/v1/health", timeout=5)
            assert health.status_code == 200
            assert time.monotonic() - started < 1.0
            # …and a body that never completes is answered 408 once its time is up.
            sockets[0].settimeout(10)
            answer = sockets[0].recv(4096)
            assert answer.startswith(b"HTTP/1.1 408")
            assert b"body_timeout" in answer
        finally:
            for s in sockets:
                s.close()


# --- 2. body size before buffering --------------------------------------------------------------


def test_2_a_declared_huge_body_is_refused_before_it_is_read(client):
    answer = client.post(
        f"{API}/auth/login", content=b"{}", headers={"Content-Length": str(300 * 1024 * 1024), "Content-Type": "application/json", "Idempotency-Key": "k"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "request_too_large"


async def test_2_a_chunked_body_is_cut_off_at_the_json_limit(aclient, settings):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(300):  # up to 300 MiB, if nobody stopped reading
            sent += 1
            yield b" " * (1 << 20)

    answer = await aclient.post(f"{API}/auth/login", content=chunks(), headers={"Content-Type": "application/json", "Idempotency-Key": "big"})
    assert answer.status_code == 413
    assert sent <= settings.request_max_bytes // (1 << 20) + 2


def test_2_upload_routes_take_the_upload_limit_json_routes_the_small_one(client, make, settings):
    w = build(make)
    headers = make.headers(w.teacher)
    big_text = b"a" * (settings.request_max_bytes + 1)
    # A JSON body over the small limit: 413 before any validation.
    too_big = client.post(f"{API}/staff/information/news", content=big_text, headers={**headers, "Content-Type": "application/json"})
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "request_too_large"
    # The same size as a file upload is fine (a route that takes files has the upload limit).
    uploaded = client.post(
        f"{API}/staff/information/files", headers=headers,
        data={"unit_id": str(w.school.id), "title": "Lång text", "description": ""}, files={"file": ("lang.txt", big_text, "text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.text
    settings_limit = settings.upload_max_bytes + (1 << 20)
    over = client.post(
        f"{API}/staff/information/files", headers={**headers, "Content-Length": str(settings_limit + 1)}, content=b"x",
    )
    assert over.status_code == 413 and over.json()["error"]["code"] == "file_too_large"


# --- 3. the login throttle under concurrency ----------------------------------------------------


async def test_3_sixty_concurrent_wrong_passwords_are_not_all_evaluated(aclient, make, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="raced")
    wrong = [aclient.post(f"{API}/auth/login", json={"username": "raced", "password": f"wrong password {i}"}) for i in range(60)]
    answers = await asyncio.wait_for(asyncio.gather(*wrong), timeout=120)
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) == settings.throttle_account_failures  # exactly as many as the limit
    right = await aclient.post(f"{API}/auth/login", json={"username": "raced", "password": PASSWORD})
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 0


def test_3_a_right_password_clears_the_account_and_gives_the_address_attempt_back(client, make, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="sequential")
    for _ in range(settings.throttle_account_failures - 1):
        assert client.post(f"{API}/auth/login", json={"username": "sequential", "password": "nope nope nope"}).status_code == 401
    assert client.post(f"{API}/auth/login", json={"username": "sequential", "password": PASSWORD}).status_code == 200
    # The counter starts again: another round of failures up to the limit is still answered 401.
    for _ in range(settings.throttle_account_failures):
        assert client.post(f"{API}/auth/login", json={"username": "sequential", "password": "nope nope nope"}).status_code == 401
    assert client.post(f"{API}/auth/login", json={"username": "sequential", "password": PASSWORD}).status_code == 429


# --- 4. NUL and control characters, big ids, no parameters in logs -------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/login", {"username": "a\u0000b", "password": "whatever whatever"}),
        ("/auth/login", {"username": "anna", "password": "pass\u0000word"}),
        ("/password-resets", {"identifier": "anna\u0000@example.test"}),
        ("/password-resets", {"identifier": "anna\u001b[31m"}),
        ("/password-resets", {"identifier": "\ud800"}),  # a lone surrogate
        ("/auth/login", {"user\u0000name": "a", "password": "b"}),  # in a key
    ],
)
def test_4_control_characters_are_422_invalid_text_for_anonymous_routes(client, path, body):
    import json as jsonlib

    # As JSON escapes (\u0000), the way a client sends them.
    answer = client.post(API + path, content=jsonlib.dumps(body), headers={"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_text"


def test_4_control_characters_are_refused_in_every_kind_of_input(client, make):
    w = build(make)
    teacher = make.headers(w.teacher)
    guardian = make.headers(w.guardian)
    cases = [
        client.post(f"{API}/staff/information/news", json={"group_ids": [w.class_4a.id], "title": "Hej\u0000", "body": "x"}, headers=teacher),
        client.post(f"{API}/staff/calendar/entries", json={"kind": "activity", "title": "Utflykt", "description": "a\u0007b", "start_date": "2026-12-03", "unit_id": w.school.id}, headers=teacher),
        client.post(f"{API}/staff/blog/posts", data={"group_id": str(w.class_4a.id), "title": "T", "body": "B\u0000"}, headers=teacher),  # a form field
        client.get(f"{API}/children/{w.pupil.id}/schedule", params={"week": "2026-W49\u0000"}, headers=guardian),  # a query string
        client.get(f"{API}/activations/abc%00def"),  # a path parameter
    ]
    for answer in cases:
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == "invalid_text"
    # Line breaks and tabs are text.
    ok = client.post(f"{API}/staff/information/news", json={"group_ids": [w.class_4a.id], "title": "Hej", "body": "rad 1\n\trad 2\r\n"}, headers=teacher)
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_4_ids_beyond_the_databases_range_are_404_or_422(client, make, big):
    w = build(make)
    guardian = make.headers(w.guardian)
    teacher = make.headers(w.teacher)
    assert client.get(f"{API}/pupils/{big}", headers=guardian).status_code == 404
    assert client.get(f"{API}/pupils/{-big}", headers=guardian).status_code == 404
    listed = client.get(f"{API}/children/{w.pupil.id}/information/news", params={"before_id": big}, headers=guardian)
    assert listed.status_code == 422 and listed.json()["error"]["code"] == "out_of_range"
    news = client.post(f"{API}/staff/information/news", json={"group_ids": [big], "title": "Hej", "body": "x"}, headers=teacher)
    assert news.status_code == 422 and news.json()["error"]["code"] == "out_of_range"
    blog = client.post(f"{API}/staff/blog/posts", data={"group_id": str(big), "title": "T", "body": "B"}, headers=teacher)
    assert blog.status_code == 422 and blog.json()["error"]["code"] == "out_of_range"


def test_4_the_engine_never_puts_bound_parameters_into_errors_or_logs(app, make, caplog):
    school = make.school()
    make.guardian(make.pupil(school.group), username="dup.user")
    caplog.set_level(logging.DEBUG)
    with app.state.sessionmaker() as db:
        db.add(User(kind=UserKind.GUARDIAN, username="dup.user", first_name="Hemlig", last_name="Kommentarsson", created_at=make.clock.now()))
        with pytest.raises(IntegrityError) as raised:
            db.commit()
    assert "hidden due to hide_parameters" in str(raised.value)
    assert "Hemlig" not in str(raised.value) and "Kommentarsson" not in str(raised.value)
    assert "Kommentarsson" not in caplog.text


# --- 5. dates near year 9999 --------------------------------------------------------------------


def test_5_dates_outside_the_years_1900_2199_are_422_never_500(client, make):
    w = build(make)
    guardian = make.headers(w.guardian)
    teacher = make.headers(w.teacher)
    answers = [
        client.get(f"{API}/children/{w.pupil.id}/schedule", params={"week": "9999-W52"}, headers=guardian),
        client.get(f"{API}/children/{w.pupil.id}/leisure", params={"week": "9999-W52"}, headers=guardian),
        client.get(f"{API}/children/{w.pupil.id}/calendar", params={"from": "9999-12-31"}, headers=guardian),
        client.get(f"{API}/children/{w.pupil.id}/calendar", params={"from": "2026-12-01", "to": "9999-12-31"}, headers=guardian),
        client.post(
            f"{API}/children/{w.pupil.id}/leisure/weeks",
            json={"week": "9999-W52", "days": {"1": {"start": "07:00", "end": "16:00"}}, "repeat": {"every_weeks": 1, "count_weeks": 2}},
            headers=guardian,
        ),
        client.post(
            f"{API}/children/{w.pupil.id}/leisure/weeks",
            json={"week": "2026-W50", "days": {"1": {"start": "07:00", "end": "16:00"}}, "repeat": {"every_weeks": 1, "until": "9999-12-31"}},
            headers=guardian,
        ),
        client.post(f"{API}/staff/calendar/entries", json={"kind": "activity", "title": "Utflykt", "start_date": "9999-12-31", "unit_id": w.school.id}, headers=teacher),
        client.put(f"{API}/children/{w.pupil.id}/leisure/days/9999-12-31", json={"start": "07:00", "end": "16:00"}, headers=guardian),  # in the path
    ]
    for answer in answers:
        assert answer.status_code == 422, (answer.request.url, answer.text)
        assert answer.json()["error"]["code"] == "date_out_of_range"


# --- 6. password-reset email bombing ------------------------------------------------------------


def test_6_password_resets_are_limited_per_identifier_and_per_address(client, make, db, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="bombed", email="bombed@example.test")
    answers = [client.post(f"{API}/password-resets", json={"identifier": "bombed"}).status_code for _ in range(30)]
    assert answers.count(202) == settings.reset_identifier_limit and answers.count(429) == 30 - settings.reset_identifier_limit
    db.expire_all()
    sent = db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    assert sent == settings.reset_identifier_limit
    # Many identifiers from one address: limited per address too (whether the accounts exist or not).
    others = [client.post(f"{API}/password-resets", json={"identifier": f"someone{i}@example.test"}).status_code for i in range(30)]
    assert others.count(429) >= 30 - (settings.reset_address_limit - settings.reset_identifier_limit)


# --- 7. idempotency and secrets -----------------------------------------------------------------


def test_7_a_login_with_an_idempotency_key_is_never_stored_or_replayed(client, make, db):
    school = make.school()
    make.guardian(make.pupil(school.group), username="keyed")
    body = {"username": "keyed", "password": PASSWORD}
    first = client.post(f"{API}/auth/login", json=body, headers={"Idempotency-Key": "login-1"})
    second = client.post(f"{API}/auth/login", json=body, headers={"Idempotency-Key": "login-1"})
    assert first.status_code == second.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    assert "Idempotent-Replayed" not in second.headers
    assert first.json()["token"] != second.json()["token"]  # a new session, not someone else's token
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_7_the_calendar_feed_link_is_not_kept_for_replay(client, make, db):
    w = build(make)
    headers = {**make.headers(w.guardian), "Idempotency-Key": "feed-1"}
    first = client.post(f"{API}/children/{w.pupil.id}/calendar-feed", headers=headers)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def _guardian_body(child_id: int) -> dict:
    return {"first_name": "Eva", "last_name": "Ek", "personnummer": new_personnummer(), "email": "eva@example.test", "pupil_ids": [child_id]}


def test_7_a_replay_is_answered_only_while_the_session_is_valid(client, make):
    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "create-1"}
    body = _guardian_body(child.id)
    assert client.post(f"{API}/staff/guardians", json=body, headers=headers).status_code == 201
    assert client.post(f"{API}/auth/logout", headers={"Authorization": headers["Authorization"]}).status_code == 204
    replay = client.post(f"{API}/staff/guardians", json=body, headers=headers)
    assert replay.status_code == 401
    assert "Idempotent-Replayed" not in replay.headers


def test_7_a_pending_key_left_by_a_crashed_request_is_free_after_its_lease(client, make, app, clock, settings):
    from datetime import timedelta

    school = make.school()
    child = make.pupil(school.group)
    admin = make.staff(school.unit, StaffRole.ADMINISTRATOR)
    headers = {**make.headers(admin), "Idempotency-Key": "crashed-1"}
    body = _guardian_body(child.id)
    import hashlib
    import json as jsonlib

    raw = jsonlib.dumps(body).encode()
    request_hash = hashlib.sha256(b"POST /api/v1/staff/guardians?\n" + raw).hexdigest()
    # What a process that died mid-request leaves behind: the middleware's own pending record.
    assert isinstance(_reserve(app.state.sessionmaker, clock, headers["Authorization"].encode(), "crashed-1", request_hash, timedelta(seconds=120)), int)
    sent = {**headers, "Content-Type": "application/json"}
    busy = client.post(f"{API}/staff/guardians", content=raw, headers=sent)
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "idempotency_in_progress"
    clock.advance(seconds=settings.idempotency_lease_seconds + 1)
    taken_over = client.post(f"{API}/staff/guardians", content=raw, headers=sent)
    assert taken_over.status_code == 201, taken_over.text
    replay = client.post(f"{API}/staff/guardians", content=raw, headers=sent)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"


# --- 8. Navet: linear whatever the nesting, text capped ----------------------------------------


class _Stream(io.RawIOBase):
    """A file produced piece by piece (never whole in memory), like a big upload on disk."""

    def __init__(self, parts: Iterator[bytes]) -> None:
        self.parts = parts
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while len(self.pending) < max(size, 1):
            part = next(self.parts, None)
            if part is None:
                break
            self.pending += part
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


def test_8_deep_nesting_reads_in_linear_time(clock):
    good = navet_record_xml(new_personnummer("20150101"))
    levels = 200_000  # did not finish in 300 s before (quadratic path building)
    deep = "<Folkbokforingspost>" + "<a>" * levels + "x" + "</a>" * levels + "</Folkbokforingspost>"
    data = "".join(navet_document([good, deep, good])).encode()
    started = time.monotonic()
    records = list(read_navet(io.BytesIO(data)))
    assert time.monotonic() - started < 30  # a hang guard, not a speed measurement (bench/ does those)
    assert [type(r) for r in records] == [NavetRecord, MalformedRecord, NavetRecord]


def test_8_a_huge_text_node_is_not_kept_in_memory(clock):
    good = navet_record_xml(new_personnummer("20150101"))
    head, tail = "".join(navet_document([good, "@@@"])).encode().split(b"@@@")

    def parts() -> Iterator[bytes]:
        yield head
        yield b"<Folkbokforingspost><Personpost><Namn><Fornamn>"
        for _ in range(100):  # 100 MiB of one first name
            yield b"A" * (1 << 20)
        yield b"</Fornamn></Namn></Personpost></Folkbokforingspost>"
        yield tail

    tracemalloc.start()
    try:
        records = list(read_navet(_Stream(parts())))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [type(r) for r in records] == [NavetRecord, MalformedRecord]
    assert "longer than" in records[1].reason  # type: ignore[union-attr]
    assert peak < 20 * 1024 * 1024


def test_8_a_dtd_is_refused():
    from server.population.navet import NavetFormatError

    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'
    with pytest.raises(NavetFormatError):
        list(read_navet(io.BytesIO(bomb)))


# --- 9. headers, forwarded addresses, uploads, delivery reports, roles ---------------------------


def test_9_api_responses_carry_security_headers_and_hsts_behind_tls(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as plain:
        answer = plain.get(f"{API}/health")
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in answer.headers
        assert "Access-Control-Allow-Origin" not in answer.headers
    with TestClient(app, base_url="https://testserver") as tls:
        assert tls.get(f"{API}/health").headers["Strict-Transport-Security"].startswith("max-age=")


def test_9_the_apps_web_server_sends_security_headers_and_no_wildcard_cors(tmp_path):
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "FLET_WEB_NO_CDN": "1", "SKOLHUB_SERVER_URL": "http://127.0.0.1:9", "SKOLHUB_APP_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "src.serve_web", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "the app's web server did not start"
                time.sleep(0.3)
        assert answer.status_code == 200
        assert "Access-Control-Allow-Origin" not in answer.headers
        csp = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        proc.terminate()
        proc.wait(15)


def test_9_x_forwarded_for_is_ignored_unless_configured(settings, clock, engine, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="forwarded")
    settings.throttle_address_failures = 3
    settings.throttle_account_failures = 100
    app = create_app(settings, clock, engine)
    with live_server(app) as url:
        answers = [
            httpx.post(f"{url}{API}/auth/login", json={"username": "forwarded", "password": "wrong wrong"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(5)
        ]
    # Every attempt counted against 127.0.0.1, whatever the header claimed.
    assert answers == [401, 401, 401, 429, 429]


def test_9_x_forwarded_for_is_honoured_from_a_configured_proxy(settings, clock, engine, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="proxied")
    settings.throttle_address_failures = 3
    settings.throttle_account_failures = 100
    settings.trust_forwarded_for = True
    settings.forwarded_allow_ips = "127.0.0.1"
    app = create_app(settings, clock, engine)
    with live_server(app) as url:
        answers = [
            httpx.post(f"{url}{API}/auth/login", json={"username": "proxied", "password": "wrong wrong"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
            for i in range(5)
        ]
    assert answers == [401] * 5  # five different clients behind the proxy


def test_9_portfolio_uploads_are_typed_by_their_bytes(client, make, db):
    w = build(make)
    staff = make.headers(w.teacher)
    html_as_png = client.post(
        f"{API}/staff/documentation/portfolio", headers=staff, data={"title": "x", "pupil_id": str(w.pupil.id)},
        files=[("files", ("bild.png", b"<html><script>alert(1)</script></html>", "image/png"))],
    )
    assert html_as_png.status_code == 422 and html_as_png.json()["error"]["code"] == "file_type_not_allowed"
    png_as_text = client.post(
        f"{API}/staff/documentation/portfolio", headers=staff, data={"title": "Skog", "pupil_id": str(w.pupil.id)},
        files=[("files", ("skog.png", PNG, "text/plain"))],
    )
    assert png_as_text.status_code == 201, png_as_text.text
    from server.documentation.models import PortfolioFile

    db.expire_all()
    assert list(db.scalars(select(PortfolioFile.content_type))) == ["image/png"]  # what it is, not what it claimed


def test_9_delivery_reports_without_the_gateways_credentials_are_refused(client, settings):
    report = {"id": "s-1", "status": "delivered"}
    assert client.post(f"{API}/sms/delivery-reports", data=report).status_code == 401  # none configured: refused
    settings.sms_report_secret = "gateway-secret"
    assert client.post(f"{API}/sms/delivery-reports", data=report).status_code == 401
    assert client.post(f"{API}/sms/delivery-reports", data=report, auth=("skolhub", "wrong")).status_code == 401
    assert client.post(f"{API}/sms/delivery-reports", data=report, auth=("skolhub", "gateway-secret")).json() == {"status": "ignored"}


def test_9_fritids_staff_change_only_their_own_items_and_register_no_school_absence(client, make):
    w = build(make)
    teacher = make.headers(w.teacher)
    fritids = make.headers(w.fritids)
    news = client.post(f"{API}/staff/information/news", json={"group_ids": [w.class_4a.id], "title": "Lärarens", "body": "x"}, headers=teacher).json()
    entry = client.post(
        f"{API}/staff/calendar/entries", json={"kind": "activity", "title": "Utflykt", "start_date": "2026-12-03", "group_id": w.class_4a.id}, headers=teacher
    ).json()
    post = client.post(f"{API}/staff/blog/posts", data={"group_id": str(w.class_4a.id), "title": "Lärarens", "body": "x"}, headers=teacher).json()
    refused = [
        client.patch(f"{API}/staff/information/news/{news['id']}", json={"title": "Ändrad"}, headers=fritids),
        client.post(f"{API}/staff/information/news/{news['id']}/unpublish", headers=fritids),
        client.patch(f"{API}/staff/calendar/entries/{entry['id']}", json={"title": "Ändrad"}, headers=fritids),
        client.post(f"{API}/staff/calendar/entries/{entry['id']}/unpublish", headers=fritids),
        client.patch(f"{API}/staff/blog/posts/{post['id']}", json={"title": "Ändrad"}, headers=fritids),
        client.post(f"{API}/staff/blog/posts/{post['id']}/unpublish", headers=fritids),
    ]
    for answer in refused:
        assert answer.status_code == 403, (answer.request.url, answer.text)
        assert answer.json()["error"]["code"] == "not_your_item"
    # Their own fritids news they may change; the teacher may change anything of the unit.
    own = client.post(f"{API}/staff/information/news", json={"group_ids": [w.class_4a.id], "title": "Fritids", "body": "x"}, headers=fritids).json()
    assert client.patch(f"{API}/staff/information/news/{own['id']}", json={"title": "Fritids ändrad"}, headers=fritids).status_code == 200
    assert client.patch(f"{API}/staff/information/news/{own['id']}", json={"title": "Lärare ändrade"}, headers=teacher).status_code == 200
    absence = client.post(f"{API}/staff/absences", json={"pupil_id": w.pupil.id, "date": "2026-11-30", "lesson_id": 1, "valid": False}, headers=fritids)
    assert absence.status_code == 403 and absence.json()["error"]["code"] == "role_not_allowed"


def test_sessions_are_not_revealed_by_a_replayed_login_in_the_database(client, make, db):
    """Belt and braces for 7: no stored idempotency answer anywhere contains a session token."""
    school = make.school()
    make.guardian(make.pupil(school.group), username="nostore")
    token = client.post(f"{API}/auth/login", json={"username": "nostore", "password": PASSWORD}, headers={"Idempotency-Key": "x"}).json()["token"]
    db.expire_all()
    assert all(token.encode() not in (r or b"") for r in db.scalars(select(IdempotencyRecord.response_body)))
    assert db.scalar(select(func.count()).select_from(AuthSession)) == 1


def test_the_route_table_of_the_guards_matches_the_openapi_document(app):
    """server/route_table.py walks FastAPI's routes; the OpenAPI document is the public truth."""
    from server import route_table

    table = route_table.build(app)
    document = app.openapi()
    operations = {(m.upper(), p) for p, item in document["paths"].items() for m in item}
    assert {(o.method, o.path) for o in table} == operations
    for o in table:
        operation = document["paths"][o.path][o.method.lower()]
        ints = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path" and p["schema"].get("type") == "integer"}
        assert o.int_path_params == ints, o.path
        multipart = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
        if o.takes_files:
            assert multipart is not None, o.path
    assert {o.path for o in table if o.takes_files} >= {"/api/v1/staff/information/files", "/api/v1/staff/blog/posts", "/api/v1/staff/documentation/portfolio"}
