"""The app's state for the screens: AppState (plain, in services/) wrapped in one observable
object handed down by context. Any component that calls use_store() redraws when the state
changes (counts from the background sync, the selected child, offline, the language)."""

from __future__ import annotations

import logging

import flet as ft

from services.state import AppState
from services.sync import NotificationSync

log = logging.getLogger("skolhub.app.store")


class Store(ft.Observable):
    """What every screen reads: `store.state` (the AppState), `store.wide` (desktop width), and
    the session actions. Attributes starting with "_" never trigger a redraw."""

    def __init__(self, state: AppState, sync: NotificationSync) -> None:
        self._state = state
        self._sync = sync
        self.wide = False
        self._login_notice: str | None = None  # shown once on the login form (after activation / reset)
        self._prefill_username = ""
        state.subscribe(self.notify)

    @property
    def state(self) -> AppState:
        return self._state

    @property
    def sync(self) -> NotificationSync:
        return self._sync

    @property
    def _(self):  # type: ignore[no-untyped-def]
        return self._state.i18n.gettext

    def tell_login(self, notice: str, username: str = "") -> None:
        """What the next login form shows: a confirmation and the username filled in."""
        self._login_notice, self._prefill_username = notice, username

    def take_login_notice(self) -> str | None:
        notice, self._login_notice = self._login_notice, None
        return notice

    def take_prefill_username(self) -> str:
        username, self._prefill_username = self._prefill_username, ""
        return username

    # --- session ---------------------------------------------------------------------------------

    async def logged_in(self) -> None:
        """After a successful login: the Router now shows the logged-in routes at the current
        location (a deep link opens its screen); from /login go home."""
        if (ft.context.page.route or "/").split("?", 1)[0].rstrip("/") in ("", "/login"):
            # To the home first, then redraw: one render of the home, not a redirect screen
            # at /login and then the home.
            await go("/")
        self.notify()
        self._sync.start()

    async def session_ended(self) -> None:
        """The server said the session is gone: the login form shows at the same address, so
        logging in again returns to the same screen."""
        self._sync.stop()
        self._state.forget_session()
        self.notify()

    async def logout(self) -> None:
        self._sync.stop()
        await self._state.logout()
        self.notify()
        await go("/login")

    def close(self) -> None:
        self._sync.stop()


StoreContext: ft.ContextProvider[Store | None] = ft.create_context(None)


def use_store() -> Store:
    """The app's Store; the calling component redraws when it changes."""
    store = ft.use_context(StoreContext)
    assert store is not None, "use_store() outside the app"
    return store


async def go(path: str) -> None:
    """Navigate (a new screen on the view stack, or a screen lower down the stack)."""
    await ft.context.page.push_route(path)
