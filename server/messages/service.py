"""Messages (R20–R24): threads, read marks, replies, the recipient directory, staff letters.

Who may write to whom:
- a guardian or student writes about one child to staff of that child's unit (R22, R24);
- staff write to one pupil's guardians, or to every family of a group — one thread per child's
  household, so a group letter never shows one family's guardians to another;
- anyone in a thread may reply.
Every new message notifies the other participants' feeds (area "messages") and enqueues, for
each staff recipient, one email notice in their language that says only that there is a
message (R23) — never its subject or body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session

from server.access import Action, require_pupil, require_staff, require_staff_of_unit
from server.accounts.models import User, UserKind
from server.clock import Clock
from server.config import Settings
from server.db import for_writing
from server.domain_errors import bad_request, forbidden, not_found
from server.messages.models import Message, MessageThread, ThreadParticipant
from server.notifications.models import Notification
from server.notifications.service import notify_users
from server.outbox.models import Channel
from server.outbox.service import enqueue
from server.school.models import Group, Guardianship, Pupil, PupilGroup, StaffAssignment, StaffRole

SUBJECT_MAX = 200
BODY_MAX = 10_000
MAX_RECIPIENTS = 50
PREVIEW_LENGTH = 140
LIST_LIMIT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ROLE_RANK: dict[str, int] = {StaffRole.MENTOR: 0, StaffRole.TEACHER: 1, StaffRole.PRESCHOOL_TEACHER: 2, StaffRole.FRITIDS: 3, StaffRole.ADMINISTRATOR: 4}


# --- validation -----------------------------------------------------------------------------

def clean_subject(value: str) -> str:
    subject = " ".join(value.split())
    if not subject:
        raise bad_request("subject_required", "Write a title for the message.", "subject")
    if len(subject) > SUBJECT_MAX:
        raise bad_request("subject_too_long", f"The title can be at most {SUBJECT_MAX} characters.", "subject")
    return subject


def clean_body(value: str) -> str:
    """Plain text: kept as written (line breaks too), without control characters."""
    body = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise bad_request("body_required", "Write a message.", "body")
    if len(body) > BODY_MAX:
        raise bad_request("body_too_long", f"A message can be at most {BODY_MAX} characters.", "body")
    if _CONTROL.search(body):
        raise bad_request("invalid_characters", "The message contains characters that cannot be sent.", "body")
    return body


def _preview(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


# --- the recipient directory (R22, R24) -----------------------------------------------------------

@dataclass
class Recipient:
    id: int
    name: str
    role: str
    is_mentor: bool
    is_teacher_of_child: bool
    subject: str | None


def recipient_directory(db: Session, pupil: Pupil) -> list[Recipient]:
    """Staff of the child's unit; the child's mentors first, then the child's teachers."""
    child_groups = select(PupilGroup.group_id).where(PupilGroup.pupil_id == pupil.id)
    rows = db.execute(
        select(User.id, User.first_name, User.last_name, StaffAssignment.role, StaffAssignment.subject,
               StaffAssignment.group_id.in_(child_groups).label("of_child"))
        .join(StaffAssignment, StaffAssignment.user_id == User.id)
        .where(StaffAssignment.unit_id == pupil.unit_id, User.is_active.is_(True), User.kind == UserKind.STAFF.value)
    ).all()
    people: dict[int, Recipient] = {}
    best_rank: dict[int, int] = {}
    for uid, first, last, role, subject, of_child in rows:
        entry = people.setdefault(uid, Recipient(uid, f"{first} {last}", role, False, False, None))
        of_child = bool(of_child)
        if of_child and role == StaffRole.MENTOR:
            entry.is_mentor = True
        if of_child and role in (StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.PRESCHOOL_TEACHER):
            entry.is_teacher_of_child = True
            entry.subject = entry.subject or subject
        rank = ROLE_RANK.get(role, 9)
        if rank < best_rank.get(uid, 99):
            best_rank[uid] = rank
            entry.role = role
    return sorted(people.values(), key=lambda r: (not r.is_mentor, not r.is_teacher_of_child, r.name.split(" ")[-1], r.name, r.id))


# --- writing ----------------------------------------------------------------------------------

def _new_thread(db: Session, clock: Clock, author: User, pupil_id: int | None, subject: str, participant_ids: list[int]) -> MessageThread:
    now = clock.now()
    thread = MessageThread(subject=subject, pupil_id=pupil_id, created_by=author.id, created_at=now, last_message_id=0, last_message_at=now, last_preview="")
    db.add(thread)
    db.flush()
    for uid in dict.fromkeys([author.id, *participant_ids]):
        db.add(ThreadParticipant(thread_id=thread.id, user_id=uid, last_read_message_id=0))
    db.flush()
    return thread


