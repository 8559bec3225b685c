"""R9/R20 (reading): the inbox and a thread, cached so they stay readable offline (R81)."""

from __future__ import annotations

import flet as ft

from components.theme import PURPLE
from services.models import Thread, ThreadList
from services.state import Loaded
from views.base import Screen


class MessagesScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.inbox: Loaded[ThreadList] = self.state.peek("inbox", ThreadList)
        self.fetched_at = self.inbox.fetched_at
        self.loading = self.inbox.value is None

    async def load(self) -> None:
        self.inbox = await self.state.load_inbox()
        self.fetched_at = self.inbox.fetched_at
        self.loading = False

    def build(self) -> list[ft.Control]:
        _ = self._
        controls: list[ft.Control] = [self.heading(_("Messages"))]
        if self.loading:
            return [*controls, ft.ProgressRing()]
        inbox = self.inbox.value
        if inbox is None:
            text = _("Messages are not available from the school's server yet.") if self.inbox.unavailable else _("Nothing saved on this device yet.")
            return [*controls, self.message(text, "messages-empty")]
        if not inbox.threads:
            return [*controls, self.message(_("No messages."), "messages-empty")]
        for thread in inbox.threads:
            names = ", ".join(p.name for p in thread.participants)
            controls.append(
                ft.Semantics(
                    identifier=f"thread-{thread.id}",
                    button=True,
                    content=ft.ListTile(
                        leading=ft.Icon(ft.Icons.MAIL if thread.unread else ft.Icons.MAIL_OUTLINE, color=PURPLE),
                        title=ft.Text(thread.subject, weight=ft.FontWeight.BOLD if thread.unread else None),
                        subtitle=ft.Text(f"{names} · {self.state.i18n.datetime(thread.last_message_at)}\n{thread.last_preview}"),
                        on_click=self._open(thread.id),
                    ),
                )
            )
        return controls

    def _open(self, thread_id: int):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await self.app.go(f"/messages/{thread_id}")

        return handler


class ThreadScreen(Screen):
    def __init__(self, app, route: str, thread_id: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.thread_id = thread_id
        self.thread: Loaded[Thread] = self.state.peek(f"thread:{thread_id}", Thread)
        self.fetched_at = self.thread.fetched_at
        self.loading = self.thread.value is None

    async def load(self) -> None:
        self.thread = await self.state.load_thread(self.thread_id)
        self.fetched_at = self.thread.fetched_at
        self.loading = False

    def build(self) -> list[ft.Control]:
        _ = self._
        back = ft.TextButton(content=ft.Text(_("Back to messages")), icon=ft.Icons.ARROW_BACK, on_click=self.back)
        if self.loading:
            return [back, ft.ProgressRing()]
        thread = self.thread.value
        if thread is None:
            return [back, self.message(_("This message cannot be shown now."), "thread-empty")]
        controls: list[ft.Control] = [back, self.heading(thread.subject)]
        for message in thread.messages:
            controls.append(
                ft.Container(
                    content=ft.Column([
                        ft.Text(f"{message.author.name if message.author else '–'} · {self.state.i18n.datetime(message.sent_at)}", weight=ft.FontWeight.W_600),
                        ft.Text(message.body, selectable=True),
                    ]),
                    padding=12,
                    border_radius=8,
                    bgcolor="#F4F0F8",
                )
            )
        return controls

    async def back(self, e: object) -> None:
        await self.app.go("/messages")
