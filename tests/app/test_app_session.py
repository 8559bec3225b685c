"""Contract: the app's session services against the real server (R3, R4, R6, R10)."""

from __future__ import annotations

import pytest

from services.api import ApiError, ServerUnreachable, SessionExpired, Throttled
from services.cache import Cache
from services.errors import error_message
from services.i18n import I18n
from services.state import AppState
from tests.app.conftest import SERVER_URL, activation_token
from tests.server.factories import PASSWORD


async def test_login_keeps_the_token_and_loads_the_guardian_and_children_R4_R10(state, make, token_store):
    school = make.school()
    alva = make.pupil(school.group, first="Alva")
    bo = make.pupil(school.group, first="Bo")
    make.guardian(alva, bo, username="vera.v", first="Vera")

    user = await state.login("Vera.V", PASSWORD)

    assert user.username == "vera.v"
    assert token_store.load(SERVER_URL).token == state.api.token
    assert [c.first_name for c in state.children] == ["Alva", "Bo"]
    assert state.selected_child.first_name == "Alva"
    state.select_child(bo.id)
    assert state.selected_child.first_name == "Bo"


async def test_wrong_password_is_refused_with_a_swedish_message_R4(state, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    with pytest.raises(ApiError) as caught:
        await state.login("vera.v", "not the password")
    assert caught.value.code == "invalid_credentials"
    assert error_message(caught.value, state.i18n) == "Fel användarnamn eller lösenord."
    state.i18n.set_language("en")
    assert error_message(caught.value, state.i18n) == "Wrong username or password."
    assert not state.logged_in


async def test_too_many_failed_logins_are_throttled_with_a_translated_message(state, make, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    for _ in range(settings.throttle_account_failures):
        with pytest.raises(ApiError):
            await state.login("vera.v", "wrong wrong wrong")
    with pytest.raises(Throttled) as caught:
        await state.login("vera.v", PASSWORD)
    assert "För många misslyckade försök" in error_message(caught.value, state.i18n)


async def test_an_unreachable_server_says_so_after_retrying_reads(state, net, sleeps):
    net.down = True
    with pytest.raises(ServerUnreachable) as caught:
        await state.api.me()
    assert error_message(caught.value, state.i18n).startswith("Det går inte att nå servern")
    assert len(net.requests) == 3  # one try and two retries
    assert sleeps.calls == [0.25, 0.5]  # exponential backoff


async def test_a_read_retried_after_a_dropped_connection_succeeds(state, net, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)
    net.fail_next = 1
    me = await state.api.me()
    assert me.username == "vera.v"


async def test_a_login_is_not_retried_but_every_create_carries_an_idempotency_key(state, net, make, server):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    net.fail_next = 1
    with pytest.raises(ServerUnreachable):
        await state.login("vera.v", PASSWORD)
    assert len(net.requests) == 1

    pending = make.guardian(make.pupil(school.group), activated=False, email="new@example.test")
    _send_activation(server, pending.id)
    token = activation_token(server, "new@example.test")
    net.requests.clear()
    await state.activate(token, "new.guardian", "a long enough password")
    posts = [r for r in net.requests if r.method == "POST"]
    assert posts and all(r.headers.get("Idempotency-Key") for r in posts)


def _send_activation(server, user_id: int) -> None:
    from server.accounts.models import User
    from server.accounts.service import send_activation

    with server.state.sessionmaker() as db:
        send_activation(db, server.state.settings, server.state.clock, db.get(User, user_id))
        db.commit()


async def test_activation_link_lets_the_guardian_choose_username_and_password_then_log_in_R3(state, make, server):
    school = make.school()
    pending = make.guardian(make.pupil(school.group), activated=False, email="eva@example.test", first="Eva")
    _send_activation(server, pending.id)
    token = activation_token(server, "eva@example.test")

    info = await state.inspect_activation(token)
    assert info.first_name == "Eva"
    await state.activate(token, "eva.ek", "a long enough password")
    await state.login("eva.ek", "a long enough password")
    assert state.me.first_name == "Eva"

    with pytest.raises(ApiError) as used:
        await state.inspect_activation(token)
    assert used.value.code == "link_used"
    assert "redan använts" in error_message(used.value, state.i18n)


async def test_an_expired_activation_link_says_to_contact_the_school_R3(state, make, server, clock, settings):
    school = make.school()
    pending = make.guardian(make.pupil(school.group), activated=False, email="eva@example.test")
    _send_activation(server, pending.id)
    token = activation_token(server, "eva@example.test")
    clock.advance(days=settings.activation_valid_days, minutes=1)
    with pytest.raises(ApiError) as caught:
        await state.inspect_activation(token)
    assert caught.value.code == "link_expired"
    assert error_message(caught.value, state.i18n) == "Länken har slutat gälla. Kontakta skolan för att få en ny."


async def test_the_app_resumes_the_stored_session_after_a_restart(make, net, cache, token_store, clock, state):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v", language="en")
    await state.login("vera.v", PASSWORD)

    restarted = AppState(SERVER_URL, cache, token_store, I18n(), transport=net, now=clock.now)
    assert await restarted.resume()
    assert restarted.user.username == "vera.v"
    assert restarted.i18n.language == "en"  # the user's language, at once
    await restarted.api.aclose()


async def test_an_expired_session_returns_to_login_and_forgets_the_token(make, net, cache, token_store, clock, state, settings):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)
    clock.advance(hours=settings.session_ttl_hours + 1)

    restarted = AppState(SERVER_URL, cache, token_store, I18n(), transport=net, now=clock.now)
    assert not await restarted.resume()
    assert token_store.load(SERVER_URL) is None
    with pytest.raises(SessionExpired):
        await state.api.me()
    await restarted.api.aclose()


async def test_offline_at_start_the_app_keeps_the_user_in_with_the_cached_profile_R81(make, net, cache, token_store, clock, state):
    school = make.school()
    make.guardian(make.pupil(school.group, first="Alva"), username="vera.v")
    await state.login("vera.v", PASSWORD)

    net.down = True
    restarted = AppState(SERVER_URL, cache, token_store, I18n(), transport=net, now=clock.now, retries=0)
    assert await restarted.resume()
    assert restarted.offline
    assert restarted.selected_child.first_name == "Alva"
    await restarted.api.aclose()


async def test_logout_revokes_the_session_on_the_server_and_forgets_it_here(state, make, token_store):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)
    token = state.api.token
    await state.logout()
    assert token_store.load(SERVER_URL) is None and not state.logged_in
    state.api.token = token
    with pytest.raises(SessionExpired):
        await state.api.me()


