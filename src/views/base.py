"""What every screen shares: access to the app shell, the state and the translator."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import flet as ft

from components.theme import ERROR

if TYPE_CHECKING:
    from shell import SkolhubApp


class Screen:
    with_top_bar = True

    def __init__(self, app: SkolhubApp, route: str) -> None:
        self.app = app
        self.state = app.state
        self.route = route
        self.fetched_at: datetime | None = None
        self.offline = False

    def _(self, message: str) -> str:
        return self.state.i18n.gettext(message)

    def build(self) -> list[ft.Control]:
        raise NotImplementedError

    async def load(self) -> None:
        """Fetch (cache first, then the server); the shell rebuilds after."""

    def heading(self, text: str) -> ft.Control:
        return ft.Semantics(header=True, heading_level=1, content=ft.Text(text, size=24, weight=ft.FontWeight.BOLD))

    def subheading(self, text: str) -> ft.Control:
        return ft.Semantics(header=True, heading_level=2, content=ft.Text(text, size=18, weight=ft.FontWeight.W_600))

    @staticmethod
    def message(text: str, identifier: str, *, error: bool = False) -> ft.Control:
        """A live-region text (errors, confirmations) a screen reader announces."""
        return ft.Semantics(
            identifier=identifier,
            live_region=True,
            content=ft.Text(text, color=ERROR if error else None),
        )
