"""Fritidsschema (school) / Tidsregistrering (preschool), R70–R74.

"Hela veckan": the week's days with their times, a speech bubble on a day with a comment and a
lock on a day that can no longer be changed; arrows change week (R71). A day opens its detail —
staff comments show there (R72) — with "Lägg till/Ändra dag" (R72, R73). "Lägg till/Ändra
vecka" registers times per weekday from a week whose Monday can still be scheduled, optionally
"Upprepa registreringarna för denna vecka" every N weeks for a number of weeks or until a date;
closed days and holidays are skipped and the confirmation names them (R74). A refusal shows the
server's reason; the server saves all or nothing.

/leisure                    this week            /leisure/2026-W51             another week
/leisure/2026-W51/2026-12-17  one day (back: its week)   /leisure/week   the week form"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import checked, typed
from components.guardians_only import refused_for_students
from components.scaffold import heading, scaffold, subheading
from components.schoolday import changes_of, opener, purple_button, row_card, school_day, use_reload_on_change
from components.store import use_store
from components.theme import PURPLE
from components.top_bar import named_icon_button
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.areas import area_title
from services.schoolday import DayTimes, LeisureDay, LeisureWeek, iso_week_of, monday_of, new_key, school_day_error, shift_week

WEEK = re.compile(r"\d{4}-W\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
HHMM = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


def normal_time(text: str) -> str | None:
    """"7:30", "07.30" → "07:30"; None when it is not a time of day."""
    match = HHMM.fullmatch(text.strip())
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def week_from_param(raw: str, today: date) -> str:
    if WEEK.fullmatch(raw or ""):
        try:
            monday_of(raw)
            return raw
        except ValueError:
            pass
    return iso_week_of(today)


def title_of(state: Any) -> str:
    child = state.selected_child
    return area_title("leisure", state.i18n, child.unit_kind if child else "school")


def day_summary(d: LeisureDay, _: Any) -> str:
    if d.closed is not None:
        return _("Closed") + (f": {d.closed.reason}" if d.closed.reason else "")
    if d.registered:
        return f"{d.start}–{d.end}"
    return _("No times registered")


@ft.component
def LeisureScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "leisure")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    week = week_from_param(ft.use_route_params().get("week", ""), state.today())
    monday = monday_of(week)
    data = use_loaded(f"leisure:{week}", "/children/{pupil_id}/leisure", LeisureWeek, pupil=True, params={"week": week})
    use_reload_on_change(state, "leisure", data)
    today = state.today()

    header = ft.Row(
        [
            named_icon_button(ft.Icons.CHEVRON_LEFT, _("Previous week"), "leisure-previous-week",
                              opener(f"/leisure/{shift_week(week, -1)}"), color=None),
            ft.Semantics(identifier="leisure-week-label", content=ft.Text(
                f"{i18n.week_label(monday)} · {i18n.date_short(monday)} – {i18n.date_short(monday + timedelta(days=6))}",
                weight=ft.FontWeight.W_600)),
            named_icon_button(ft.Icons.CHEVRON_RIGHT, _("Next week"), "leisure-next-week",
                              opener(f"/leisure/{shift_week(week, 1)}"), color=None),
        ],
        wrap=True,
    )
    controls: list[ft.Control] = [heading(title_of(state))]
    child = state.selected_child
    if child is not None:
        controls.append(ft.Text(child.full_name + " · " + child.unit_name))
    controls += [
        subheading(_("Whole week")),
        header,
        ft.Row([purple_button("leisure-week-form", _("Add/Change week"), opener("/leisure/week"), icon=ft.Icons.DATE_RANGE)],
               wrap=True),
    ]
    empty = data_states(data, _, identifier="leisure-empty",
                        unavailable=_("The time registration is not available for this child."),
                        nothing_saved=_("This week is not saved on this device."))
    if empty is not None:
        return scaffold(controls + empty, data=data)
    assert data.value is not None
    for d in data.value.days:
        name = i18n.date_long(d.date).capitalize()
        summary = day_summary(d, _)
        icons: list[ft.Control] = []
        said = [name, summary]
        if d.comment:
            icons.append(ft.Icon(ft.Icons.CHAT_BUBBLE_OUTLINE, color=PURPLE, tooltip=_("Comment")))
            said.append(_("Comment: {text}").format(text=d.comment))
        if d.staff_comment:
            icons.append(ft.Icon(ft.Icons.FORUM, color=PURPLE, tooltip=_("Comment from the staff")))
            said.append(_("Comment from the staff"))
        if d.locked:
            icons.append(ft.Icon(ft.Icons.LOCK, color="#6B6B6B", tooltip=_("Locked")))
            said.append(_("Locked: can no longer be changed"))
        icons.append(ft.Icon(ft.Icons.CHEVRON_RIGHT))
        lines: list[ft.Control] = [
            ft.Text(name + (" · " + _("today") if d.date == today else ""), weight=ft.FontWeight.W_600),
            ft.Text(summary),
        ]
        if d.comment:
            lines.append(ft.Text(f"“{d.comment}”", italic=True, size=13))
        controls.append(row_card(f"leisure-day-{d.date.isoformat()}", ". ".join(said), lines,
                                 on_click=opener(f"/leisure/{week}/{d.date.isoformat()}"), trailing=icons,
                                 highlight=d.date == today))
    return scaffold(controls, data=data)


@ft.component
def LeisureDayScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "leisure")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    params = ft.use_route_params()
    raw_day = params.get("date", "")
    try:
        the_day = date.fromisoformat(raw_day) if DAY.fullmatch(raw_day) else state.today()
    except ValueError:
        the_day = state.today()
    week = iso_week_of(the_day)
    data = use_loaded(f"leisure:{week}", "/children/{pupil_id}/leisure", LeisureWeek, pupil=True, params={"week": week})
    use_reload_on_change(state, "leisure", data)
    d = data.value.day(the_day) if data.value else None
    start, set_start = ft.use_state(None)
    end, set_end = ft.use_state(None)
    comment, set_comment = ft.use_state(None)
    error, set_error = ft.use_state(None)
    saved, set_saved = ft.use_state(None)
    sending, set_sending = ft.use_state(False)

    controls: list[ft.Control] = [heading(i18n.date_long(the_day).capitalize()), ft.Text(title_of(state))]
    empty = data_states(data, _, identifier="leisure-day-empty")
    if empty is not None or d is None:
        return scaffold(controls + (empty or [message(_("This day is not in the week."), "leisure-day-empty")]), data=data)
    # The form starts from what is registered; typing keeps its own values.
    start_value = start if start is not None else (d.start or "")
    end_value = end if end is not None else (d.end or "")
    comment_value = comment if comment is not None else (d.comment or "")

    async def save(e: object = None) -> None:
        if sending:
            return
        s, t = normal_time(start_value), normal_time(end_value)
        if s is None or t is None:
            set_error(_("Write the times as hh:mm, e.g. 07:30."))
            return
        set_sending(True)
        try:
            await school_day(state).set_leisure_day(state.selected_child.id, the_day,
                                                    DayTimes(start=s, end=t, comment=comment_value))
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
            set_saved(None)
            set_sending(False)
            return
        set_sending(False)
        set_error(None)
        set_saved(_("Saved."))
        set_start(None)
        set_end(None)
        set_comment(None)
        changes_of(state).bump("leisure")

    async def remove(e: object) -> None:
        if sending:
            return
        set_sending(True)
        try:
            await school_day(state).clear_leisure_day(state.selected_child.id, the_day)
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
            set_sending(False)
            return
        set_sending(False)
        set_error(None)
        set_saved(_("The times are removed."))
        set_start(None)
        set_end(None)
        set_comment(None)
        changes_of(state).bump("leisure")

    facts: list[tuple[str, str]] = [(_("Times"), day_summary(d, _))]
    if d.opening is not None:
        facts.append((_("Opening hours"), f"{d.opening.opens}–{d.opening.closes}"))
    if d.comment:
        facts.append((_("Comment"), d.comment))
    if d.registered_by is not None:
        facts.append((_("Registered by"), d.registered_by.name + (f", {i18n.datetime(d.updated_at)}" if d.updated_at else "")))
    for title, value in facts:
        controls.append(ft.Semantics(identifier="leisure-fact", container=True, content=ft.Column(
            [ft.Text(title, size=13, color=PURPLE, weight=ft.FontWeight.W_600), ft.Text(value)], spacing=0)))
    if d.staff_comment:
        by = f" — {d.staff_comment_by.name}" if d.staff_comment_by else ""
        controls.append(ft.Semantics(identifier="leisure-staff-comment", container=True, content=ft.Container(
            content=ft.Column([ft.Text(_("Comment from the staff"), weight=ft.FontWeight.W_600, color=PURPLE),
                               ft.Text(d.staff_comment + by)], spacing=2),
            bgcolor="#EDE4F5", padding=12, border_radius=8)))
    if saved:
        controls.append(message(saved, "leisure-saved"))
    if d.locked:
        controls.append(ft.Semantics(identifier="leisure-day-locked", content=ft.Row([
            ft.Icon(ft.Icons.LOCK, color="#6B6B6B"),
            ft.Text(_("This day can no longer be changed. Send a message to the staff or phone them."), expand=True),
        ])))
        return scaffold(controls, data=data)
    if d.closed is not None:
        return scaffold(controls, data=data)
    opening = d.opening
    hint = _("Within the opening hours {opens}–{closes}").format(opens=opening.opens, closes=opening.closes) if opening else None
    controls += [
        subheading(_("Add/Change day")),
        ft.Row([
            ft.TextField(label=_("Start"), value=start_value, on_change=lambda e: set_start(typed(e)),
                         width=130, keyboard_type=ft.KeyboardType.DATETIME),
            ft.TextField(label=_("End"), value=end_value, on_change=lambda e: set_end(typed(e)),
                         width=130, keyboard_type=ft.KeyboardType.DATETIME),
        ], wrap=True),
    ]
    if hint:
        controls.append(ft.Text(hint, size=13, italic=True))
    controls += [
        ft.TextField(label=_("Comment (optional)"), value=comment_value, on_change=lambda e: set_comment(typed(e)),
                     max_length=500, width=420),
        ft.Text(_("e.g. grandfather picks up") + " · " + _("Do not write health information here (GDPR)."), size=13),
        ft.Row([
            purple_button("leisure-day-save", _("Save"), save, disabled=sending, icon=ft.Icons.SAVE),
            *([ft.TextButton(content=ft.Text(_("Remove the times")), icon=ft.Icons.DELETE_OUTLINE, on_click=remove,
                             tooltip=_("Remove the day's times"))] if d.registered else []),
        ], wrap=True),
    ]
    if error:
        controls.append(message(error, "leisure-error", error=True))
    return scaffold(controls, data=data)


WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


@ft.component
def LeisureWeekFormScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "leisure")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    today = state.today()
    this_week = iso_week_of(today)
    data = use_loaded(f"leisure:{this_week}", "/children/{pupil_id}/leisure", LeisureWeek, pupil=True,
                      params={"week": this_week})
    first, set_first = ft.use_state(None)
    times, set_times = ft.use_state({})  # weekday → (start, end)
    repeat, set_repeat = ft.use_state(False)
    every, set_every = ft.use_state("1")
    mode, set_mode = ft.use_state("count")  # count | until
    count, set_count = ft.use_state("4")
    until, set_until = ft.use_state("")
    error, set_error = ft.use_state(None)
    result, set_result = ft.use_state(None)
    sending, set_sending = ft.use_state(False)
    key = ft.use_ref(new_key())

    controls: list[ft.Control] = [heading(_("Add/Change week")), ft.Text(title_of(state))]
    empty = data_states(data, _, identifier="leisure-week-empty")
    if empty is not None:
        return scaffold(controls + empty, data=data)
    view = data.value
    assert view is not None
    # The first week: one whose Monday can still be scheduled (R74); the next eight to choose from.
    first_monday = monday_of(this_week)
    while first_monday <= view.locked_until:
        first_monday += timedelta(weeks=1)
    choices = [iso_week_of(first_monday + timedelta(weeks=i)) for i in range(8)]
    chosen = first if first in choices else choices[0]
    open_days = [wd for wd in WEEKDAYS if view.opening_on(wd) is not None]

    def changed() -> None:
        key.current = new_key()
        set_error(None)
        set_result(None)

    def set_time(wd: int, which: int):  # type: ignore[no-untyped-def]
        def handler(e: Any) -> None:
            value = typed(e)

            def update(current: dict) -> dict:  # type: ignore[type-arg]
                # From the current state, not this render's: two fields typed before a redraw
                # (start, then end) both count.
                pair = list(current.get(wd, ("", "")))
                pair[which] = value
                return {**current, wd: tuple(pair)}

            set_times(update)
            changed()

        return handler

    def on(setter):  # type: ignore[no-untyped-def]
        def handler(e: Any) -> None:
            setter(checked(e) if isinstance(e.control, ft.Checkbox) else typed(e))
            changed()

        return handler

    async def save(e: object = None) -> None:
        if sending:
            return
        days: dict[int, DayTimes] = {}
        for wd in open_days:
            s_raw, t_raw = times.get(wd, ("", ""))
            if not s_raw.strip() and not t_raw.strip():
                continue
            s, t = normal_time(s_raw), normal_time(t_raw)
            if s is None or t is None:
                set_error(_("Write the times as hh:mm, e.g. 07:30."))
                return
            days[wd] = DayTimes(start=s, end=t)
        if not days:
            set_error(_("Fill in the times of at least one day."))
            return
        every_weeks = count_weeks = None
        until_day = None
        if repeat:
            if not every.strip().isdigit() or not 1 <= int(every) <= 53:
                set_error(_("Repeat every 1 to 53 weeks."))
                return
            every_weeks = int(every)
            if mode == "count":
                if not count.strip().isdigit() or not 1 <= int(count) <= 53:
                    set_error(_("Repeat for 1 to 53 weeks."))
                    return
                count_weeks = int(count)
            else:
                try:
                    until_day = date.fromisoformat(until.strip())
                except ValueError:
                    set_error(_("Write the date as yyyy-mm-dd, e.g. 2027-01-29."))
                    return
        set_sending(True)
        try:
            done = await school_day(state).register_leisure_weeks(
                state.selected_child.id, chosen, days, key=key.current,
                every_weeks=every_weeks, count_weeks=count_weeks, until=until_day)
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
            set_sending(False)
            return
        set_sending(False)
        set_error(None)
        set_result(done)
        changes_of(state).bump("leisure")

    at = choices.index(chosen)

    def pick_week(w: str) -> None:
        set_first(w)
        changed()

    def week_text(w: str) -> str:
        m = monday_of(w)
        return f"{i18n.week_label(m)} ({i18n.date_short(m)} – {i18n.date_short(m + timedelta(days=6))})"

    controls += [
        ft.Text(_("Start on a week whose Monday can still be scheduled. Days left empty are not changed."), size=13),
        ft.Text(_("First week"), weight=ft.FontWeight.W_600),
        ft.Row([
            named_icon_button(ft.Icons.CHEVRON_LEFT, _("Earlier first week"), "leisure-first-week-earlier",
                              lambda e: pick_week(choices[at - 1]), color=None, disabled=at == 0),
            ft.Semantics(identifier="leisure-first-week", content=ft.Text(week_text(chosen))),
            named_icon_button(ft.Icons.CHEVRON_RIGHT, _("Later first week"), "leisure-first-week-later",
                              lambda e: pick_week(choices[at + 1]), color=None, disabled=at == len(choices) - 1),
        ], wrap=True),
    ]
    for wd in open_days:
        name = i18n.weekday(first_monday + timedelta(days=wd - 1)).capitalize()
        opening = view.opening_on(wd)
        s_raw, t_raw = times.get(wd, ("", ""))
        hours = f" · {opening.opens}–{opening.closes}" if opening else ""
        controls.append(ft.Column([
            ft.Text(name + hours, weight=ft.FontWeight.W_600),
            ft.Row([
                ft.TextField(label=_("{weekday} start").format(weekday=name), value=s_raw, on_change=set_time(wd, 0),
                             width=155, keyboard_type=ft.KeyboardType.DATETIME),
                ft.TextField(label=_("{weekday} end").format(weekday=name), value=t_raw, on_change=set_time(wd, 1),
                             width=155, keyboard_type=ft.KeyboardType.DATETIME),
            ], wrap=True),
        ], spacing=4))
    controls.append(ft.Checkbox(label=_("Repeat the registrations of this week"), value=repeat, on_change=on(set_repeat)))
    if repeat:
        controls += [
            ft.TextField(label=_("Every … weeks"), value=every, on_change=on(set_every), width=200,
                         keyboard_type=ft.KeyboardType.NUMBER),
            ft.Text(_("1 = every week, 2 = every other week"), size=13),
            ft.Semantics(identifier="leisure-repeat-mode", container=True, content=ft.RadioGroup(
                value=mode, on_change=on(set_mode),
                content=ft.Column([ft.Radio(value="count", label=_("For a number of weeks")),
                                   ft.Radio(value="until", label=_("Until a date"))]))),
        ]
        if mode == "count":
            controls.append(ft.TextField(label=_("Number of weeks"), value=count, on_change=on(set_count), width=200,
                                         keyboard_type=ft.KeyboardType.NUMBER))
        else:
            controls.append(ft.TextField(label=_("Last date (yyyy-mm-dd)"), value=until, on_change=on(set_until), width=240,
                                         keyboard_type=ft.KeyboardType.DATETIME))
    controls.append(purple_button("leisure-week-save", _("Save"), save, disabled=sending, icon=ft.Icons.SAVE))
    if error:
        controls.append(message(error, "leisure-error", error=True))
    if result is not None:
        registered = ", ".join(i18n.date_short(x) for x in result.registered)
        lines = [_("Saved for {n} days: {days}.").format(n=len(result.registered), days=registered)
                 if result.registered else _("No day was saved.")]
        if result.skipped_closed:
            lines.append(_("Skipped, closed or a holiday: {days}.").format(
                days=", ".join(i18n.date_short(x) for x in result.skipped_closed)))
        controls.append(message(" ".join(lines), "leisure-week-done"))
        controls.append(purple_button("leisure-to-week", _("Show the week"), opener(f"/leisure/{chosen}")))
    return scaffold(controls, data=data)
