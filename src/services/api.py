"""Typed async client for the Skolhub API (httpx).

Errors become exceptions with the server's stable code, so the app can translate them.
Reads (GET) are retried with exponential backoff; every create-type POST carries an
Idempotency-Key, which makes retrying it safe too (the server replays the first answer).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from services.models import (
    AccountSettings,
    ActivationInfo,
    Me,
    NotificationCounts,
    NotificationPage,
    RecipientList,
    ResetLinkInfo,
    SessionInfo,
    Thread,
    ThreadList,
    User,
)

log = logging.getLogger("skolhub.app.api")

API_PREFIX = "/api/v1"
M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """The server answered with an error body {"error": {code, message, fields}}."""

    def __init__(self, status: int, code: str, message: str = "", fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []

    def field_codes(self) -> dict[str, str]:
        return {f.get("field", ""): f.get("code", "") for f in self.fields}


class SessionExpired(ApiError):
    """401: the token is missing, expired or revoked — back to the login screen."""


class NotFound(ApiError):
    """404: the thing does not exist, is not ours, or the endpoint is not on this server yet."""


class Throttled(ApiError):
    """429: too many failed logins."""


class ServerUnreachable(Exception):
    """No answer from the server (network down, server stopped, 5xx after retries)."""

    code = "server_unreachable"


@dataclass
class Fetched:
    """A conditional GET's outcome: fresh JSON with its ETag, or "not modified"."""

    not_modified: bool
    data: Any = None
    etag: str | None = None


Sleep = Callable[[float], Awaitable[None]]
# The health probe's deadline (seconds): with the sync loop's probe interval it bounds how long a
# hung or stopped server goes unnoticed (issue 16: within 10 s).
PROBE_TIMEOUT = 2.5


_TLS_CONTEXT: ssl.SSLContext | None = None


