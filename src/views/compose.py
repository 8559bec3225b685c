"""R22–R24: a new message — "Till" (several staff of the child's school, searchable by name),
"Titel", the message, "Skicka". Opened from the envelope with a plus sign, the inbox's button, or
as /messages/new?to=<staff id>&subject=<text> (e.g. after cancelling a talk, R33).

The draft is saved on the device while it is typed and offered again after leaving or a reload;
a message sent while the server cannot be reached waits in the outbox ("Väntar på anslutning")."""

from __future__ import annotations

import uuid

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import checked, typed, use_field
from components.messages_ui import role_label, use_compose_query, when
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.compose import Addressee, ComposeError, Draft, compose_error_message, compose_for, new_message_key
from services.models import Recipient, RecipientList


@ft.component
def ComposeScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    composer = compose_for(state)
    child = state.selected_child
    pupil_id = child.id if child else 0
    base_key = new_message_key(pupil_id)
    to_ids, prefill_subject = use_compose_query()
    directory = use_loaded("message-recipients", "/children/{pupil_id}/message-recipients", RecipientList, pupil=True)

    start = ft.use_ref(None)
    if start.current is None:
        saved = composer.latest_new_draft(pupil_id) if state.user else None
        if to_ids or prefill_subject:
            # Opened for a purpose (e.g. after cancelling a talk): that comes first, under its own
            # key, so a different saved draft is offered and never overwritten.
            own_key = base_key if saved is None else f"{base_key}:{uuid.uuid4().hex[:8]}"
            first = Draft(own_key, pupil_id=pupil_id, recipients=[Addressee(i, "") for i in to_ids], subject=prefill_subject)
            start.current = (first, saved, None)
        else:
            start.current = (saved or Draft(base_key, pupil_id=pupil_id), None, saved)
    first, first_offer, first_restored = start.current

    key, set_key = ft.use_state(first.key)
    chosen, set_chosen = ft.use_state(list(first.recipients))
    subject, set_subject = use_field(first.subject)
    body, set_body = use_field(first.body)
    search, set_search = use_field("")
    offer, set_offer = ft.use_state(first_offer)
    restored, set_restored = ft.use_state(first_restored)
    error, set_error = ft.use_state(None)
    busy, set_busy = ft.use_state(False)
    autosave = ft.use_ref(None)
    if state.user is not None and (autosave.current is None or autosave.current.key != key):
        if autosave.current is not None:
            autosave.current.flush()
        autosave.current = composer.autosave(key)

    def leave() -> None:
        if autosave.current is not None:
            autosave.current.flush()  # leaving the screen (or the session ending) keeps what was typed

    ft.use_effect(lambda: None, dependencies=[], cleanup=leave)

    people: list[Recipient] = directory.value.recipients if directory.value else []
    by_id = {r.id: r for r in people}
    named = [Addressee(a.id, by_id[a.id].name if a.id in by_id else a.name) for a in chosen]
    if directory.value is not None and not directory.offline:
        named = [a for a in named if a.id in by_id]  # a prefilled id that is not staff of this child's school

    def keep(recipients: list[Addressee] | None = None, new_subject: str | None = None, new_body: str | None = None) -> None:
        if autosave.current is None:
            return
        autosave.current.update(Draft(
            key, pupil_id=pupil_id,
            recipients=recipients if recipients is not None else named,
            subject=new_subject if new_subject is not None else subject,
            body=new_body if new_body is not None else body,
        ))

    def toggle(recipient: Recipient):  # type: ignore[no-untyped-def]
        def handler(e: ft.Event[ft.Checkbox]) -> None:
            ids = [a.id for a in named]
            updated = [a for a in named if a.id != recipient.id]
            if checked(e) and recipient.id not in ids:
                updated.append(Addressee.of(recipient))
            set_chosen(updated)
            set_error(None)
            keep(recipients=updated)

        return handler

    def remove(person: Addressee):  # type: ignore[no-untyped-def]
        def handler(e: object) -> None:
            updated = [a for a in named if a.id != person.id]
            set_chosen(updated)
            keep(recipients=updated)

        return handler

    def typed_subject(value: str) -> None:
        set_subject(value)
        set_error(None)
        keep(new_subject=value)

    def typed_body(value: str) -> None:
        set_body(value)
        set_error(None)
        keep(new_body=value)

    def use_offer(e: object) -> None:
        """Switch to the saved draft; what was prefilled here stays a draft of its own if typed in."""
        if offer is None:
            return
        if autosave.current is not None:
            autosave.current.flush()
        set_key(offer.key)
        set_chosen(list(offer.recipients))
        set_subject(offer.subject)
        set_body(offer.body)
        set_offer(None)
        set_restored(offer)

    def drop_offer(e: object) -> None:
        if offer is not None:
            composer.discard_draft(offer.key)
        set_offer(None)

    def discard(e: object) -> None:
        if autosave.current is not None:
            autosave.current.cancel()
        composer.discard_draft(key)
        set_chosen([])
        set_subject("")
        set_body("")
        set_offer(None)
        set_restored(None)
        set_error(None)

    async def send(e: object) -> None:
        if busy or child is None:
            return
        set_busy(True)
        if autosave.current is not None:
            autosave.current.flush()
        try:
            await composer.send_new(child.id, named, subject, body, draft_key=key)
        except SessionExpired:
            await store.session_ended()
            return
        except (ComposeError, ApiError, ServerUnreachable) as exc:
            set_error(compose_error_message(exc, i18n))
            set_busy(False)
            return
        if autosave.current is not None:
            autosave.current.cancel()
        await go("/messages/sent")

    controls: list[ft.Control] = [heading(_("New message"))]
    if child is None:
        controls.append(message(_("There is no child to write about."), "compose-empty"))
        return scaffold(controls, data=directory)
    controls.append(ft.Text(_("About {name}, {unit}").format(name=child.full_name, unit=child.unit_name), size=13))

    if offer is not None:
        controls.append(ft.Container(
            content=ft.Column([
                message(_("You have a saved draft from {time}: “{subject}”.").format(
                    time=when(i18n, offer.updated_at), subject=offer.subject or _("(no title)")), "draft-offer"),
                ft.Row([
                    ft.Button(content=ft.Text(_("Continue the draft")), icon=ft.Icons.RESTORE, on_click=use_offer),
                    ft.TextButton(content=ft.Text(_("Discard the saved draft")), icon=ft.Icons.DELETE_OUTLINE, on_click=drop_offer),
                ], wrap=True),
            ], spacing=6),
            padding=12, border_radius=8, bgcolor="#FFF4D6",
        ))
    elif restored is not None:
        note = _("Your draft “{subject}” from {time} is back.").format(
            subject=restored.subject or _("(no title)"), time=when(i18n, restored.updated_at))
        if restored.error_code:
            note += " " + _("It could not be sent:") + " " + compose_error_message(ComposeError(restored.error_code, ""), i18n)
        controls.append(ft.Row([
            message(note, "draft-restored"),
            ft.TextButton(content=ft.Text(_("Discard the draft")), icon=ft.Icons.DELETE_OUTLINE, on_click=discard),
        ], wrap=True))

    # "Till": the chosen ones, then the directory, searchable by name (R22, R24).
    controls.append(subheading(_("To")))
    if named:
        controls.append(ft.Row([
            ft.Semantics(
                key=f"chosen-{a.id}",  # keyed: a reused control keeps its old identifier in the browser's tree
                identifier=f"chosen-{a.id}",
                content=ft.Chip(label=ft.Text(a.name or "…"), on_delete=remove(a),
                                delete_icon_tooltip=_("Remove {name}").format(name=a.name)),
            )
            for a in named
        ], wrap=True, spacing=6, run_spacing=6))
    else:
        controls.append(ft.Text(_("No recipients chosen yet. You can choose several."), size=13))
    empty = data_states(directory, _, identifier="recipients-empty",
                        unavailable=_("The list of recipients is not available from the school's server yet."))
    if empty is not None:
        controls += empty
    else:
        controls.append(ft.TextField(
            label=_("Search recipients by name"), value=search, on_change=lambda e: set_search(typed(e)),
            prefix_icon=ft.Icons.SEARCH, width=420, data="recipient-search",
        ))
        words = search.lower().split()
        matches = [r for r in people if all(w in f"{r.name} {r.subject or ''}".lower() for w in words)]
        if not matches:
            controls.append(ft.Text(_("Nobody by that name."), size=13))
        chosen_ids = {a.id for a in named}
        rows: list[ft.Control] = []
        for r in matches:
            detail = role_label(r.role, _)
            if r.is_mentor:
                detail = _("Mentor of {name}").format(name=child.first_name)
            elif r.is_teacher_of_child:
                detail = _("Teacher of {name}").format(name=child.first_name) + (f", {r.subject}" if r.subject else "")
            rows.append(ft.Semantics(
                key=f"recipient-{r.id}",
                identifier=f"recipient-{r.id}",
                content=ft.Checkbox(label=f"{r.name} – {detail}", value=r.id in chosen_ids, on_change=toggle(r)),
            ))
        # A school has many staff: the list scrolls in its own box so the title and message stay near.
        controls.append(ft.Container(
            content=ft.Column(rows, spacing=0, scroll=ft.ScrollMode.AUTO), height=min(56 * len(rows), 280) or None,
            border=ft.Border.all(1, "#D9CFE3"), border_radius=8, padding=ft.Padding.symmetric(horizontal=4, vertical=4), width=640,
        ))

    controls.append(subheading(_("Message")))
    controls.append(ft.TextField(
        label=_("Title"), value=subject, on_change=lambda e: typed_subject(typed(e)), max_length=200,
        width=640, data="compose-subject",
    ))
    controls.append(ft.TextField(
        label=_("Message"), value=body, on_change=lambda e: typed_body(typed(e)), multiline=True,
        min_lines=5, max_lines=14, max_length=10_000, width=640, data="compose-body",
    ))
    controls.append(ft.Text(_("The draft is kept on this device while you write."), size=12, color=ft.Colors.GREY_700))
    if error:
        controls.append(message(error, "compose-error", error=True))
    controls.append(ft.Row([
        ft.Button(content=ft.Text(_("Send")), icon=ft.Icons.SEND, on_click=send, bgcolor=PURPLE, color=ft.Colors.WHITE,
                  disabled=busy),
        ft.TextButton(content=ft.Text(_("Discard the draft")), icon=ft.Icons.DELETE_OUTLINE, on_click=discard,
                      disabled=busy or not (named or subject or body)),
    ], wrap=True))
    return scaffold(controls, data=directory)
