"""R8, R14, R82: the background sync shows one device notification per new item, only for areas
the user has not turned off, never twice; plyer without a backend degrades silently."""

from __future__ import annotations

import importlib.util
import logging
import shutil

from services.models import Notification
from services.notifier import PlyerNotifier, RecordingNotifier
from services.state import iso_week, route_for_notification
from services.sync import NotificationSync
from tests.server.factories import PASSWORD


def _notify(server, pupil_id: int, area: str, title: str, key: str) -> None:
    from server.notifications.fanout import notify, pupils_by_id

    with server.state.sessionmaker() as db:
        notify(db, server.state.clock, pupils_by_id([pupil_id]), area=area, type="news_published", params={"title": title}, item_key=key, link="/" + area)
        db.commit()


async def test_sync_shows_new_items_once_and_only_for_areas_left_on_R82(state, make, server):
    school = make.school()
    child = make.pupil(school.group)
    make.guardian(child, username="vera.v")
    await state.login("vera.v", PASSWORD)
    shown = RecordingNotifier()
    sync = NotificationSync(state, shown)
    _notify(server, child.id, "information", "Old news", "old")
    await sync.run_once()  # the first round records what is already there; a restart replays nothing
    assert shown.shown == []

    await state.update_settings({"push": {"blog": False}})
    _notify(server, child.id, "information", "Julfest på fredag", "i1")
    _notify(server, child.id, "blog", "Nytt blogginlägg", "b1")
    await sync.run_once()
    await sync.run_once()
    assert shown.shown == [("Information", "Julfest på fredag")]


def test_plyer_without_a_backend_degrades_silently_and_logs_once(caplog, monkeypatch):
    import plyer

    class NoBackend:
        def notify(self, **kwargs):  # type: ignore[no-untyped-def]
            raise NotImplementedError("no usable implementation")

    monkeypatch.setattr(plyer, "notification", NoBackend())
    notifier = PlyerNotifier()
    with caplog.at_level(logging.INFO, logger="skolhub.app.notify"):
        assert notifier.notify("a", "b") is False
        assert notifier.notify("c", "d") is False
    assert len([r for r in caplog.records if "not available" in r.getMessage()]) == 1


def test_plyer_on_this_machine_never_raises_nor_warns(recwarn, caplog):
    """The real plyer here. Without dbus and notify-send (a headless box, CI) nothing can be
    shown: both calls answer False, one log line says so, and plyer's warnings stay inside."""
    no_backend = importlib.util.find_spec("dbus") is None and shutil.which("notify-send") is None
    notifier = PlyerNotifier()
    with caplog.at_level(logging.INFO, logger="skolhub.app.notify"):
        first = notifier.notify("Skolhub", "test")
        second = notifier.notify("Skolhub", "test")
    if no_backend:
        assert (first, second, notifier.available) == (False, False, False)
        assert len([r for r in caplog.records if "not available" in r.getMessage()]) == 1
    else:
        assert first == second == notifier.available  # shown both times, or degraded at the first
    assert not [w for w in recwarn if "plyer" in str(w.filename)]


def test_an_item_opens_the_screen_it_is_about_R8():
    def item(area: str, link: str | None) -> Notification:
        return Notification(id=1, pupil_id=2, area=area, type="t", title="x", link=link, created_at="2026-11-30T07:00:00Z")

    assert route_for_notification(item("messages", "/messages/threads/42")) == "/messages/42"
    assert route_for_notification(item("messages", None)) == "/messages"
    assert route_for_notification(item("schedule", "/children/2/schedule?week=2026-W49")) == "/schedule"
    assert route_for_notification(item("information", "/children/2/information/7")) == "/information"


async def test_the_first_round_after_login_caches_the_schedule_week_and_inbox_for_offline_R81(state, make, net):
    """Read offline even if never opened on this device: the sync's first round fetches this
    week's schedule and the inbox into the cache."""
    school = make.school()
    child = make.pupil(school.group)
    make.guardian(child, username="olle.o")
    await state.login("olle.o", PASSWORD)
    week = iso_week(state.today())
    assert state.cache.get(state.user.id, state.schedule_key(week), child.id) is None
    await NotificationSync(state, RecordingNotifier()).run_once()
    asked = [r.url.path for r in net.requests]
    assert f"/api/v1/children/{child.id}/schedule" in asked and "/api/v1/messages/inbox" in asked

    net.down = True
    schedule = await state.load_schedule(week)
    inbox = await state.load_inbox()
    assert schedule.offline and schedule.from_cache and schedule.value is not None and schedule.value.week == week
    assert inbox.offline and inbox.from_cache and inbox.value is not None
