"""The server's stable error codes, as sentences in the user's language."""

from __future__ import annotations

from services.api import ApiError, ServerUnreachable
from services.i18n import I18n


def error_message(exc: BaseException, i18n: I18n) -> str:
    _ = i18n.gettext
    if isinstance(exc, ServerUnreachable):
        return _("The server cannot be reached. Check your connection and try again.")
    if not isinstance(exc, ApiError):
        return _("Something went wrong. Try again.")
    messages = {
        "invalid_credentials": _("Wrong username or password."),
        "login_throttled": _("Too many failed attempts. Wait a few minutes and try again."),
        "link_invalid": _("This link is not valid. Contact the school for a new one."),
        "link_used": _("This link has already been used. Contact the school for a new one."),
        "link_expired": _("This link has expired. Contact the school for a new one."),
        "invalid_username": _("A username is 3–64 characters: letters a–z, digits and . _ @ - (not first)."),
        "username_taken": _("That username is taken. Choose another."),
        "password_too_short": _("The password needs at least 10 characters."),
        "password_too_long": _("The password is too long."),
        "wrong_current_password": _("The current password is wrong."),
        "invalid_email": _("That is not a valid email address."),
        "invalid_phone": _("That is not a valid mobile number."),
        "address_read_only": _("The address comes from Skatteverket and cannot be changed here."),
        "unauthorized": _("Your session has ended. Log in again."),
        "session_expired": _("Your session has ended. Log in again."),
        "not_found": _("This could not be found."),
        "validation_error": _("Check the fields and try again."),
    }
    if exc.code in messages:
        return messages[exc.code]
    if exc.status == 401:
        return _("Your session has ended. Log in again.")
    if exc.status == 429:
        return messages["login_throttled"]
    return _("Something went wrong. Try again.")
