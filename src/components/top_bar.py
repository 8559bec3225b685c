"""The purple top bar: back arrow, logo (home, R7), bell (R8), envelope (R9), My profile (R10), settings."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.messages_ui import envelope_plus
from components.theme import PURPLE


def _counted(icon: ft.IconData, count: int, label: str, identifier: str, on_click: Callable) -> ft.Control:  # type: ignore[type-arg]
    return ft.Semantics(
        identifier=identifier,
        content=ft.IconButton(
            icon=icon,
            icon_color=ft.Colors.WHITE,
            tooltip=label,
            badge=ft.Badge(label=str(count)) if count else None,
            on_click=on_click,
        ),
    )


def top_bar(
    *,
    gettext: Callable[[str], str],
    guardian_name: str,
    child_name: str | None,
    bell_count: int,
    unread_messages: int,
    wide: bool,
    on_back: Callable | None,  # type: ignore[type-arg]
    on_home: Callable,  # type: ignore[type-arg]
    on_bell: Callable,  # type: ignore[type-arg]
    on_messages: Callable,  # type: ignore[type-arg]
    on_new_message: Callable | None = None,  # type: ignore[type-arg]
    on_profile: Callable,  # type: ignore[type-arg]
    on_settings: Callable,  # type: ignore[type-arg]
) -> ft.AppBar:
    _ = gettext
    logo = ft.Semantics(
        identifier="logo",
        button=True,
        content=ft.Container(
            content=ft.Row([ft.Icon(ft.Icons.SCHOOL, color=ft.Colors.WHITE), ft.Text("Skolhub", color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD, size=18)], spacing=6),
            on_click=on_home,
            tooltip=_("Skolhub, go to the start page"),
            padding=ft.Padding.symmetric(horizontal=8, vertical=4),
        ),
    )
    bell_label = _("Notifications") + (f": {bell_count} " + _("new") if bell_count else "")
    mail_label = _("Messages") + (f": {unread_messages} " + _("unread") if unread_messages else "")
    names = guardian_name + (f" / {child_name}" if child_name else "")
    profile_content: ft.Control
    if wide:
        profile_content = ft.Row(
            [ft.Icon(ft.Icons.PERSON, color=ft.Colors.WHITE), ft.Text(names, color=ft.Colors.WHITE)], spacing=4, tight=True
        )
    else:
        profile_content = ft.Icon(ft.Icons.PERSON, color=ft.Colors.WHITE)
    profile = ft.Semantics(
        identifier="profile",
        label=_("My profile") + f": {names}",
        button=True,
        content=ft.Container(content=profile_content, on_click=on_profile, tooltip=_("My profile"), padding=8),
    )
    settings = ft.Semantics(
        identifier="settings",
        label=_("Settings"),
        button=True,
        content=ft.IconButton(icon=ft.Icons.SETTINGS, icon_color=ft.Colors.WHITE, tooltip=_("Settings"), on_click=on_settings),
    )
    back = None
    if on_back is not None:
        back = ft.Semantics(
            identifier="back",
            content=ft.IconButton(icon=ft.Icons.ARROW_BACK, icon_color=ft.Colors.WHITE, tooltip=_("Back"), on_click=on_back),
        )
    return ft.AppBar(
        leading=back,
        title=logo,
        title_spacing=0 if back else 8,
        automatically_imply_leading=False,
        bgcolor=PURPLE,
        color=ft.Colors.WHITE,
        actions=[
            _counted(ft.Icons.NOTIFICATIONS, bell_count, bell_label, "bell", on_bell),
            _counted(ft.Icons.MAIL, unread_messages, mail_label, "envelope", on_messages),
            *([envelope_plus(on_new_message, _("New message"))] if on_new_message is not None else []),
            profile,
            settings,
        ],
    )
