"""R9/R20 (reading): one message thread, cached so it stays readable offline (R81)."""

from __future__ import annotations

import flet as ft

from components.data import data_states, use_loaded
from components.scaffold import heading, scaffold
from components.store import go, use_store
from services.models import Thread


@ft.component
def ThreadScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    thread_id = ft.use_route_params().get("id", "")
    data = use_loaded(f"thread:{thread_id}", f"/messages/threads/{thread_id}", Thread)

    async def back(e: object) -> None:
        await go("/messages")

    controls: list[ft.Control] = [
        ft.TextButton(content=ft.Text(_("Back to messages")), icon=ft.Icons.ARROW_BACK, on_click=back),
    ]
    empty = data_states(data, _, identifier="thread-empty", unavailable=_("This message cannot be shown now."),
                        nothing_saved=_("This message cannot be shown now."))
    if empty is not None:
        controls += empty
    else:
        thread = data.value
        controls.append(heading(thread.subject))
        for msg in thread.messages:
            controls.append(
                ft.Container(
                    content=ft.Column([
                        ft.Text(f"{msg.author.name if msg.author else '–'} · {state.i18n.datetime(msg.sent_at)}", weight=ft.FontWeight.W_600),
                        ft.Text(msg.body, selectable=True),
                    ]),
                    padding=12,
                    border_radius=8,
                    bgcolor="#F4F0F8",
                )
            )
    return scaffold(controls, data=data)
