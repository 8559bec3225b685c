"""R54: Dokumentation — the tabs Portfolio (the teacher's documentation of the pupil's
development and learning, with files) and IUP (the forward-looking individual plan), behind
BankID (R5). Each item opens in full; files download with their own names."""

from __future__ import annotations

import logging

import flet as ft

from components.bankid_gate import BankIdGate, use_protected
from components.data import message
from components.forms import tab_index
from components.scaffold import heading, scaffold
from components.store import use_store
from components.theme import PURPLE
from services import protected
from services.api import ApiError, ServerUnreachable
from services.errors import error_message
from services.i18n import I18n
from views.assessments import _retry, term_label

log = logging.getLogger("skolhub.app.documentation")


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} kB"


@ft.component
def DocumentationScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    tab, set_tab = ft.use_state(0)
    notice, set_notice = ft.use_state("")
    # Which items are open: kept here, so a redraw (a new count, a resize) does not close them.
    opened, set_opened = ft.use_state(frozenset())

    def toggler(key: str):  # type: ignore[no-untyped-def]
        def handler(e: object) -> None:
            set_opened(lambda keys: keys - {key} if key in keys else keys | {key})

        return handler

    async def load(api, pupil_id):  # type: ignore[no-untyped-def]
        entries = await protected.portfolio(api, pupil_id)
        plans = await protected.iup(api, pupil_id)
        await state.refresh_counts()
        return protected.newest_first(entries), plans

    box = use_protected("documentation", load)

    def downloader(file: protected.PortfolioFile):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            try:
                got = await protected.download(state.api, file)
            except protected.BankIdRequired:
                await box.reload()
                return
            except (ApiError, ServerUnreachable) as exc:
                set_notice(error_message(exc, i18n))
                return
            saved = await ft.FilePicker().save_file(file_name=got.filename, src_bytes=got.data)
            if saved or ft.context.page.web:
                set_notice(_("Downloaded {name}.").format(name=got.filename))

        return handler

    async def changed(e: ft.Event[ft.Tabs]) -> None:
        set_tab(tab_index(e))

    controls: list[ft.Control] = [heading(_("Documentation"))]
    if box.need_bankid:
        controls.append(BankIdGate(box.opened, _("Documentation")))
    elif box.error:
        controls += [message(box.error, "documentation-error", error=True), _retry(box, _)]
    elif box.value is None:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    else:
        entries, plans = box.value
        controls.append(
            ft.Tabs(
                length=2, selected_index=tab, on_change=changed,
                content=ft.TabBar(tabs=[ft.Tab(label=_("Portfolio")), ft.Tab(label=_("IUP"))], scrollable=False),
            )
        )
        if notice:
            controls.append(message(notice, "documentation-notice"))
        if tab == 0:
            if not entries:
                controls.append(message(_("Nothing has been documented in the portfolio yet."), "portfolio-empty"))
            for entry in entries:
                key = f"portfolio-{entry.id}"
                controls.append(_entry_tile(entry, i18n, downloader, key in opened, toggler(key)))
        else:
            if not plans:
                controls.append(message(_("No IUP has been published yet."), "iup-empty"))
            for plan in plans:
                key = f"iup-{plan.id}"
                controls.append(_iup_tile(plan, i18n, key in opened, toggler(key)))
    return scaffold(controls)


def _entry_tile(entry: protected.PortfolioEntry, i18n: I18n, downloader, expanded: bool, on_change) -> ft.Control:  # type: ignore[no-untyped-def]
    _ = i18n.gettext
    about = _("For the whole class {group}").format(group=entry.group_name) if entry.for_group and entry.group_name else ""
    meta = " · ".join(x for x in (i18n.datetime(entry.published_at), entry.teacher_name or "", about) if x)
    inside: list[ft.Control] = []
    if entry.body:
        inside.append(ft.Text(entry.body))
    for file in entry.files:
        inside.append(
            ft.Semantics(
                identifier=f"portfolio-file-{file.id}", button=True,
                content=ft.OutlinedButton(
                    content=ft.Text(_("Download {name} ({size})").format(name=file.filename, size=size_label(file.size))),
                    icon=ft.Icons.DOWNLOAD, on_click=downloader(file),
                ),
            )
        )
    if not inside:
        inside.append(ft.Text(_("No text or files."), italic=True))
    return ft.Semantics(
        identifier=f"portfolio-{entry.id}",
        content=ft.ExpansionTile(
            title=ft.Text(entry.title, weight=ft.FontWeight.W_600), subtitle=ft.Text(meta, size=12),
            leading=ft.Icon(ft.Icons.FOLDER_OPEN, color=PURPLE),
            controls=[ft.Container(content=ft.Column(inside, spacing=8), padding=ft.Padding.only(left=16, right=16, bottom=12))],
            expanded_cross_axis_alignment=ft.CrossAxisAlignment.START, expanded_alignment=ft.Alignment.TOP_LEFT,
            expanded=expanded, on_change=on_change,
        ),
    )


def _iup_tile(plan: protected.Iup, i18n: I18n, expanded: bool, on_change) -> ft.Control:  # type: ignore[no-untyped-def]
    _ = i18n.gettext
    parts: list[ft.Control] = []
    for label, text in (
        (_("Goals"), plan.goals),
        (_("What the school does"), plan.school_actions),
        (_("What the pupil does"), plan.pupil_actions),
        (_("What the guardians do"), plan.guardian_actions),
    ):
        if text:
            parts += [ft.Text(label, weight=ft.FontWeight.W_600), ft.Text(text)]
    meta = " · ".join(x for x in (i18n.datetime(plan.published_at), plan.teacher_name or "") if x)
    return ft.Semantics(
        identifier=f"iup-{plan.id}",
        content=ft.ExpansionTile(
            title=ft.Text(_("IUP, {term}").format(term=term_label(plan.term, i18n)), weight=ft.FontWeight.W_600),
            subtitle=ft.Text(meta, size=12), leading=ft.Icon(ft.Icons.FLAG, color=PURPLE),
            controls=[ft.Container(content=ft.Column(parts, spacing=6), padding=ft.Padding.only(left=16, right=16, bottom=12))],
            expanded_cross_axis_alignment=ft.CrossAxisAlignment.START, expanded_alignment=ft.Alignment.TOP_LEFT,
            expanded=expanded, on_change=on_change,
        ),
    )
