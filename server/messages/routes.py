"""Messages (R20–R24): inbox, sent, unread count, threads, replies, recipients, staff letters."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from server.access import Action, CurrentPrincipal, require_pupil
from server.accounts.models import User
from server.deps import ClockDep, DbDep, SettingsDep
from server.domain_errors import bad_request
from server.http_cache import cached_json
from server.messages import service
from server.messages.models import Message, MessageThread
from server.messages.schemas import (
    MessageOut,
    NewThreadIn,
    ParticipantOut,
    RecipientOut,
    RecipientsOut,
    ReplyIn,
    StaffLetterIn,
    StaffLetterOut,
    StaffLetterThreadOut,
    ThreadListItemOut,
    ThreadListOut,
    ThreadOut,
    UnreadOut,
)

router = APIRouter(tags=["messages"])


def participant_out(user: User | service.Person) -> ParticipantOut:
    return ParticipantOut(id=user.id, name=user.name, role=user.kind)


def _thread_list(db: DbDep, user: User, box: str) -> ThreadListOut:
    summaries = service.list_threads(db, user, box)
    people = service.participants(db, [s.thread.id for s in summaries])
    return ThreadListOut(threads=[
        ThreadListItemOut(
            id=s.thread.id, subject=s.thread.subject, pupil_id=s.thread.pupil_id, pupil_name=s.pupil_name,
            participants=[participant_out(u) for u in people[s.thread.id]],
            last_message_at=s.thread.last_message_at, last_preview=s.thread.last_preview, unread=s.unread,
        )
        for s in summaries
    ])


def _thread_out(db: DbDep, thread: MessageThread, messages: list[Message]) -> ThreadOut:
    people = service.participants(db, [thread.id])[thread.id]
    by_id: dict[int, User | service.Person] = {u.id: u for u in people}
    missing = {m.author_id for m in messages if m.author_id is not None and m.author_id not in by_id}
    for uid in missing:
        user = db.get(User, uid)
        if user is not None:
            by_id[uid] = user
    names = service.pupil_names(db, {thread.pupil_id} if thread.pupil_id is not None else set())
    return ThreadOut(
        id=thread.id, subject=thread.subject, pupil_id=thread.pupil_id, pupil_name=names.get(thread.pupil_id or 0), participants=[participant_out(u) for u in people],
        messages=[
            MessageOut(id=m.id, author=participant_out(by_id[m.author_id]) if m.author_id in by_id else None, body=m.body, sent_at=m.sent_at)
            for m in messages
        ],
    )


@router.get("/messages/unread-count", response_model=UnreadOut, summary="Unread messages (the envelope's number, R9, R21)")
def messages_unread_count(principal: CurrentPrincipal, db: DbDep) -> UnreadOut:
    return UnreadOut(unread=service.unread_count(db, principal.user))


@router.get("/messages/inbox", response_model=ThreadListOut, summary="Threads with messages from others, newest first (R20)")
def messages_inbox(request: Request, principal: CurrentPrincipal, db: DbDep) -> Response:
    return cached_json(request, _thread_list(db, principal.user, "inbox"))


@router.get("/messages/sent", response_model=ThreadListOut, summary="Threads the user has written in, newest first")
def messages_sent(request: Request, principal: CurrentPrincipal, db: DbDep) -> Response:
    return cached_json(request, _thread_list(db, principal.user, "sent"))


@router.get("/messages/threads/{thread_id}", response_model=ThreadOut, summary="A thread with its messages; marks it read (R21)")
def get_message_thread(thread_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> ThreadOut:
    thread, messages = service.read_thread(db, clock, principal.user, thread_id)
    out = _thread_out(db, thread, messages)
    return out


@router.post("/messages/threads", response_model=ThreadOut, status_code=201, summary="New message to staff of the child's unit (R22–R24)")
def create_message_thread(body: NewThreadIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> ThreadOut:
    pupil = require_pupil(db, principal.user, body.pupil_id, Action.MESSAGE)
    thread = service.start_thread(db, clock, settings, principal.user, pupil, body.recipient_ids, body.subject, body.body)
    thread, messages = service.read_thread(db, clock, principal.user, thread.id)
    out = _thread_out(db, thread, messages)
    return out


@router.post("/messages/threads/{thread_id}/replies", response_model=ThreadOut, status_code=201, summary="Reply in a thread (R21)")
def reply_to_message_thread(thread_id: int, body: ReplyIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> ThreadOut:
    service.reply(db, clock, settings, principal.user, thread_id, body.body)
    thread, messages = service.read_thread(db, clock, principal.user, thread_id)
    out = _thread_out(db, thread, messages)
    return out


@router.get("/children/{pupil_id}/message-recipients", response_model=RecipientsOut, summary="Staff who can be written to about this child; mentor and teachers first (R22, R24)")
def list_message_recipients(pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.MESSAGE)
    recipients = service.recipient_directory(db, pupil)
    return cached_json(request, RecipientsOut(recipients=[RecipientOut(**r.__dict__) for r in recipients]))


@router.post("/staff/messages", response_model=StaffLetterOut, status_code=201, tags=["staff"], summary="Staff write to a pupil's guardians, or to every family of a group (one thread per household)")
def send_staff_message(body: StaffLetterIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> StaffLetterOut:
    user = principal.user
    if (body.to_guardians_of_pupil is None) == (body.to_guardians_of_group is None):
        raise bad_request("choose_one_target", "Give either to_guardians_of_pupil or to_guardians_of_group.", "to_guardians_of_pupil")
    pupils = service.letter_pupils(db, user, pupil_id=body.to_guardians_of_pupil, group_id=body.to_guardians_of_group)
    threads = service.staff_letter(db, clock, settings, user, pupils, body.subject, body.body)
    return StaffLetterOut(threads=[StaffLetterThreadOut(id=t.id, pupil_id=t.pupil_id) for t in threads])
