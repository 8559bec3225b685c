"""Where the session token lives between runs: the OS keyring, or — where none exists, as on a
headless Linux box — a clearly named file readable only by the user (0600)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger("skolhub.app.session")

KEYRING_SERVICE = "skolhub"
FALLBACK_FILE_NAME = "skolhub-session-token.secret.json"


@dataclass
class StoredSession:
    server_url: str
    token: str
    user_id: int


class TokenStore(Protocol):
    name: str

    def load(self, server_url: str) -> StoredSession | None: ...
    def save(self, session: StoredSession) -> None: ...
    def clear(self, server_url: str) -> None: ...


def _encode(session: StoredSession) -> str:
    return json.dumps({"server_url": session.server_url, "token": session.token, "user_id": session.user_id})


def _decode(raw: str | None) -> StoredSession | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return StoredSession(server_url=data["server_url"], token=data["token"], user_id=int(data["user_id"]))
    except (ValueError, KeyError, TypeError):
        return None


class KeyringTokenStore:
    name = "keyring"

    def __init__(self, keyring_module) -> None:  # type: ignore[no-untyped-def]
        self._keyring = keyring_module

    def load(self, server_url: str) -> StoredSession | None:
        return _decode(self._keyring.get_password(KEYRING_SERVICE, server_url))

    def save(self, session: StoredSession) -> None:
        self._keyring.set_password(KEYRING_SERVICE, session.server_url, _encode(session))

    def clear(self, server_url: str) -> None:
        try:
            self._keyring.delete_password(KEYRING_SERVICE, server_url)
        except Exception:  # nothing stored
            pass


class FileTokenStore:
    """One JSON file, mode 0600, holding the token per server URL."""

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.path = folder / FALLBACK_FILE_NAME

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def load(self, server_url: str) -> StoredSession | None:
        return _decode(self._read().get(server_url))

    def save(self, session: StoredSession) -> None:
        data = self._read()
        data[session.server_url] = _encode(session)
        self._write(data)

    def clear(self, server_url: str) -> None:
        data = self._read()
        if data.pop(server_url, None) is not None:
            self._write(data)


class MemoryTokenStore:
    name = "memory"

    def __init__(self) -> None:
        self._data: dict[str, StoredSession] = {}

    def load(self, server_url: str) -> StoredSession | None:
        return self._data.get(server_url)

    def save(self, session: StoredSession) -> None:
        self._data[session.server_url] = session

    def clear(self, server_url: str) -> None:
        self._data.pop(server_url, None)


def keyring_usable() -> object | None:
    """The keyring module when a real backend exists, else None."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        chained = getattr(backend, "backends", None)
        if chained is not None and not chained:
            return None
        return keyring
    except Exception:
        return None


def default_token_store(folder: Path) -> TokenStore:
    module = keyring_usable()
    if module is not None:
        return KeyringTokenStore(module)
    store = FileTokenStore(folder)
    log.warning("no OS keyring available; keeping the session token in %s (mode 0600)", store.path)
    return store
