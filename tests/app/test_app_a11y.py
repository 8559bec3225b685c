"""Issue 16, the app's services: counts pluralised through the catalogs, offline noticed within
seconds of a hung or stopped server, the login page in the device's language, the last chosen
child remembered per user on the device. Against the real server in-process."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from services.api import PROBE_TIMEOUT
from services.device import FileDevicePrefs, MemoryDevicePrefs, language_for_device
from services.i18n import I18n
from services.labels import bell_label, box_badge, box_label, envelope_label
from services.notifier import RecordingNotifier
from services.state import AppState
from services.sync import OFFLINE_PROBE_INTERVAL, PROBE_INTERVAL, NotificationSync
from tests.app.conftest import SERVER_URL
from tests.server.factories import PASSWORD


class HangingTransport(httpx.AsyncBaseTransport):
    """The real server, until it hangs: then a request is accepted and never answered (or, with
    `stopped`, refused at once) — the two ways a server goes away."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hung = False
        self.stopped = False
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if self.stopped:
            raise httpx.ConnectError("connection refused", request=request)
        if self.hung:
            await asyncio.Event().wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def hanging(transport, cache, token_store, clock):  # type: ignore[no-untyped-def]
    net = HangingTransport(transport)
    state = AppState(SERVER_URL, cache, token_store, I18n("sv"), transport=net, now=clock.now, retries=3, backoff=0.01)
    yield net, state
    await state.api.aclose()


def test_counts_are_pluralised_in_both_languages():
    sv, en = I18n("sv"), I18n("en")
    assert envelope_label(sv, 1) == "Meddelanden: 1 oläst"
    assert envelope_label(sv, 2) == "Meddelanden: 2 olästa"
    assert envelope_label(sv, 0) == "Meddelanden"
    assert envelope_label(en, 1) == "Messages: 1 unread"
    assert bell_label(sv, 1) == "Notiser: 1 ny" and bell_label(sv, 5) == "Notiser: 5 nya"
    assert bell_label(en, 5) == "Notifications: 5 new"
    assert box_badge(sv, "information", 1) == "1 ny" and box_badge(sv, "calendar", 2) == "2 nya"
    # A box says what its number counts: talk series still to book, changed lessons.
    assert box_badge(sv, "talks", 1) == "1 att boka" and box_badge(en, "talks", 1) == "1 to book"
    assert box_badge(sv, "schedule", 1) == "1 ändring" and box_badge(sv, "schedule", 3) == "3 ändringar"
    assert box_label(sv, "information", "Information", 1) == "Information, 1 ny"
    assert box_label(sv, "information", "Information", 0) == "Information"


def test_the_probe_figures_bound_offline_detection_and_return_below_ten_seconds():
    assert PROBE_INTERVAL + PROBE_TIMEOUT < 10
    assert OFFLINE_PROBE_INTERVAL + PROBE_TIMEOUT < 10


async def test_a_hung_server_is_offline_after_the_probe_deadline_and_online_again_when_it_answers(hanging):
    net, state = hanging
    changes: list[bool] = []
    state.subscribe(lambda: changes.append(state.offline))
    assert await state.check_connection() is True and not state.offline
    net.hung = True
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await state.api.probe(timeout=0.3) is False
    assert loop.time() - started < 1.0  # the probe's own deadline, not the client's 10 s read timeout
    state.api.probe_timeout = 0.3
    assert await state.check_connection() is False
    assert state.offline and changes == [True]
    net.hung = False
    assert await state.check_connection() is True
    assert not state.offline and changes == [True, False]


async def test_while_offline_a_screen_gets_its_cache_after_one_quick_probe_not_four_long_requests(hanging, make):
    net, state = hanging
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)
    assert (await state.load_inbox()).value is not None
    net.stopped = True
    await state.check_connection()
    assert state.offline
    net.paths.clear()
    loaded = await state.load_inbox()
    assert loaded.offline and loaded.from_cache and loaded.value is not None
    assert net.paths == ["/api/v1/health"]


async def test_the_sync_loop_shows_offline_and_back_within_its_probe_intervals(hanging, make):
    net, state = hanging
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)
    sync = NotificationSync(state, RecordingNotifier(), interval=60, probe_interval=0.05, offline_probe_interval=0.05)
    went_offline, came_back = asyncio.Event(), asyncio.Event()
    state.subscribe(lambda: (went_offline if state.offline else came_back).set())
    sync.start()
    try:
        net.stopped = True
        await asyncio.wait_for(went_offline.wait(), 5)
        net.stopped = False
        await asyncio.wait_for(came_back.wait(), 5)
        assert not state.offline
    finally:
        sync.stop()


def test_the_device_language_decides_sv_for_swedish_or_unknown():
    assert language_for_device(["sv-SE"]) == "sv"
    assert language_for_device(["en-GB", "sv-SE"]) == "en"
    assert language_for_device("en_US") == "en"
    assert language_for_device(["de-DE", "en-US"]) == "sv"
    assert language_for_device([]) == "sv" and language_for_device(None) == "sv"


async def test_after_an_english_user_logs_out_the_login_page_speaks_the_devices_language_again(state, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    state.set_device_locales(["sv-SE"])
    assert state.i18n.language == "sv"
    await state.login("vera.v", PASSWORD)
    await state.set_language("en")
    assert state.i18n.language == "en"
    await state.logout()
    assert state.i18n.language == "sv"


async def test_the_login_pages_switch_is_remembered_on_the_device(make, net, cache, token_store, clock, tmp_path):
    prefs_path = tmp_path / "device.json"
    first = AppState(SERVER_URL, cache, token_store, I18n("sv"), transport=net, now=clock.now, prefs=FileDevicePrefs(prefs_path))
    first.set_device_locales(["sv-SE"])
    first.choose_login_language("en")
    assert first.i18n.language == "en"
    await first.api.aclose()
    again = AppState(SERVER_URL, cache, token_store, I18n("sv"), transport=net, now=clock.now, prefs=FileDevicePrefs(prefs_path))
    again.set_device_locales(["sv-SE"])
    assert again.i18n.language == "en"
    await again.api.aclose()


async def test_logging_in_again_selects_the_child_chosen_last_per_user(make, net, cache, token_store, clock):
    school = make.school()
    alva, bo = make.pupil(school.group, first="Alva"), make.pupil(school.group, first="Bo")
    make.guardian(alva, bo, username="vera.v")
    make.guardian(alva, bo, username="olle.o")
    prefs = MemoryDevicePrefs()

    def new_state() -> AppState:
        return AppState(SERVER_URL, cache, token_store, I18n("sv"), transport=net, now=clock.now, prefs=prefs)

    vera = new_state()
    await vera.login("vera.v", PASSWORD)
    assert vera.selected_child_id == alva.id
    vera.select_child(bo.id)
    await vera.logout()
    assert vera.selected_child_id is None
    await vera.login("vera.v", PASSWORD)
    assert vera.selected_child_id == bo.id
    await vera.logout()
    await vera.api.aclose()

    restarted = new_state()  # a restart of the app on the same device
    await restarted.login("vera.v", PASSWORD)
    assert restarted.selected_child_id == bo.id
    await restarted.logout()
    await restarted.login("olle.o", PASSWORD)  # another user keeps their own default
    assert restarted.selected_child_id == alva.id
    await restarted.api.aclose()
