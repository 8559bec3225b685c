"""Writing messages (R21–R24): the recipient directory, drafts kept on the device, and an outbox
that sends what was written while the server could not be reached.

- A draft is saved per user as it is typed (debounced, see `DraftAutosave`), in a SQLite file in
  the app's data folder, so a crash, a closed tab or a reload never loses it. In web mode the
  app's Python runs on the server per browser session: the file is per user there too, so the
  same user's reload of the page is offered the draft again.
- Sending first writes the message to the outbox with its Idempotency-Key — in the same
  transaction that removes the draft — and then tries the server. Unreachable: it waits
  ("Väntar på anslutning") and the sync loop retries it with the same key, so the server
  creates it exactly once however many attempts reach it ("Skickat"). Refused (4xx): it goes
  back into the drafts with the reason, nothing typed is lost.
- Message bodies are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.api import ApiError, ServerUnreachable, SessionExpired
from services.errors import error_message
from services.i18n import I18n
from services.models import Recipient, RecipientList, Thread, ThreadList

if TYPE_CHECKING:
    from services.state import AppState, Loaded

log = logging.getLogger("skolhub.app.compose")

WAITING = "waiting"  # "Väntar på anslutning": in the outbox, the server has not answered yet
SENT = "sent"  # "Skickat": the server has it
FAILED = "failed"  # the server refused it; its text is back in the drafts

NEW = "new"
REPLY = "reply"

SUBJECT_MAX = 200  # the server's limits (server/messages/service.py), checked here too so a
BODY_MAX = 10_000  # message that cannot be sent is never queued

SCHEMA = """
CREATE TABLE IF NOT EXISTS draft (
    user_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    pupil_id INTEGER,
    thread_id INTEGER,
    recipients TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    error_code TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE TABLE IF NOT EXISTS outgoing (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    draft_key TEXT NOT NULL,
    pupil_id INTEGER,
    thread_id INTEGER,
    recipients TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    result_thread_id INTEGER,
    error_code TEXT
);
CREATE INDEX IF NOT EXISTS ix_outgoing_user_status ON outgoing (user_id, status, id);
"""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def new_message_key(pupil_id: int) -> str:
    """The draft of a new message about one child (the directory depends on the child)."""
    return f"new:{pupil_id}"


def reply_key(thread_id: int) -> str:
    return f"reply:{thread_id}"


@dataclass
class Addressee:
    """A chosen recipient, with the name to show it again offline."""

    id: int
    name: str

    @classmethod
    def of(cls, recipient: Recipient) -> Addressee:
        return cls(recipient.id, recipient.name)


def _addressees_to_json(people: list[Addressee]) -> str:
    return json.dumps([{"id": p.id, "name": p.name} for p in people], ensure_ascii=False)


def _addressees_from_json(raw: str | None) -> list[Addressee]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    return [Addressee(int(i["id"]), str(i.get("name", ""))) for i in items if isinstance(i, dict) and "id" in i]


@dataclass
class Draft:
    key: str
    pupil_id: int | None = None
    thread_id: int | None = None
    recipients: list[Addressee] = field(default_factory=list)
    subject: str = ""
    body: str = ""
    error_code: str | None = None  # why the server refused it when it was sent (a returned draft)
    updated_at: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (self.recipients or self.subject.strip() or self.body.strip())


@dataclass
class Outgoing:
    id: int
    user_id: int
    kind: str
    draft_key: str
    pupil_id: int | None
    thread_id: int | None
    recipients: list[Addressee]
    subject: str
    body: str
    idempotency_key: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    result_thread_id: int | None
    error_code: str | None

    @property
    def waiting(self) -> bool:
        return self.status == WAITING


class ComposeError(Exception):
    """Input the server would refuse, caught before anything is queued."""

    def __init__(self, code: str, field_name: str) -> None:
        super().__init__(code)
        self.code = code
        self.field = field_name


class LocalMessages:
    """Drafts and the outbox in one SQLite file (per user rows), safe across app restarts."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    # --- drafts ---------------------------------------------------------------------------------

    def get_draft(self, user_id: int, key: str) -> Draft | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, pupil_id, thread_id, recipients, subject, body, error_code, updated_at FROM draft WHERE user_id=? AND key=?",
                (user_id, key),
            ).fetchone()
        return _draft(row) if row else None

    def drafts(self, user_id: int) -> list[Draft]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, pupil_id, thread_id, recipients, subject, body, error_code, updated_at FROM draft WHERE user_id=? "
                "ORDER BY updated_at DESC", (user_id,),
            ).fetchall()
        return [_draft(r) for r in rows]

    def save_draft(self, user_id: int, draft: Draft, now: datetime) -> None:
        """An empty draft is removed rather than kept."""
        with self._lock:
            if draft.empty:
                self._db.execute("DELETE FROM draft WHERE user_id=? AND key=?", (user_id, draft.key))
                return
            self._db.execute(
                "INSERT INTO draft (user_id, key, pupil_id, thread_id, recipients, subject, body, error_code, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (user_id, key) DO UPDATE SET pupil_id=excluded.pupil_id, "
                "thread_id=excluded.thread_id, recipients=excluded.recipients, subject=excluded.subject, body=excluded.body, "
                "error_code=excluded.error_code, updated_at=excluded.updated_at",
                (user_id, draft.key, draft.pupil_id, draft.thread_id, _addressees_to_json(draft.recipients), draft.subject,
                 draft.body, draft.error_code, now.isoformat()),
            )

    def discard_draft(self, user_id: int, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM draft WHERE user_id=? AND key=?", (user_id, key))

    # --- the outbox -------------------------------------------------------------------------------

    def enqueue(self, user_id: int, kind: str, draft: Draft, now: datetime) -> Outgoing:
        """Into the outbox with a fresh Idempotency-Key; the draft leaves in the same transaction,
        so after a crash the text is in exactly one of the two places."""
        key = str(uuid.uuid4())
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = self._db.execute(
                    "INSERT INTO outgoing (user_id, kind, draft_key, pupil_id, thread_id, recipients, subject, body, idempotency_key, "
                    "status, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (user_id, kind, draft.key, draft.pupil_id, draft.thread_id, _addressees_to_json(draft.recipients), draft.subject,
                     draft.body, key, WAITING, now.isoformat()),
                )
                self._db.execute("DELETE FROM draft WHERE user_id=? AND key=?", (user_id, draft.key))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            row_id = int(cur.lastrowid or 0)
        found = self.get_outgoing(row_id)
        assert found is not None
        return found

    def get_outgoing(self, outgoing_id: int) -> Outgoing | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_OUT_COLUMNS} FROM outgoing WHERE id=?", (outgoing_id,)).fetchone()
        return _outgoing(row) if row else None

    def outgoing(self, user_id: int, statuses: tuple[str, ...] = (WAITING, SENT, FAILED)) -> list[Outgoing]:
        marks = ",".join("?" * len(statuses))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_OUT_COLUMNS} FROM outgoing WHERE user_id=? AND status IN ({marks}) ORDER BY id", (user_id, *statuses)
            ).fetchall()
        return [_outgoing(r) for r in rows]

    def count_attempt(self, outgoing_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE outgoing SET attempts = attempts + 1 WHERE id=?", (outgoing_id,))

    def mark_sent(self, outgoing_id: int, thread_id: int, now: datetime) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE outgoing SET status=?, sent_at=?, result_thread_id=?, error_code=NULL WHERE id=? AND status=?",
                (SENT, now.isoformat(), thread_id, outgoing_id, WAITING),
            )

    def return_to_drafts(self, item: Outgoing, code: str, now: datetime) -> None:
        """Refused by the server: the text goes back into the drafts (unless a newer draft is there),
        with the reason, and the outbox row stays as "failed"."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("UPDATE outgoing SET status=?, error_code=? WHERE id=?", (FAILED, code, item.id))
                self._db.execute(
                    "INSERT OR IGNORE INTO draft (user_id, key, pupil_id, thread_id, recipients, subject, body, error_code, updated_at) "
                    "VALUES (?,?,?,?,?,?,?,?,?)",
                    (item.user_id, item.draft_key, item.pupil_id, item.thread_id, _addressees_to_json(item.recipients), item.subject,
                     item.body, code, now.isoformat()),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def forget_failed(self, user_id: int, outgoing_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM outgoing WHERE user_id=? AND id=? AND status=?", (user_id, outgoing_id, FAILED))


_OUT_COLUMNS = ("id, user_id, kind, draft_key, pupil_id, thread_id, recipients, subject, body, idempotency_key, status, attempts, "
                "created_at, sent_at, result_thread_id, error_code")


def _draft(row: tuple[Any, ...]) -> Draft:
    key, pupil_id, thread_id, recipients, subject, body, error_code, updated_at = row
    return Draft(key, pupil_id, thread_id, _addressees_from_json(recipients), subject, body, error_code,
                 datetime.fromisoformat(updated_at))


def _outgoing(row: tuple[Any, ...]) -> Outgoing:
    (oid, user_id, kind, draft_key, pupil_id, thread_id, recipients, subject, body, key, status, attempts, created_at, sent_at,
     result_thread_id, error_code) = row
    return Outgoing(oid, user_id, kind, draft_key, pupil_id, thread_id, _addressees_from_json(recipients), subject, body, key, status,
                    attempts, datetime.fromisoformat(created_at), datetime.fromisoformat(sent_at) if sent_at else None,
                    result_thread_id, error_code)


def local_messages_path(cache_path: str) -> str:
    """Beside the cache in the app's data folder (":memory:" stays in memory)."""
    if cache_path == ":memory:":
        return ":memory:"
    return str(Path(cache_path).with_name("skolhub-messages.sqlite3"))


