"""Admission control: at most N requests inside the application at once.

Sync routes run on a thread pool and hold a database connection (and on SQLite the write
lock) across several hops — dependency, endpoint, response validation — each needing a free
thread. If every thread is taken by requests waiting for the lock or a connection, the holder
cannot get a thread to finish and the server stalls. Admitting fewer requests than there are
threads makes that impossible; the rest wait cheaply on the event loop.
"""

from __future__ import annotations

import asyncio

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send


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
