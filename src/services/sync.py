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


# Between notification rounds the loop probes the server every few seconds (issue 16): a hung or
# stopped server shows the offline banner within PROBE_INTERVAL + PROBE_TIMEOUT (< 10 s), and
# while offline it probes every OFFLINE_PROBE_INTERVAL, so the banner goes soon after the server
# returns (then a notification round runs at once).
PROBE_INTERVAL = 5.0
OFFLINE_PROBE_INTERVAL = 2.0


class NotificationSync:
    def __init__(self, state: AppState, notifier: Notifier, interval: float = 30.0, *,
                 probe_interval: float = PROBE_INTERVAL, offline_probe_interval: float = OFFLINE_PROBE_INTERVAL) -> None:
        self.state = state
        self.notifier = notifier
        self.interval = interval
        self.probe_interval = probe_interval
        self.offline_probe_interval = offline_probe_interval
        self.outbox_interval = 3.0
        # The first round waits this long after start: the screen the user logged in to renders
        # first (the round's requests, and the cache warming after login, would delay it).
        self.first_round_delay = 1.0
        self._baselined: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None
        self._back_online = asyncio.Event()

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
        if first_round:
            await state.warm_offline_cache()
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
        """Notification rounds every `interval`; a return from offline starts one at once."""
        await asyncio.sleep(self.first_round_delay)
        while self.state.user is not None:
            try:
                await self.run_once()
            except SessionExpired:
                log.info("session ended; sync stops")
                return
            except Exception:
                log.exception("notification sync round failed")
            self._back_online.clear()
            try:
                await asyncio.wait_for(self._back_online.wait(), self._next_wait())
            except TimeoutError:
                pass

    async def watch_connection(self) -> None:
        """Its own loop, so a round stuck on a hung server never delays the banner."""
        while self.state.user is not None:
            was_offline = self.state.offline
            await asyncio.sleep(self.offline_probe_interval if was_offline else self.probe_interval)
            if self.state.user is None:
                return
            try:
                reachable = await self.state.check_connection()
            except Exception:
                log.exception("connection probe failed")
                continue
            if was_offline and reachable:
                self._back_online.set()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self.run())
        if self._watch is None or self._watch.done():
            self._watch = loop.create_task(self.watch_connection())

    def stop(self) -> None:
        for task in (self._task, self._watch):
            if task is not None:
                task.cancel()
        self._task = self._watch = None
