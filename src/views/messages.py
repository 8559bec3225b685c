"""R9/R20 (reading): the inbox, cached so it stays readable offline (R81)."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.scaffold import heading, scaffold
from components.store import go, use_store
from components.theme import PURPLE
from services.models import ThreadList


@ft.component
def MessagesScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("inbox", "/messages/inbox", ThreadList)

    def opener(thread_id: int):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/messages/{thread_id}")

        return handler

    controls: list[ft.Control] = [heading(_("Messages"))]
    empty = data_states(data, _, identifier="messages-empty", unavailable=_("Messages are not available from the school's server yet."))
    if empty is not None:
        controls += empty
    elif not data.value.threads:
        controls.append(message(_("No messages."), "messages-empty"))
    else:
        for thread in data.value.threads:
            names = ", ".join(p.name for p in thread.participants)
            controls.append(
                ft.Semantics(
                    identifier=f"thread-{thread.id}",
                    button=True,
                    content=ft.ListTile(
                        leading=ft.Icon(ft.Icons.MAIL if thread.unread else ft.Icons.MAIL_OUTLINE, color=PURPLE),
                        title=ft.Text(thread.subject, weight=ft.FontWeight.BOLD if thread.unread else None),
                        subtitle=ft.Text(f"{names} · {state.i18n.datetime(thread.last_message_at)}\n{thread.last_preview}"),
                        on_click=opener(thread.id),
                    ),
                )
            )
    return scaffold(controls, data=data)
