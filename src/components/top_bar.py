"""The purple top bar: back arrow, logo (home, R7), bell (R8), envelope (R9), My profile (R10), settings."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.messages_ui import envelope_plus
from components.theme import PURPLE
from services import labels
from services.i18n import I18n


def named_icon_button(icon: ft.IconData, label: str, identifier: str, on_click: Callable, *,  # type: ignore[type-arg]
                      color: str | None = ft.Colors.WHITE, badge: str | None = None, disabled: bool = False) -> ft.Control:
    """An icon button whose own node carries its name: the name on the icon (a tooltip or a
    Semantics wrapper names only a wrapper, and the button a screen reader lands on stays
    unnamed — issue 16); the tooltip is for the mouse only; a badge's digits are left out of the
    name, which already says the number in words."""
    return ft.Semantics(
        identifier=identifier,
        content=ft.IconButton(
            icon=ft.Icon(icon, semantics_label=label, color=color),
            tooltip=ft.Tooltip(message=label, exclude_from_semantics=True),
            badge=ft.Badge(label=ft.Semantics(exclude_semantics=True, content=ft.Text(badge))) if badge else None,
            on_click=on_click,
            disabled=disabled,
        ),
    )


def _counted(icon: ft.IconData, count: int, label: str, identifier: str, on_click: Callable) -> ft.Control:  # type: ignore[type-arg]
    return named_icon_button(icon, label, identifier, on_click, badge=str(count) if count else None)


def top_bar(
    *,
    gettext: Callable[[str], str],
    i18n: I18n,
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
    # Buttons a keyboard reaches (a tappable container is skipped by Tab), named by their own
    # content ("Startsida Skolhub"), not by a wrapper (issue 16).
    logo = ft.Semantics(
        identifier="logo",
        content=ft.TextButton(
            content=ft.Row(
                [ft.Image(src="logo.png", width=26, height=26, exclude_from_semantics=True),
                 ft.Text("Skolhub", color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD, size=18,
                         semantics_label=_("Start page") + " Skolhub")],
                spacing=6, tight=True),
            on_click=on_home,
            tooltip=ft.Tooltip(message=_("Skolhub, go to the start page"), exclude_from_semantics=True),
        ),
    )
    bell_label = labels.bell_label(i18n, bell_count)
    mail_label = labels.envelope_label(i18n, unread_messages)
    names = guardian_name + (f" / {child_name}" if child_name else "")
    profile_content: ft.Control
    # The name comes from the button's own content (an icon's label, a text), so it sits on the
    # button node itself, once.
    if wide:
        profile_content = ft.Row(
            [ft.Icon(ft.Icons.PERSON, color=ft.Colors.WHITE, semantics_label=_("My profile") + ":"), ft.Text(names, color=ft.Colors.WHITE)],
            spacing=4, tight=True,
        )
    else:
        profile_content = ft.Icon(ft.Icons.PERSON, color=ft.Colors.WHITE, semantics_label=_("My profile") + f": {names}")
    profile = ft.Semantics(
        identifier="profile",
        content=ft.TextButton(
            content=profile_content,
            on_click=on_profile,
            tooltip=ft.Tooltip(message=_("My profile"), exclude_from_semantics=True),
        ),
    )
    settings = named_icon_button(ft.Icons.SETTINGS, _("Settings"), "settings", on_settings)
    back = None
    if on_back is not None:
        back = named_icon_button(ft.Icons.ARROW_BACK, _("Back"), "back", on_back)
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
