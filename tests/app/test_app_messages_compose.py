"""R21–R24 in the app: reply, a new message to several staff, drafts kept on the device, and the
outbox that sends a message written while the server was unreachable exactly once.

Everything runs against the real server in-process; "the network is down" is a transport that
raises before (or after) the request reaches the server, never a fake of the server's answers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from server.messages.models import Message, MessageThread
from server.outbox.models import OutboxMessage
from server.school.models import StaffRole
from services.api import ApiError
from services.cache import Cache
from services.compose import (
    FAILED,
    SENT,
    WAITING,
    Addressee,
    ComposeError,
    Draft,
    compose_error_message,
    compose_for,
    new_message_key,
    reply_key,
    status_label,
)
from services.i18n import I18n
from services.notifier import RecordingNotifier
from services.state import AppState
from services.sync import NotificationSync
from tests.app.conftest import SERVER_URL
from tests.server.factories import PASSWORD


@pytest.fixture
def world(make):
    school = make.school("Ekskolan", "4A")
    child = make.pupil(school.group, "Alva", "Ek")
    guardian = make.guardian(child, username="vera.v", first="Vera", last="Ek")
    mentor = make.staff(school.unit, StaffRole.MENTOR, school.group, first="Mona", last="Mentor")
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Tore", last="Lärare", subject="Matematik")
    principal = make.staff(school.unit, StaffRole.ADMINISTRATOR, first="Rut", last="Rektor")
    elsewhere = make.school("Bortaskolan", "1A")
    stranger = make.staff(elsewhere.unit, StaffRole.TEACHER, elsewhere.group, first="Sten", last="Främling")
    return {"child": child, "guardian": guardian, "mentor": mentor, "teacher": teacher, "principal": principal, "stranger": stranger}


def _count(server, model, *where) -> int:
    with server.state.sessionmaker() as db:
        return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _notices_to(server, email: str) -> int:
    return _count(server, OutboxMessage, OutboxMessage.recipient == email, OutboxMessage.kind == "message_notice")


async def _staff_letter(transport, make, staff, child, subject="Utflykt på fredag", body="Ta med matsäck.") -> int:
    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL) as client:
        response = await client.post("/api/v1/staff/messages", headers=make.headers(staff),
                                     json={"to_guardians_of_pupil": child.id, "subject": subject, "body": body})
    assert response.status_code == 201, response.text
    return int(response.json()["threads"][0]["id"])


class AnswerLost(httpx.AsyncBaseTransport):
    """The request reaches the real server, then the connection drops before the answer arrives:
    the worst case for "exactly once"."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.delivered = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if request.method == "POST" and "/messages/threads" in request.url.path:
            self.delivered += 1
            raise httpx.ReadError("connection reset before the answer", request=request)
        return response


async def _new_state(transport, cache_path, token_store, clock, sleeps) -> AppState:
    s = AppState(SERVER_URL, Cache(cache_path), token_store, I18n("sv"), transport=transport, now=clock.now, retries=2, backoff=0.25)
    s.api._sleep = sleeps
    return s


# --- reply and new message ------------------------------------------------------------------------


async def test_a_guardian_replies_in_a_thread_and_the_teacher_is_told_by_email_R21_R23(state, make, world, server, transport, net):
    thread_id = await _staff_letter(transport, make, world["teacher"], world["child"])
    await state.login("vera.v", PASSWORD)
    inbox = await state.load_inbox()
    assert [(t.id, t.unread, t.pupil_name) for t in inbox.value.threads] == [(thread_id, True, "Alva Ek")]

    composer = compose_for(state)
    net.requests.clear()
    sent = await composer.reply(thread_id, "Tack, vi tar med matsäck!")
    assert sent.status == SENT and sent.result_thread_id == thread_id
    posted = [r for r in net.requests if r.method == "POST"]
    assert [r.headers["Idempotency-Key"] for r in posted] == [sent.idempotency_key]

    thread = (await state.load_thread(thread_id)).value
    assert [m.body for m in thread.messages] == ["Ta med matsäck.", "Tack, vi tar med matsäck!"]
    assert thread.messages[-1].author.name == "Vera Ek" and thread.pupil_name == "Alva Ek"
    assert _notices_to(server, _email(server, world["teacher"])) == 1
    assert composer.draft(reply_key(thread_id)) is None


def _email(server, user) -> str:
    from server.accounts.models import User

    with server.state.sessionmaker() as db:
        return db.get(User, user.id).email  # type: ignore[union-attr]


