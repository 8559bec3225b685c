"""The schedule box: one ISO week ("v. 49"), arrows to change week; cached for offline (R81).
/schedule is this week; /schedule/2026-W50 a given week (on the stack above this week)."""

from __future__ import annotations

import re
from datetime import timedelta

import flet as ft

from components.data import data_states, use_loaded
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from components.theme import PURPLE
from services.models import ScheduleWeek
from services.state import iso_week, week_monday

WEEK = re.compile(r"\d{4}-W\d{2}")


@ft.component
def ScheduleScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    asked = ft.use_route_params().get("week", "")
    week = asked if WEEK.fullmatch(asked) else iso_week(state.today())
    try:
        monday = week_monday(week)
    except ValueError:
        week = iso_week(state.today())
        monday = week_monday(week)
    data = use_loaded(f"schedule:{week}", "/children/{pupil_id}/schedule", ScheduleWeek, pupil=True, params={"week": week})

    def shift(weeks: int):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/schedule/{iso_week(monday + timedelta(weeks=weeks))}")

        return handler

    header = ft.Row(
        [
            ft.Semantics(identifier="previous-week", content=ft.IconButton(
                icon=ft.Icons.CHEVRON_LEFT, tooltip=_("Previous week"), on_click=shift(-1))),
            ft.Semantics(identifier="week-label", content=ft.Text(
                f"{i18n.week_label(monday)} · {i18n.date_short(monday)} – {i18n.date_short(monday + timedelta(days=4))}",
                weight=ft.FontWeight.W_600)),
            ft.Semantics(identifier="next-week", content=ft.IconButton(
                icon=ft.Icons.CHEVRON_RIGHT, tooltip=_("Next week"), on_click=shift(1))),
        ],
        wrap=True,
    )
    controls: list[ft.Control] = [heading(_("Schedule")), header]
    empty = data_states(data, _, identifier="schedule-empty",
                        unavailable=_("The schedule is not available from the school's server yet."),
                        nothing_saved=_("This week is not saved on this device."))
    if empty is not None:
        controls += empty
    else:
        for day in data.value.days:
            controls.append(subheading(i18n.date_long(day.date).capitalize()))
            if day.no_school:
                controls.append(ft.Text(_("No school") + (f": {day.no_school.name}" if day.no_school.name else "")))
                continue
            if not day.lessons:
                controls.append(ft.Text(_("No lessons")))
            for lesson in day.lessons:
                teachers = ", ".join(t.name for t in lesson.teachers)
                details = " · ".join(p for p in (lesson.room, teachers, lesson.note) if p)
                controls.append(
                    ft.ListTile(
                        leading=ft.Text(f"{lesson.start}–{lesson.end}", color=PURPLE, weight=ft.FontWeight.W_600),
                        title=ft.Text(lesson.subject + _status(lesson.status, _)),
                        subtitle=ft.Text(details) if details else None,
                    )
                )
    return scaffold(controls, data=data)


def _status(status: str | None, _) -> str:  # type: ignore[no-untyped-def]
    if status == "cancelled":
        return " (" + _("cancelled") + ")"
    if status == "moved":
        return " (" + _("moved") + ")"
    return ""
