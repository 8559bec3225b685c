"""R9, R20–R22: the inbox and the sent list (tabs), unread marks, the child each thread is about,
messages still on their way ("Väntar på anslutning"), and "Nytt meddelande". Cached (R81)."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.messages_ui import status_chip
from components.scaffold import heading, scaffold
from components.store import go, use_store
from components.theme import PURPLE
from services.compose import FAILED, SENT, WAITING, Outgoing, compose_for
from services.models import ThreadList, ThreadSummary


@ft.component
def MessagesScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    composer = compose_for(state)
    box = "sent" if ft.use_route_location().rstrip("/").endswith("/sent") else "inbox"
    data = use_loaded(box, f"/messages/{box}", ThreadList)

    outgoing: list[Outgoing] = composer.store.outgoing(state.user.id) if state.user else []
    waiting = [o for o in outgoing if o.status in (WAITING, FAILED) and o.kind == "new"]
    sent_here = {o.result_thread_id: o for o in outgoing if o.status == SENT and o.result_thread_id is not None}
    # When the outbox sends something (the sync loop), fetch the list again so it shows there.
    queued = len([o for o in outgoing if o.status == WAITING])
    last_queued = ft.use_ref(queued)

    async def after_outbox() -> None:
        if queued < (last_queued.current or 0):
            await data.reload()
        last_queued.current = queued

    ft.use_effect(after_outbox, dependencies=[queued])

    def nav(path: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(path)

        return handler

    def tab(label: str, target: str, active: bool) -> ft.Control:
        button = ft.Button(content=ft.Text(label), on_click=nav(target), bgcolor=PURPLE if active else None,
                           color=ft.Colors.WHITE if active else PURPLE)
        return ft.Semantics(identifier=f"tab-{target.rsplit('/', 1)[-1]}", selected=active, content=button)

    controls: list[ft.Control] = [
        heading(_("Messages")),
        ft.Row([
            tab(_("Inbox"), "/messages", box == "inbox"),
            tab(_("Sent"), "/messages/sent", box == "sent"),
            ft.Semantics(identifier="compose-button", content=ft.OutlinedButton(
                content=ft.Text(_("New message")), icon=ft.Icons.EDIT, on_click=nav("/messages/new"))),
        ], wrap=True, spacing=8),
    ]

    if box == "sent":
        for item in waiting:
            names = ", ".join(a.name for a in item.recipients)
            controls.append(ft.Semantics(
                key=f"outgoing-{item.id}",  # keyed: a reused control keeps its old identifier in the browser's tree
                identifier=f"outgoing-{item.id}",
                button=item.status == FAILED,
                content=ft.ListTile(
                    leading=ft.Icon(ft.Icons.SCHEDULE_SEND if item.status == WAITING else ft.Icons.ERROR_OUTLINE, color=PURPLE),
                    title=ft.Text(item.subject, weight=ft.FontWeight.W_600),
                    subtitle=ft.Column([
                        ft.Text(_("To: {names}").format(names=names) + f" · {i18n.datetime(item.created_at)}"),
                        status_chip(item.status, i18n, f"outgoing-status-{item.id}"),
                    ], spacing=2, tight=True),
                    on_click=nav("/messages/new") if item.status == FAILED else None,
                ),
            ))

    empty = data_states(data, _, identifier="messages-empty", unavailable=_("Messages are not available from the school's server yet."))
    if empty is not None:
        controls += empty
    elif not data.value.threads and not (box == "sent" and waiting):
        controls.append(message(_("No messages.") if box == "inbox" else _("No sent messages."), "messages-empty"))
    else:
        for thread in data.value.threads:
            controls.append(_thread_tile(thread, box, sent_here.get(thread.id), state, nav(f"/messages/{thread.id}")))
    return scaffold(controls, data=data)


def _thread_tile(thread: ThreadSummary, box: str, sent_here: Outgoing | None, state, on_click) -> ft.Control:  # type: ignore[no-untyped-def]
    i18n = state.i18n
    _ = i18n.gettext
    me = state.user.id if state.user else None
    others = [p.name for p in thread.participants if p.id != me] or [p.name for p in thread.participants]
    unread = bool(thread.unread) and box == "inbox"
    lines: list[ft.Control] = [ft.Text(f"{', '.join(others)} · {i18n.datetime(thread.last_message_at)}")]
    if thread.pupil_name:
        lines.append(ft.Text(_("About {name}").format(name=thread.pupil_name), size=12, color=PURPLE))
    if thread.last_preview:
        lines.append(ft.Text(thread.last_preview, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS))
    if sent_here is not None:
        lines.append(status_chip(SENT, i18n, f"thread-status-{thread.id}"))
    title: list[ft.Control] = [ft.Text(thread.subject, weight=ft.FontWeight.BOLD if unread else None, expand=True)]
    if unread:
        title.append(ft.Container(content=ft.Text(_("Unread"), size=11, color=ft.Colors.WHITE), bgcolor=PURPLE,
                                  padding=ft.Padding.symmetric(horizontal=6, vertical=2), border_radius=8))
    return ft.Semantics(
        key=f"thread-{thread.id}",
        identifier=f"thread-{thread.id}",
        button=True,
        content=ft.ListTile(
            leading=ft.Icon(ft.Icons.MAIL if unread else ft.Icons.MAIL_OUTLINE, color=PURPLE),
            title=ft.Row(title, spacing=6),
            subtitle=ft.Column(lines, spacing=2, tight=True),
            on_click=on_click,
        ),
    )
