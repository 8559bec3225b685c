"""The schedule box: one ISO week ("v. 49"), arrows to change week; cached for offline (R81)."""

from __future__ import annotations

from datetime import timedelta

import flet as ft

from components.theme import PURPLE
from services.models import ScheduleWeek
from services.state import Loaded, iso_week, week_monday
from views.base import Screen


class ScheduleScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.week = iso_week(self.state.today())
        self._peek()

    def _peek(self) -> None:
        child = self.state.selected_child
        self.data: Loaded[ScheduleWeek] = self.state.peek(self.state.schedule_key(self.week), ScheduleWeek, child.id if child else None)
        self.fetched_at = self.data.fetched_at
        self.loading = self.data.value is None

    async def load(self) -> None:
        self.data = await self.state.load_schedule(self.week)
        self.fetched_at = self.data.fetched_at
        self.loading = False

    async def shift(self, weeks: int) -> None:
        self.week = iso_week(week_monday(self.week) + timedelta(weeks=weeks))
        self._peek()
        self.app.rebuild()
        await self.load()
        self.app.rebuild()

    async def previous(self, e: object) -> None:
        await self.shift(-1)

    async def next(self, e: object) -> None:
        await self.shift(1)

    def _status(self, status: str | None) -> str:
        _ = self._
        if status == "cancelled":
            return " (" + _("cancelled") + ")"
        if status == "moved":
            return " (" + _("moved") + ")"
        return ""

    def build(self) -> list[ft.Control]:
        _ = self._
        i18n = self.state.i18n
        monday = week_monday(self.week)
        header = ft.Row(
            [
                ft.IconButton(icon=ft.Icons.CHEVRON_LEFT, tooltip=_("Previous week"), on_click=self.previous),
                ft.Semantics(identifier="week-label", content=ft.Text(f"{i18n.week_label(monday)} · {i18n.date_short(monday)} – {i18n.date_short(monday + timedelta(days=4))}", weight=ft.FontWeight.W_600)),
                ft.IconButton(icon=ft.Icons.CHEVRON_RIGHT, tooltip=_("Next week"), on_click=self.next),
            ],
            wrap=True,
        )
        controls: list[ft.Control] = [self.heading(_("Schedule")), header]
        if self.loading:
            return [*controls, ft.ProgressRing()]
        week = self.data.value
        if week is None:
            text = _("The schedule is not available from the school's server yet.") if self.data.unavailable else _("This week is not saved on this device.")
            return [*controls, self.message(text, "schedule-empty")]
        for day in week.days:
            controls.append(self.subheading(i18n.date_long(day.date).capitalize()))
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
                        title=ft.Text(lesson.subject + self._status(lesson.status)),
                        subtitle=ft.Text(details) if details else None,
                    )
                )
        return controls
