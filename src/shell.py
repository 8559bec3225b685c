"""The app shell: routing, the top bar, the offline banner, and the background sync."""

from __future__ import annotations

import logging
import re
import time

import flet as ft

from components.offline_banner import offline_banner
from components.theme import PURPLE
from components.top_bar import top_bar
from services.api import SessionExpired
from services.state import AppState
from services.sync import NotificationSync
from views.base import Screen

log = logging.getLogger("skolhub.app.shell")
ECHO_SECONDS = 3.0


class SkolhubApp:
    def __init__(self, page: ft.Page, state: AppState, sync: NotificationSync) -> None:
        self.page = page
        self.state = state
        self.sync = sync
        self.screen: Screen | None = None
        self.prefill_username = ""
        self.login_notice: str | None = None
        self._was_wide = False
        self._view: ft.View | None = None
        self._bar_signature: tuple[object, ...] | None = None
        self._pushed: list[tuple[str, float]] = []
        state.subscribe(self._on_state_changed)

    # --- routing -------------------------------------------------------------------------------

    def screen_for(self, route: str) -> Screen:
        from views.activate import ActivateScreen
        from views.area import AreaScreen
        from views.home import HomeScreen
        from views.login import LoginScreen
        from views.messages import MessagesScreen, ThreadScreen
        from views.notifications import NotificationsScreen
        from views.profile import ChangePasswordScreen, ChangeUsernameScreen, ProfileScreen
        from views.schedule import ScheduleScreen
        from views.settings import SettingsScreen

        path = route.split("?", 1)[0].rstrip("/") or "/"
        if m := re.fullmatch(r"/activate/([^/]+)", path):
            return ActivateScreen(self, route, m.group(1))
        if path == "/login" or not self.state.logged_in:
            return LoginScreen(self, "/login")
        if path in ("/", "/home"):
            return HomeScreen(self, "/home")
        if path == "/notifications":
            return NotificationsScreen(self, route)
        if path == "/messages":
            return MessagesScreen(self, route)
        if m := re.fullmatch(r"/messages/(\d+)", path):
            return ThreadScreen(self, route, int(m.group(1)))
        if path == "/schedule":
            return ScheduleScreen(self, route)
        if path == "/settings":
            return SettingsScreen(self, route)
        if path == "/profile":
            return ProfileScreen(self, route)
        if path == "/profile/username":
            return ChangeUsernameScreen(self, route)
        if path == "/profile/password":
            return ChangePasswordScreen(self, route)
        if m := re.fullmatch(r"/area/([a-z_]+)", path):
            return AreaScreen(self, route, m.group(1))
        return HomeScreen(self, "/home")

    async def start(self) -> None:
        self.page.title = "Skolhub"
        self.page.theme = ft.Theme(color_scheme_seed=PURPLE)
        self.page.theme_mode = ft.ThemeMode.LIGHT
        self.page.on_route_change = self._on_route_change
        self.page.on_resize = self._on_resized
        self.page.on_close = self._on_close
        route = self.page.route or "/"
        if not route.startswith("/activate/"):
            try:
                resumed = await self.state.resume()
            except Exception:
                log.exception("could not resume the session")
                resumed = False
            if resumed:
                self.sync.start()
            route = route if resumed and route not in ("/", "/login") else ("/home" if resumed else "/login")
        await self.show(route)

    async def go(self, route: str) -> None:
        """Navigate: the screen is shown at once and the browser history gets the route."""
        self._pushed.append((route, time.monotonic()))
        try:
            await self.page.push_route(route)
        except Exception:
            log.debug("push_route failed", exc_info=True)
        await self.show(route)

    async def _on_route_change(self, e: ft.RouteChangeEvent) -> None:
        # Our own push_route comes back as an event, possibly after the user has moved on;
        # such an echo (seconds old at most) is not a navigation. Anything else is: the
        # browser's back button, a typed URL, a reconnecting browser.
        now = time.monotonic()
        self._pushed = [(r, t) for r, t in self._pushed if now - t < ECHO_SECONDS]
        for index, (route, _t) in enumerate(self._pushed):
            if route == e.route:
                del self._pushed[index]
                return
        if self.screen is None or e.route != self.screen.route:
            await self.show(e.route)

    async def _on_close(self, e: object) -> None:
        """The web session is gone: stop its background sync."""
        self.sync.stop()
        await self.state.api.aclose()

    def _on_resized(self, e: object) -> None:
        wide = self.wide
        if wide != self._was_wide:  # the top bar shows the names only where they fit
            self._was_wide = wide
            self.rebuild()

    async def show(self, route: str) -> None:
        screen = self.screen_for(route)
        self.screen = screen
        self.rebuild()
        if type(screen).load is Screen.load:
            return  # nothing to fetch: no second build
        try:
            await screen.load()
        except SessionExpired:
            await self.session_ended()
            return
        if self.screen is screen:
            self.rebuild()

    async def session_ended(self) -> None:
        self.sync.stop()
        self.state.forget_session()
        await self.go("/login")

    async def logged_in(self) -> None:
        self.sync.start()
        await self.go("/home")

    async def logout(self) -> None:
        self.sync.stop()
        await self.state.logout()
        await self.go("/login")

    # --- building ------------------------------------------------------------------------------

    @property
    def wide(self) -> bool:
        width = self.page.width or 0
        return width >= 700

    def rebuild(self) -> None:
        """Rebuild the current screen from state: a language switch shows everywhere at once."""
        screen = self.screen
        if screen is None:
            return
        controls: list[ft.Control] = []
        if screen.with_top_bar and self.state.offline:
            when = self.state.i18n.datetime(screen.fetched_at) if screen.fetched_at else None
            controls.append(offline_banner(self.state.i18n.gettext, when))
        controls.extend(screen.build())
        body = [ft.Container(content=ft.Column(controls, spacing=14), padding=16, width=1100)]
        appbar = self._top_bar() if screen.with_top_bar else None
        view = self._view
        if view is None or view not in self.page.views:
            view = ft.View(scroll=ft.ScrollMode.AUTO, horizontal_alignment=ft.CrossAxisAlignment.CENTER, padding=0)
            self._view = view
            self.page.views.clear()
            self.page.views.append(view)
        # One view, updated in place: no page transition, and text fields keep their focus.
        view.route = screen.route
        view.appbar = appbar
        view.controls = body
        self.page.update()

    def _signature(self) -> tuple[object, ...]:
        state = self.state
        return (state.notification_count, state.unread_messages, state.selected_child_id, state.offline,
                state.i18n.language, state.me.full_name if state.me else None, self.wide)

    def _top_bar(self) -> ft.AppBar:
        self._bar_signature = self._signature()
        state = self.state
        me = state.me
        guardian = me.full_name if me else (state.user.full_name if state.user else "")
        child = state.selected_child
        child_name = child.full_name if child and state.user and state.user.kind != "student" else None

        def nav(route: str):  # type: ignore[no-untyped-def]
            async def handler(e: object) -> None:
                await self.go(route)

            return handler

        return top_bar(
            gettext=state.i18n.gettext,
            guardian_name=guardian,
            child_name=child_name,
            bell_count=state.notification_count,
            unread_messages=state.unread_messages,
            wide=self.wide,
            on_home=nav("/home"),
            on_bell=nav("/notifications"),
            on_messages=nav("/messages"),
            on_profile=nav("/profile"),
            on_settings=nav("/settings"),
        )

    def _on_state_changed(self) -> None:
        """Counts, the selected child or the offline flag changed (often from the background
        sync): redraw the bar and the banner only, so the screen's controls stay put."""
        view, screen = self._view, self.screen
        if view is None or screen is None or not screen.with_top_bar:
            return
        signature = self._signature()
        if signature == self._bar_signature:
            return  # nothing the bar shows has changed: leave its controls alone
        self._bar_signature = signature
        try:
            view.appbar = self._top_bar()
            body = view.controls[0].content if view.controls else None
            if isinstance(body, ft.Column):
                has_banner = bool(body.controls) and getattr(body.controls[0], "identifier", None) == "offline-banner"
                if self.state.offline and not has_banner:
                    when = self.state.i18n.datetime(screen.fetched_at) if screen.fetched_at else None
                    body.controls.insert(0, offline_banner(self.state.i18n.gettext, when))
                elif not self.state.offline and has_banner:
                    body.controls.pop(0)
            self.page.update()
        except Exception:
            log.debug("redraw after state change failed", exc_info=True)

    def snack(self, text: str) -> None:
        self.page.show_dialog(ft.SnackBar(content=ft.Text(text), duration=6000))
