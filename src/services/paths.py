"""Where the app keeps its data: SKOLHUB_APP_DATA_DIR (tests, the demo), FLET_APP_STORAGE_DATA
in a built app, else the OS's per-user data folder (platformdirs: ~/.local/share on Linux,
~/Library/Application Support on macOS, %LOCALAPPDATA% on Windows)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs

APP_NAME = "skolhub"


def data_dir() -> Path:
    for var in ("SKOLHUB_APP_DATA_DIR", "FLET_APP_STORAGE_DATA"):
        value = os.environ.get(var)
        if value:
            path = Path(value)
            break
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_url() -> str:
    return os.environ.get("SKOLHUB_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")


def app_clock() -> Callable[[], datetime]:
    """What "now" is for the app: the device's clock, or, with SKOLHUB_CLOCK_START (ISO 8601 with
    offset, as for the server), a clock that starts at that instant and runs on: a rehearsal or
    a browser test on a chosen school day. Never set in a built app."""
    raw = os.environ.get("SKOLHUB_CLOCK_START")
    if not raw:
        return lambda: datetime.now(UTC)
    start = datetime.fromisoformat(raw).astimezone(UTC)
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)
