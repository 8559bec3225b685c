"""The outbox: written in the change's transaction, sent by workers exactly once, retried with
backoff when a gateway fails."""

from __future__ import annotations

import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import func, select

from server.outbox.adapters import EmailSink, SendError, SmsSink
from server.outbox.models import Channel, OutboxMessage, OutboxStatus
from server.outbox.service import enqueue
from server.outbox.worker import run_once


class CountingSink(EmailSink):
    """The real folder sink, also counting sends per message id (thread-safe)."""

    def __init__(self, folder, sender):
        super().__init__(folder, sender)
        self.sent: list[int] = []
        self.lock = threading.Lock()

    def send(self, message):
        with self.lock:
            self.sent.append(message.id)
        return super().send(message)


class DownGateway:
    def __init__(self):
        self.calls = 0

    def send(self, message):
        self.calls += 1
        raise SendError("gateway unreachable")


def _enqueue(app, clock, n, channel=Channel.EMAIL):
    with app.state.sessionmaker() as db:
        for i in range(n):
            enqueue(db, clock, channel=channel, recipient=f"r{i}@example.test" if channel == Channel.EMAIL else "+46701234567",
                    subject=f"Ämne {i}", body=f"Hej {i}", kind="test")
        db.commit()


def test_a_message_is_written_only_if_its_transaction_commits(app, clock, db):
    with app.state.sessionmaker() as session:
        enqueue(session, clock, channel=Channel.EMAIL, recipient="a@example.test", body="x", kind="test")
        session.rollback()
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_worker_sends_each_message_to_the_sink_and_marks_it_sent(app, clock, settings, db):
    _enqueue(app, clock, 3)
    _enqueue(app, clock, 1, Channel.SMS)
    sink = CountingSink(settings.email_sink_dir, settings.email_from)
    adapters = {"email": sink, "sms": SmsSink(settings.sms_sink_dir)}
    assert run_once(app.state.sessionmaker, clock, settings, adapters) == 4
    assert run_once(app.state.sessionmaker, clock, settings, adapters) == 0
    files = sorted(settings.email_sink_dir.glob("*.eml"))
    assert len(files) == 3
    parsed = message_from_bytes(files[0].read_bytes(), policy=default_policy)
    assert parsed["Subject"] == "Ämne 0" and parsed["To"] == "r0@example.test"
    assert len(list(settings.sms_sink_dir.glob("*.json"))) == 1
    assert set(db.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT.value}


def test_a_failing_gateway_is_retried_with_backoff_and_finally_given_up(app, clock, settings, db):
    _enqueue(app, clock, 1)
    down = DownGateway()
    adapters = {"email": down}
    assert run_once(app.state.sessionmaker, clock, settings, adapters) == 0
    row = db.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.PENDING.value and row.attempts == 1 and row.last_error == "gateway unreachable"
    assert row.next_attempt_at > clock.now()
    # Not due yet: nothing is tried.
    run_once(app.state.sessionmaker, clock, settings, adapters)
    assert down.calls == 1
    for _ in range(settings.outbox_max_attempts - 1):
        clock.advance(hours=7)
        run_once(app.state.sessionmaker, clock, settings, adapters)
    db.expire_all()
    assert db.scalars(select(OutboxMessage)).one().status == OutboxStatus.FAILED.value
    assert down.calls == settings.outbox_max_attempts
    # A recovered gateway does not resend a given-up row by itself.
    clock.advance(hours=7)
    assert run_once(app.state.sessionmaker, clock, settings, {"email": CountingSink(settings.email_sink_dir, "x")}) == 0


def test_a_row_claimed_by_a_crashed_worker_is_picked_up_after_its_lease(app, clock, settings, db):
    from server.outbox.worker import claim

    _enqueue(app, clock, 1)
    assert claim(app.state.sessionmaker, clock, settings, "crashed-worker") != []
    sink = CountingSink(settings.email_sink_dir, settings.email_from)
    assert run_once(app.state.sessionmaker, clock, settings, {"email": sink}, "second-worker") == 0
    clock.advance(seconds=settings.outbox_lease_seconds + 1)
    assert run_once(app.state.sessionmaker, clock, settings, {"email": sink}, "second-worker") == 1
    assert sink.sent == [db.scalars(select(OutboxMessage.id)).one()]


