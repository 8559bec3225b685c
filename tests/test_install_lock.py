"""The install is locked and split (issue 15): every pin in the two projects is the version the
lock files install, the app's lock carries no server and no web client, the server's no Flet."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "locks"


def _locked(name: str) -> dict[str, str]:
    text = (LOCKS / name).read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M)}


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", requirement.strip())
        assert match, f"{requirement!r} is not pinned with =="
        pins[match.group(1).lower()] = match.group(2)
    return pins


APP = tomllib.loads((ROOT / "pyproject.toml").read_text())
SERVER = tomllib.loads((ROOT / "server" / "pyproject.toml").read_text())


def test_every_direct_dependency_is_pinned_to_the_version_the_locks_install() -> None:
    dev = _locked("dev.txt")
    app_pins = _pins(APP["project"]["dependencies"])
    server_pins = _pins(SERVER["project"]["dependencies"])
    web_pins = _pins(APP["project"]["optional-dependencies"]["web"])
    dev_pins = _pins(APP["dependency-groups"]["dev"])
    for pins in (app_pins, server_pins, web_pins, dev_pins):
        for name, version in pins.items():
            assert dev.get(name) == version, f"{name}=={version} in pyproject, {dev.get(name)} in locks/dev.txt: run make lock"
    assert _locked("app.txt").items() >= {k: v for k, v in app_pins.items()}.items()
    assert _locked("server.txt").items() >= {k: v for k, v in server_pins.items()}.items()


def test_every_locked_package_has_a_hash() -> None:
    for name in ("dev.txt", "app.txt", "server.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (LOCKS / name).read_text().split("\n", 2)[2])
        for block in blocks:
            if "==" in block.split("\n", 1)[0]:
                assert "--hash=sha256:" in block, f"{name}: {block.splitlines()[0]} has no hash"


def test_the_app_carries_no_server_and_the_server_no_flet() -> None:
    app, server = _locked("app.txt"), _locked("server.txt")
    assert "flet" in app and "flet-web" not in app
    assert not {"fastapi", "sqlalchemy", "alembic", "uvicorn", "psycopg"} & app.keys()
    assert not {"flet", "flet-web"} & server.keys()
    assert {"fastapi", "sqlalchemy", "alembic"} <= server.keys()
