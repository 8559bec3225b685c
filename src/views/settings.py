"""R11–R14: personal information (address read-only, with the reason), email and phone, language,
privacy, push notifications per area, and logging out."""

from __future__ import annotations

from typing import Any

import flet as ft

from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.areas import area_title
from services.errors import error_message
from services.models import PUSH_AREAS, AccountSettings, Personal
from services.state import Loaded
from views.base import Screen
from views.forms import language_switch, text_field


class SettingsScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.data: Loaded[AccountSettings] = self.state.peek("settings", AccountSettings)
        self.fetched_at = self.data.fetched_at
        self.email = text_field("email", keyboard=ft.KeyboardType.EMAIL)
        self.phone = text_field("phone", keyboard=ft.KeyboardType.PHONE)
        self._fill_contact()
        self.contact_error: str | None = None
        self.contact_saved = False
        self.error: str | None = None

    def _fill_contact(self) -> None:
        personal = self.personal
        if personal is not None:
            self.email.value = personal.email or ""
            self.phone.value = personal.phone or ""

    @property
    def personal(self) -> Personal | None:
        if self.data.value is not None:
            return self.data.value.personal
        me = self.state.me
        if me is None:
            return None
        return Personal(first_name=me.first_name, last_name=me.last_name, email=me.email, phone=me.phone)

    async def load(self) -> None:
        self.data = await self.state.load_settings()
        self.fetched_at = self.data.fetched_at
        self._fill_contact()

    def build(self) -> list[ft.Control]:
        _ = self._
        i18n = self.state.i18n
        personal = self.personal
        settings = self.data.value
        controls: list[ft.Control] = [self.heading(_("Settings"))]

        controls.append(self.subheading(_("Personal information")))
        if personal is not None:
            controls.append(ft.Text(f"{personal.first_name} {personal.last_name}", size=16))
            address = personal.address.lines() if personal.address else []
            controls.append(
                ft.Semantics(
                    identifier="address",
                    content=ft.Container(
                        content=ft.Column(
                            [
                                ft.Text(_("Address"), weight=ft.FontWeight.W_600),
                                ft.Text("\n".join(address) if address else _("No address registered"), selectable=True),
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
        self.email.label = _("Email address")
        self.phone.label = _("Mobile number")
        controls += [
            self.email,
            self.phone,
            ft.Button(content=ft.Text(_("Save contact details")), on_click=self.save_contact, bgcolor=PURPLE, color=ft.Colors.WHITE,
                      disabled=settings is None),
        ]
        if self.contact_error:
            controls.append(self.message(self.contact_error, "contact-error", error=True))
        if self.contact_saved:
            controls.append(self.message(
                _("Saved. Remember to tell the school or preschool too, so your new details reach their other systems."),
                "contact-reminder",
            ))

        controls.append(self.subheading(_("Account settings")))
        controls.append(ft.Text(_("Headings and texts in")))
        controls.append(language_switch(i18n.language, self.change_language))

        if settings is None:
            text = _("More settings are not available from the school's server yet.") if self.data.unavailable else _("More settings show when the server can be reached.")
            controls.append(self.message(text, "settings-unavailable"))
        else:
            controls.append(self.subheading(_("Privacy")))
            controls.append(ft.Text(_("What the contact list may show about you and your child. The contact list box is not shown, "
                                      "so nothing is shown to other guardians or students."), size=12))
            privacy = settings.privacy
            for key, label in (("show_email", _("Show my email address")), ("show_phone", _("Show my phone number")),
                               ("show_child", _("Show my child"))):
                controls.append(ft.Switch(label=label, value=getattr(privacy, key), on_change=self._privacy(key)))
            controls.append(self.subheading(_("Push notifications")))
            controls.append(ft.Text(_("Choose which parts send notifications to this device."), size=12))
            for area in PUSH_AREAS:
                controls.append(ft.Switch(label=area_title(area, i18n), value=settings.push.allows(area), on_change=self._push(area)))
        if self.error:
            controls.append(self.message(self.error, "settings-error", error=True))
        controls.append(ft.Divider())
        controls.append(ft.Button(content=ft.Text(_("Log out")), icon=ft.Icons.LOGOUT, on_click=self.logout))
        return controls

    async def change_language(self, e: ft.Event[ft.RadioGroup]) -> None:
        await self.state.set_language(e.control.value or "sv")
        self.app.rebuild()

    async def save_contact(self, e: object) -> None:
        try:
            updated = await self.state.save_contact(self.email.value or "", self.phone.value or "")
        except (ApiError, ServerUnreachable) as exc:
            self.contact_error, self.contact_saved = error_message(exc, self.state.i18n), False
        else:
            self.data = Loaded(updated, self.state.now())
            self._fill_contact()
            self.contact_error, self.contact_saved = None, True
        self.app.rebuild()

    async def _patch(self, changes: dict[str, Any]) -> None:
        try:
            updated = await self.state.update_settings(changes)
            self.data = Loaded(updated, self.state.now())
            self.error = None
        except (ApiError, ServerUnreachable) as exc:
            self.error = error_message(exc, self.state.i18n)
        self.app.rebuild()

    def _privacy(self, key: str):  # type: ignore[no-untyped-def]
        async def handler(e: ft.Event[ft.Switch]) -> None:
            await self._patch({"privacy": {key: bool(e.control.value)}})

        return handler

    def _push(self, area: str):  # type: ignore[no-untyped-def]
        async def handler(e: ft.Event[ft.Switch]) -> None:
            await self._patch({"push": {area: bool(e.control.value)}})

        return handler

    async def logout(self, e: object) -> None:
        await self.app.logout()
