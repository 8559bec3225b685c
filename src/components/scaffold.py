"""The standard screen: one ft.View with the purple top bar (back arrow on every screen but the
home; logo → home; bell, envelope, profile, settings), the offline banner (R81), a scrolling
body at most 1100 px wide with 16 px padding (390 px phones). Every screen component ends with

    return scaffold(controls, data=data)           # data: the use_loaded() result, if any

`scaffold` uses hooks: call it exactly once per render, as the screen's return value."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import flet as ft

from components.data import Data
from components.offline_banner import offline_banner
from components.store import go, use_store
from components.top_bar import top_bar

MAX_WIDTH = 1100


def parent_path(path: str) -> str:
    """The screen below this one on the stack: the path one segment up (routes are nested by
    path in routes.py, so that is always a route)."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    return "/" + "/".join(parts[:-1])


def scaffold(
    controls: Sequence[ft.Control],
    *,
    data: Data[Any] | None = None,
    fetched_at: datetime | None = None,
    back: bool = True,
    bar: bool = True,
) -> ft.View:
    """`back=False` on the home; `bar=False` for the screens before login (no top bar at all)."""
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    path = ft.use_view_path() or ft.use_route_location() or "/"
    body: list[ft.Control] = []
    appbar = None
    if bar and state.logged_in:
        if state.offline:
            when = (data.fetched_at if data is not None else None) or fetched_at
            body.append(offline_banner(_, state.i18n.datetime(when) if when else None))
        appbar = _bar(store, path if back else None, data if path == "/" else None)
    body.extend(controls)
    return ft.View(
        route=path,
        appbar=appbar,
        scroll=ft.ScrollMode.AUTO,
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        padding=0,
        controls=[ft.Container(content=ft.Column(list(body), spacing=14), padding=16, width=MAX_WIDTH)],
    )


def _bar(store: Any, back_from: str | None, home_data: Data[Any] | None) -> ft.AppBar:
    state = store.state
    me = state.me
    guardian = me.full_name if me else (state.user.full_name if state.user else "")
    child = state.selected_child
    child_name = child.full_name if child and state.user and state.user.kind != "student" else None

    def nav(path: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(path)

        return handler

    async def home(e: object) -> None:
        if home_data is not None:
            await home_data.reload()  # the logo on the home itself: fetch it again
        else:
            await go("/")

    return top_bar(
        gettext=state.i18n.gettext,
        guardian_name=guardian,
        child_name=child_name,
        bell_count=state.notification_count,
        unread_messages=state.unread_messages,
        wide=store.wide,
        on_back=nav(parent_path(back_from)) if back_from and back_from != "/" else None,
        on_home=home,
        on_bell=nav("/notifications"),
        on_messages=nav("/messages"),
        on_new_message=nav("/messages/new"),
        on_profile=nav("/profile"),
        on_settings=nav("/settings"),
    )


def heading(text: str) -> ft.Control:
    return ft.Semantics(header=True, heading_level=1, content=ft.Text(text, size=24, weight=ft.FontWeight.BOLD))


def subheading(text: str) -> ft.Control:
    return ft.Semantics(header=True, heading_level=2, content=ft.Text(text, size=18, weight=ft.FontWeight.W_600))


def brand() -> ft.Control:
    """The Skolhub mark above the forms before login."""
    from components.theme import PURPLE

    return ft.Row([ft.Icon(ft.Icons.SCHOOL, color=PURPLE, size=40), ft.Text("Skolhub", size=30, weight=ft.FontWeight.BOLD, color=PURPLE)])
