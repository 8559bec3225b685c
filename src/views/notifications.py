"""R8: the bell's list of new items for the selected child; an item opens what it is about."""

from __future__ import annotations

import flet as ft

from components.box_card import BOX_ICONS
from components.data import data_states, message, use_loaded
from components.scaffold import heading, scaffold
from components.store import go, use_store
from components.theme import PURPLE
from services.areas import area_title
from services.models import Notification, NotificationPage


@ft.component
def NotificationsScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("notifications", "/notifications", NotificationPage, pupil=True,
                      params={"pupil_id": "{pupil_id}", "limit": 50}, after=state.after_notifications)

    def opener(item: Notification):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(await state.open_notification(item))

        return handler

    controls: list[ft.Control] = [heading(_("Notifications"))]
    empty = data_states(data, _, identifier="notifications-empty",
                        unavailable=_("Notifications are not available from the school's server yet."))
    if empty is not None:
        controls += empty
    elif not data.value.items:
        controls.append(message(_("No new items."), "notifications-empty"))
    else:
        for item in data.value.items:
            controls.append(
                ft.Semantics(
                    identifier=f"notification-{item.id}",
                    button=True,
                    content=ft.ListTile(
                        leading=ft.Icon(BOX_ICONS.get(item.area, ft.Icons.MAIL if item.area == "messages" else ft.Icons.NOTIFICATIONS), color=PURPLE),
                        title=ft.Text(item.title, weight=None if item.read else ft.FontWeight.BOLD),
                        subtitle=ft.Text(f"{area_title(item.area, state.i18n)} · {state.i18n.datetime(item.created_at)}"),
                        on_click=opener(item),
                    ),
                )
            )
    return scaffold(controls, data=data)
