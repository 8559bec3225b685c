"""Utvecklingssamtal (R30–R34): the published times grouped by teacher (book the time of the
child's own teacher, R31); the booked talk on top with "Avboka", which asks first and then
offers "Skriv ett meddelande till läraren" (R33) — the compose screen with the teacher and the
subject filled in. A time someone else took meanwhile is the server's talk_time_already_booked,
said in Swedish, and the list is fetched again (R34).

/talks            the times and the booked talk
/talks/:time_id   book one time, with an optional message to the teacher (R32)"""

from __future__ import annotations

from typing import Any

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import typed
from components.guardians_only import refused_for_students
from components.scaffold import heading, scaffold, subheading
from components.schoolday import changes_of, green_button, opener, purple_button, row_card, school_day, use_reload_on_change
from components.store import go, use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.schoolday import ChildTalks, TalkTime, message_route, new_key, school_day_error


def when_text(t: TalkTime, i18n: Any) -> str:
    return f"{i18n.date_long(t.date).capitalize()} {t.start}–{t.end}"


def cancel_subject(t: TalkTime, i18n: Any) -> str:
    return i18n.gettext("Cancelled development talk {date} {time}").format(date=i18n.date_long(t.date), time=t.start)


@ft.component
def TalksScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "talks")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    data = use_loaded("talks", "/children/{pupil_id}/talks", ChildTalks, pupil=True)
    use_reload_on_change(state, "talks", data)
    asking, set_asking = ft.use_state(None)  # the TalkTime whose cancellation is being confirmed
    cancelled, set_cancelled = ft.use_state(None)  # (teacher id, teacher name, subject) after Avboka
    busy, set_busy = ft.use_state(False)
    error, set_error = ft.use_state(None)

    async def confirm_cancel(e: object) -> None:
        t = asking
        if t is None or t.booking_id is None or busy:
            return
        set_busy(True)
        try:
            await school_day(state).cancel_talk(t.booking_id)
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
        else:
            set_error(None)
            set_cancelled((t.teacher.id, t.teacher.name, cancel_subject(t, i18n)))
            changes_of(state).bump("talks")
        finally:
            set_busy(False)
            set_asking(None)

    def keep(e: object) -> None:
        set_asking(None)

    dialog = None
    if asking is not None:
        dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text(_("Cancel the talk?")),
            content=ft.Text(_("{when} with {teacher}. The time becomes free for others.").format(
                when=when_text(asking, i18n), teacher=asking.teacher.name)),
            actions=[
                ft.TextButton(content=ft.Text(_("Keep the talk")), on_click=keep),
                ft.Button(content=ft.Text(_("Yes, cancel")), on_click=confirm_cancel, bgcolor=PURPLE,
                          color=ft.Colors.WHITE, disabled=busy),
            ],
        )
    ft.use_dialog(dialog)

    def ask(t: TalkTime):  # type: ignore[no-untyped-def]
        def handler(e: object) -> None:
            set_cancelled(None)
            set_asking(t)

        return handler

    controls: list[ft.Control] = [heading(_("Development talks"))]
    child = state.selected_child
    if child is not None:
        controls.append(ft.Text(child.full_name + " · " + child.unit_name))
    if cancelled is not None:
        teacher_id, teacher_name, subject = cancelled
        controls += [
            message(_("The talk is cancelled. Send a message to {teacher} too, so the cancellation reaches them.").format(
                teacher=teacher_name), "talk-cancelled"),
            purple_button("talk-write-teacher", _("Write a message to the teacher"),
                          opener(message_route(teacher_id, subject)), icon=ft.Icons.MAIL),
        ]
    if error:
        controls.append(message(error, "talks-error", error=True))
    empty = data_states(data, _, identifier="talks-empty",
                        unavailable=_("Development talks are not available from the school's server yet."),
                        nothing_saved=_("The talk times are not saved on this device yet."))
    if empty is not None:
        controls += empty
        return scaffold(controls, data=data)
    talks = data.value
    assert talks is not None
    for series, t in talks.booked():
        controls.append(subheading(_("Your booked talk")))
        controls.append(row_card(
            f"booked-talk-{t.id}",
            _("Booked: {when} with {teacher}, {place}").format(when=when_text(t, i18n), teacher=t.teacher.name, place=t.place),
            [ft.Text(series.title, size=13, color=PURPLE),
             ft.Text(when_text(t, i18n), weight=ft.FontWeight.W_600),
             ft.Text(f"{t.teacher.name} · {t.place}")],
            highlight=True,
        ))
        controls.append(ft.Semantics(identifier=f"cancel-talk-{t.id}", content=ft.OutlinedButton(
            content=ft.Text(_("Cancel booking")), icon=ft.Icons.EVENT_BUSY, on_click=ask(t),
            tooltip=_("Cancel the booked talk"))))
    if not talks.has_times:
        controls.append(message(_("The school has not published any talk times for this child."), "talks-none"))
        return scaffold(controls, data=data)
    controls.append(ft.Semantics(identifier="talks-hint", content=ft.Text(
        _("Several teachers may hold talks with the class: book a time with your child's own teacher."), italic=True)))
    for series in talks.series:
        if not series.times:
            continue
        controls.append(subheading(series.title))
        has_booking = series.booked_time is not None
        for teacher, times in series.by_teacher():
            controls.append(ft.Semantics(header=True, heading_level=3, content=ft.Text(
                teacher.name, weight=ft.FontWeight.BOLD, color=PURPLE)))
            for t in times:
                if t.booked_by_this_child:
                    status, trailing = _("Booked by you"), [ft.Icon(ft.Icons.CHECK_CIRCLE, color=PURPLE)]
                elif t.booked:
                    status, trailing = _("Taken"), []
                elif has_booking:
                    status, trailing = _("Free"), []
                else:
                    status = _("Free")
                    trailing = [green_button(f"book-talk-{t.id}", _("Book"), opener(f"/talks/{t.id}"))]
                controls.append(row_card(
                    f"talk-time-{t.id}",
                    f"{when_text(t, i18n)}, {t.teacher.name}, {t.place}. {status}",
                    [ft.Text(i18n.date_long(t.date).capitalize(), size=13),
                     ft.Text(f"{t.start}–{t.end}", weight=ft.FontWeight.W_600),
                     ft.Text(f"{t.place} · {status}", size=13, color=PURPLE)],
                    trailing=trailing,
                ))
        if has_booking:
            controls.append(ft.Text(_("To choose another time, cancel the booked one first."), italic=True, size=13))
    return scaffold(controls, data=data)