def _post(db: Session, clock: Clock, settings: Settings, thread: MessageThread, author: User, body: str, *, email_staff: bool = True) -> Message:
    now = clock.now()
    message = Message(thread_id=thread.id, author_id=author.id, body=body, sent_at=now)
    db.add(message)
    db.flush()
    # Only ever forward: of two concurrent replies, the newer message stays the thread's last
    # (PostgreSQL re-checks the WHERE after waiting for the row lock).
    db.execute(
        update(MessageThread)
        .where(MessageThread.id == thread.id, MessageThread.last_message_id < message.id)
        .values(last_message_id=message.id, last_message_at=now, last_preview=_preview(body))
        .execution_options(synchronize_session=False)
    )
    db.refresh(thread)
    _mark_read(db, thread.id, author.id, message.id)
    others = list(db.scalars(
        select(User).join(ThreadParticipant, ThreadParticipant.user_id == User.id)
        .where(ThreadParticipant.thread_id == thread.id, User.id != author.id)
    ))
    notify_users(
        db, clock, [u.id for u in others], pupil_id=thread.pupil_id, area="messages", type="message_received",
        params={"author": author.name, "subject": thread.subject}, item_key=f"thread:{thread.id}:message:{message.id}", link=f"/messages/threads/{thread.id}",
    )
    for staff in others:
        if email_staff and staff.kind == UserKind.STAFF and staff.email and staff.is_active:  # R23
            enqueue(
                db, clock, channel=Channel.EMAIL, recipient=staff.email, kind="message_notice",
                text_key="message_notice", params={"name": staff.first_name, "link": settings.app_base_url}, language=staff.language,
                dedupe_key=f"message_notice:{message.id}:{staff.id}",
            )
    db.flush()
    return message


def start_thread(
    db: Session, clock: Clock, settings: Settings, author: User, pupil: Pupil, recipient_ids: list[int], subject: str, body: str,
    *, email_staff: bool = True,
) -> MessageThread:
    """A guardian or student writes to staff of the child's unit (R22). Access to the pupil is
    checked by the caller (require_pupil with Action.MESSAGE)."""
    if author.kind == UserKind.STAFF:
        raise forbidden("staff_use_staff_messages", "Staff write to guardians through /staff/messages.")
    subject, body = clean_subject(subject), clean_body(body)
    wanted = list(dict.fromkeys(recipient_ids))
    if not wanted:
        raise bad_request("recipients_required", "Choose at least one recipient.", "recipient_ids")
    if len(wanted) > MAX_RECIPIENTS:
        raise bad_request("too_many_recipients", f"A message can have at most {MAX_RECIPIENTS} recipients.", "recipient_ids")
    allowed = {r.id for r in recipient_directory(db, pupil)}
    outside = [uid for uid in wanted if uid not in allowed]
    if outside:
        raise bad_request(
            "recipient_not_allowed", "You can only write to staff at your child's school or preschool.", "recipient_ids"
        )
    thread = _new_thread(db, clock, author, pupil.id, subject, wanted)
    _post(db, clock, settings, thread, author, body, email_staff=email_staff)
    return thread


def reply(db: Session, clock: Clock, settings: Settings, author: User, thread_id: int, body: str, *, email_staff: bool = True) -> Message:
    thread = require_participant(db, author, thread_id)
    return _post(db, clock, settings, thread, author, clean_body(body), email_staff=email_staff)


def staff_letter(db: Session, clock: Clock, settings: Settings, author: User, pupils: list[Pupil], subject: str, body: str) -> list[MessageThread]:
    """Staff to the guardians of each pupil: one thread per child's household."""
    subject, body = clean_subject(subject), clean_body(body)
    pupil_ids = [p.id for p in pupils]
    guardians: dict[int, list[int]] = {}
    for guardian_id, pupil_id in db.execute(
        select(Guardianship.guardian_id, Guardianship.pupil_id)
        .join(User, User.id == Guardianship.guardian_id)
        .where(Guardianship.pupil_id.in_(pupil_ids), User.is_active.is_(True))
        .order_by(Guardianship.pupil_id, Guardianship.guardian_id)
    ):
        guardians.setdefault(pupil_id, []).append(guardian_id)
    if not guardians:
        raise bad_request("no_guardians", "There are no guardians to write to.", "to")
    threads = []
    for pupil in pupils:
        if pupil.id in guardians:
            thread = _new_thread(db, clock, author, pupil.id, subject, guardians[pupil.id])
            _post(db, clock, settings, thread, author, body)
            threads.append(thread)
    return threads


# --- reading ----------------------------------------------------------------------------------

def require_participant(db: Session, user: User, thread_id: int) -> MessageThread:
    thread = db.scalar(
        select(MessageThread)
        .join(ThreadParticipant, ThreadParticipant.thread_id == MessageThread.id)
        .where(MessageThread.id == thread_id, ThreadParticipant.user_id == user.id)
    )
    if thread is None:
        raise not_found("message thread")
    return thread


def _mark_read(db: Session, thread_id: int, user_id: int, message_id: int) -> None:
    """Move the read mark forward to `message_id` (never back)."""
    db.execute(
        update(ThreadParticipant)
        .where(
            ThreadParticipant.thread_id == thread_id, ThreadParticipant.user_id == user_id,
            ThreadParticipant.last_read_message_id < message_id,
        )
        .values(last_read_message_id=message_id)
        .execution_options(synchronize_session=False)
    )


