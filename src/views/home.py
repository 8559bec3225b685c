"""R7: the start page — the selected child's boxes, with counts of new items."""

from __future__ import annotations

import flet as ft

from components.box_card import box_card
from services.areas import area_title
from services.models import Home, Me
from services.state import Loaded
from views.base import Screen


class HomeScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.home: Loaded[Home] = self.state.peek_home()
        self.fetched_at = self.home.fetched_at or self._me_fetched_at()
        self.loading = self.home.value is None

    async def load(self) -> None:
        if self.state.me is None:
            await self.state.load_me()
        self.home = await self.state.load_home()
        self.fetched_at = self.home.fetched_at or self._me_fetched_at()
        self.loading = False
        self.app.rebuild()
        await self.state.refresh_counts()

    def _me_fetched_at(self):  # type: ignore[no-untyped-def]
        """Without a cached home, the banner dates what is shown: the child from the profile."""


        return self.state.peek("me", Me).fetched_at

    def build(self) -> list[ft.Control]:
        _ = self._
        child = self.state.selected_child
        controls: list[ft.Control] = []
        if child is None:
            return [self.heading(_("Start page")), ft.Text(_("There is no child linked to your account. Contact the school."))]
        controls.append(self.heading(child.full_name))
        where = child.unit_name + (f", {child.group_name}" if child.group_name else "")
        controls.append(ft.Text(where))
        controls.append(ft.Text(self.state.i18n.date_long(self.state.today()) + " · " + self.state.i18n.week_label(self.state.today()), italic=True))
        if self.loading:
            controls.append(ft.ProgressRing(semantics_label=_("Loading")))
            return controls
        home = self.home.value
        if home is None:
            if self.home.unavailable:
                text = _("The start page's boxes are not available from the school's server yet.")
            else:
                text = _("The boxes cannot be shown now: nothing is saved on this device yet.")
            controls.append(self.message(text, "home-empty"))
            return controls
        if not home.boxes:
            controls.append(self.message(_("There is nothing to show for this child yet."), "home-empty"))
            return controls
        cards = []
        for box in home.boxes:
            title = area_title(box.key, self.state.i18n, child.unit_kind)
            new_label = self.state.i18n.ngettext("{n} new", "{n} new", box.count).format(n=box.count)
            cards.append(box_card(box.key, title, box.count, new_label, self._open(box.key)))
        controls.append(ft.ResponsiveRow(cards, spacing=12, run_spacing=12))
        return controls

    def _open(self, key: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await self.app.go("/schedule" if key == "schedule" else f"/area/{key}")

        return handler
