"""Errors to HTTP in one place: every DomainError (server/domain_errors.py) → its status and
{"error": {code, message, fields}}; the app maps codes to translated texts."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.domain_errors import (
    Conflict,
    DomainError,
    Gone,
    Invalid,
    NotAllowed,
    NotFound,
    NotSignedIn,
    TooLarge,
    TooMany,
    Unavailable,
    UnsupportedType,
    UpstreamFailed,
    bad_request,
    conflict,
    forbidden,
    not_found,
)

__all__ = ["ApiError", "DomainError", "HTTP_STATUS", "bad_request", "conflict", "error_body", "forbidden", "http_status", "install_error_handlers", "not_found"]


class ApiError(DomainError):
    """An error with its HTTP status given directly: for the HTTP layer itself (authentication,
    input policy, middleware). Rules raise the domain errors of server/domain_errors.py."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code, message, fields=fields, headers=headers)
        self.status = status


# The one mapping from what went wrong to the HTTP status that says it.
HTTP_STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotFound: 404,
    NotAllowed: 403,
    Conflict: 409,
    Gone: 410,
    NotSignedIn: 401,
    TooMany: 429,
    TooLarge: 413,
    UnsupportedType: 415,
    Unavailable: 503,
    UpstreamFailed: 502,
}


def http_status(exc: DomainError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    for kind in type(exc).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]  # type: ignore[index]
    return 400


def error_body(code: str, message: str, fields: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for code, text in [(401, "Not signed in"), (403, "Not allowed"), (404, "Not found"), (422, "Invalid input")]
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.fields), status_code=http_status(exc), headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
            fields.append(
                {"field": ".".join(loc) or "body", "code": str(err.get("type", "invalid")), "message": str(err.get("msg", ""))}
            )
        return JSONResponse(
            error_body("validation_error", "Some fields are missing or invalid.", fields), status_code=422
        )

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, _exc: DataError) -> JSONResponse:
        # A backstop behind server/input_policy.py: a value the database itself refuses (too
        # long for its column, out of its type's range) is the client's input, not a crash.
        # The engine hides bound parameters, so nothing the user wrote reaches the log.
        return JSONResponse(error_body("invalid_input", "A value is out of range or too long."), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 413: "too_large"}
        return JSONResponse(
            error_body(codes.get(exc.status_code, f"http_{exc.status_code}"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
