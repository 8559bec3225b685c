"""The app's data folder: the one it is told, else the OS's per-user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from services.paths import data_dir


def test_the_data_folder_is_the_one_given_else_the_os_user_data_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SKOLHUB_APP_DATA_DIR", str(tmp_path / "given"))
    assert data_dir() == tmp_path / "given" and (tmp_path / "given").is_dir()

    monkeypatch.delenv("SKOLHUB_APP_DATA_DIR")
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "built"))
    assert data_dir() == tmp_path / "built"

    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs' Linux answer follows XDG
    assert data_dir() == Path(platformdirs.user_data_dir("skolhub", appauthor=False)) == tmp_path / "xdg" / "skolhub"
