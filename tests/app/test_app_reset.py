"""The app's password reset against the real server: the emailed link is checked first (with
the server's rules), sets the new password once, and a used or expired link says so."""

from __future__ import annotations

import pytest

from services.api import ApiError, NotFound
from tests.app.conftest import emailed_token
from tests.server.factories import PASSWORD

NEW = "ett helt nytt lösenord"


async def test_a_reset_link_sets_a_new_password_once_and_the_old_one_stops_working(state, make, server):
    make.guardian(make.pupil(make.school().group), username="vera.v", email="vera@example.test")
    await state.api.request_password_reset("vera@example.test")
    token = emailed_token(server, "vera@example.test", "/reset-password/")

    info = await state.api.inspect_password_reset(token)
    assert info.min_password_length == 10 and info.max_password_length >= info.min_password_length
    await state.api.reset_password(token, NEW)

    with pytest.raises(ApiError) as old:
        await state.login("vera.v", PASSWORD)
    assert old.value.code == "invalid_credentials"
    assert (await state.login("vera.v", NEW)).username == "vera.v"

    with pytest.raises(ApiError) as used:
        await state.api.inspect_password_reset(token)
    assert used.value.code == "link_used"
    with pytest.raises(ApiError) as again:
        await state.api.reset_password(token, NEW + "!")
    assert again.value.code == "link_used"


async def test_an_expired_or_unknown_reset_link_is_refused_with_its_code(state, make, server, clock, settings):
    make.guardian(make.pupil(make.school().group), username="vera.v", email="vera@example.test")
    await state.api.request_password_reset("vera.v")
    token = emailed_token(server, "vera@example.test", "/reset-password/")
    clock.advance(minutes=settings.password_reset_valid_minutes)
    with pytest.raises(ApiError) as expired:
        await state.api.inspect_password_reset(token)
    assert expired.value.code == "link_expired"
    with pytest.raises(NotFound) as unknown:
        await state.api.inspect_password_reset("no-such-token")
    assert unknown.value.code == "link_invalid"
