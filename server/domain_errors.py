"""The errors the rules raise (services, access checks), free of HTTP and of FastAPI.

Each says what went wrong — not found, not allowed, a conflict, invalid input — with a stable
machine code, a message and the fields concerned; server/errors.py maps them to a status and
the JSON error body, in one place.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers


class Invalid(DomainError):
    """The input breaks a rule (422); `field` names the input concerned."""

    def __init__(self, code: str, message: str, field: str | None = None, *, fields: list[dict[str, str]] | None = None) -> None:
        if fields is None and field:
            fields = [{"field": field, "code": code, "message": message}]
        super().__init__(code, message, fields=fields)


class NotFound(DomainError):
    """It does not exist, or is not the caller's to see (404)."""


class NotAllowed(DomainError):
    """The caller may not do this (403)."""


class Conflict(DomainError):
    """The state of things does not allow it (409)."""


class Gone(DomainError):
    """It was there and is no longer usable: a used or expired link (410)."""


class NotSignedIn(DomainError):
    """No valid session (401)."""


class TooMany(DomainError):
    """A limit on attempts was reached; try again after `retry_after` seconds (429)."""

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(code, message, headers={"Retry-After": str(retry_after)})


class TooLarge(DomainError):
    """An upload over the size limit (413)."""


class UnsupportedType(DomainError):
    """An upload of a kind that is not accepted (415)."""


class Unavailable(DomainError):
    """A service the rule depends on is busy or down; try again shortly (503)."""


class UpstreamFailed(DomainError):
    """A service the rule depends on answered with an error (502)."""


def bad_request(code: str, message: str, field: str | None = None) -> Invalid:
    return Invalid(code, message, field)


def not_found(what: str = "resource") -> NotFound:
    return NotFound("not_found", f"The {what} does not exist or is not yours to see.")


def forbidden(code: str, message: str) -> NotAllowed:
    return NotAllowed(code, message)


def conflict(code: str, message: str) -> Conflict:
    return Conflict(code, message)
