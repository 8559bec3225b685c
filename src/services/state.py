"""The app's state and logic as plain objects: the session, the selected child, the counts in
the top bar, and cached loading of every screen's data. Views only read this and call it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ValidationError

from services.api import ApiClient, ApiError, NotFound, ServerUnreachable, SessionExpired
from services.areas import box_path
from services.cache import Cache
from services.device import LOGIN_LANGUAGE, DevicePrefs, MemoryDevicePrefs, language_for_device, remember_child, remembered_child
from services.device import login_language as device_login_language
from services.i18n import I18n, normalize_language
from services.models import (
    AccountSettings,
    Child,
    Home,
    Me,
    Notification,
    NotificationPage,
    ScheduleWeek,
    Thread,
    ThreadList,
    User,
)
from services.token_store import StoredSession, TokenStore

log = logging.getLogger("skolhub.app.state")

T = TypeVar("T", bound=BaseModel)
Now = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Loaded(Generic[T]):
    """What a screen shows: a value (maybe from the cache), when it was fetched, and whether
    the server could not be reached (then the value is the cached copy, if any)."""

    value: T | None
    fetched_at: datetime | None = None
    offline: bool = False
    unavailable: bool = False  # the server has no such endpoint (yet) or nothing to show
    from_cache: bool = False


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


class AppState:
    def __init__(
        self,
        server_url: str,
        cache: Cache,
        token_store: TokenStore,
        i18n: I18n | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Now = _utcnow,
        retries: int = 3,
        backoff: float = 0.25,
        prefs: DevicePrefs | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.cache = cache
        self.token_store = token_store
        self.i18n = i18n or I18n()
        self.now = now
        self.api = ApiClient(self.server_url, transport=transport, retries=retries, backoff=backoff)
        self.user: User | None = None
        self.me: Me | None = None
        self.selected_child_id: int | None = None
        self.offline = False
        self.notification_count = 0
        self.unread_messages = 0
        self.settings: AccountSettings | None = None
        self.prefs: DevicePrefs = prefs if prefs is not None else MemoryDevicePrefs()
        self.device_language: str | None = None  # from the platform's locales (set_device_locales)
        self._listeners: list[Callable[[], None]] = []

    # --- change notification ------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                log.exception("state listener failed")

    # --- session (R3, R4) -----------------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return self.user is not None

    async def login(self, username: str, password: str) -> User:
        session = await self.api.login(username.strip(), password)
        self.user = session.user
        self.token_store.save(StoredSession(self.server_url, session.token, session.user.id))
        self.i18n.set_language(session.user.language)
        self.offline = False
        await self.load_me()
        await self._prefetch_home()
        return session.user

    async def _prefetch_home(self) -> None:
        """The child's home fetched before the first frame after login, so the boxes are on it
        (the home screen then revalidates with the ETag, a 304, and fetches the counts)."""
        child = self.selected_child
        if child is None:
            return
        try:
            await self._fetch_home(child)
        except (ApiError, ServerUnreachable):
            pass  # the home screen fetches it and shows why

    async def resume(self) -> bool:
        """Restart: pick up the stored session. An expired one sends the user to login; an
        unreachable server keeps the user in, with what the cache holds."""
        stored = self.token_store.load(self.server_url)
        if stored is None:
            return False
        self.api.token = stored.token
        try:
            session = await self.api.current_session()
        except SessionExpired:
            self.forget_session()
            return False
        except ServerUnreachable:
            cached = self.cache.get(stored.user_id, "me")
            if cached is None:
                return False
            self.me = Me.model_validate(cached.data)
            self.user = User(id=self.me.id, kind=self.me.kind, username=self.me.username, first_name=self.me.first_name,
                             last_name=self.me.last_name, language=self.me.language)
            self.i18n.set_language(self.me.language)
            self._select_default_child()
            self.offline = True
            return True
        self.user = session.user
        self.i18n.set_language(session.user.language)
        await self.load_me()
        return True

    def forget_session(self) -> None:
        self.token_store.clear(self.server_url)
        self.api.token = None
        self.user = None
        self.me = None
        self.selected_child_id = None
        self.settings = None
        self.notification_count = 0
        self.unread_messages = 0
        self.i18n.set_language(self.login_language())  # the device's, not the last user's

    async def logout(self) -> None:
        try:
            await self.api.logout()
        except (ApiError, ServerUnreachable):
            pass  # the token is forgotten here either way
        self.forget_session()

    # --- activation (R3) --------------------------------------------------------------------------

    async def inspect_activation(self, token: str):  # type: ignore[no-untyped-def]
        return await self.api.inspect_activation(token)

    async def activate(self, token: str, username: str, password: str) -> User:
        return await self.api.activate(token, username.strip(), password)

    # --- cached loading (R81) -----------------------------------------------------------------------

    def peek(self, key: str, model: type[T], pupil_id: int | None = None) -> Loaded[T]:
        """The cached copy, to show at once while a refresh runs."""
        if self.user is None:
            return Loaded(None)
        entry = self.cache.get(self.user.id, key, pupil_id)
        if entry is None:
            return Loaded(None)
        try:
            return Loaded(model.model_validate(entry.data), entry.fetched_at, offline=self.offline, from_cache=True)
        except ValidationError:
            return Loaded(None)

    async def load(self, key: str, path: str, model: type[T], *, pupil_id: int | None = None,
                   params: dict[str, Any] | None = None) -> Loaded[T]:
        """Revalidate with the ETag; store a good answer; on failure keep and return the cache."""
        assert self.user is not None
        entry = self.cache.get(self.user.id, key, pupil_id)
        try:
            if self.offline and not await self.api.probe():
                raise ServerUnreachable("still offline")  # a quick answer, not four long timeouts
            fetched = await self.api.get_conditional(path, entry.etag if entry else None, params)
        except ServerUnreachable:
            self.set_offline(True)
            if entry is None:
                return Loaded(None, offline=True)
            return Loaded(model.model_validate(entry.data), entry.fetched_at, offline=True, from_cache=True)
        except NotFound:
            self.set_offline(False)
            return Loaded(None, unavailable=True)
        self.set_offline(False)
        now = self.now()
        if fetched.not_modified and entry is not None:
            self.cache.touch(self.user.id, key, pupil_id, now)
            return Loaded(model.model_validate(entry.data), now)
        value = model.model_validate(fetched.data)
        self.cache.put(self.user.id, key, fetched.data, fetched.etag, pupil_id, now)
        return Loaded(value, now)

    def set_offline(self, offline: bool) -> None:
        if self.offline != offline:
            self.offline = offline
            self.changed()

    # --- me and children (R10) -------------------------------------------------------------------

    async def load_me(self) -> Loaded[Me]:
        loaded = await self.load("me", "/me", Me)
        if loaded.value is not None:
            self.me = loaded.value
            self._select_default_child()
        return loaded

    def _select_default_child(self) -> None:
        children = self.children
        if not children:
            self.selected_child_id = None
        elif self.selected_child_id not in {c.id for c in children}:
            remembered = remembered_child(self.prefs, self.server_url, self.user.id) if self.user else None
            ids = [c.id for c in children]
            self.selected_child_id = remembered if remembered in ids else ids[0]

    @property
    def children(self) -> list[Child]:
        return self.me.children if self.me else []

    @property
    def selected_child(self) -> Child | None:
        return next((c for c in self.children if c.id == self.selected_child_id), None)

    def select_child(self, pupil_id: int) -> None:
        if pupil_id in {c.id for c in self.children}:
            self.selected_child_id = pupil_id
            if self.user is not None:
                remember_child(self.prefs, self.server_url, self.user.id, pupil_id)
            self.notification_count = 0
            self.changed()

    # --- home (R7) and the top bar's counts (R8, R9) ----------------------------------------------

    async def load_home(self) -> Loaded[Home]:
        child = self.selected_child
        if child is None:
            return Loaded(None, unavailable=True)
        loaded = await self._fetch_home(child)
        await self.after_home(loaded)
        return loaded

    async def _fetch_home(self, child: Child) -> Loaded[Home]:
        return await self.load("home", f"/children/{child.id}/home", Home, pupil_id=child.id)

    async def after_home(self, loaded: Loaded[Home]) -> None:
        """The home's answer carries the bell's count; the envelope's is fetched after it."""
        if loaded.value is not None and loaded.value.unseen_notifications is not None and not loaded.offline:
            if self.notification_count != loaded.value.unseen_notifications:
                self.notification_count = loaded.value.unseen_notifications
                self.changed()
        await self.refresh_counts()

    def peek_me_fetched_at(self) -> datetime | None:
        """When the profile (the children shown on the home) was last fetched."""
        return self.peek("me", Me).fetched_at

    def peek_home(self) -> Loaded[Home]:
        child = self.selected_child
        return self.peek("home", Home, child.id) if child else Loaded(None)

    async def refresh_counts(self) -> None:
        if self.offline:
            return  # the next successful load or sync round brings them back
        before = (self.notification_count, self.unread_messages)
        try:
            counts = await self.api.notification_counts()
            self.notification_count = counts.for_pupil(self.selected_child_id)
        except (NotFound, ServerUnreachable):
            pass
        except SessionExpired:
            raise
        except ApiError:
            log.info("notification counts unavailable")
        try:
            self.unread_messages = await self.api.unread_messages()
        except (NotFound, ServerUnreachable):
            pass
        except SessionExpired:
            raise
        except ApiError:
            log.info("unread count unavailable")
        if before != (self.notification_count, self.unread_messages):
            self.changed()

    # --- notifications (R8) --------------------------------------------------------------------------

    async def load_notifications(self) -> Loaded[NotificationPage]:
        child = self.selected_child
        pupil_id = child.id if child else None
        loaded = await self.load("notifications", "/notifications", NotificationPage, pupil_id=pupil_id,
                                 params={"pupil_id": pupil_id, "limit": 50})
        await self.after_notifications(loaded)
        return loaded

    async def after_notifications(self, loaded: Loaded[NotificationPage]) -> None:
        """The list has been shown: its new items are seen (the bell's count goes to 0)."""
        if loaded.value is not None and not loaded.offline and loaded.value.items:
            unseen = [n.id for n in loaded.value.items if not n.seen]
            if unseen:
                try:
                    await self.api.mark_notifications_seen(pupil_id=self.selected_child_id)
                except (ApiError, ServerUnreachable):
                    return
                if self.notification_count:
                    self.notification_count = 0
                    self.changed()

    async def open_notification(self, item: Notification) -> str:
        """Marks it read and answers the app route that shows what it is about."""
        try:
            await self.api.mark_notification_read(item.id)
        except (ApiError, ServerUnreachable):
            pass
        if item.pupil_id is not None and item.pupil_id != self.selected_child_id:
            self.select_child(item.pupil_id)
        return route_for_notification(item)

    # --- messages (R9) and schedule, cached for offline use (R81) -------------------------------

    async def load_inbox(self) -> Loaded[ThreadList]:
        return await self.load("inbox", "/messages/inbox", ThreadList)

    async def load_thread(self, thread_id: int) -> Loaded[Thread]:
        return await self.load(f"thread:{thread_id}", f"/messages/threads/{thread_id}", Thread)

    def schedule_key(self, week: str) -> str:
        return f"schedule:{week}"

    async def load_schedule(self, week: str, child: Child | None = None) -> Loaded[ScheduleWeek]:
        """The week of `child` (default: the selected child)."""
        child = child or self.selected_child
        if child is None:
            return Loaded(None, unavailable=True)
        return await self.load(self.schedule_key(week), f"/children/{child.id}/schedule", ScheduleWeek,
                               pupil_id=child.id, params={"week": week})

    async def warm_offline_cache(self) -> None:
        """After login, in the background: this week's schedule of every school child and the
        inbox, so both read offline (R81) even if they were never opened on this device, and
        open at once from the cache."""
        week = iso_week(self.today())
        loads: list[Callable[[], Awaitable[object]]] = [
            partial(self.load_schedule, week, child) for child in self.children if child.unit_kind == "school"]
        for load in [*loads, self.load_inbox]:
            try:
                await load()
            except SessionExpired:
                raise
            except ApiError:
                pass  # e.g. not this child's box: the screen says why when opened

    def today(self) -> date:
        return self.now().astimezone(ZoneInfo("Europe/Stockholm")).date()

    # --- settings (R11–R14) ------------------------------------------------------------------------

    async def load_settings(self) -> Loaded[AccountSettings]:
        loaded = await self.load("settings", "/me/settings", AccountSettings)
        self.after_settings(loaded)
        return loaded

    def after_settings(self, loaded: Loaded[AccountSettings]) -> None:
        if loaded.value is not None:
            self.settings = loaded.value

    async def update_settings(self, changes: dict[str, Any]) -> AccountSettings:
        updated = await self.api.update_settings(changes)
        self.settings = updated
        assert self.user is not None
        self.cache.put(self.user.id, "settings", updated.model_dump(mode="json"), None, None, self.now())
        return updated

    async def save_contact(self, email: str, phone: str) -> AccountSettings:
        """R11: email and phone can change; the view then reminds the user to tell the school."""
        return await self.update_settings({"email": email.strip() or None, "phone": phone.strip() or None})

    async def set_language(self, language: str) -> None:
        """R12/R80: applied at once on every screen; saved on the server when it can be."""
        language = normalize_language(language)
        self.i18n.set_language(language)
        if self.user is not None:
            self.user = self.user.model_copy(update={"language": language})
            if self.me is not None:
                self.me = self.me.model_copy(update={"language": language})
                self.cache.put(self.user.id, "me", self.me.model_dump(mode="json"), None, None, self.now())
        self.changed()
        if self.user is not None:
            try:
                await self.update_settings({"language": language})
            except (ApiError, ServerUnreachable):
                log.info("language kept locally; the server did not take it now")

    # --- account (R6) --------------------------------------------------------------------------------

    async def change_username(self, new_username: str, current_password: str) -> User:
        user = await self.api.change_username(new_username.strip(), current_password)
        self.user = user
        await self.load_me()
        return user

    async def change_password(self, current_password: str, new_password: str) -> int:
        return await self.api.change_password(current_password, new_password)


    # --- device: login language and connectivity (issue 16) ---------------------------------------

    def login_language(self) -> str:
        return device_login_language(self.prefs, self.device_language)

    def set_device_locales(self, locales: list[str] | str | None) -> None:
        """The platform's preferred locales: the login page speaks the device's language until
        someone picks one there."""
        self.device_language = language_for_device(locales)
        if self.user is None and self.i18n.language != self.login_language():
            self.i18n.set_language(self.login_language())
            self.changed()

    def choose_login_language(self, language: str) -> None:
        """The login page's switch: applied at once and remembered on this device."""
        language = normalize_language(language)
        self.prefs.set(LOGIN_LANGUAGE, language)
        if self.i18n.language != language:
            self.i18n.set_language(language)
            self.changed()

    async def check_connection(self) -> bool:
        """A quick probe of the server (short timeout, one attempt): the offline banner follows
        it within seconds of a hung or stopped server, and goes when the server answers."""
        reachable = await self.api.probe()
        self.set_offline(not reachable)
        return reachable


def route_for_notification(item: Notification) -> str:
    """The app screen an item is about: its link when the app knows that screen, else its area."""
    link = (item.link or "").strip()
    path = link.split("?", 1)[0]
    if "/messages" in path:
        parts = [p for p in path.split("/") if p]
        if "threads" in parts and parts.index("threads") + 1 < len(parts):
            return f"/messages/{parts[parts.index('threads') + 1]}"
        return "/messages"
    if item.area == "messages":
        return "/messages"
    if "/schedule" in path or item.area == "schedule":
        return "/schedule"
    from services.content_routes import content_route

    return content_route(path) or box_path(item.area)