# --- the composer: what the screens call ------------------------------------------------------------


class MessageComposer:
    """Reply, new message, the recipient directory, the sent list, drafts and the outbox for the
    logged-in user of one AppState."""

    def __init__(self, state: AppState, store: LocalMessages) -> None:
        self.state = state
        self.store = store
        self._flush_lock = asyncio.Lock()

    @property
    def user_id(self) -> int:
        if self.state.user is None:
            raise SessionExpired(401, "unauthorized")
        return self.state.user.id

    # --- reading --------------------------------------------------------------------------------

    async def load_recipients(self, pupil_id: int | None = None) -> Loaded[RecipientList]:
        """R22/R24: staff of the child's unit, mentor first, then the child's teachers; cached so a
        message can be written offline too."""
        from services.state import Loaded

        pid = pupil_id if pupil_id is not None else self.state.selected_child_id
        if pid is None:
            return Loaded(None, unavailable=True)
        return await self.state.load("message-recipients", f"/children/{pid}/message-recipients", RecipientList, pupil_id=pid)

    def peek_recipients(self, pupil_id: int) -> Loaded[RecipientList]:
        return self.state.peek("message-recipients", RecipientList, pupil_id)

    async def load_sent(self) -> Loaded[ThreadList]:
        return await self.state.load("sent", "/messages/sent", ThreadList)

    def peek_sent(self) -> Loaded[ThreadList]:
        return self.state.peek("sent", ThreadList)

    # --- drafts ---------------------------------------------------------------------------------

    def draft(self, key: str) -> Draft | None:
        return self.store.get_draft(self.user_id, key)

    def drafts(self) -> list[Draft]:
        return self.store.drafts(self.user_id)

    def latest_new_draft(self, pupil_id: int) -> Draft | None:
        """The newest unsent new message about this child (there can be more than one when the
        screen was opened for a purpose while another draft waited)."""
        base = new_message_key(pupil_id)
        mine = [d for d in self.drafts() if d.key == base or d.key.startswith(base + ":")]
        return mine[0] if mine else None

    def save_draft(self, draft: Draft) -> None:
        self.store.save_draft(self.user_id, draft, self.state.now())

    def discard_draft(self, key: str) -> None:
        self.store.discard_draft(self.user_id, key)

    def autosave(self, key: str, *, delay: float = 0.6) -> DraftAutosave:
        return DraftAutosave(self, key, delay=delay)

    # --- sending --------------------------------------------------------------------------------

    async def send_new(self, pupil_id: int, recipients: list[Addressee], subject: str, body: str, *, draft_key: str | None = None) -> Outgoing:
        """R22: queue and try to send a new thread. Answers the outbox item: SENT, or WAITING when
        the server cannot be reached (then the sync loop sends it later). Raises ComposeError or
        the server's ApiError for input it refuses; the draft is kept then."""
        people = list({p.id: p for p in recipients}.values())
        if not people:
            raise ComposeError("recipients_required", "recipient_ids")
        _check_subject(subject)
        _check_body(body)
        draft = Draft(draft_key or new_message_key(pupil_id), pupil_id=pupil_id, recipients=people, subject=" ".join(subject.split()), body=body)
        return await self._send(NEW, draft)

    async def reply(self, thread_id: int, body: str, *, pupil_id: int | None = None) -> Outgoing:
        """R21: queue and try to send a reply in a thread."""
        _check_body(body)
        draft = Draft(reply_key(thread_id), pupil_id=pupil_id, thread_id=thread_id, body=body)
        return await self._send(REPLY, draft)

    async def _send(self, kind: str, draft: Draft) -> Outgoing:
        item = self.store.enqueue(self.user_id, kind, draft, self.state.now())
        try:
            await self._deliver(item, raise_refusal=True)
        finally:
            self.state.changed()
        found = self.store.get_outgoing(item.id)
        return found if found is not None else item

    async def _deliver(self, item: Outgoing, *, raise_refusal: bool) -> bool:
        """One attempt with the item's own key. True when the server has it."""
        api = self.state.api
        self.store.count_attempt(item.id)
        try:
            if item.kind == NEW:
                assert item.pupil_id is not None
                thread = await api.start_thread(item.pupil_id, [p.id for p in item.recipients], item.subject, item.body, item.idempotency_key)
            else:
                assert item.thread_id is not None
                thread = await api.reply(item.thread_id, item.body, item.idempotency_key)
        except ServerUnreachable:
            log.info("message %s waits for the server (attempt %d)", item.id, item.attempts + 1)
            self.state.set_offline(True)
            return False
        except SessionExpired:
            log.info("message %s waits: the session has ended", item.id)
            raise
        except ApiError as exc:
            if exc.status == 409:  # the same key is being processed right now (another tab): later
                return False
            log.info("message %s refused by the server: %s", item.id, exc.code)
            self.store.return_to_drafts(item, exc.code, self.state.now())
            if raise_refusal:  # the user is looking at the form and sees the reason there
                self.store.forget_failed(item.user_id, item.id)
                raise
            return False
        self.state.set_offline(False)
        self.store.mark_sent(item.id, thread.id, self.state.now())
        self._remember(thread)
        return True

    def _remember(self, thread: Thread) -> None:
        """The thread as the server answered it, so it shows at once (and offline)."""
        self.state.cache.put(self.user_id, f"thread:{thread.id}", thread.model_dump(mode="json"), None, None, self.state.now())

    async def flush(self) -> list[Outgoing]:
        """Send what waits in the outbox, oldest first; stops at the first "unreachable". Answers
        the items the server took this time. Called by the sync loop."""
        if self.state.user is None:
            return []
        sent: list[Outgoing] = []
        async with self._flush_lock:
            for item in self.store.outgoing(self.user_id, (WAITING,)):
                current = self.store.get_outgoing(item.id)
                if current is None or not current.waiting:
                    continue  # taken care of meanwhile (another tab of the same user)
                try:
                    delivered = await self._deliver(current, raise_refusal=False)
                except SessionExpired:
                    break
                if delivered:
                    sent.append(self.store.get_outgoing(current.id) or current)
                elif self.state.offline:
                    break
        if sent:
            self.state.changed()
        return sent

    def waiting(self) -> list[Outgoing]:
        return self.store.outgoing(self.user_id, (WAITING,))

    def pending_replies(self, thread_id: int) -> list[Outgoing]:
        """Replies to this thread not yet on the server: shown under it as waiting."""
        return [o for o in self.store.outgoing(self.user_id, (WAITING,)) if o.kind == REPLY and o.thread_id == thread_id]

    def pending_new(self) -> list[Outgoing]:
        return [o for o in self.store.outgoing(self.user_id, (WAITING,)) if o.kind == NEW]

    def outgoing(self, outgoing_id: int) -> Outgoing | None:
        item = self.store.get_outgoing(outgoing_id)
        return item if item is not None and item.user_id == self.user_id else None


