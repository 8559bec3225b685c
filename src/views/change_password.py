"""R6: change the password; the current password is asked for; other devices are logged out."""

from __future__ import annotations

import flet as ft

from components.data import message
from components.forms import text_field, use_field
from components.scaffold import heading, scaffold
from components.store import use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message


@ft.component
def ChangePasswordScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    current, set_current = use_field()
    new, set_new = use_field()
    repeat, set_repeat = use_field()
    error, set_error = ft.use_state(None)
    done, set_done = ft.use_state(None)

    def clear() -> None:
        set_current("")
        set_new("")
        set_repeat("")

    async def submit(e: object = None) -> None:
        if new != repeat:
            set_error(_("The passwords are not the same."))
            set_done(None)
            clear()
            return
        try:
            await state.change_password(current, new)
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
            set_done(None)
        else:
            set_error(None)
            set_done(_("Your password is changed. You were logged out on your other devices."))
        clear()

    controls: list[ft.Control] = [
        heading(_("Change password")),
        text_field("current-password", _("Current password"), current, set_current, password=True),
        text_field("new-password", _("New password"), new, set_new, password=True),
        ft.Text(_("At least 10 characters."), size=12),
        text_field("repeat-password", _("Repeat new password"), repeat, set_repeat, password=True, on_submit=submit),
        ft.Button(content=ft.Text(_("Save")), on_click=submit, bgcolor=PURPLE, color=ft.Colors.WHITE),
    ]
    if error:
        controls.append(message(error, "form-error", error=True))
    if done:
        controls.append(message(done, "form-done"))
    return scaffold(controls)