def test_a_dedupe_key_enqueues_once(app, clock, db):
    with app.state.sessionmaker() as session:
        assert enqueue(session, clock, channel=Channel.SMS, recipient="+46701234567", body="x", kind="t", dedupe_key="k") is True
        assert enqueue(session, clock, channel=Channel.SMS, recipient="+46701234567", body="x", kind="t", dedupe_key="k") is False
        session.commit()
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_workers_send_every_row_exactly_once(app, clock, settings, db, backend, workers):
    """On PostgreSQL the workers claim with FOR UPDATE SKIP LOCKED; on SQLite writers queue.
    Either way the status-guarded claim means no row is sent twice."""
    _enqueue(app, clock, 200)
    sink = CountingSink(settings.email_sink_dir, settings.email_from)
    barrier = threading.Barrier(workers)
    totals: list[int] = []

    def work(n: int) -> None:
        barrier.wait()
        totals.append(run_once(app.state.sessionmaker, clock, settings, {"email": sink}, f"worker-{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(totals) == 200
    assert len(sink.sent) == 200 and len(set(sink.sent)) == 200
    assert len(list(settings.email_sink_dir.glob("*.eml"))) == 200
    if backend == "postgresql":
        assert all(t > 0 for t in totals), totals  # SKIP LOCKED lets every worker take its share
    claimed_by = set(db.scalars(select(OutboxMessage.claimed_by)))
    assert claimed_by <= {f"worker-{n}" for n in range(workers)}


def test_the_elks_gateway_posts_a_form_with_basic_auth(settings):
    import httpx

    from server.outbox.adapters import ElksSmsGateway

    seen = {}

    def gateway(request: httpx.Request) -> httpx.Response:
        seen["auth"] = request.headers["authorization"]
        seen["form"] = dict(httpx.QueryParams(request.content.decode()))
        return httpx.Response(200, json={"id": "s70df59406a1b4643b96f3f91e0bfb7b0", "status": "created"})

    settings.elks_username, settings.elks_password = "u123", "secret"
    adapter = ElksSmsGateway(settings, httpx.Client(transport=httpx.MockTransport(gateway)))
    message = OutboxMessage(id=5, channel="sms", recipient="+46701234567", body="Hej!", kind="t")
    assert adapter.send(message) == "s70df59406a1b4643b96f3f91e0bfb7b0"
    import base64

    assert seen["auth"] == "Basic " + base64.b64encode(b"u123:secret").decode()
    assert seen["form"]["to"] == "+46701234567" and seen["form"]["message"] == "Hej!"
    assert seen["form"]["whendelivered"].endswith("/api/v1/sms/delivery-reports")


def test_the_backoff_grows_and_is_capped():
    from server.outbox.worker import backoff

    assert backoff(1) == timedelta(seconds=30)
    assert backoff(2) == timedelta(seconds=60)
    assert backoff(30) == timedelta(hours=6)


def test_the_smtp_adapter_delivers_to_a_real_smtp_server(app, clock, settings, db):
    """A real SMTP conversation on loopback (aiosmtpd as the mail server)."""
    from email import message_from_bytes as parse
    from email.policy import default as policy

    from aiosmtpd.controller import Controller

    from server.outbox.adapters import SmtpAdapter

    received = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            received.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
        _enqueue(app, clock, 2)
        assert run_once(app.state.sessionmaker, clock, settings, {"email": SmtpAdapter(settings)}) == 2
    finally:
        controller.stop()
    assert sorted(e.rcpt_tos[0] for e in received) == ["r0@example.test", "r1@example.test"]
    first = parse(received[0].content, policy=policy)
    assert first["Subject"].startswith("Ämne") and first["From"] == settings.email_from


def test_an_unreachable_smtp_server_leaves_the_message_for_a_retry(app, clock, settings, db):
    from server.outbox.adapters import SmtpAdapter

    settings.smtp_host, settings.smtp_port = "127.0.0.1", 9  # nothing listens on the discard port
    _enqueue(app, clock, 1)
    assert run_once(app.state.sessionmaker, clock, settings, {"email": SmtpAdapter(settings)}) == 0
    row = db.scalars(select(OutboxMessage)).one()
    assert row.status == OutboxStatus.PENDING.value and row.attempts == 1 and row.last_error
