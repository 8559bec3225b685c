"""Background sync while the app runs (R8, R14, R82): fetch new notifications, show one device
notification per item in an area the user has not turned off, never twice for the same item."""

from __future__ import annotations

import asyncio
import logging

from services.api import ApiError, NotFound, ServerUnreachable, SessionExpired
from services.areas import area_title
from services.compose import compose_for
from services.models import Push
from services.notifier import Notifier
from services.state import AppState

log = logging.getLogger("skolhub.app.sync")


class NotificationSync:
    def __init__(self, state: AppState, notifier: Notifier, interval: float = 30.0) -> None:
        self.state = state
        self.notifier = notifier
        self.interval = interval
        self.outbox_interval = 3.0
        self._baselined: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    async def _push_settings(self) -> Push:
        try:
            loaded = await self.state.load_settings()
            if loaded.value is not None:
                return loaded.value.push
        except ApiError:
            pass
        return self.state.settings.push if self.state.settings else Push()

    async def run_once(self) -> list[int]:
        """One round; answers the ids shown on the device. The first round after start only
        records what is already there, so a restart does not replay old items."""
        state = self.state
        user = state.user
        if user is None:
            return []
        await self._send_outbox()
        try:
            page = await state.api.notifications(limit=50)
        except ServerUnreachable:
            state.set_offline(True)  # the banner shows within one round, not only at the next screen
            return []
        except NotFound:
            return []
        state.set_offline(False)
        push = await self._push_settings()
        first_round = user.id not in self._baselined
        self._baselined.add(user.id)
        shown: list[int] = []
        for item in sorted(page.items, key=lambda n: n.id):
            if item.seen or item.read:
                state.cache.claim_notification(user.id, item.id)
                continue
            if not state.cache.claim_notification(user.id, item.id):
                continue  # shown before (R82: never twice)
            if first_round or not (item.push and push.allows(item.area)):
                continue
            if self.notifier.notify(area_title(item.area, state.i18n), item.title):
                shown.append(item.id)
        await state.refresh_counts()
        return shown

    async def _send_outbox(self) -> None:
        """Messages written while the server could not be reached go out first (issue 11)."""
        try:
            await compose_for(self.state).flush()
        except ApiError:
            log.info("outbox not sent this round")

    def _next_wait(self) -> float:
        """Sooner while a written message waits for the server."""
        if self.state.user is not None and compose_for(self.state).waiting():
            return min(self.interval, self.outbox_interval)
        return self.interval

    async def run(self) -> None:
        while self.state.user is not None:
            try:
                await self.run_once()
            except SessionExpired:
                log.info("session ended; sync stops")
                return
            except Exception:
                log.exception("notification sync round failed")
            await asyncio.sleep(self._next_wait())

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
