"""A home box (R7): icon, name and the count of new items."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.theme import PURPLE, PURPLE_LIGHT

BOX_ICONS: dict[str, ft.IconData] = {
    "schedule": ft.Icons.SCHEDULE,
    "absence": ft.Icons.EVENT_BUSY,
    "talks": ft.Icons.RECORD_VOICE_OVER,
    "leisure": ft.Icons.ACCESS_TIME,
    "information": ft.Icons.INFO,
    "calendar": ft.Icons.CALENDAR_MONTH,
    "blog": ft.Icons.ARTICLE,
    "planning": ft.Icons.ASSIGNMENT,
    "assessments": ft.Icons.GRADING,
    "documentation": ft.Icons.FOLDER,
}


def box_card(key: str, title: str, count: int, new_label: str, on_click: Callable) -> ft.Control:  # type: ignore[type-arg]
    badge = ft.Container(
        content=ft.Text(new_label, color=ft.Colors.WHITE, size=12),
        bgcolor=PURPLE,
        border_radius=10,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        visible=count > 0,
    )
    # The identifier is a stable test hook; the texts inside are what a screen reader reads
    # ("Information 1 ny"). No fixed height: at 200 % text the card grows instead of clipping.
    return ft.Semantics(
        identifier=f"box-{key}",
        col={"xs": 6, "sm": 4, "md": 3},
        content=ft.Container(
            content=ft.Column(
                [ft.Icon(BOX_ICONS.get(key, ft.Icons.APPS), color=PURPLE, size=36), ft.Text(title, weight=ft.FontWeight.W_600, text_align=ft.TextAlign.CENTER), badge],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                spacing=6,
            ),
            bgcolor=PURPLE_LIGHT,
            border_radius=12,
            padding=14,
            alignment=ft.Alignment.CENTER,
            on_click=on_click,
            ink=True,
        ),
    )
