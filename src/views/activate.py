"""R3: the activation link — the guardian chooses username and password; expired or used links
say to contact the school."""

from __future__ import annotations

import flet as ft

from components.data import message
from components.forms import text_field, use_field
from components.scaffold import brand, heading, scaffold
from components.store import go, use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message


@ft.component
def ActivateScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    token = ft.use_route_params().get("token", "")
    info, set_info = ft.use_state(None)
    link_error, set_link_error = ft.use_state(None)
    username, set_username = use_field()
    password, set_password = use_field()
    repeat, set_repeat = use_field()
    error, set_error = ft.use_state(None)

    async def inspect() -> None:
        try:
            set_info(await state.inspect_activation(token))
        except (ApiError, ServerUnreachable) as exc:
            set_link_error(error_message(exc, state.i18n))

    ft.use_effect(inspect, [token])

    async def submit(e: object = None) -> None:
        if password != repeat:
            set_error(_("The passwords are not the same."))
            return
        try:
            user = await state.activate(token, username, password)
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
            return
        store.tell_login(_("Your account is ready. Log in with your new username and password."), user.username or "")
        await go("/login")

    async def to_login(e: object) -> None:
        await go("/login")

    controls: list[ft.Control] = [brand(), heading(_("Activate your account"))]
    if link_error:
        controls += [
            message(link_error, "activation-error", error=True),
            ft.TextButton(content=ft.Text(_("Go to login")), on_click=to_login),
        ]
    elif info is None:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    else:
        controls += [
            ft.Text(_("Hello {name}! Choose the username and password you will log in with.").format(name=info.first_name)),
            ft.Text(_("The link is valid until {date}.").format(date=state.i18n.date_long(info.expires_at.date()))),
            text_field("new-username", _("Username"), username, set_username),
            ft.Text(_("3–64 characters: letters a–z, digits and . _ @ -"), size=12),
            text_field("new-password", _("Password"), password, set_password, password=True),
            ft.Text(_("At least 10 characters."), size=12),
            text_field("repeat-password", _("Repeat password"), repeat, set_repeat, password=True, on_submit=submit),
            ft.Button(content=ft.Text(_("Activate account")), on_click=submit, bgcolor=PURPLE, color=ft.Colors.WHITE, width=420),
        ]
        if error:
            controls.append(message(error, "activation-form-error", error=True))
    return scaffold(controls, bar=False)