def _check_subject(subject: str) -> None:
    flat = " ".join(subject.split())
    if not flat:
        raise ComposeError("subject_required", "subject")
    if len(flat) > SUBJECT_MAX:
        raise ComposeError("subject_too_long", "subject")


def _check_body(body: str) -> None:
    text = body.strip()
    if not text:
        raise ComposeError("body_required", "body")
    if len(text) > BODY_MAX:
        raise ComposeError("body_too_long", "body")


class DraftAutosave:
    """Saves a draft while it is typed: each change restarts a short timer, the last change is
    written when typing pauses, and `flush()` writes at once (on leaving the screen or sending)."""

    def __init__(self, composer: MessageComposer, key: str, *, delay: float = 0.6,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.composer = composer
        self.key = key
        self.delay = delay
        self._sleep = sleep
        self._pending: Draft | None = None
        self._task: asyncio.Task[None] | None = None
        self.writes = 0

    def update(self, draft: Draft) -> None:
        draft.key = self.key
        self._pending = draft
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(self._later())

    async def _later(self) -> None:
        await self._sleep(self.delay)
        self._write()

    def _write(self) -> None:
        if self._pending is None:
            return
        draft, self._pending = self._pending, None
        try:
            self.composer.save_draft(draft)
            self.writes += 1
        except Exception:
            log.exception("draft could not be saved")
            self._pending = draft

    def flush(self) -> None:
        """Write what is pending now (leaving the screen, before sending); safe to call from a
        component's cleanup, which cannot await."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self._write()

    def cancel(self) -> None:
        """After a send: nothing pending is written back."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self._pending = None


# --- texts ------------------------------------------------------------------------------------------


def status_label(status: str, i18n: I18n) -> str:
    _ = i18n.gettext
    if status == WAITING:
        return _("Waiting for connection")
    if status == SENT:
        return _("Sent")
    return _("Could not be sent")


def compose_error_message(exc: BaseException, i18n: I18n) -> str:
    """The message area's refusals in the user's language; anything else as the app's errors."""
    _ = i18n.gettext
    code = getattr(exc, "code", "")
    messages = {
        "recipients_required": _("Choose at least one recipient."),
        "too_many_recipients": _("A message can have at most 50 recipients."),
        "recipient_not_allowed": _("You can only write to staff at your child's school or preschool."),
        "subject_required": _("Write a title for the message."),
        "subject_too_long": _("The title can be at most 200 characters."),
        "body_required": _("Write a message."),
        "body_too_long": _("A message can be at most 10,000 characters."),
        "invalid_characters": _("The message contains characters that cannot be sent."),
    }
    if code in messages:
        return messages[code]
    return error_message(exc, i18n)


def compose_for(state: AppState) -> MessageComposer:
    """One composer per AppState, its store beside the state's cache."""
    composer = getattr(state, "_composer", None)
    if composer is None:
        composer = MessageComposer(state, LocalMessages(local_messages_path(state.cache.path)))
        state._composer = composer  # type: ignore[attr-defined]
    return composer
