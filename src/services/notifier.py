"""Device notifications through plyer (R8, R82). Where plyer has no backend — a headless Linux
server, a browser — it degrades to nothing: logged once, never an error."""

from __future__ import annotations

import logging
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

            notification.notify(title=title, message=message, app_name=self.app_name, timeout=10)
            return True
        except Exception as exc:  # NotImplementedError, missing dbus/notify-send, …
            self.available = False
            log.info("device notifications are not available here (%s); continuing without them", type(exc).__name__)
            return False


class RecordingNotifier:
    """Keeps what would have been shown (tests; the web build, which has no device to notify)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def notify(self, title: str, message: str) -> bool:
        self.shown.append((title, message))
        return True
