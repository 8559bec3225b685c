"""Pieces of the message screens (issue 11): the status of a message on its way, role names, the
envelope with a plus sign, and reading the compose screen's query (?to=…&subject=…)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, urlparse

import flet as ft

from components.theme import PURPLE
from services.compose import FAILED, SENT, WAITING, status_label
from services.i18n import I18n

WAITING_COLOR = "#8A5A00"
SENT_COLOR = "#1E6B34"
FAILED_COLOR = "#B3261E"


def status_chip(status: str, i18n: I18n, identifier: str) -> ft.Control:
    """"Väntar på anslutning" / "Skickat" / "Kunde inte skickas", with an icon, read aloud."""
    icon, color = {
        WAITING: (ft.Icons.SCHEDULE_SEND, WAITING_COLOR),
        SENT: (ft.Icons.CHECK_CIRCLE_OUTLINE, SENT_COLOR),
        FAILED: (ft.Icons.ERROR_OUTLINE, FAILED_COLOR),
    }.get(status, (ft.Icons.INFO_OUTLINE, PURPLE))
    text = status_label(status, i18n)
    return ft.Semantics(
        identifier=identifier,
        label=text,
        live_region=True,
        content=ft.Row([ft.Icon(icon, color=color, size=16), ft.Text(text, color=color, size=13, weight=ft.FontWeight.W_600)],
                       spacing=4, tight=True),
    )


def role_label(role: str, gettext: Callable[[str], str]) -> str:
    _ = gettext
    return {
        "mentor": _("Mentor"),
        "teacher": _("Teacher"),
        "preschool_teacher": _("Preschool teacher"),
        "fritids": _("Fritids staff"),
        "administrator": _("Administration"),
    }.get(role, role)


def envelope_plus(on_click: Callable, label: str, *, color: str = ft.Colors.WHITE) -> ft.Control:  # type: ignore[type-arg]
    """The envelope with a plus sign beside it: "Nytt meddelande" (R22)."""
    from components.top_bar import named_icon_button

    # Named on its own button node (issue 16); the green "+" badge is left out of the name.
    return named_icon_button(ft.Icons.MAIL_OUTLINE, label, "new-message", on_click, color=color, badge="+")


def compose_query(location_search: str | None, page_route: str | None) -> tuple[list[int], str]:
    """`to=<staff id>` (repeatable or comma-separated) and `subject=<text>` of /messages/new."""
    search = location_search if location_search else urlparse(page_route or "").query
    query = parse_qs(search or "", keep_blank_values=False)
    ids: list[int] = []
    for value in query.get("to", []):
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and int(part) not in ids:
                ids.append(int(part))
    subject = " ".join((query.get("subject") or [""])[0].split())
    return ids, subject


def use_compose_query() -> tuple[list[int], str]:
    """The query of the address the compose screen was opened at. Flet 1.0.5 has no public hook
    for the search part, so this reads the Router's location (or the page's route)."""
    search = ""
    try:
        from flet.components.router import _location_context

        location = ft.use_context(_location_context)
        search = getattr(location, "search", "") or ""
    except ImportError:
        pass
    return compose_query(search, ft.context.page.route)


def when(i18n: I18n, moment: datetime | None) -> str:
    return i18n.datetime(moment) if moment else ""
