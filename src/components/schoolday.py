"""Pieces shared by the school-day screens (absence, talks, leisure time): the "something was
saved" signal that makes a screen lower on the stack fetch again, the green button, a labelled
list row, and the booked-talk line on the home page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from components.data import use_loaded
from components.store import go, use_store
from components.theme import PURPLE, PURPLE_LIGHT
from services.schoolday import ChildTalks, SchoolDay

GREEN = "#1E7B34"


class SchoolDayChanges(ft.Observable):
    """A version number per area, bumped after a save. A screen that shows the area's data
    subscribes and reloads when it moves, so the list under a form on the stack (and the home
    page's talk line) is current when the user comes back. One per session (kept on AppState)."""

    def __init__(self) -> None:
        self.absence = 0
        self.talks = 0
        self.leisure = 0

    def bump(self, area: str) -> None:
        setattr(self, area, getattr(self, area) + 1)


def changes_of(state: Any) -> SchoolDayChanges:
    changes = getattr(state, "_school_day_changes", None)
    if changes is None:
        changes = SchoolDayChanges()
        state._school_day_changes = changes
    return changes


def school_day(state: Any) -> SchoolDay:
    return SchoolDay(state.api)


def use_reload_on_change(state: Any, area: str, data: Any) -> None:
    """Reload `data` when another screen saved something in `area` (not on the first render:
    use_loaded fetches then)."""
    changes, _set = ft.use_state(changes_of(state))
    version = getattr(changes, area)
    seen = ft.use_ref(version)

    async def reload() -> None:
        if seen.current != version:
            seen.current = version
            await data.reload()

    ft.use_effect(reload, dependencies=[version])


def green_button(identifier: str, text: str, on_click: Callable[..., Any], *, disabled: bool = False,
                 icon: ft.IconData | None = None) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.Button(content=ft.Text(text), icon=icon, on_click=on_click, bgcolor=GREEN, color=ft.Colors.WHITE,
                          disabled=disabled),
    )


def purple_button(identifier: str, text: str, on_click: Callable[..., Any], *, disabled: bool = False,
                  icon: ft.IconData | None = None) -> ft.Control:
    return ft.Semantics(
        identifier=identifier,
        content=ft.Button(content=ft.Text(text), icon=icon, on_click=on_click, bgcolor=PURPLE, color=ft.Colors.WHITE,
                          disabled=disabled),
    )


def row_card(identifier: str, label: str, lines: list[ft.Control], *, on_click: Callable[..., Any] | None = None,
             trailing: list[ft.Control] | None = None, highlight: bool = False) -> ft.Control:
    """One row of a list: a screen reader reads `label` (the whole row in one sentence); the
    row opens its detail when tapped."""
    body = ft.Row(
        [ft.Column(lines, spacing=2, expand=True), *(trailing or [])],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
    return ft.Semantics(
        identifier=identifier,
        label=label,
        button=on_click is not None,
        container=True,
        content=ft.Container(
            content=body,
            bgcolor=PURPLE_LIGHT if highlight else None,
            border=ft.Border.all(1, "#D9CCE6"),
            border_radius=10,
            padding=ft.Padding.symmetric(horizontal=12, vertical=10),
            on_click=on_click,
            ink=on_click is not None,
        ),
    )


def opener(path: str) -> Callable[[object], Any]:
    async def handler(e: object) -> None:
        await go(path)

    return handler


@ft.component
def BookedTalkLine() -> ft.Control:
    """The home page's line for the child's booked development talk: date, time, teacher,
    place (R30). Shown under the boxes when the home has the talks box."""
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    data = use_loaded("talks", "/children/{pupil_id}/talks", ChildTalks, pupil=True)
    use_reload_on_change(state, "talks", data)
    if data.value is None or not data.value.booked():
        return ft.Container(height=0)
    rows: list[ft.Control] = []
    for _series, t in data.value.booked():
        when = f"{i18n.date_long(t.date)} {t.start}–{t.end}"
        text = _("Booked development talk: {when} with {teacher}, {place}").format(
            when=when, teacher=t.teacher.name, place=t.place)
        rows.append(row_card(
            f"home-talk-{t.id}", text,
            [ft.Text(_("Booked development talk"), weight=ft.FontWeight.W_600, color=PURPLE),
             ft.Text(when.capitalize()), ft.Text(f"{t.teacher.name} · {t.place}")],
            on_click=opener("/talks"),
            trailing=[ft.Icon(ft.Icons.RECORD_VOICE_OVER, color=PURPLE)],
            highlight=True,
        ))
    return ft.Semantics(identifier="home-booked-talk", container=True, content=ft.Column(rows, spacing=8))
