"""The schedule's lesson detail and printing (R35): tapping a lesson shows its subject, time,
room, teachers and any change or note; "Skriv ut" hands the week's PDF from the server to the
device (in the browser: a download named schema-<week>.pdf)."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.data import message
from components.store import use_store
from services.api import ApiError, ServerUnreachable
from services.content import ContentInputError, content_error_message
from services.i18n import I18n
from services.models import Lesson
from views.content_common import content_service, save_download


def status_text(status: str | None, _: Callable[[str], str]) -> str:
    return {"cancelled": _("Cancelled"), "moved": _("Moved")}.get(status or "", "")


def lesson_dialog(lesson: Lesson, i18n: I18n, on_close: Callable[[object], None]) -> ft.AlertDialog:
    _ = i18n.gettext
    teachers = ", ".join(t.name for t in lesson.teachers) or "–"
    rows: list[tuple[str, str]] = [
        (_("Day"), i18n.date_long(lesson.date).capitalize()),
        (_("Time"), f"{lesson.start}–{lesson.end}"),
        (_("Room"), lesson.room or "–"),
        (_("Teachers") if len(lesson.teachers) > 1 else _("Teacher"), teachers),
    ]
    change = status_text(lesson.status, _)
    if change:
        rows.append((_("Change"), change))
    if lesson.note:
        rows.append((_("Note"), lesson.note))
    body = ft.Column(
        [ft.Semantics(identifier=f"lesson-detail-{i}", container=True, content=ft.Column(
            [ft.Text(label, size=13, color="#5F5669"), ft.Text(value, size=16, weight=ft.FontWeight.W_500)], spacing=0))
         for i, (label, value) in enumerate(rows)],
        spacing=10, tight=True,
    )
    return ft.AlertDialog(
        title=ft.Semantics(identifier="lesson-detail", header=True, content=ft.Text(lesson.subject)),
        content=body,
        actions=[ft.TextButton(content=ft.Text(_("Close")), on_click=on_close)],
        on_dismiss=on_close,
    )


@ft.component
def PrintWeekButton(week: str) -> ft.Control:
    """"Skriv ut": the server's PDF of the week, saved/opened by the device's own viewer."""
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    status, set_status = ft.use_state(("", False))
    busy, set_busy = ft.use_state(False)

    async def print_week(e: object) -> None:
        set_busy(True)
        try:
            downloaded = await content_service(state).schedule_pdf(week)
            await save_download(downloaded)
            set_status((_("Downloaded: {name}").format(name=downloaded.file_name), False))
        except (ApiError, ServerUnreachable, ContentInputError) as exc:
            set_status((content_error_message(exc, state.i18n), True))
        finally:
            set_busy(False)

    return ft.Column([
        ft.Semantics(identifier="schedule-print", content=ft.OutlinedButton(
            content=ft.Text(_("Print")), icon=ft.Icons.PRINT, on_click=print_week, disabled=busy or state.offline,
            tooltip=_("Print the week (PDF)"),
        )),
        *([message(status[0], "print-status", error=status[1])] if status[0] else []),
    ], spacing=4, tight=True)
