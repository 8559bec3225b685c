"""Kalender (R55): the month's entries as a list by day, each with its type (aktivitet, läxa,
prov, information, enkät); an entry opens in full at /calendar/:id (marking it read); a survey
is answered once there and then shows "Besvarad". "Prenumerera på kalendern" shows the child's
private iCal feed URL to copy (B1), with a way to renew it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import flet as ft
from babel.dates import format_date

from components.data import data_states, message, use_loaded
from components.forms import typed
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from components.theme import PURPLE
from components.top_bar import named_icon_button
from services.api import ApiError, ServerUnreachable
from services.content import (
    CalendarEntry,
    CalendarFeed,
    CalendarList,
    ContentInputError,
    content_error_message,
    entries_by_day,
    month_range,
    shift_month,
)
from services.i18n import I18n
from views.content_common import after_open, chip, content_service, copy_text, item_card, meta

KIND_COLOURS = {"activity": "#2E7D32", "homework": "#1565C0", "test": "#C62828", "information": "#5F5669", "survey": PURPLE}


def kind_label(kind: str, _: Callable[[str], str]) -> str:
    return {
        "activity": _("Activity"), "homework": _("Homework"), "test": _("Test"), "information": _("Information"), "survey": _("Survey"),
    }.get(kind, kind)


def _hm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def when_text(entry: CalendarEntry, i18n: I18n) -> str:
    _ = i18n.gettext
    days = i18n.date_short(entry.start_date)
    if entry.end_date != entry.start_date:
        days = f"{days} – {i18n.date_short(entry.end_date)}"
    if entry.all_day or entry.start_time is None:
        all_day = _("All day")
        return f"{days} · {all_day}"
    hours = _hm(entry.start_time) + (f"–{_hm(entry.end_time)}" if entry.end_time else "")
    return f"{days} · {hours}"


@ft.component
def CalendarScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    month, set_month = ft.use_state(state.today().replace(day=1))
    first, last = month_range(month)
    data = use_loaded(f"calendar:{first:%Y-%m}", "/children/{pupil_id}/calendar", CalendarList, pupil=True,
                      params={"from": first.isoformat(), "to": last.isoformat()})
    show_feed, set_show_feed = ft.use_state(False)

    def shift(delta: int):  # type: ignore[no-untyped-def]
        def handler(e: object) -> None:
            set_month(shift_month(month, delta))

        return handler

    def toggle_feed(e: object) -> None:
        set_show_feed(not show_feed)

    month_name = format_date(first, "LLLL y", locale=i18n.locale).capitalize()
    header = ft.Row(
        [
            named_icon_button(ft.Icons.CHEVRON_LEFT, _("Previous month"), "previous-month", shift(-1), color=None),
            ft.Semantics(identifier="month-label", content=ft.Text(month_name, weight=ft.FontWeight.W_600, size=16)),
            named_icon_button(ft.Icons.CHEVRON_RIGHT, _("Next month"), "next-month", shift(1), color=None),
        ],
        wrap=True,
    )
    controls: list[ft.Control] = [
        heading(_("Calendar")),
        ft.Row([header, ft.TextButton(content=ft.Text(_("Subscribe to the calendar")), icon=ft.Icons.EVENT_REPEAT, on_click=toggle_feed)],
               wrap=True, alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
    ]
    if show_feed:
        controls.append(FeedPanel())
    empty = data_states(data, _, identifier="calendar-empty", nothing_saved=_("This month is not saved on this device."))
    if empty is not None:
        controls += empty
        return scaffold(controls, data=data)
    days = entries_by_day(data.value)
    if not days:
        controls.append(message(_("Nothing in the calendar this month."), "calendar-empty"))

    def opener(entry: CalendarEntry):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/calendar/{entry.id}")

        return handler

    for day, entries in days:
        controls.append(subheading(i18n.date_long(day).capitalize()))
        for entry in entries:
            kind = kind_label(entry.kind, _)
            marks: list[ft.Control] = [chip(kind, color=KIND_COLOURS.get(entry.kind, PURPLE))]
            state_text = ""
            if entry.is_survey and entry.answered:
                state_text = _("Answered")
                marks.append(ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE, size=16, color="#2E7D32"), ft.Text(state_text, size=13)], spacing=4, tight=True))
            elif entry.is_survey and entry.answerable:
                state_text = _("Not answered")
                marks.append(ft.Text(state_text, size=13, italic=True))
            controls.append(item_card(
                [ft.Row(marks, spacing=8, wrap=True), ft.Text(entry.title, weight=ft.FontWeight.W_600, size=16),
                 meta(" · ".join(p for p in (when_text(entry, i18n), entry.group_name) if p))],
                label=", ".join(p for p in (kind, entry.title, when_text(entry, i18n), state_text) if p) + ". " + _("Open"),
                identifier=f"entry-{entry.id}", on_click=opener(entry),
            ))
    return scaffold(controls, data=data)


@ft.component
def FeedPanel() -> ft.Control:
    """The private iCal link (B1): made once, kept on this device, renewed on request."""
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    service = content_service(state)
    feed, set_feed = ft.use_state(service.peek_feed())
    status, set_status = ft.use_state(("", False))

    async def fetch(renew: bool) -> None:
        try:
            made: CalendarFeed = await service.calendar_feed(renew=renew)
            set_feed(made)
            set_status((_("A new link was made; the old one no longer works.") if renew else "", False))
        except (ApiError, ServerUnreachable, ContentInputError) as exc:
            set_status((content_error_message(exc, state.i18n), True))

    async def first_time() -> None:
        if feed is None:
            await fetch(False)

    ft.use_effect(first_time, dependencies=[])

    async def renew(e: object) -> None:
        await fetch(True)

    async def copy(e: object) -> None:
        if feed is not None:
            await copy_text(feed.url)
            set_status((_("The link is copied."), False))

    controls: list[ft.Control] = [
        ft.Text(_("Add this private link to your phone's or computer's calendar to see the child's calendar there. "
                  "Do not share it: anyone with the link can read the calendar.")),
    ]
    if feed is not None:
        controls.append(ft.Semantics(identifier="feed-url", label=_("Calendar link"), content=ft.Text(feed.url, size=13)))
        controls.append(ft.Row([
            ft.FilledTonalButton(content=ft.Text(_("Copy link")), icon=ft.Icons.COPY, on_click=copy),
            ft.TextButton(content=ft.Text(_("Renew link")), icon=ft.Icons.REFRESH, on_click=renew),
        ], wrap=True))
    elif not status[0]:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    if status[0]:
        controls.append(message(status[0], "feed-status", error=status[1]))
    return ft.Container(content=ft.Column(controls, spacing=8), padding=12, border_radius=8, bgcolor="#F4F0F8")


@ft.component
def CalendarEntryScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    entry_id = ft.use_route_params().get("id", "")
    data = use_loaded(f"calendar:entry:{entry_id}", f"/calendar/entries/{entry_id}", CalendarEntry, pupil=True,
                      params={"pupil_id": "{pupil_id}"}, after=after_open(state))
    empty = data_states(data, _, identifier="entry-empty", unavailable=_("This calendar entry cannot be found."),
                        nothing_saved=_("This calendar entry is not saved on this device."))
    if empty is not None:
        return scaffold([heading(_("Calendar")), *empty], data=data)
    entry = data.value
    controls: list[ft.Control] = [
        ft.Row([chip(kind_label(entry.kind, _), color=KIND_COLOURS.get(entry.kind, PURPLE))]),
        heading(entry.title),
        meta(" · ".join(p for p in (when_text(entry, i18n), entry.group_name, entry.author) if p)),
    ]
    if entry.description:
        controls.append(ft.Text(entry.description))
    if entry.is_survey:
        controls.append(SurveyForm(entry=entry, reload=data.reload))
    return scaffold(controls, data=data)


@ft.component
def SurveyForm(entry: CalendarEntry, reload) -> ft.Control:  # type: ignore[no-untyped-def]
    """Answer once (R55): choices or free text as the server defines; "Besvarad" after."""
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    answers, set_answers = ft.use_state({})
    error, set_error = ft.use_state("")
    sending, set_sending = ft.use_state(False)

    if entry.answered:
        return ft.Semantics(identifier="survey-answered", live_region=True, content=ft.Row(
            [ft.Icon(ft.Icons.CHECK_CIRCLE, color="#2E7D32"), ft.Text(_("Answered"), weight=ft.FontWeight.W_600, size=16)]))
    if not entry.answerable:
        return message(_("The survey is closed; its last day has passed."), "survey-closed")
    if state.offline:
        return message(_("The survey can be answered when the server can be reached again."), "survey-offline")

    def setter(question_id: int):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.Control]) -> None:
            value = typed(e)
            set_answers(lambda current: {**current, question_id: value})

        return handler

    async def send(e: object) -> None:
        set_sending(True)
        set_error("")
        try:
            await content_service(state).answer_survey(entry, answers)
            await reload()
        except (ApiError, ServerUnreachable, ContentInputError) as exc:
            set_error(content_error_message(exc, state.i18n))
        finally:
            set_sending(False)

    controls: list[ft.Control] = [subheading(_("Answer the survey"))]
    for number, question in enumerate(sorted(entry.questions, key=lambda q: (q.position, q.id)), start=1):
        label = f"{number}. {question.text}"
        if question.kind == "choice":
            controls.append(ft.Text(label, weight=ft.FontWeight.W_600))
            controls.append(ft.Semantics(identifier=f"question-{question.id}", content=ft.RadioGroup(
                value=answers.get(question.id), on_change=setter(question.id),
                content=ft.Column([ft.Radio(value=option, label=option) for option in (question.options or [])], spacing=0),
            )))
        else:
            controls.append(ft.Semantics(identifier=f"question-{question.id}", content=ft.TextField(
                label=label, value=answers.get(question.id, ""), on_change=setter(question.id), multiline=True, min_lines=1,
                max_lines=5, max_length=2000,
            )))
    if error:
        controls.append(message(error, "survey-error", error=True))
    controls.append(ft.Row([ft.FilledButton(content=ft.Text(_("Send answer")), icon=ft.Icons.SEND, on_click=send, disabled=sending)]))
    return ft.Container(content=ft.Column(controls, spacing=8), padding=12, border_radius=8, border=ft.Border.all(1, "#E0D6EA"))