async def test_a_new_message_goes_to_two_staff_from_the_childs_directory_and_shows_in_sent_R22_R24(state, make, world, server):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    directory = (await composer.load_recipients()).value
    names = [r.name for r in directory.recipients]
    assert names[:2] == ["Mona Mentor", "Tore Lärare"] and "Rut Rektor" in names and "Sten Främling" not in names
    assert directory.recipients[0].is_mentor and directory.recipients[1].subject == "Matematik"

    chosen = [Addressee.of(r) for r in directory.recipients if r.name in ("Mona Mentor", "Rut Rektor")]
    sent = await composer.send_new(world["child"].id, chosen, "  Sjukanmälan   och läxor ", "Alva är hemma i dag.\nVilka läxor har hon?")
    assert sent.status == SENT

    box = (await composer.load_sent()).value
    assert [(t.id, t.subject, t.pupil_name) for t in box.threads] == [(sent.result_thread_id, "Sjukanmälan och läxor", "Alva Ek")]
    assert {p.name for p in box.threads[0].participants} == {"Vera Ek", "Mona Mentor", "Rut Rektor"}
    assert _notices_to(server, _email(server, world["mentor"])) == 1
    assert _notices_to(server, _email(server, world["principal"])) == 1
    assert _notices_to(server, _email(server, world["teacher"])) == 0
    # The thread the server answered is cached: it opens at once, also offline.
    cached = state.cache.get(state.user.id, f"thread:{sent.result_thread_id}")
    assert cached is not None and cached.data["messages"][0]["body"] == "Alva är hemma i dag.\nVilka läxor har hon?"


async def test_input_the_server_would_refuse_is_never_queued_and_the_draft_stays(state, world):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    i18n = I18n("sv")
    with pytest.raises(ComposeError) as nobody:
        await composer.send_new(world["child"].id, [], "Hej", "Text")
    assert compose_error_message(nobody.value, i18n) == "Välj minst en mottagare."
    with pytest.raises(ComposeError) as untitled:
        await composer.send_new(world["child"].id, [Addressee(world["mentor"].id, "Mona Mentor")], "   ", "Text")
    assert untitled.value.field == "subject"
    with pytest.raises(ComposeError):
        await composer.reply(1, "   ")
    assert composer.waiting() == []

    key = new_message_key(world["child"].id)
    composer.save_draft(Draft(key, pupil_id=world["child"].id, recipients=[Addressee(world["stranger"].id, "Sten Främling")],
                              subject="Fråga", body="Hej Sten"))
    with pytest.raises(ApiError) as refused:
        await composer.send_new(world["child"].id, [Addressee(world["stranger"].id, "Sten Främling")], "Fråga", "Hej Sten")
    assert refused.value.code == "recipient_not_allowed"
    assert compose_error_message(refused.value, i18n) == "Du kan bara skriva till personal på ditt barns skola eller förskola."
    kept = composer.draft(key)
    assert kept is not None and kept.body == "Hej Sten" and kept.error_code == "recipient_not_allowed"
    assert composer.waiting() == [] and composer.store.outgoing(state.user.id) == []


# --- drafts ---------------------------------------------------------------------------------------


async def test_a_draft_is_saved_while_typing_and_offered_again_by_a_new_app_state(state, world, cache, token_store, clock, sleeps, net):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    key = new_message_key(world["child"].id)
    autosave = composer.autosave(key, delay=0.05)
    mentor = Addressee(world["mentor"].id, "Mona Mentor")
    for typed in ("H", "He", "Hej", "Hej Mona", "Hej Mona, Alva har tappat sin mössa."):
        autosave.update(Draft(key, pupil_id=world["child"].id, recipients=[mentor], subject="Mössa", body=typed))
    assert composer.draft(key) is None  # not yet: typing has not paused
    await asyncio.sleep(0.2)
    assert autosave.writes == 1  # debounced: one write for the whole burst
    assert composer.draft(key).body == "Hej Mona, Alva har tappat sin mössa."

    autosave.update(Draft(key, pupil_id=world["child"].id, recipients=[mentor], subject="Mössa", body="Hej Mona, Alva har tappat sin blå mössa."))
    autosave.flush()  # leaving the screen writes at once

    # The app is closed (or the tab, or it crashed) and started again: a new AppState on the same data folder.
    again = await _new_state(net, cache.path, token_store, clock, sleeps)
    try:
        assert await again.resume()
        draft = compose_for(again).draft(key)
        assert draft is not None
        assert (draft.subject, draft.body, draft.recipients) == ("Mössa", "Hej Mona, Alva har tappat sin blå mössa.", [mentor])
        assert [d.key for d in compose_for(again).drafts()] == [key]
    finally:
        await again.api.aclose()


async def test_drafts_are_kept_per_user(state, make, world, cache, token_store, clock, sleeps, net):
    other_child = make.pupil(make.school("Annanskolan").group, "Nils")
    make.guardian(other_child, username="olle.o")
    await state.login("vera.v", PASSWORD)
    compose_for(state).save_draft(Draft(reply_key(7), thread_id=7, body="Veras svar"))
    other = await _new_state(net, cache.path, token_store, clock, sleeps)
    try:
        await other.login("olle.o", PASSWORD)
        assert compose_for(other).draft(reply_key(7)) is None and compose_for(other).drafts() == []
    finally:
        await other.api.aclose()
    assert compose_for(state).draft(reply_key(7)).body == "Veras svar"


# --- the outbox -------------------------------------------------------------------------------------