def _by_others(user: User):  # type: ignore[no-untyped-def]
    return or_(Message.author_id.is_(None), Message.author_id != user.id)


@dataclass
class ThreadSummary:
    thread: MessageThread
    unread: bool
    pupil_name: str | None  # the child the thread is about, if any


@dataclass(frozen=True)
class Person:
    """A participant as a thread shows them; only the columns that takes."""

    id: int
    first_name: str
    last_name: str
    kind: str  # a UserKind value

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The thread lists, built once with bound parameters (the inbox is every guardian's first page):
# the caller's threads with an unread flag and the child's name, newest first.
_BY_OTHERS = or_(Message.author_id.is_(None), Message.author_id != bindparam("user_id"))
_WRITTEN = {
    "inbox": exists().where(Message.thread_id == MessageThread.id, _BY_OTHERS),
    "sent": exists().where(Message.thread_id == MessageThread.id, Message.author_id == bindparam("user_id")),
}
_UNREAD = exists().where(Message.thread_id == MessageThread.id, Message.id > ThreadParticipant.last_read_message_id, _BY_OTHERS)
_THREAD_LISTS = {
    box: select(MessageThread, _UNREAD.label("unread"), Pupil.first_name, Pupil.last_name)
    .join(ThreadParticipant, and_(ThreadParticipant.thread_id == MessageThread.id, ThreadParticipant.user_id == bindparam("user_id")))
    .outerjoin(Pupil, Pupil.id == MessageThread.pupil_id)
    .where(written)
    .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
    .limit(bindparam("limit"))
    for box, written in _WRITTEN.items()
}
_PARTICIPANTS = (
    select(ThreadParticipant.thread_id, User.id, User.first_name, User.last_name, User.kind)
    .join(User, User.id == ThreadParticipant.user_id)
    .where(ThreadParticipant.thread_id.in_(bindparam("thread_ids", expanding=True)))
    .order_by(ThreadParticipant.thread_id, User.id)
)


def list_threads(db: Session, user: User, box: str, limit: int = LIST_LIMIT) -> list[ThreadSummary]:
    """Inbox: threads where someone else wrote; sent: threads where the user wrote."""
    rows = db.execute(_THREAD_LISTS["inbox" if box == "inbox" else "sent"], {"user_id": user.id, "limit": limit}).all()
    return [
        ThreadSummary(thread, bool(flag), f"{first} {last}" if first is not None else None)
        for thread, flag, first, last in rows
    ]


def participants(db: Session, thread_ids: list[int]) -> dict[int, list[Person]]:
    out: dict[int, list[Person]] = {tid: [] for tid in thread_ids}
    if not thread_ids:
        return out
    for tid, uid, first, last, kind in db.execute(_PARTICIPANTS, {"thread_ids": thread_ids}):
        out[tid].append(Person(uid, first, last, kind))
    return out


def pupil_names(db: Session, pupil_ids: set[int]) -> dict[int, str]:
    if not pupil_ids:
        return {}
    rows = db.execute(select(Pupil.id, Pupil.first_name, Pupil.last_name).where(Pupil.id.in_(pupil_ids)))
    return {pid: f"{first} {last}" for pid, first, last in rows}


def read_thread(db: Session, clock: Clock, user: User, thread_id: int) -> tuple[MessageThread, list[Message]]:
    """The whole thread; marks it read for the caller, with its message notifications."""
    for_writing(db)  # a GET: the marks below write
    thread = require_participant(db, user, thread_id)
    messages = list(db.scalars(select(Message).where(Message.thread_id == thread.id).order_by(Message.id)))
    if messages:
        _mark_read(db, thread.id, user.id, messages[-1].id)
    now = clock.now()
    prefix = f"thread:{thread.id}:message:"
    for column in (Notification.read_at, Notification.seen_at):
        db.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.item_key.startswith(prefix, autoescape=True), column.is_(None))
            .values({column.key: now})
            .execution_options(synchronize_session=False)
        )
    return thread, messages


def unread_count(db: Session, user: User) -> int:
    """Unread messages written by others in the user's threads (the envelope, R9, R21)."""
    return int(db.scalar(
        select(func.count(Message.id))
        .join(ThreadParticipant, and_(ThreadParticipant.thread_id == Message.thread_id, ThreadParticipant.user_id == user.id))
        .where(Message.id > ThreadParticipant.last_read_message_id, _by_others(user))
    ) or 0)


def letter_pupils(db: Session, user: User, *, pupil_id: int | None, group_id: int | None) -> list[Pupil]:
    """The pupils whose guardians a staff letter goes to: one pupil the staff member may act on,
    or every pupil of a group at one of their units."""
    if pupil_id is not None:
        require_staff(user)
        return [require_pupil(db, user, pupil_id, Action.STAFF_WRITE)]
    group = db.get(Group, group_id)
    if group is None:
        raise not_found("group")
    require_staff_of_unit(db, user, group.unit_id)
    return list(db.scalars(
        select(Pupil).join(PupilGroup, PupilGroup.pupil_id == Pupil.id).where(PupilGroup.group_id == group.id).order_by(Pupil.id)
    ))
