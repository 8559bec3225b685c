"""Request limits at the door: body size and read time, then admission control.

`BodyLimitMiddleware` (outermost) reads every request body before the request is admitted:
- a size limit per route class — small for JSON and forms, the configured upload limit for the
  routes that take files — checked on `Content-Length` before a byte is read and again while
  the body streams in (chunked bodies have no length), answered 413;
- a read deadline: a body that is not complete in time (a trickling client) is answered 408;
- the body is held in a spooled temporary file (memory up to 1 MiB, then disk), so neither a
  big upload nor many parallel ones sit in memory, and the application reads it from there.
Only then does `ConcurrencyLimitMiddleware` give the request one of its slots, so slow or big
bodies never hold a slot that `/health` and every other request need.

`ConcurrencyLimitMiddleware`: at most N requests inside the application at once.
Sync routes run on a thread pool and hold a database connection (and on SQLite the write
lock) across several hops — dependency, endpoint, response validation — each needing a free
thread. If every thread is taken by requests waiting for the lock or a connection, the holder
cannot get a thread to finish and the server stalls. Admitting fewer requests than there are
threads makes that impossible; the rest wait cheaply on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from typing import IO

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import error_body

SPOOL_IN_MEMORY = 1 << 20
REPLAY_CHUNK = 1 << 16


async def send_error(send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        small_max_bytes: int,
        upload_max_bytes: int,
        is_upload: Callable[[Scope], bool],
        read_timeout_seconds: float,
        upload_read_timeout_seconds: float,
    ) -> None:
        self.app = app
        self.small_max_bytes = small_max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.is_upload = is_upload
        self.read_timeout = read_timeout_seconds
        self.upload_read_timeout = upload_read_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = self.is_upload(scope)
        limit = self.upload_max_bytes if upload else self.small_max_bytes
        timeout = self.upload_read_timeout if upload else self.read_timeout

        length_header = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length_header = value
        if length_header is not None:
            if not length_header.strip().isdigit():
                await send_error(send, 400, "bad_request", "The Content-Length header is not a number.")
                return
            if int(length_header) > limit:
                await _too_large(send, upload, limit)
                return

        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed below)
        try:
            size = 0
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            more = True
            while more:
                remaining = deadline - loop.time()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    message = await asyncio.wait_for(receive(), timeout=remaining)
                except TimeoutError:
                    await send_error(send, 408, "body_timeout", "The request body did not arrive in time.")
                    return
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    await _too_large(send, upload, limit)
                    return
                if chunk:
                    spool.write(chunk)
                more = message.get("more_body", False)
            spool.seek(0)
            done = False

            async def replay() -> Message:
                nonlocal done
                if done:
                    return await receive()  # after the body: wait for a disconnect
                chunk = spool.read(REPLAY_CHUNK)
                if len(chunk) < REPLAY_CHUNK:
                    done = True
                return {"type": "http.request", "body": chunk, "more_body": not done}

            await self.app(scope, replay, send)
        finally:
            spool.close()


async def _too_large(send: Send, upload: bool, limit: int) -> None:
    if upload:
        mb = max(1, limit // (1024 * 1024))
        await send_error(send, 413, "file_too_large", f"The file is larger than the limit of {mb} MB.")
    else:
        await send_error(send, 413, "request_too_large", f"The request is larger than {limit // 1024} KB.")


class ConcurrencyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.max_in_flight)
            limiter = anyio.to_thread.current_default_thread_limiter()
            # Threads for every admitted request's hops, with room to spare.
            limiter.total_tokens = max(limiter.total_tokens, self.max_in_flight * 2 + 8)
        async with self._semaphore:
            await self.app(scope, receive, send)