async def test_a_message_sent_while_the_server_is_unreachable_waits_and_is_sent_exactly_once_later(
    state, world, server, transport, cache, token_store, clock, sleeps, net,
):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    await composer.load_recipients()  # the directory is cached for writing offline
    mentor = Addressee(world["mentor"].id, "Mona Mentor")
    teacher = Addressee(world["teacher"].id, "Tore Lärare")
    key = new_message_key(world["child"].id)
    composer.save_draft(Draft(key, pupil_id=world["child"].id, recipients=[mentor, teacher], subject="Ledig fredag", body="Vi reser bort."))

    net.down = True
    offline_directory = await composer.load_recipients()
    assert offline_directory.offline and offline_directory.value.recipients[0].name == "Mona Mentor"
    queued = await composer.send_new(world["child"].id, [mentor, teacher], "Ledig fredag", "Vi reser bort.", draft_key=key)
    assert queued.status == WAITING and state.offline
    assert status_label(queued.status, I18n("sv")) == "Väntar på anslutning"
    assert composer.draft(key) is None  # the text now lives in the outbox, not twice
    assert [o.id for o in composer.pending_new()] == [queued.id]
    assert await composer.flush() == []  # still down: still waiting
    assert _count(server, MessageThread, MessageThread.subject == "Ledig fredag") == 0

    # The app is restarted while the server is still away; then the server answers again.
    await state.api.aclose()
    again = await _new_state(transport, cache.path, token_store, clock, sleeps)
    try:
        assert await again.resume()
        later = compose_for(again)
        assert [o.idempotency_key for o in later.waiting()] == [queued.idempotency_key]
        sent = await later.flush()
        assert [o.id for o in sent] == [queued.id]
        assert later.outgoing(queued.id).status == SENT
        assert status_label(SENT, I18n("sv")) == "Skickat"
        assert await later.flush() == []  # nothing is sent twice
        assert _count(server, MessageThread, MessageThread.subject == "Ledig fredag") == 1
        assert _notices_to(server, _email(server, world["mentor"])) == 1
        assert [t.subject for t in (await later.load_sent()).value.threads] == ["Ledig fredag"]
    finally:
        await again.api.aclose()


async def test_when_the_answer_is_lost_the_retry_with_the_same_key_creates_nothing_new(state, make, world, server, transport, net):
    """The server got the message but the app never heard back: the outbox retries with the same
    Idempotency-Key and the server replays its first answer."""
    await state.login("vera.v", PASSWORD)
    lossy = AnswerLost(transport)
    net.inner = lossy
    composer = compose_for(state)
    queued = await composer.reply(await _staff_letter(transport, make, world["teacher"], world["child"]), "Svar som kom fram")
    assert queued.status == WAITING
    assert lossy.delivered == 3  # the first attempt and two retries, all with the same key
    assert _count(server, Message, Message.body == "Svar som kom fram") == 1

    net.inner = transport
    sent = await composer.flush()
    assert [o.status for o in sent] == [SENT] and composer.outgoing(queued.id).status == SENT
    assert _count(server, Message, Message.body == "Svar som kom fram") == 1
    assert _notices_to(server, _email(server, world["teacher"])) == 1


async def test_the_sync_loop_sends_the_outbox_when_the_server_answers_again(state, world, server, net):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    net.down = True
    queued = await composer.send_new(world["child"].id, [Addressee(world["teacher"].id, "Tore Lärare")], "Glasögon", "Har någon sett Alvas glasögon?")
    sync = NotificationSync(state, RecordingNotifier(), interval=30)
    await sync.run_once()
    assert composer.outgoing(queued.id).status == WAITING
    assert sync._next_wait() == sync.outbox_interval  # retried sooner while something waits

    net.down = False
    await sync.run_once()
    assert composer.outgoing(queued.id).status == SENT
    assert sync._next_wait() == 30
    assert _count(server, MessageThread, MessageThread.subject == "Glasögon") == 1


async def test_a_queued_message_the_server_refuses_later_goes_back_into_the_drafts(state, make, world, server, net):
    await state.login("vera.v", PASSWORD)
    composer = compose_for(state)
    net.down = True
    queued = await composer.reply(999_999, "Till en tråd som inte finns")
    assert queued.status == WAITING
    net.down = False
    assert await composer.flush() == []
    item = composer.outgoing(queued.id)
    assert item.status == FAILED and item.error_code == "not_found"
    assert status_label(FAILED, I18n("sv")) == "Kunde inte skickas"
    returned = composer.draft(reply_key(999_999))
    assert returned is not None and returned.body == "Till en tråd som inte finns" and returned.error_code == "not_found"


async def test_the_queued_body_is_never_logged(state, world, net, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    await state.login("vera.v", PASSWORD)
    net.down = True
    await compose_for(state).send_new(world["child"].id, [Addressee(world["mentor"].id, "Mona Mentor")], "Hemligt ämne", "Hemlig text 4711")
    net.down = False
    await compose_for(state).flush()
    assert "Hemlig text 4711" not in caplog.text and "Hemligt ämne" not in caplog.text
