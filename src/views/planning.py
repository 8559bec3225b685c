"""Planeringar (R53, school only): the teachers' plans for the child's groups by subject; a plan
opens at /planning/:id (marking it read) with its attachments, which download under their real
names."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from services.api import ApiError, ServerUnreachable
from services.content import Plan, PlanAttachment, PlanList, content_error_message
from views.content_common import after_open, content_service, human_size, item_card, meta, save_download


def period_text(plan: Plan, state) -> str:  # type: ignore[no-untyped-def]
    i18n = state.i18n
    if plan.period_start and plan.period_end:
        return f"{i18n.date_short(plan.period_start)} – {i18n.date_short(plan.period_end)}"
    if plan.period_start:
        return i18n.gettext("From {day}").format(day=i18n.date_short(plan.period_start))
    return ""


@ft.component
def PlanningScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("planning", "/children/{pupil_id}/planning", PlanList, pupil=True)
    controls: list[ft.Control] = [heading(_("Planning"))]
    empty = data_states(data, _, identifier="planning-empty",
                        unavailable=_("Planning is not available for this child."))
    if empty is not None:
        return scaffold(controls + empty, data=data)
    if not data.value.items:
        controls.append(message(_("No plans for this child right now."), "planning-empty"))

    def opener(plan: Plan):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/planning/{plan.id}")

        return handler

    for subject in data.value.subjects:
        controls.append(subheading(subject))
        for plan in (p for p in data.value.items if p.subject == subject):
            details = [p for p in (plan.group_name, period_text(plan, state)) if p]
            if plan.attachments:
                details.append(state.i18n.ngettext("{n} attachment", "{n} attachments", len(plan.attachments)).format(n=len(plan.attachments)))
            controls.append(item_card(
                [ft.Text(plan.title, weight=ft.FontWeight.W_600, size=16), meta(" · ".join(details))],
                label=_("Plan: {subject}, {title}. Open").format(subject=plan.subject, title=plan.title),
                identifier=f"plan-{plan.id}", on_click=opener(plan),
            ))
    return scaffold(controls, data=data)


@ft.component
def PlanScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    plan_id = ft.use_route_params().get("id", "")
    data = use_loaded(f"planning:{plan_id}", f"/children/{{pupil_id}}/planning/{plan_id}", Plan, pupil=True, after=after_open(state))
    status, set_status = ft.use_state(("", False))
    empty = data_states(data, _, identifier="plan-empty", unavailable=_("This plan cannot be found."),
                        nothing_saved=_("This plan is not saved on this device."))
    if empty is not None:
        return scaffold([heading(_("Planning")), *empty], data=data)
    plan = data.value

    def downloader(attachment: PlanAttachment):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            try:
                downloaded = await content_service(state).download_attachment(attachment)
                await save_download(downloaded)
                set_status((_("Downloaded: {name}").format(name=downloaded.file_name), False))
            except (ApiError, ServerUnreachable) as exc:
                set_status((content_error_message(exc, state.i18n), True))

        return handler

    controls: list[ft.Control] = [
        meta(plan.subject),
        heading(plan.title),
        meta(" · ".join(p for p in (plan.group_name, period_text(plan, state), plan.author) if p)),
        ft.Text(plan.body),
    ]
    if plan.attachments:
        controls.append(subheading(_("Attachments")))
        if status[0]:
            controls.append(message(status[0], "plan-status", error=status[1]))
        for attachment in plan.attachments:
            controls.append(item_card(
                [
                    ft.Row([ft.Icon(ft.Icons.ATTACH_FILE, size=18),
                            ft.Text(attachment.file_name, weight=ft.FontWeight.W_600, expand=True)]),
                    meta(human_size(attachment.size, _)),
                    ft.Row([ft.Semantics(identifier=f"attachment-download-{attachment.id}", content=ft.FilledTonalButton(
                        content=ft.Text(_("Download")), icon=ft.Icons.DOWNLOAD, on_click=downloader(attachment),
                        tooltip=_("Download {name}").format(name=attachment.file_name),
                    ))]),
                ],
                label=attachment.file_name, identifier=f"attachment-{attachment.id}",
            ))
    return scaffold(controls, data=data)
