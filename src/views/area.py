"""A box whose screen this app version does not have yet: its name and its new items."""

from __future__ import annotations

import flet as ft

from services.areas import area_title
from services.models import NotificationPage
from views.base import Screen


class AreaScreen(Screen):
    def __init__(self, app, route: str, area: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.area = area
        child = self.state.selected_child
        cached = self.state.peek("notifications", NotificationPage, child.id if child else None)
        self.items = [n for n in (cached.value.items if cached.value else []) if n.area == area]

    def build(self) -> list[ft.Control]:
        _ = self._
        child = self.state.selected_child
        controls: list[ft.Control] = [self.heading(area_title(self.area, self.state.i18n, child.unit_kind if child else "school"))]
        if self.items:
            controls.append(self.subheading(_("New items")))
            for item in self.items:
                controls.append(ft.ListTile(title=ft.Text(item.title), subtitle=ft.Text(self.state.i18n.datetime(item.created_at))))
        else:
            controls.append(ft.Text(_("Nothing new here.")))
        return controls
