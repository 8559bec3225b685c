"""R81: a clear sign that what is shown may be out of date, and since when."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.theme import OFFLINE_BG, OFFLINE_FG


def offline_banner(gettext: Callable[[str], str], last_updated: str | None) -> ft.Control:
    _ = gettext
    if last_updated:
        text = _("Offline — last updated {time}").format(time=last_updated)
    else:
        text = _("Offline — nothing saved on this device yet")
    return ft.Semantics(
        identifier="offline-banner",
        label=text,
        live_region=True,
        content=ft.Container(
            content=ft.Row([ft.Icon(ft.Icons.WIFI_OFF, color=OFFLINE_FG), ft.Text(text, color=OFFLINE_FG, expand=True)]),
            bgcolor=OFFLINE_BG,
            padding=10,
            border_radius=6,
        ),
    )
