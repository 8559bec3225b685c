"""The server's stable error codes (server/errors.py and each area's service), as sentences in
the user's language. A code the app does not know falls back on its HTTP status."""

from __future__ import annotations

from collections.abc import Callable

from services.api import ApiError, ServerUnreachable
from services.i18n import I18n


def _messages(_: Callable[[str], str]) -> dict[str, str]:
    ended = _("Your session has ended. Log in again.")
    return {
        "invalid_credentials": _("Wrong username or password."),
        "login_throttled": _("Too many failed attempts. Wait a few minutes and try again."),
        "link_invalid": _("This link is not valid. Contact the school for a new one."),
        "link_used": _("This link has already been used. Contact the school for a new one."),
        "link_expired": _("This link has expired. Contact the school for a new one."),
        "already_activated": _("This account is already activated. Log in with your username and password."),
        "invalid_username": _("A username is 3–64 characters: letters a–z, digits and . _ @ - (not first)."),
        "username_taken": _("That username is taken. Choose another."),
        "password_too_short": _("The password needs at least 10 characters."),
        "password_too_long": _("The password is too long."),
        "wrong_current_password": _("The current password is wrong."),
        "invalid_email": _("That is not a valid email address."),
        "invalid_phone": _("That is not a valid mobile number."),
        "not_a_mobile_number": _("That is not a valid mobile number."),
        "invalid_language": _("Choose Swedish or English."),
        "address_read_only": _("The address comes from Skatteverket and cannot be changed here."),
        "not_authenticated": ended,
        "session_expired": ended,
        "not_found": _("This could not be found."),
        "validation_error": _("Check the fields and try again."),
        "too_large": _("That is too large to send."),
        "file_too_large": _("The file is too large."),
        "unsupported_file_type": _("That kind of file cannot be added here."),
    }


def known_codes() -> set[str]:
    """The codes the app has its own sentence for (a test checks the server sends each)."""
    return set(_messages(lambda text: text))


def error_message(exc: BaseException, i18n: I18n) -> str:
    _ = i18n.gettext
    if isinstance(exc, ServerUnreachable):
        return _("The server cannot be reached. Check your connection and try again.")
    if not isinstance(exc, ApiError):
        return _("Something went wrong. Try again.")
    messages = _messages(_)
    if exc.code in messages:
        return messages[exc.code]
    if exc.status == 401:
        return messages["not_authenticated"]
    if exc.status == 403:
        return _("You are not allowed to do this.")
    if exc.status == 404:
        return messages["not_found"]
    if exc.status == 422:
        return messages["validation_error"]
    if exc.status == 429:
        return messages["login_throttled"]
    return _("Something went wrong. Try again.")
