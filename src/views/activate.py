"""R3: the activation link — the guardian chooses username and password; expired or used links
say to contact the school."""

from __future__ import annotations

import flet as ft

from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message
from views.base import Screen
from views.forms import text_field


class ActivateScreen(Screen):
    with_top_bar = False

    def __init__(self, app, route: str, token: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.token = token
        self.info = None
        self.link_error: str | None = None
        self.error: str | None = None
        self.loaded = False
        self.username = text_field("new-username")
        self.password = text_field("new-password", password=True)
        self.repeat = text_field("repeat-password", password=True)
        self.repeat.on_submit = self.submit

    async def load(self) -> None:
        try:
            self.info = await self.state.inspect_activation(self.token)
        except (ApiError, ServerUnreachable) as exc:
            self.link_error = error_message(exc, self.state.i18n)
        self.loaded = True

    def build(self) -> list[ft.Control]:
        _ = self._
        controls: list[ft.Control] = [
            ft.Row([ft.Icon(ft.Icons.SCHOOL, color=PURPLE, size=40), ft.Text("Skolhub", size=30, weight=ft.FontWeight.BOLD, color=PURPLE)]),
            self.heading(_("Activate your account")),
        ]
        if not self.loaded:
            return [*controls, ft.ProgressRing()]
        if self.link_error:
            return [
                *controls,
                self.message(self.link_error, "activation-error", error=True),
                ft.TextButton(content=ft.Text(_("Go to login")), on_click=self.to_login),
            ]
        assert self.info is not None
        self.username.label = _("Username")
        self.password.label = _("Password")
        self.repeat.label = _("Repeat password")
        controls += [
            ft.Text(_("Hello {name}! Choose the username and password you will log in with.").format(name=self.info.first_name)),
            ft.Text(_("The link is valid until {date}.").format(date=self.state.i18n.date_long(self.info.expires_at.date()))),
            self.username,
            ft.Text(_("3–64 characters: letters a–z, digits and . _ @ -"), size=12),
            self.password,
            ft.Text(_("At least 10 characters."), size=12),
            self.repeat,
            ft.Button(content=ft.Text(_("Activate account")), on_click=self.submit, bgcolor=PURPLE, color=ft.Colors.WHITE, width=420),
        ]
        if self.error:
            controls.append(self.message(self.error, "activation-form-error", error=True))
        return controls

    async def to_login(self, e: object) -> None:
        await self.app.go("/login")

    async def submit(self, e: object = None) -> None:
        if (self.password.value or "") != (self.repeat.value or ""):
            self.error = self._("The passwords are not the same.")
            self.app.rebuild()
            return
        try:
            user = await self.state.activate(self.token, self.username.value or "", self.password.value or "")
        except (ApiError, ServerUnreachable) as exc:
            self.error = error_message(exc, self.state.i18n)
            self.app.rebuild()
            return
        self.app.prefill_username = user.username or ""
        self.app.login_notice = self._("Your account is ready. Log in with your new username and password.")
        await self.app.go("/login")
