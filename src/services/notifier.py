"""Device notifications through plyer (R8, R82). Where plyer has no backend — a headless Linux
server, a browser — it degrades to nothing: logged once, never an error."""

from __future__ import annotations

import logging
import warnings
from typing import Protocol

log = logging.getLogger("skolhub.app.notify")


class Notifier(Protocol):
    def notify(self, title: str, message: str) -> bool: ...


class PlyerNotifier:
    def __init__(self, app_name: str = "Skolhub") -> None:
        self.app_name = app_name
        self.available = True

    def notify(self, title: str, message: str) -> bool:
        if not self.available:
            return False
        try:
            from plyer import notification

            # On Linux without dbus or notify-send plyer only warns and shows nothing.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                notification.notify(title=title, message=message, app_name=self.app_name, timeout=10)
            if caught:
                raise RuntimeError(str(caught[-1].message))
            return True
        except Exception as exc:  # NotImplementedError, missing dbus/notify-send, …
            self.available = False
            log.info("device notifications are not available here (%s: %s); continuing without them", type(exc).__name__, exc)
            return False


class RecordingNotifier:
    """Keeps what would have been shown (tests; the web build, which has no device to notify)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def notify(self, title: str, message: str) -> bool:
        self.shown.append((title, message))
        return True
