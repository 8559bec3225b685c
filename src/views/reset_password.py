"""The emailed "Forgot your password?" link: choose a new password (twice, with the server's
rules shown first), then log in with it. A used, expired or unknown link says so and offers to
send a new one."""

from __future__ import annotations

import flet as ft

from components.data import message
from components.forms import text_field, use_field
from components.scaffold import brand, heading, scaffold
from components.store import go, use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable
from services.errors import error_message

LINK_CODES = ("link_used", "link_expired", "link_invalid")


@ft.component
def ResetPasswordScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    token = ft.use_route_params().get("token", "")
    info, set_info = ft.use_state(None)
    link_problem, set_link_problem = ft.use_state(None)  # a code from LINK_CODES, or a sentence
    new, set_new = use_field()
    repeat, set_repeat = use_field()
    identifier, set_identifier = use_field()
    error, set_error = ft.use_state(None)
    sent, set_sent = ft.use_state(False)
    busy, set_busy = ft.use_state(False)

    def problem_of(exc: Exception) -> str:
        if isinstance(exc, ApiError) and exc.code in LINK_CODES:
            return exc.code
        return error_message(exc, state.i18n)

    async def inspect() -> None:
        try:
            set_info(await state.api.inspect_password_reset(token))
        except (ApiError, ServerUnreachable) as exc:
            set_link_problem(problem_of(exc))

    ft.use_effect(inspect, [token])

    async def submit(e: object = None) -> None:
        if busy or info is None:
            return
        if len(new) < info.min_password_length:
            set_error(_("The password needs at least {n} characters.").format(n=info.min_password_length))
            return
        if len(new) > info.max_password_length:
            set_error(_("The password is too long."))
            return
        if new != repeat:
            set_error(_("The passwords are not the same."))
            return
        set_busy(True)
        try:
            await state.api.reset_password(token, new)
        except (ApiError, ServerUnreachable) as exc:
            set_busy(False)
            if isinstance(exc, ApiError) and exc.code in LINK_CODES:
                set_link_problem(exc.code)
            else:
                set_error(error_message(exc, state.i18n))
            return
        set_new("")
        set_repeat("")
        if state.logged_in:
            await store.session_ended()  # the server has ended every session of the account
        store.tell_login(_("Your new password is saved. Log in with it."))
        await go("/login")

    async def send_new(e: object = None) -> None:
        if not identifier.strip():
            set_error(_("Write your username or email address."))
            return
        try:
            await state.api.request_password_reset(identifier.strip())
        except (ApiError, ServerUnreachable) as exc:
            set_error(error_message(exc, state.i18n))
            return
        set_error(None)
        set_sent(True)

    async def to_login(e: object) -> None:
        await go("/login")

    controls: list[ft.Control] = [brand(), heading(_("New password"))]
    if link_problem is not None:
        texts = {
            "link_used": _("This link has already been used. You can ask for a new one here."),
            "link_expired": _("This link has expired. You can ask for a new one here."),
            "link_invalid": _("This link is not valid. You can ask for a new one here."),
        }
        controls.append(message(texts.get(link_problem, link_problem), "reset-link-error", error=True))
        if sent:
            controls.append(message(_("If the account exists, we have sent a link to choose a new password."), "reset-sent"))
        else:
            controls += [
                text_field("reset-identifier", _("Username or email address"), identifier, set_identifier, on_submit=send_new),
                ft.Button(content=ft.Text(_("Send a new link")), on_click=send_new, bgcolor=PURPLE, color=ft.Colors.WHITE, width=420),
            ]
            if error:
                controls.append(message(error, "reset-error", error=True))
        controls.append(ft.TextButton(content=ft.Text(_("Go to login")), on_click=to_login))
    elif info is None:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    else:
        controls += [
            ft.Text(_("Choose the new password for your account. You are then logged out on every device.")),
            ft.Semantics(identifier="password-rules", content=ft.Text(
                _("At least {min} and at most {max} characters. A few words in a row are easy to remember.").format(
                    min=info.min_password_length, max=info.max_password_length), size=12)),
            text_field("new-password", _("New password"), new, set_new, password=True),
            text_field("repeat-password", _("Repeat new password"), repeat, set_repeat, password=True, on_submit=submit),
            ft.Button(content=ft.Text(_("Save new password")), on_click=submit, disabled=busy, bgcolor=PURPLE, color=ft.Colors.WHITE,
                      width=420),
            ft.Text(_("The link is valid until {time}.").format(time=state.i18n.datetime(info.expires_at)), size=12),
        ]
        if error:
            controls.append(message(error, "reset-error", error=True))
    return scaffold(controls, bar=False)
