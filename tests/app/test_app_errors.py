"""The app's sentences are for the codes the server really sends (it sends not_authenticated,
never unauthorized), and a session the server has ended reads as such."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.api import SessionExpired
from services.errors import error_message, known_codes

SERVER = Path(__file__).resolve().parents[2] / "server"


def _codes_the_server_sends() -> set[str]:
    # ApiError(401, "code", …), bad_request("code", …), ("code", "message") tables, {404: "code"}
    pattern = re.compile(r"(?:ApiError\(\s*\d+,\s*|\(\s*|\d: )\"([a-z_]+)\"")
    codes: set[str] = set()
    for path in SERVER.rglob("*.py"):
        if path.parent.name == "bankid" and path.stem in {"rp", "simulator"}:
            continue  # the BankID service's own codes (its "unauthorized" is not ours)
        codes.update(pattern.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_code_the_app_translates_is_one_the_server_sends():
    sent = _codes_the_server_sends()
    assert {"not_authenticated", "invalid_credentials", "link_used", "address_read_only"} <= sent  # the scan finds them
    assert "unauthorized" not in sent
    assert known_codes() - sent == set()


async def test_a_request_without_a_session_reads_as_an_ended_session(state):
    with pytest.raises(SessionExpired) as ended:
        await state.api.me()
    assert ended.value.code == "not_authenticated"
    assert error_message(ended.value, state.i18n) == "Din inloggning har gått ut. Logga in igen."
