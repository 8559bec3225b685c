"""R4: log in with username and password; translated errors; language choice before login."""

from __future__ import annotations

import flet as ft

from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message
from views.base import Screen
from views.forms import language_switch, text_field


class LoginScreen(Screen):
    with_top_bar = False

    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.username = text_field("username", value=app.prefill_username)
        self.password = text_field("password", password=True)
        self.password.on_submit = self.submit
        self.error: str | None = None
        self.notice: str | None = app.login_notice
        app.login_notice = None
        self.busy = False

    def build(self) -> list[ft.Control]:
        _ = self._
        self.username.label = _("Username")
        self.password.label = _("Password")
        controls: list[ft.Control] = [
            ft.Row([ft.Icon(ft.Icons.SCHOOL, color=PURPLE, size=40), ft.Text("Skolhub", size=30, weight=ft.FontWeight.BOLD, color=PURPLE)]),
            self.heading(_("Log in")),
        ]
        if self.notice:
            controls.append(self.message(self.notice, "login-notice"))
        controls += [
            self.username,
            self.password,
            ft.Button(content=ft.Text(_("Log in")), on_click=self.submit, disabled=self.busy, width=420, bgcolor=PURPLE, color=ft.Colors.WHITE),
        ]
        if self.error:
            controls.append(self.message(self.error, "login-error", error=True))
        controls += [
            ft.TextButton(content=ft.Text(_("Forgot your password?")), on_click=self.forgot),
            ft.Text(_("Language")),
            language_switch(self.state.i18n.language, self.change_language),
        ]
        return controls

    async def change_language(self, e: ft.Event[ft.RadioGroup]) -> None:
        await self.state.set_language(e.control.value or "sv")
        self.app.rebuild()

    async def submit(self, e: object = None) -> None:
        if self.busy:
            return
        if not (self.username.value or "").strip() or not self.password.value:
            self.error = self._("Fill in username and password.")
            self.app.rebuild()
            return
        self.busy, self.error = True, None
        self.app.rebuild()
        try:
            await self.state.login(self.username.value or "", self.password.value or "")
        except (ApiError, ServerUnreachable) as exc:
            self.busy = False
            self.error = error_message(exc, self.state.i18n)
            self.password.value = ""
            self.app.rebuild()
            return
        self.busy = False
        self.password.value = ""
        await self.app.logged_in()

    async def forgot(self, e: object) -> None:
        identifier = (self.username.value or "").strip()
        if not identifier:
            self.error = self._("Write your username or email address above, then choose “Forgot your password?”.")
            self.app.rebuild()
            return
        try:
            await self.state.api.request_password_reset(identifier)
        except (ApiError, ServerUnreachable) as exc:
            self.error = error_message(exc, self.state.i18n)
        else:
            self.error = None
            self.notice = self._("If the account exists, we have sent a link to choose a new password.")
        self.app.rebuild()
