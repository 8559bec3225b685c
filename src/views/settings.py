"""R11–R14: personal information (address read-only, with the reason), email and phone, language,
privacy, push notifications per area, and logging out."""

from __future__ import annotations

from typing import Any

import flet as ft

from components.data import message, use_loaded
from components.forms import checked, language_switch, text_field, typed
from components.scaffold import heading, scaffold, subheading
from components.store import use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.areas import area_title
from services.errors import error_message
from services.models import PUSH_AREAS, AccountSettings, Personal


@ft.component
def SettingsScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    data = use_loaded("settings", "/me/settings", AccountSettings, after=state.after_settings)
    settings = data.value
    personal: Personal | None = settings.personal if settings is not None else (
        Personal(first_name=state.me.first_name, last_name=state.me.last_name, email=state.me.email, phone=state.me.phone)
        if state.me else None)
    # None = not edited: the field shows what the server has
    email, set_email = ft.use_state(None)
    phone, set_phone = ft.use_state(None)
    contact_error, set_contact_error = ft.use_state(None)
    contact_saved, set_contact_saved = ft.use_state(False)
    error, set_error = ft.use_state(None)
    shown_email = email if email is not None else (personal.email or "" if personal else "")
    shown_phone = phone if phone is not None else (personal.phone or "" if personal else "")

    async def save_contact(e: object) -> None:
        try:
            await state.save_contact(shown_email, shown_phone)
        except (ApiError, ServerUnreachable) as exc:
            set_contact_error(error_message(exc, state.i18n))
            set_contact_saved(False)
            return
        set_contact_error(None)
        set_contact_saved(True)
        await data.reload()
        set_email(None)
        set_phone(None)

    async def patch(changes: dict[str, Any]) -> None:
        try:
            await state.update_settings(changes)
            set_error(None)
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
        await data.reload()

    def privacy(key: str):  # type: ignore[no-untyped-def]
        async def handler(e: ft.Event[ft.Switch]) -> None:
            await patch({"privacy": {key: checked(e)}})

        return handler

    def push(area: str):  # type: ignore[no-untyped-def]
        async def handler(e: ft.Event[ft.Switch]) -> None:
            await patch({"push": {area: checked(e)}})

        return handler

    async def change_language(e: ft.Event[ft.RadioGroup]) -> None:
        await state.set_language(typed(e) or "sv")

    async def logout(e: object) -> None:
        await store.logout()

    controls: list[ft.Control] = [heading(_("Settings")), subheading(_("Personal information"))]
    if personal is not None:
        controls.append(ft.Text(f"{personal.first_name} {personal.last_name}", size=16))
        address = personal.address.lines() if personal.address else []
        address_text = "\n".join(address) if address else _("No address registered")
        controls.append(
            ft.Semantics(
                identifier="address",
                content=ft.Container(
                    content=ft.Column(
                        [
                            ft.Text(_("Address"), weight=ft.FontWeight.W_600),
                            ft.Text(address_text, selectable=True, semantics_label=address_text),  # read as text
                            ft.Text(
                                _("The address comes from the population register (Skatteverket) in a transfer every night. "
                                  "An address typed here would be overwritten the next day, so it cannot be changed here."),
                                size=12,
                            ),
                        ],
                        spacing=4,
                    ),
                    bgcolor="#F4F0F8",
                    padding=12,
                    border_radius=8,
                ),
            )
        )
    controls += [
        text_field("email", _("Email address"), shown_email, set_email, keyboard=ft.KeyboardType.EMAIL),
        text_field("phone", _("Mobile number"), shown_phone, set_phone, keyboard=ft.KeyboardType.PHONE),
        ft.Button(content=ft.Text(_("Save contact details")), on_click=save_contact, bgcolor=PURPLE, color=ft.Colors.WHITE,
                  disabled=settings is None),
    ]
    if contact_error:
        controls.append(message(contact_error, "contact-error", error=True))
    if contact_saved:
        controls.append(message(
            _("Saved. Remember to tell the school or preschool too, so your new details reach their other systems."),
            "contact-reminder",
        ))

    controls += [subheading(_("Account settings")), ft.Text(_("Headings and texts in")), language_switch(i18n.language, change_language)]
    if settings is None:
        if data.loading:
            controls.append(ft.ProgressRing(semantics_label=_("Loading")))
        else:
            text = (_("More settings are not available from the school's server yet.") if data.unavailable
                    else data.error or _("More settings show when the server can be reached."))
            controls.append(message(text, "settings-unavailable"))
    else:
        controls.append(subheading(_("Privacy")))
        controls.append(ft.Text(_("What the contact list may show about you and your child. The contact list box is not shown, "
                                  "so nothing is shown to other guardians or students."), size=12))
        for key, label in (("show_email", _("Show my email address")), ("show_phone", _("Show my phone number")),
                           ("show_child", _("Show my child"))):
            controls.append(ft.Switch(label=label, value=getattr(settings.privacy, key), on_change=privacy(key)))
        controls.append(subheading(_("Push notifications")))
        controls.append(ft.Text(_("Choose which parts send notifications to this device."), size=12))
        for area in PUSH_AREAS:
            controls.append(ft.Switch(label=area_title(area, i18n), value=settings.push.allows(area), on_change=push(area)))
    if error:
        controls.append(message(error, "settings-error", error=True))
    controls += [ft.Divider(), ft.Button(content=ft.Text(_("Log out")), icon=ft.Icons.LOGOUT, on_click=logout)]
    return scaffold(controls, data=data)