@ft.component
def BookTalkScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "talks")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    raw = ft.use_route_params().get("time_id", "")
    time_id = int(raw) if raw.isdigit() else 0
    data = use_loaded("talks", "/children/{pupil_id}/talks", ChildTalks, pupil=True)
    text, set_text = ft.use_state("")
    error, set_error = ft.use_state(None)
    sending, set_sending = ft.use_state(False)
    key = ft.use_ref(new_key())

    controls: list[ft.Control] = [heading(_("Book a development talk"))]
    empty = data_states(data, _, identifier="talk-book-empty")
    if empty is not None:
        return scaffold(controls + empty, data=data)
    assert data.value is not None
    found = data.value.find(time_id)
    child = state.selected_child
    if found is None or child is None:
        controls.append(message(_("This time is no longer published."), "talk-book-gone"))
        controls.append(purple_button("talk-back", _("Back to the talk times"), opener("/talks")))
        return scaffold(controls, data=data)
    series, t = found

    def type_message(e: Any) -> None:
        set_text(typed(e))
        key.current = new_key()

    async def book(e: object) -> None:
        if sending:
            return  # a double tap: the first one is on its way
        set_sending(True)
        try:
            await school_day(state).book_talk(t.id, child.id, text, key.current)
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
            set_sending(False)
            if isinstance(exc, ApiError) and exc.status == 409:
                changes_of(state).bump("talks")  # the list under this screen shows who has what now
                await data.reload()
            return
        set_sending(False)
        changes_of(state).bump("talks")
        await go("/talks")

    controls += [
        row_card(f"talk-chosen-{t.id}",
                 f"{series.title}: {when_text(t, i18n)}, {t.teacher.name}, {t.place}",
                 [ft.Text(series.title, size=13, color=PURPLE),
                  ft.Text(when_text(t, i18n), weight=ft.FontWeight.W_600),
                  ft.Text(f"{t.teacher.name} · {t.place}")], highlight=True),
        ft.TextField(label=_("Message to the teacher (optional)"), value=text, on_change=type_message,
                     multiline=True, min_lines=3, max_lines=8, max_length=2000, width=420),
        ft.Text(_("The teacher sees the message in the overview of talks; no notice is sent."), size=13, italic=True),
    ]
    if t.booked and not t.booked_by_this_child:
        controls.append(message(_("Someone else has just booked that time. Choose another time."), "talk-taken",
                                error=True))
        controls.append(purple_button("talk-back", _("Back to the talk times"), opener("/talks")))
        return scaffold(controls, data=data)
    controls.append(green_button("talk-book", _("Book the time"), book, disabled=sending, icon=ft.Icons.EVENT_AVAILABLE))
    if sending:
        controls.append(ft.ProgressRing(semantics_label=_("Sending")))
    if error:
        controls.append(message(error, "talk-error", error=True))
        controls.append(purple_button("talk-back", _("Back to the talk times"), opener("/talks")))
    return scaffold(controls, data=data)
