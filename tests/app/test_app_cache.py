"""R81: the app's cache — per user and child, ETag revalidation, cache first, offline kept."""

from __future__ import annotations

import pytest
from fastapi import Request

from server.http_cache import cached_json
from services.cache import Cache
from services.models import ScheduleWeek, ThreadList
from tests.server.factories import PASSWORD


def test_cache_is_kept_per_user_and_child(tmp_path):
    cache = Cache(tmp_path / "c.sqlite3")
    cache.put(1, "schedule:2026-W49", {"week": "a"}, 'W/"1"', pupil_id=10)
    cache.put(1, "schedule:2026-W49", {"week": "b"}, 'W/"2"', pupil_id=11)
    cache.put(2, "schedule:2026-W49", {"week": "c"}, None, pupil_id=10)
    assert cache.get(1, "schedule:2026-W49", 10).data == {"week": "a"}
    assert cache.get(1, "schedule:2026-W49", 11).etag == 'W/"2"'
    assert cache.get(2, "schedule:2026-W49", 10).data == {"week": "c"}
    assert cache.get(2, "schedule:2026-W49", 11) is None


def test_cache_survives_a_restart(tmp_path):
    Cache(tmp_path / "c.sqlite3").put(1, "inbox", {"threads": []}, 'W/"x"')
    entry = Cache(tmp_path / "c.sqlite3").get(1, "inbox")
    assert entry is not None and entry.etag == 'W/"x"'


def test_a_device_notification_is_claimed_only_once(tmp_path):
    cache = Cache(tmp_path / "c.sqlite3")
    assert cache.claim_notification(1, 5)
    assert not cache.claim_notification(1, 5)
    assert cache.claim_notification(2, 5)


@pytest.fixture
def etag_route(server):
    """A route on the real server that answers through the server's own ETag helper, so the
    app's revalidation is tested before every area that caches has landed."""
    version = {"week": "2026-W49", "days": []}

    def week(request: Request):  # type: ignore[no-untyped-def]
        return cached_json(request, version)

    server.add_api_route("/api/v1/test/week", week, methods=["GET"])
    return version


async def _logged_in(state, make):
    school = make.school()
    make.guardian(make.pupil(school.group), username="vera.v")
    await state.login("vera.v", PASSWORD)


async def test_revalidation_sends_the_etag_and_a_304_keeps_the_cached_copy_R81(state, make, net, etag_route, clock):
    await _logged_in(state, make)
    first = await state.load("wk", "/test/week", ScheduleWeek)
    assert first.value.week == "2026-W49" and not first.from_cache
    etag = state.cache.get(state.user.id, "wk").etag
    assert etag

    clock.advance(minutes=5)
    net.requests.clear()
    second = await state.load("wk", "/test/week", ScheduleWeek)
    assert net.requests[-1].headers["If-None-Match"] == etag
    assert second.value.week == "2026-W49"
    assert second.fetched_at == clock.now()  # confirmed current now

    etag_route["week"] = "2026-W50"
    third = await state.load("wk", "/test/week", ScheduleWeek)
    assert third.value.week == "2026-W50"
    assert state.cache.get(state.user.id, "wk").data["week"] == "2026-W50"


async def test_offline_shows_the_cache_with_when_it_was_fetched_and_never_loses_it_R81(state, make, net, etag_route, clock):
    await _logged_in(state, make)
    fetched = clock.now()
    await state.load("wk", "/test/week", ScheduleWeek)

    net.down = True
    clock.advance(hours=3)
    offline = await state.load("wk", "/test/week", ScheduleWeek)
    assert offline.offline and offline.from_cache and state.offline
    assert offline.value.week == "2026-W49"
    assert offline.fetched_at == fetched
    assert state.peek("wk", ScheduleWeek).value.week == "2026-W49"  # cache first on the next screen

    net.down = False
    back = await state.load("wk", "/test/week", ScheduleWeek)
    assert not back.offline and not state.offline


async def test_a_missing_endpoint_is_shown_as_unavailable_not_as_an_error(state, make):
    await _logged_in(state, make)
    loaded = await state.load("nothing", "/no/such/endpoint", ThreadList)
    assert loaded.unavailable and loaded.value is None and not loaded.offline


async def test_the_inbox_is_cached_with_its_etag_and_readable_offline_R81(state, make, net):
    await _logged_in(state, make)
    loaded = await state.load_inbox()
    assert not loaded.unavailable and loaded.value is not None
    assert state.cache.get(state.user.id, "inbox").etag
    net.down = True
    offline = await state.load_inbox()
    assert offline.offline and offline.value is not None


async def test_schedule_weeks_are_cached_per_child_with_etags_and_readable_offline_R81(state, make, net):
    from tests.server import schedule_setup

    timetable = schedule_setup.timetable(make)
    child = schedule_setup.pupil_in(make, timetable)
    make.guardian(child, username="vera.v")
    await state.login("vera.v", PASSWORD)

    loaded = await state.load_schedule("2026-W49")
    monday = loaded.value.days[0]
    assert [(lesson.start, lesson.subject, lesson.room) for lesson in monday.lessons][0] == ("08:10", "Svenska", "B12")
    assert monday.lessons[0].teachers[0].name == "Lisa Ek"
    entry = state.cache.get(state.user.id, "schedule:2026-W49", child.id)
    assert entry is not None and entry.etag

    net.requests.clear()
    again = await state.load_schedule("2026-W49")
    assert net.requests[-1].headers["If-None-Match"] == entry.etag
    assert again.value.week == "2026-W49"

    net.down = True
    offline = await state.load_schedule("2026-W49")
    assert offline.offline and offline.from_cache
    assert offline.value.days[0].lessons[0].subject == "Svenska"
    never_seen = await state.load_schedule("2026-W50")
    assert never_seen.offline and never_seen.value is None
