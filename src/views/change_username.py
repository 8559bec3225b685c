"""R6: change the username; the current password is asked for."""

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
def ChangeUsernameScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    new_username, set_new_username = use_field((state.me.username or "") if state.me else "")
    current, set_current = use_field()
    error, set_error = ft.use_state(None)
    done, set_done = ft.use_state(None)

    async def submit(e: object = None) -> None:
        try:
            user = await state.change_username(new_username, current)
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
            set_done(None)
        else:
            set_error(None)
            set_done(_("Your username is now {username}.").format(username=user.username))
        set_current("")

    controls: list[ft.Control] = [
        heading(_("Change username")),
        text_field("new-username", _("New username"), new_username, set_new_username),
        text_field("current-password", _("Current password"), current, set_current, password=True, on_submit=submit),
        ft.Button(content=ft.Text(_("Save")), on_click=submit, bgcolor=PURPLE, color=ft.Colors.WHITE),
    ]
    if error:
        controls.append(message(error, "form-error", error=True))
    if done:
        controls.append(message(done, "form-done"))
    return scaffold(controls)
