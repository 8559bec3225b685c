"""R4: log in with username and password; translated errors; language choice before login.
Shown for every address while logged out, so a deep link opens its screen after login."""

from __future__ import annotations

import flet as ft

from components.data import message
from components.forms import language_switch, text_field, typed, use_field
from components.scaffold import brand, heading, scaffold
from components.store import use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message


@ft.component
def LoginScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    username, set_username = ft.use_state(store.take_prefill_username)
    password, set_password = use_field()
    error, set_error = ft.use_state(None)
    notice, set_notice = ft.use_state(store.take_login_notice)
    busy, set_busy = ft.use_state(False)

    async def submit(e: object = None) -> None:
        if busy:
            return
        if not username.strip() or not password:
            set_error(_("Fill in username and password."))
            return
        set_busy(True)
        set_error(None)
        try:
            await state.login(username, password)
        except (ApiError, ServerUnreachable) as exc:
            set_busy(False)
            set_error(error_message(exc, state.i18n))
            set_password("")
            return
        set_busy(False)
        set_password("")
        await store.logged_in()

    async def forgot(e: object) -> None:
        identifier = username.strip()
        if not identifier:
            set_error(_("Write your username or email address above, then choose “Forgot your password?”."))
            return
        try:
            await state.api.request_password_reset(identifier)
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
        else:
            set_error(None)
            set_notice(_("If the account exists, we have sent a link to choose a new password."))

    async def change_language(e: ft.Event[ft.RadioGroup]) -> None:
        state.choose_login_language(typed(e) or "sv")  # remembered on this device

    controls: list[ft.Control] = [brand(), heading(_("Log in"))]
    if notice:
        controls.append(message(notice, "login-notice"))
    controls += [
        text_field("username", _("Username"), username, set_username),
        text_field("password", _("Password"), password, set_password, password=True, on_submit=submit),
        ft.Button(content=ft.Text(_("Log in")), on_click=submit, disabled=busy, width=420, bgcolor=PURPLE, color=ft.Colors.WHITE),
    ]
    if error:
        controls.append(message(error, "login-error", error=True))
    controls += [
        ft.TextButton(content=ft.Text(_("Forgot your password?")), on_click=forgot),
        ft.Text(_("Language")),
        language_switch(state.i18n.language, change_language),
    ]
    return scaffold(controls, bar=False)