def shared_tls_context() -> ssl.SSLContext:
    """One TLS context for every client in the process. httpx builds one per client by loading
    the CA bundle (about 0.8 MB and some milliseconds each), and the web server holds a client
    per session; a context is safe to share between connections."""
    global _TLS_CONTEXT
    if _TLS_CONTEXT is None:
        _TLS_CONTEXT = httpx.create_ssl_context()
    return _TLS_CONTEXT


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 3,
        backoff: float = 0.25,
        timeout: float = 10.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self.probe_timeout = PROBE_TIMEOUT
        self._http = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX, transport=transport, timeout=timeout, verify=shared_tls_context(),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing --------------------------------------------------------------------------

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if extra:
            headers.update(extra)
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        create: bool = False,
    ) -> httpx.Response:
        """Send a request. GETs and creates (which carry an Idempotency-Key) are retried with
        backoff on network errors and 5xx; other writes are sent once."""
        extra = dict(headers or {})
        if create:
            extra.setdefault("Idempotency-Key", str(uuid.uuid4()))  # a caller may bring its own (the outbox does)
        retryable = method == "GET" or create
        attempts = self.retries + 1 if retryable else 1
        last: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                await self._sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                response = await self._http.request(
                    method, path, json=json, params={k: v for k, v in (params or {}).items() if v is not None}, headers=self._headers(extra)
                )
            except httpx.TransportError as exc:
                last = exc
                continue
            if response.status_code >= 500 and retryable and attempt + 1 < attempts:
                last = ServerUnreachable(f"HTTP {response.status_code}")
                continue
            if response.status_code >= 500:
                raise ServerUnreachable(f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise _error_from(response)
            return response
        log.info("server unreachable for %s %s: %s", method, _loggable(path), type(last).__name__)
        raise ServerUnreachable(str(last))

    async def get_model(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        response = await self.request("GET", path, params=params)
        return model.model_validate(response.json())

    async def get_conditional(self, path: str, etag: str | None, params: dict[str, Any] | None = None) -> Fetched:
        """GET with If-None-Match: a 304 means the cached copy is still current."""
        headers = {"If-None-Match": etag} if etag else None
        response = await self.request("GET", path, params=params, headers=headers)
        if response.status_code == 304:
            return Fetched(not_modified=True, etag=etag)
        return Fetched(not_modified=False, data=response.json(), etag=response.headers.get("ETag"))

    # --- accounts (R3, R4, R6) -------------------------------------------------------------

    async def login(self, username: str, password: str) -> SessionInfo:
        response = await self.request("POST", "/auth/login", json={"username": username, "password": password})
        session = SessionInfo.model_validate(response.json())
        self.token = session.token
        return session

    async def logout(self) -> None:
        try:
            await self.request("POST", "/auth/logout")
        finally:
            self.token = None

    async def current_session(self) -> SessionInfo:
        return await self.get_model("/auth/session", SessionInfo)

    async def inspect_activation(self, token: str) -> ActivationInfo:
        return await self.get_model(f"/activations/{token}", ActivationInfo)

    async def activate(self, token: str, username: str, password: str) -> User:
        response = await self.request("POST", f"/activations/{token}", json={"username": username, "password": password}, create=True)
        return User.model_validate(response.json())

    async def request_password_reset(self, identifier: str) -> None:
        await self.request("POST", "/password-resets", json={"identifier": identifier}, create=True)

    async def inspect_password_reset(self, token: str) -> ResetLinkInfo:
        return await self.get_model(f"/password-resets/{token}", ResetLinkInfo)

    async def reset_password(self, token: str, new_password: str) -> None:
        """Sent once (a retry after a lost answer would meet a used link)."""
        await self.request("POST", f"/password-resets/{token}", json={"new_password": new_password})

    async def change_username(self, new_username: str, current_password: str) -> User:
        response = await self.request("PUT", "/account/username", json={"new_username": new_username, "current_password": current_password})
        return User.model_validate(response.json())

    async def change_password(self, current_password: str, new_password: str) -> int:
        response = await self.request("PUT", "/account/password", json={"current_password": current_password, "new_password": new_password})
        return int(response.json().get("other_sessions_revoked", 0))

    # --- me, home, settings (R7, R10–R14) --------------------------------------------------

    async def me(self) -> Me:
        return await self.get_model("/me", Me)

    async def update_settings(self, changes: dict[str, Any]) -> AccountSettings:
        response = await self.request("PATCH", "/me/settings", json=changes)
        return AccountSettings.model_validate(response.json())

    # --- notifications and messages (R8, R9) -----------------------------------------------

    async def notifications(self, pupil_id: int | None = None, before_id: int | None = None, limit: int = 50) -> NotificationPage:
        return await self.get_model("/notifications", NotificationPage, params={"pupil_id": pupil_id, "before_id": before_id, "limit": limit})

    async def notification_counts(self) -> NotificationCounts:
        return await self.get_model("/notifications/counts", NotificationCounts)

    async def mark_notifications_seen(self, pupil_id: int | None = None, ids: list[int] | None = None) -> None:
        body: dict[str, Any] = {}
        if pupil_id is not None:
            body["pupil_id"] = pupil_id
        if ids is not None:
            body["ids"] = ids
        await self.request("POST", "/notifications/seen", json=body)

    async def mark_notification_read(self, notification_id: int) -> None:
        await self.request("POST", f"/notifications/{notification_id}/read")

    async def unread_messages(self) -> int:
        response = await self.request("GET", "/messages/unread-count")
        return int(response.json().get("unread", 0))

    # --- messages: writing (issue 11, R21–R24) -------------------------------------------------

    async def message_recipients(self, pupil_id: int) -> RecipientList:
        return await self.get_model(f"/children/{pupil_id}/message-recipients", RecipientList)

    async def sent_messages(self) -> ThreadList:
        return await self.get_model("/messages/sent", ThreadList)

    async def start_thread(self, pupil_id: int, recipient_ids: list[int], subject: str, body: str, idempotency_key: str) -> Thread:
        """R22: a new thread to staff of the child's unit. The key makes a retry (even one from a
        later run of the app) return the first answer instead of a second thread."""
        response = await self.request(
            "POST", "/messages/threads", create=True, headers={"Idempotency-Key": idempotency_key},
            json={"pupil_id": pupil_id, "recipient_ids": recipient_ids, "subject": subject, "body": body},
        )
        return Thread.model_validate(response.json())

    async def reply(self, thread_id: int, body: str, idempotency_key: str) -> Thread:
        """R21: a reply; the whole thread comes back."""
        response = await self.request(
            "POST", f"/messages/threads/{thread_id}/replies", create=True, headers={"Idempotency-Key": idempotency_key},
            json={"body": body},
        )
        return Thread.model_validate(response.json())


    # --- connectivity (issue 16: offline within seconds, not after four long timeouts) ------------

    async def probe(self, timeout: float | None = None) -> bool:
        """One GET of /health with a short deadline and no retries: True when the server answers.
        The deadline is kept here too, so a server that accepts the connection and then hangs
        is offline after `timeout` seconds whatever the transport does."""
        timeout = timeout if timeout is not None else self.probe_timeout
        try:
            response = await asyncio.wait_for(self._http.get("/health", timeout=timeout), timeout)
        except (httpx.TransportError, TimeoutError):
            return False
        return response.status_code < 500

def _error_from(response: httpx.Response) -> ApiError:
    code, message, fields = f"http_{response.status_code}", "", None
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            code = error.get("code") or code
            message = error.get("message") or ""
            fields = error.get("fields")
    except ValueError:
        pass
    kind: type[ApiError] = ApiError
    if response.status_code == 401:
        kind = SessionExpired
    elif response.status_code == 404:
        kind = NotFound
    elif response.status_code == 429:
        kind = Throttled
    return kind(response.status_code, code, message, fields)


_SECRET_PATHS = ("/activations/", "/password-resets/")


def _loggable(path: str) -> str:
    """The path without one-time link tokens: logs never carry tokens."""
    for prefix in _SECRET_PATHS:
        if prefix in path:
            return path.split(prefix, 1)[0] + prefix + "…"
    return path
