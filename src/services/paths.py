"""Where the app keeps its data: FLET_APP_STORAGE_DATA in a built app, else a per-user folder."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    for var in ("SKOLHUB_APP_DATA_DIR", "FLET_APP_STORAGE_DATA"):
        value = os.environ.get(var)
        if value:
            path = Path(value)
            break
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "skolhub"
    path.mkdir(parents=True, exist_ok=True)
    return path


def server_url() -> str:
    return os.environ.get("SKOLHUB_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")
