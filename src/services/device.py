"""What this device remembers apart from any account (issue 16): the language chosen on the
login page, and the child each user chose last.

The login page's language follows the device (Swedish for a Swedish or an unknown language,
English for English) until someone picks one on the login page's switch; logging out returns to
that, never to the language of the user who just left. The last chosen child is kept per server
and user, so logging in again opens that child instead of the first.

Web mode keeps these in the browser's own storage (each browser is its own device); desktop and
mobile in a small JSON file in the app's data folder."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from services.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger("skolhub.app.device")

LOGIN_LANGUAGE = "login-language"


class DevicePrefs(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str) -> None: ...


class MemoryDevicePrefs:
    """Lives as long as the app session (tests; the base of the browser-backed store)."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values: dict[str, str] = dict(values or {})

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


class FileDevicePrefs(MemoryDevicePrefs):
    """A JSON file in the app's data folder (no secrets in it: a language and child ids)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        super().__init__({str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {})

    def set(self, key: str, value: str) -> None:
        super().set(key, value)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.values, sort_keys=True), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            log.info("device preferences could not be saved in %s", self.path.parent)


def language_for_device(locales: list[str] | str | None) -> str:
    """The app language for the device's preferred locales ("sv-SE", "en_GB", …): the first one
    the app speaks; Swedish when none is known."""
    if isinstance(locales, str):
        locales = [locales]
    for locale in locales or []:
        code = str(locale).replace("_", "-").split("-", 1)[0].lower()
        if code in LANGUAGES:
            return code
        if code:
            break  # the device prefers a language the app does not have: the default
    return DEFAULT_LANGUAGE


def login_language(prefs: DevicePrefs, device_language: str | None) -> str:
    chosen = prefs.get(LOGIN_LANGUAGE)
    if chosen in LANGUAGES:
        return chosen
    return device_language if device_language in LANGUAGES else DEFAULT_LANGUAGE


def _child_key(server_url: str, user_id: int) -> str:
    return f"child:{server_url.rstrip('/')}:{user_id}"


def remembered_child(prefs: DevicePrefs, server_url: str, user_id: int) -> int | None:
    raw = prefs.get(_child_key(server_url, user_id))
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def remember_child(prefs: DevicePrefs, server_url: str, user_id: int, pupil_id: int) -> None:
    prefs.set(_child_key(server_url, user_id), str(pupil_id))
