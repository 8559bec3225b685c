"""R52: Bedömningar — the published subject assessments (ämnesomdöme) per subject, newest first,
behind BankID (R5). Opening the box marks its notifications seen (the server does it)."""

from __future__ import annotations

import flet as ft

from components.bankid_gate import BankIdGate, use_protected
from components.data import message
from components.scaffold import heading, scaffold, subheading
from components.store import use_store
from components.theme import PURPLE, PURPLE_LIGHT
from services import protected
from services.i18n import I18n


def term_label(term: str, i18n: I18n) -> str:
    """"HT2026" → "Höstterminen 2026" / "Autumn term 2026"."""
    _ = i18n.gettext
    if term[:2] == "HT":
        return _("Autumn term {year}").format(year=term[2:])
    if term[:2] == "VT":
        return _("Spring term {year}").format(year=term[2:])
    return term


@ft.component
def AssessmentsScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext

    async def load(api, pupil_id):  # type: ignore[no-untyped-def]
        items = await protected.assessments(api, pupil_id)
        await state.refresh_counts()  # the server marked the box's notifications seen
        return items

    box = use_protected("assessments", load)
    controls: list[ft.Control] = [heading(_("Assessments"))]
    if box.need_bankid:
        controls.append(BankIdGate(box.opened, _("Assessments")))
    elif box.error:
        controls += [message(box.error, "assessments-error", error=True), _retry(box, _)]
    elif box.value is None:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    elif not box.value:
        controls.append(message(_("No assessments have been published yet."), "assessments-empty"))
    else:
        controls.append(subheading(_("Subject assessments")))
        for group in protected.by_subject(box.value):
            controls.append(_subject_card(group, i18n))
    return scaffold(controls)


def _retry(box, _):  # type: ignore[no-untyped-def]
    async def again(e: object) -> None:
        await box.reload()

    return ft.TextButton(content=ft.Text(_("Try again")), icon=ft.Icons.REFRESH, on_click=again)


def _subject_card(group: protected.SubjectAssessments, i18n: I18n) -> ft.Control:
    _ = i18n.gettext
    rows: list[ft.Control] = []
    for a in group.assessments:
        by = _("by {teacher}").format(teacher=a.teacher_name) if a.teacher_name else ""
        published = _("Published {when}").format(when=i18n.datetime(a.published_at))
        rows.append(
            ft.Semantics(
                identifier=f"assessment-{a.id}",
                container=True,
                content=ft.Column(
                    [
                        ft.Text(f"{term_label(a.term, i18n)}: {a.level_text(i18n.language)}", weight=ft.FontWeight.W_600),
                        ft.Text(a.comment) if a.comment else ft.Container(),
                        ft.Text(" · ".join(x for x in (published, by) if x), size=12, italic=True),
                    ],
                    spacing=4,
                ),
            )
        )
    return ft.Container(
        content=ft.Column([subheading(group.subject), *rows], spacing=10),
        bgcolor=PURPLE_LIGHT, border_radius=12, padding=14,
        border=ft.Border.all(1, PURPLE),
    )
