"""R10/R6: My profile — the guardian's and the selected child's names, switching child, and
changing username or password (the current password is asked for)."""

from __future__ import annotations

import flet as ft

from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message
from views.base import Screen
from views.forms import text_field


class ProfileScreen(Screen):
    def build(self) -> list[ft.Control]:
        _ = self._
        state = self.state
        me = state.me
        controls: list[ft.Control] = [self.heading(_("My profile"))]
        if me is None:
            return [*controls, ft.ProgressRing()]
        controls.append(ft.Semantics(identifier="profile-name", content=ft.Text(me.full_name, size=18)))
        child = state.selected_child
        if child is not None:
            controls.append(ft.Text(_("Selected child: {name}").format(name=child.full_name)))
        if len(state.children) > 1:
            controls.append(self.subheading(_("Switch child")))
            for c in state.children:
                selected = c.id == state.selected_child_id
                controls.append(
                    ft.Semantics(
                        identifier=f"child-{c.id}",
                        button=True,
                        selected=selected,
                        content=ft.ListTile(
                            leading=ft.Icon(ft.Icons.CHECK_CIRCLE if selected else ft.Icons.CIRCLE_OUTLINED, color=PURPLE),
                            title=ft.Text(c.full_name),
                            subtitle=ft.Text(c.unit_name + (f", {c.group_name}" if c.group_name else "")),
                            on_click=self._select(c.id),
                        ),
                    )
                )
        controls += [
            self.subheading(_("Account")),
            ft.Text(_("Username: {username}").format(username=me.username or "")),
            ft.Row(
                [
                    ft.OutlinedButton(content=ft.Text(_("Change username")), on_click=self._go("/profile/username")),
                    ft.OutlinedButton(content=ft.Text(_("Change password")), on_click=self._go("/profile/password")),
                ],
                wrap=True,
            ),
            ft.Row(
                [
                    ft.TextButton(content=ft.Text(_("Settings")), icon=ft.Icons.SETTINGS, on_click=self._go("/settings")),
                    ft.TextButton(content=ft.Text(_("Log out")), icon=ft.Icons.LOGOUT, on_click=self.logout),
                ],
                wrap=True,
            ),
        ]
        return controls

    def _select(self, pupil_id: int):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            self.state.select_child(pupil_id)
            await self.app.go("/home")

        return handler

    def _go(self, route: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await self.app.go(route)

        return handler

    async def logout(self, e: object) -> None:
        await self.app.logout()


class ChangeUsernameScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.new_username = text_field("new-username", value=(self.state.me.username or "") if self.state.me else "")
        self.current = text_field("current-password", password=True)
        self.error: str | None = None
        self.done: str | None = None

    def build(self) -> list[ft.Control]:
        _ = self._
        self.new_username.label = _("New username")
        self.current.label = _("Current password")
        controls: list[ft.Control] = [
            self.heading(_("Change username")),
            self.new_username,
            self.current,
            ft.Button(content=ft.Text(_("Save")), on_click=self.submit, bgcolor=PURPLE, color=ft.Colors.WHITE),
        ]
        if self.error:
            controls.append(self.message(self.error, "form-error", error=True))
        if self.done:
            controls.append(self.message(self.done, "form-done"))
        return controls

    async def submit(self, e: object) -> None:
        try:
            user = await self.state.change_username(self.new_username.value or "", self.current.value or "")
        except (ApiError, ServerUnreachable) as exc:
            self.error, self.done = error_message(exc, self.state.i18n), None
        else:
            self.error = None
            self.done = self._("Your username is now {username}.").format(username=user.username)
        self.current.value = ""
        self.app.rebuild()


class ChangePasswordScreen(Screen):
    def __init__(self, app, route: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, route)
        self.current = text_field("current-password", password=True)
        self.new = text_field("new-password", password=True)
        self.repeat = text_field("repeat-password", password=True)
        self.error: str | None = None
        self.done: str | None = None

    def build(self) -> list[ft.Control]:
        _ = self._
        self.current.label = _("Current password")
        self.new.label = _("New password")
        self.repeat.label = _("Repeat new password")
        controls: list[ft.Control] = [
            self.heading(_("Change password")),
            self.current,
            self.new,
            ft.Text(_("At least 10 characters."), size=12),
            self.repeat,
            ft.Button(content=ft.Text(_("Save")), on_click=self.submit, bgcolor=PURPLE, color=ft.Colors.WHITE),
        ]
        if self.error:
            controls.append(self.message(self.error, "form-error", error=True))
        if self.done:
            controls.append(self.message(self.done, "form-done"))
        return controls

    async def submit(self, e: object) -> None:
        if (self.new.value or "") != (self.repeat.value or ""):
            self.error, self.done = self._("The passwords are not the same."), None
            self.app.rebuild()
            return
        try:
            await self.state.change_password(self.current.value or "", self.new.value or "")
        except (ApiError, ServerUnreachable) as exc:
            self.error, self.done = error_message(exc, self.state.i18n), None
        else:
            self.error = None
            self.done = self._("Your password is changed. You were logged out on your other devices.")
        self.current.value = self.new.value = self.repeat.value = ""
        self.app.rebuild()
