"""R20–R21: one thread (the child it is about named), its messages, replies still on their way
("Väntar på anslutning"), and "Svara": the reply is kept as a draft on the device while typed."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import typed, use_field
from components.messages_ui import status_chip
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.compose import WAITING, ComposeError, Draft, compose_error_message, compose_for, reply_key
from services.models import Thread
from services.state import Loaded


@ft.component
def ThreadScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    composer = compose_for(state)
    raw_id = ft.use_route_params().get("id", "")
    thread_id = int(raw_id) if raw_id.isdigit() else 0
    async def read(loaded: Loaded[Thread]) -> None:
        """Opening a thread marks it read on the server (R21): the envelope's number goes down now."""
        if loaded.value is not None and not loaded.offline:
            await state.refresh_counts()

    data = use_loaded(f"thread:{thread_id}", f"/messages/threads/{thread_id}", Thread, after=read)
    key = reply_key(thread_id)

    saved = ft.use_ref(None)
    if saved.current is None:
        saved.current = (composer.draft(key) if state.user else None) or Draft(key, thread_id=thread_id)
    text, set_text = use_field(saved.current.body)
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    autosave = ft.use_ref(None)
    if autosave.current is None and state.user is not None:
        autosave.current = composer.autosave(key)

    def leave() -> None:
        if autosave.current is not None:
            autosave.current.flush()

    ft.use_effect(lambda: None, dependencies=[], cleanup=leave)

    pending = composer.pending_replies(thread_id) if state.user else []
    last_pending = ft.use_ref(len(pending))

    async def after_outbox() -> None:
        if len(pending) < (last_pending.current or 0):
            await data.reload()  # the sync loop sent a waiting reply: show the server's copy
        last_pending.current = len(pending)

    ft.use_effect(after_outbox, dependencies=[len(pending)])

    def typed_reply(value: str) -> None:
        set_text(value)
        set_error(None)
        if autosave.current is not None:
            autosave.current.update(Draft(key, thread_id=thread_id, pupil_id=data.value.pupil_id if data.value else None, body=value))

    async def send(e: object = None) -> None:
        if busy:
            return
        set_busy(True)
        if autosave.current is not None:
            autosave.current.flush()
        try:
            item = await composer.reply(thread_id, text, pupil_id=data.value.pupil_id if data.value else None)
        except SessionExpired:
            await store.session_ended()
            return
        except (ComposeError, ApiError, ServerUnreachable) as exc:
            set_error(compose_error_message(exc, i18n))
            set_busy(False)
            return
        if autosave.current is not None:
            autosave.current.cancel()
        set_text("")
        set_busy(False)
        if item.status != WAITING:
            await data.reload()

    async def back(e: object) -> None:
        await go("/messages")

    controls: list[ft.Control] = [
        ft.TextButton(content=ft.Text(_("Back to messages")), icon=ft.Icons.ARROW_BACK, on_click=back),
    ]
    empty = data_states(data, _, identifier="thread-empty", unavailable=_("This message cannot be shown now."),
                        nothing_saved=_("This message cannot be shown now."))
    if empty is not None:
        controls += empty
        return scaffold(controls, data=data)
    thread = data.value
    controls.append(heading(thread.subject))
    me = state.user.id if state.user else None
    about = [_("About {name}").format(name=thread.pupil_name)] if thread.pupil_name else []
    people = [p.name for p in thread.participants if p.id != me]
    if people:
        about.append(_("With {names}").format(names=", ".join(people)))
    if about:
        controls.append(ft.Text(" · ".join(about), size=13, color=PURPLE))
    for msg in thread.messages:
        mine = msg.author is not None and msg.author.id == me
        controls.append(ft.Semantics(key=f"message-{msg.id}", identifier=f"message-{msg.id}", content=_bubble(
            f"{msg.author.name if msg.author else '–'} · {i18n.datetime(msg.sent_at)}", msg.body, mine)))
    for item in pending:
        controls.append(ft.Semantics(key=f"pending-reply-{item.id}", identifier=f"pending-reply-{item.id}", content=_bubble(
            f"{state.user.full_name if state.user else ''} · {i18n.datetime(item.created_at)}", item.body, True,
            status_chip(item.status, i18n, f"pending-status-{item.id}"))))

    controls.append(subheading(_("Reply")))
    if saved.current.error_code and text:
        controls.append(message(_("It could not be sent:") + " " + compose_error_message(ComposeError(saved.current.error_code, ""), i18n),
                                "reply-returned", error=True))
    controls.append(ft.TextField(
        label=_("Your reply"), value=text, on_change=lambda e: typed_reply(typed(e)), multiline=True, min_lines=3,
        max_lines=10, max_length=10_000, width=640, data="reply-body",
    ))
    if error:
        controls.append(message(error, "reply-error", error=True))
    controls.append(ft.Button(content=ft.Text(_("Send reply")), icon=ft.Icons.SEND, on_click=send, bgcolor=PURPLE,
                              color=ft.Colors.WHITE, disabled=busy))
    return scaffold(controls, data=data)


def _bubble(header: str, body: str, mine: bool, extra: ft.Control | None = None) -> ft.Control:
    # Not selectable: a selectable text is left out of the accessibility tree, and a screen reader must read the message.
    column: list[ft.Control] = [ft.Text(header, weight=ft.FontWeight.W_600), ft.Text(body)]
    if extra is not None:
        column.append(extra)
    return ft.Container(content=ft.Column(column, spacing=4), padding=12, border_radius=8,
                        bgcolor="#EDE4F5" if mine else "#F4F0F8", margin=ft.Margin.only(left=24 if mine else 0, right=0 if mine else 24))
