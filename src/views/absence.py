"""Frånvaro (R40–R47): the child's earlier absences — reported by a guardian or registered by
the school, valid or invalid per lesson — newest first; each opens its detail. The green
"Anmäl frånvaro" button reports for today or tomorrow, whole day ("Heldag") or lessons of that
day's schedule (school), illness or leave with a comment (preschool, with the GDPR reminder).

/absence        the list               /absence/new   the report form → summary → confirmation
/absence/:id    one absence in detail (final: "Kontakta skolan för att ändra")"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import checked, typed
from components.guardians_only import refused_for_students
from components.scaffold import heading, scaffold, subheading
from components.schoolday import changes_of, green_button, opener, purple_button, row_card, school_day, use_reload_on_change
from components.store import use_store
from components.theme import ERROR, PURPLE
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.areas import area_title
from services.models import Lesson
from services.schoolday import PRESCHOOL_REASONS, SCHOOL_REASONS, Absence, AbsenceList, new_key, school_day_error


def reason_label(reason: str | None, _: Any) -> str:
    return {
        "illness": _("Illness"),
        "leave": _("Leave"),
        "other": _("Other"),
        "unexcused": _("Unexcused"),
        "late": _("Late"),
    }.get(reason or "", reason or "")


def kind_label(kind: str, _: Any) -> str:
    return {
        "reported": _("Reported by a guardian"),
        "valid": _("Valid absence, registered by the school"),
        "invalid": _("Invalid absence, registered by the school"),
    }.get(kind, kind)


def extent(absence: Absence, _: Any) -> str:
    if absence.whole_day:
        return _("Whole day")
    return ", ".join(f"{x.start}–{x.end} {x.subject}" for x in absence.lessons)


@ft.component
def AbsenceScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    child = state.selected_child
    data = use_loaded("absences", "/children/{pupil_id}/absences", AbsenceList, pupil=True)
    use_reload_on_change(state, "absence", data)
    is_student = state.user is not None and state.user.kind == "student"
    controls: list[ft.Control] = [heading(area_title("absence", i18n, child.unit_kind if child else "school"))]
    if child is not None:
        controls.append(ft.Text(child.full_name + " · " + child.unit_name))
    if not is_student and child is not None:
        controls.append(green_button("report-absence", _("Report absence"), opener("/absence/new"), icon=ft.Icons.ADD))
    controls.append(subheading(_("Earlier absences")))
    empty = data_states(data, _, identifier="absence-empty",
                        unavailable=_("Absence is not available from the school's server yet."),
                        nothing_saved=_("The absences are not saved on this device yet."))
    if empty is not None:
        controls += empty
    elif not data.value.items:
        controls.append(message(_("No absence has been reported or registered."), "absence-empty"))
    else:
        for a in data.value.items:
            day = i18n.date_long(a.date).capitalize()
            kind = kind_label(a.kind, _)
            what = extent(a, _)
            reason = reason_label(a.reason, _)
            label = ". ".join(p for p in (day, what, kind, reason) if p)
            colour = ERROR if a.kind == "invalid" else PURPLE
            controls.append(row_card(
                f"absence-{a.id}", label,
                [ft.Text(day, weight=ft.FontWeight.W_600),
                 ft.Text(what),
                 ft.Text(kind + (f" · {reason}" if reason else ""), color=colour, size=13)],
                on_click=opener(f"/absence/{a.id}"),
                trailing=[ft.Icon(ft.Icons.CHEVRON_RIGHT)],
            ))
    return scaffold(controls, data=data)


@ft.component
def AbsenceDetailScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    raw = ft.use_route_params().get("id", "")
    absence_id = int(raw) if raw.isdigit() else 0
    data = use_loaded(f"absence:{absence_id}", f"/absences/{absence_id}", Absence)
    child = next((c for c in state.children if data.value and c.id == data.value.pupil_id), state.selected_child)
    controls: list[ft.Control] = [heading(_("Absence"))]
    empty = data_states(data, _, identifier="absence-detail-empty",
                        unavailable=_("This absence could not be found."),
                        nothing_saved=_("This absence is not saved on this device yet."))
    if empty is not None:
        controls += empty
        return scaffold(controls, data=data)
    a = data.value
    assert a is not None
    rows = [
        (_("Child"), child.full_name if child else ""),
        (_("Date"), i18n.date_long(a.date).capitalize()),
        (_("Extent"), extent(a, _)),
        (_("Kind"), kind_label(a.kind, _)),
        (_("Reason"), reason_label(a.reason, _)),
        (_("Comment"), a.comment or ""),
        (_("Registered by"), a.registered_by.name if a.registered_by else ""),
        (_("Registered"), i18n.datetime(a.registered_at)),
    ]
    if a.updated_at:
        rows.append((_("Changed"), i18n.datetime(a.updated_at)))
    for title, value in rows:
        if value:
            controls.append(ft.Semantics(identifier="absence-detail-row", container=True, content=ft.Column(
                [ft.Text(title, size=13, color=PURPLE, weight=ft.FontWeight.W_600), ft.Text(value)], spacing=0)))
    school = child.unit_name if child else ""
    controls.append(ft.Container(
        content=ft.Semantics(identifier="absence-contact-school", live_region=False, content=ft.Text(
            _("A reported absence cannot be changed. Contact the school to change it: {school}.").format(school=school))),
        bgcolor="#FFF3CD", padding=12, border_radius=8,
    ))
    return scaffold(controls, data=data)


@ft.component
def NewAbsenceScreen() -> ft.View:
    store = use_store()
    state = store.state
    if (refused := refused_for_students(state, "absence")) is not None:
        return refused
    i18n = state.i18n
    _ = i18n.gettext
    child = state.selected_child
    preschool = child is not None and child.unit_kind == "preschool"
    today = state.today()
    days = {"today": today, "tomorrow": today + timedelta(days=1)}

    step, set_step = ft.use_state("form")  # form | summary | done
    which, set_which = ft.use_state("today")
    whole_day, set_whole_day = ft.use_state(True)
    chosen, set_chosen = ft.use_state(())
    reason, set_reason = ft.use_state("illness")
    comment, set_comment = ft.use_state("")
    error, set_error = ft.use_state(None)
    sending, set_sending = ft.use_state(False)
    done, set_done = ft.use_state(None)
    lessons, set_lessons = ft.use_state(None)  # None: loading; list: that day's lessons
    lessons_error, set_lessons_error = ft.use_state(None)
    key = ft.use_ref(new_key())
    day = days.get(which, today)
    pupil_id = child.id if child else None

    async def load_lessons() -> None:
        if preschool or pupil_id is None:
            set_lessons([])
            return
        set_lessons(None)
        set_lessons_error(None)
        try:
            set_lessons(await school_day(state).lessons_on(pupil_id, day))
        except SessionExpired:
            await store.session_ended()
        except (ApiError, ServerUnreachable) as exc:
            set_lessons([])
            set_lessons_error(school_day_error(exc, i18n))

    ft.use_effect(load_lessons, dependencies=[pupil_id, day.isoformat()])

    if child is None:
        return scaffold([heading(_("Report absence")), message(_("Choose a child first."), "absence-no-child")])

    def changed() -> None:
        """The form changed: a new submission, so a new Idempotency-Key."""
        key.current = new_key()
        set_error(None)

    def pick_day(e: Any) -> None:
        set_which(typed(e) or "today")
        set_chosen(())
        changed()

    def toggle_whole_day(e: Any) -> None:
        set_whole_day(checked(e))
        changed()

    def toggle_lesson(lesson_id: str):  # type: ignore[no-untyped-def]
        def handler(e: Any) -> None:
            on = checked(e)

            def update(current: tuple) -> tuple:  # type: ignore[type-arg]
                # From the current state: two lessons ticked before a redraw both count.
                ids = [x for x in current if x != lesson_id]
                return (*ids, lesson_id) if on else tuple(ids)

            set_chosen(update)
            changed()

        return handler

    def pick_reason(e: Any) -> None:
        set_reason(typed(e) or "illness")
        changed()

    def type_comment(e: Any) -> None:
        set_comment(typed(e))
        changed()

    day_lessons: list[Lesson] = lessons or []
    picked = [x for x in day_lessons if str(x.id) in chosen]

    def to_summary(e: object) -> None:
        if not preschool and not whole_day and not picked:
            set_error(_("Choose the lessons the child will miss, or report the whole day."))
            return
        if not preschool and lessons is not None and not day_lessons:
            set_error(_("The child has no lessons that day."))
            return
        set_error(None)
        set_step("summary")

    def back_to_form(e: object) -> None:
        key.current = new_key()
        set_step("form")

    async def send(e: object) -> None:
        if sending:
            return  # a double tap: the first one is on its way
        set_sending(True)
        try:
            absence = await school_day(state).report_absence(
                child.id, day=day, whole_day=preschool or whole_day,
                lesson_ids=[str(x.id) for x in picked], reason=reason, comment=comment, key=key.current)
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            set_error(school_day_error(exc, i18n))
            set_sending(False)
            return
        set_done(absence)
        set_error(None)
        set_sending(False)
        set_step("done")
        changes_of(state).bump("absence")

    reasons = PRESCHOOL_REASONS if preschool else SCHOOL_REASONS
    day_names = {"today": _("Today"), "tomorrow": _("Tomorrow")}
    day_text = {k: day_names[k] + ", " + i18n.date_long(v) for k, v in days.items()}
    summary_rows = [
        (_("Child"), child.full_name),
        (_("Date"), day_text[which]),
        (_("Extent"), _("Whole day") if preschool or whole_day
         else ", ".join(f"{x.start}–{x.end} {x.subject}" for x in picked)),
        (_("Reason"), reason_label(reason, _)),
        (_("Comment"), comment.strip()),
    ]

    def summary(rows: list[tuple[str, str]]) -> ft.Control:
        return ft.Semantics(identifier="absence-summary", container=True, content=ft.Column(
            [ft.Text(f"{t}: {v}") for t, v in rows if v], spacing=4))

    controls: list[ft.Control] = [heading(_("Report absence")), ft.Text(child.full_name + " · " + child.unit_name)]
    if step == "done" and done is not None:
        controls += [
            message(_("The absence is reported."), "absence-done"),
            summary(summary_rows),
            ft.Text(_("A reported absence cannot be changed. Contact the school to change it: {school}.").format(
                school=child.unit_name)),
            purple_button("absence-back-to-list", _("Back to absence"), opener("/absence")),
        ]
        return scaffold(controls)
    if step == "summary":
        controls += [
            subheading(_("Summary")),
            summary(summary_rows),
            ft.Row([
                green_button("absence-send", _("Report absence"), send, disabled=sending, icon=ft.Icons.SEND),
                ft.TextButton(content=ft.Text(_("Change")), icon=ft.Icons.EDIT, on_click=back_to_form,
                              tooltip=_("Change the report")),
            ], wrap=True),
        ]
        if sending:
            controls.append(ft.ProgressRing(semantics_label=_("Sending")))
        if error:
            controls.append(message(error, "absence-error", error=True))
        return scaffold(controls)

    controls.append(subheading(_("Day")))
    controls.append(ft.Semantics(identifier="absence-day", container=True, content=ft.RadioGroup(
        value=which, on_change=pick_day,
        content=ft.Column([ft.Radio(value=k, label=day_text[k]) for k in days]),
    )))
    if not preschool:
        controls.append(ft.Checkbox(label=_("Whole day"), value=whole_day, on_change=toggle_whole_day, data="absence-whole-day"))
        if not whole_day:
            controls.append(subheading(_("Lessons")))
            if lessons is None:
                controls.append(ft.ProgressRing(semantics_label=_("Loading")))
            elif lessons_error:
                controls.append(message(lessons_error, "absence-lessons-error", error=True))
            elif not day_lessons:
                controls.append(message(_("The child has no lessons that day."), "absence-no-lessons"))
            for lesson in day_lessons:
                controls.append(ft.Checkbox(
                    label=f"{lesson.start}–{lesson.end} {lesson.subject}", value=str(lesson.id) in chosen,
                    on_change=toggle_lesson(str(lesson.id))))
    controls.append(subheading(_("Reason")))
    controls.append(ft.Semantics(identifier="absence-reason", container=True, content=ft.RadioGroup(
        value=reason, on_change=pick_reason,
        content=ft.Column([ft.Radio(value=r, label=reason_label(r, _)) for r in reasons]),
    )))
    controls.append(ft.TextField(label=_("Comment (optional)"), value=comment, on_change=type_comment, multiline=True,
                                 min_lines=2, max_lines=5, max_length=1000, width=420))
    if preschool:
        controls.append(ft.Text(_("e.g. leave"), size=13))
    controls.append(ft.Semantics(identifier="gdpr-reminder", content=ft.Row([
        ft.Icon(ft.Icons.PRIVACY_TIP, color=ERROR, size=18),
        ft.Text(_("Do not write health information here (GDPR)."), color=ERROR, expand=True),
    ])))
    controls.append(purple_button("absence-next", _("Continue"), to_summary, icon=ft.Icons.ARROW_FORWARD))
    if error:
        controls.append(message(error, "absence-error", error=True))
    return scaffold(controls)
