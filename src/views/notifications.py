"""R8: the bell's list of new items for the selected child; an item opens what it is about."""

from __future__ import annotations

import flet as ft

from components.box_card import BOX_ICONS
from components.theme import PURPLE
from services.areas import area_title
from services.models import Notification, NotificationPage
from services.state import Loaded
from views.base import Screen


class NotificationsScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        child = self.state.selected_child
        self.page_data: Loaded[NotificationPage] = self.state.peek("notifications", NotificationPage, child.id if child else None)
        self.fetched_at = self.page_data.fetched_at
        self.loading = self.page_data.value is None

    async def load(self) -> None:
        self.page_data = await self.state.load_notifications()
        self.fetched_at = self.page_data.fetched_at
        self.loading = False

    def build(self) -> list[ft.Control]:
        _ = self._
        controls: list[ft.Control] = [self.heading(_("Notifications"))]
        if self.loading:
            return [*controls, ft.ProgressRing()]
        data = self.page_data.value
        if data is None:
            text = _("Notifications are not available from the school's server yet.") if self.page_data.unavailable else _("Nothing saved on this device yet.")
            return [*controls, self.message(text, "notifications-empty")]
        if not data.items:
            return [*controls, self.message(_("No new items."), "notifications-empty")]
        for item in data.items:
            controls.append(
                ft.Semantics(
                    identifier=f"notification-{item.id}",
                    button=True,
                    content=ft.ListTile(
                        leading=ft.Icon(BOX_ICONS.get(item.area, ft.Icons.MAIL if item.area == "messages" else ft.Icons.NOTIFICATIONS), color=PURPLE),
                        title=ft.Text(item.title, weight=None if item.read else ft.FontWeight.BOLD),
                        subtitle=ft.Text(f"{area_title(item.area, self.state.i18n)} · {self.state.i18n.datetime(item.created_at)}"),
                        on_click=self._open(item),
                    ),
                )
            )
        return controls

    def _open(self, item: Notification):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            route = await self.state.open_notification(item)
            await self.app.go(route)

        return handler