async def test_changing_username_and_password_asks_for_the_current_password_R6(state, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)

    with pytest.raises(ApiError) as wrong:
        await state.change_username("vera.new", "not my password")
    assert error_message(wrong.value, state.i18n) == "Det nuvarande lösenordet är fel."
    await state.change_username("vera.new", PASSWORD)
    assert state.me.username == "vera.new"

    with pytest.raises(ApiError) as short:
        await state.change_password(PASSWORD, "short")
    assert error_message(short.value, state.i18n) == "Lösenordet måste ha minst 10 tecken."
    await state.change_password(PASSWORD, "a brand new password")
    await state.logout()
    await state.login("vera.new", "a brand new password")


async def test_a_file_token_store_is_used_where_no_keyring_exists(tmp_path, make, net, clock):
    from services.token_store import FileTokenStore

    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    store = FileTokenStore(tmp_path)
    app = AppState(SERVER_URL, Cache(tmp_path / "c.sqlite3"), store, I18n(), transport=net, now=clock.now)
    await app.login("vera.v", PASSWORD)
    assert (store.path.stat().st_mode & 0o777) == 0o600
    again = AppState(SERVER_URL, Cache(tmp_path / "c.sqlite3"), store, I18n(), transport=net, now=clock.now)
    assert await again.resume()
    await app.api.aclose()
    await again.api.aclose()




async def test_every_client_shares_one_tls_context_that_still_verifies_certificates():
    """The web server holds a client per session: each building its own TLS context (the CA
    bundle loaded again) cost ~0.8 MB a session (issue 14)."""
    import ssl

    from services.api import ApiClient

    clients = [ApiClient("https://skolhub.example.org"), ApiClient("https://other.example.org")]
    try:
        contexts = {id(c._http._transport._pool._ssl_context) for c in clients}  # type: ignore[attr-defined]
        assert len(contexts) == 1
        context = clients[0]._http._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        for c in clients:
            await c.aclose()
