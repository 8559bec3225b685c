"""Skolhub app entry point: `flet run` / `python src/main.py` (desktop), or src/serve_web.py."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import json
import logging
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import flet as ft  # noqa: E402

from app import App  # noqa: E402
from components.store import Store  # noqa: E402
from components.theme import PURPLE  # noqa: E402
from services.cache import Cache  # noqa: E402
from services.device import DevicePrefs, FileDevicePrefs, MemoryDevicePrefs  # noqa: E402
from services.i18n import I18n  # noqa: E402
from services.notifier import PlyerNotifier, RecordingNotifier  # noqa: E402
from services.paths import app_clock, data_dir, server_url  # noqa: E402
from services.state import AppState  # noqa: E402
from services.sync import NotificationSync  # noqa: E402
from services.token_store import MemoryTokenStore, StoredSession, TokenStore, default_token_store  # noqa: E402

logging.basicConfig(level=os.environ.get("SKOLHUB_APP_LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("skolhub.app")

ASSETS_DIR = str(HERE.parent / "assets") if (HERE.parent / "assets").is_dir() else str(HERE / "assets")
_DESKTOP_STORE: TokenStore | None = None


class BrowserTokenStore(MemoryTokenStore):
    """Web mode: every browser is its own user, so the token lives in that browser's storage
    (flet's SharedPreferences) and a reload resumes the session. Writes go out in the background."""

    name = "browser"
    KEY = "skolhub.session"

    def __init__(self, page: ft.Page) -> None:
        super().__init__()
        self.page = page
        self.prefs = ft.SharedPreferences()

    async def preload(self) -> None:
        try:
            raw = await asyncio.wait_for(self.prefs.get(self.KEY), timeout=5)
        except Exception:
            log.info("browser storage not available; the session lasts as long as this page")
            return
        data = json.loads(raw) if isinstance(raw, str) and raw else None
        if isinstance(data, dict) and {"server_url", "token", "user_id"} <= data.keys():
            super().save(StoredSession(data["server_url"], data["token"], int(data["user_id"])))

    def save(self, session: StoredSession) -> None:
        super().save(session)
        value = json.dumps({"server_url": session.server_url, "token": session.token, "user_id": session.user_id})
        self.page.run_task(self.prefs.set, self.KEY, value)

    def clear(self, server_url: str) -> None:
        super().clear(server_url)
        self.page.run_task(self.prefs.remove, self.KEY)


class BrowserDevicePrefs(MemoryDevicePrefs):
    """Web mode: the login page's language and the last chosen child live in this browser's
    storage (each browser is its own device); writes go out in the background."""

    KEY = "skolhub.device"

    def __init__(self, page: ft.Page) -> None:
        super().__init__()
        self.page = page
        self.prefs = ft.SharedPreferences()

    async def preload(self) -> None:
        try:
            raw = await asyncio.wait_for(self.prefs.get(self.KEY), timeout=5)
            data = json.loads(raw) if isinstance(raw, str) and raw else {}
        except Exception:
            log.info("browser storage not available; device preferences last as long as this page")
            return
        if isinstance(data, dict):
            self.values.update({str(k): str(v) for k, v in data.items()})

    def set(self, key: str, value: str) -> None:
        super().set(key, value)
        self.page.run_task(self.prefs.set, self.KEY, json.dumps(self.values, sort_keys=True))


async def device_prefs_for(page: ft.Page) -> DevicePrefs:
    if page.web:
        prefs = BrowserDevicePrefs(page)
        await prefs.preload()
        return prefs
    return FileDevicePrefs(data_dir() / "skolhub-device.json")


async def device_locales(page: ft.Page) -> list[str]:
    """The platform's preferred locales ("sv-SE", …), best first; none when it does not say."""
    try:
        info = await asyncio.wait_for(page.get_device_info(), timeout=5)
    except Exception:
        log.info("device info not available; the login page is in Swedish")
        return []
    return [_locale_tag(loc) for loc in (getattr(info, "locales", None) or [])]


def _locale_tag(locale: object) -> str:
    language = getattr(locale, "language_code", None) or str(locale)
    country = getattr(locale, "country_code", None)
    return f"{language}-{country}" if country else str(language)


async def token_store_for(page: ft.Page) -> TokenStore:
    """Desktop and mobile: the OS keyring (or its 0600 file fallback). Web: the browser."""
    global _DESKTOP_STORE
    if page.web:
        store = BrowserTokenStore(page)
        await store.preload()
        return store
    if _DESKTOP_STORE is None:
        _DESKTOP_STORE = default_token_store(data_dir())
    return _DESKTOP_STORE


_COLLECTION_PENDING = False


def _collect_closed_sessions() -> None:
    """Free what closed sessions left (their controls, closures and state form reference cycles,
    which only a full collection frees) and hand the freed heap back to the OS; without the
    trim glibc keeps it and the web server's RSS never falls after its sessions end."""
    global _COLLECTION_PENDING
    _COLLECTION_PENDING = False
    freed = gc.collect()
    if log.isEnabledFor(logging.DEBUG):  # a flat "tracked" across sessions coming and going = no leak
        log.debug("closed web sessions collected: %d objects freed, %d tracked", freed, len(gc.get_objects()))
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): the collection is enough
        pass


def _collect_soon() -> None:
    """Once per burst of closing sessions, a moment after the last handler has returned (while
    a close handler runs its session is still referenced)."""
    global _COLLECTION_PENDING
    if not _COLLECTION_PENDING:
        _COLLECTION_PENDING = True
        asyncio.get_running_loop().call_later(2.0, _collect_closed_sessions)


async def main(page: ft.Page) -> None:
    folder = data_dir()
    state = AppState(server_url(), Cache(folder / "skolhub-cache.sqlite3"), await token_store_for(page), I18n(),
                     prefs=await device_prefs_for(page), now=app_clock())
    state.set_device_locales(await device_locales(page))
    notifier = RecordingNotifier() if page.web else PlyerNotifier()
    interval = float(os.environ.get("SKOLHUB_SYNC_INTERVAL", "30"))
    store = Store(state, NotificationSync(state, notifier, interval=interval))
    page.title = "Skolhub"
    page.theme = ft.Theme(color_scheme_seed=PURPLE)
    page.theme_mode = ft.ThemeMode.LIGHT
    if not (page.route or "/").startswith("/activate/"):
        try:
            resumed = await state.resume()
        except Exception:
            log.exception("could not resume the session")
            resumed = False
        if resumed:
            store.sync.start()

    def resized(e: object) -> None:
        store.wide = (page.width or 0) >= 700  # the top bar shows the names only where they fit

    async def closed(e: object) -> None:
        """The web session is gone: stop its background sync and let go of what it holds (its
        HTTP client, its cache connection), so the web server's memory comes back."""
        store.close()
        await state.api.aclose()
        state.cache.close()
        _collect_soon()
        log.debug("web session closed: sync stopped, client and cache closed")

    resized(None)
    page.on_resize = resized
    page.on_locale_change = lambda e: state.set_device_locales([_locale_tag(loc) for loc in e.locales])
    page.on_close = closed
    page.render_views(App, store)


if __name__ == "__main__":
    # Desktop: `python src/main.py --server https://skolhub.example.org` (or SKOLHUB_SERVER_URL).
    if "--server" in sys.argv[1:-1]:
        os.environ["SKOLHUB_SERVER_URL"] = sys.argv[sys.argv.index("--server") + 1]
    ft.run(main, assets_dir=ASSETS_DIR)
