"""Contract: home (R7), the bell and envelope (R8, R9), settings (R11–R14) and language (R12,
R80) through the app's state object against the real server."""

from __future__ import annotations

import httpx
import pytest

from server.school.models import StaffRole
from services.api import ApiError, ServerUnreachable
from services.areas import BOX_KEYS, area_title
from services.errors import error_message
from services.state import route_for_notification
from tests.app.conftest import SERVER_URL
from tests.server.factories import PASSWORD


async def _guardian_of_two(state, make):
    school = make.school()
    alva = make.pupil(school.group, first="Alva", in_fritids=True)
    bo = make.pupil(school.group, first="Bo")
    make.guardian(alva, bo, username="vera.v", email="vera@example.test", phone="+46701234567")
    await state.login("vera.v", PASSWORD)
    return alva, bo


def _notify(server, pupil_id: int, area: str, title: str, key: str, link: str = "/") -> None:
    from server.notifications.fanout import notify, pupils_by_id

    with server.state.sessionmaker() as db:
        notify(db, server.state.clock, pupils_by_id([pupil_id]), area=area, type="news_published", params={"title": title}, item_key=key, link=link)
        db.commit()


async def test_home_shows_the_selected_childs_boxes_as_the_server_says_R7(state, make):
    alva, bo = await _guardian_of_two(state, make)
    home = await state.load_home()
    assert not home.unavailable
    assert home.value.pupil_id == alva.id
    assert {box.key for box in home.value.boxes} <= set(BOX_KEYS)
    assert all(area_title(box.key, state.i18n) != box.key for box in home.value.boxes)
    state.select_child(bo.id)
    assert (await state.load_home()).value.pupil_id == bo.id
    assert state.peek_home().value.pupil_id == bo.id  # cached per child


async def test_a_guardian_without_a_child_gets_an_unavailable_home_not_an_error(state, make, net):
    make.guardian(username="ensam")
    await state.login("ensam", PASSWORD)
    sent = len(net.requests)
    home = await state.load_home()
    assert home.unavailable and home.value is None and not home.offline
    assert len(net.requests) == sent  # no child, nothing to ask the server


async def test_a_home_the_server_does_not_have_is_unavailable_not_an_error(state, make):
    alva, _bo = await _guardian_of_two(state, make)
    from services.models import Home

    loaded = await state.load("home", f"/children/{alva.id + 1000}/home", Home, pupil_id=alva.id + 1000)
    assert loaded.unavailable and loaded.value is None and not loaded.offline
    assert state.peek("home", Home, alva.id + 1000).value is None  # nothing cached for it


async def test_the_bell_counts_new_items_for_the_selected_child_and_the_list_marks_them_seen_R8(state, make, server):
    alva, bo = await _guardian_of_two(state, make)
    _notify(server, alva.id, "information", "Julfest", "i1", "/children/{pupil_id}/information")
    _notify(server, alva.id, "calendar", "Utflykt", "c1")
    _notify(server, bo.id, "blog", "Nytt inlägg", "b1")
    await state.refresh_counts()
    assert state.notification_count == 2
    state.select_child(bo.id)
    await state.refresh_counts()
    assert state.notification_count == 1

    listed = await state.load_notifications()
    assert [n.title for n in listed.value.items] == ["Nytt inlägg"]
    await state.refresh_counts()
    assert state.notification_count == 0

    item = listed.value.items[0]
    assert await state.open_notification(item) == route_for_notification(item)


async def test_the_envelope_counts_unread_messages_R9(state, make, transport):
    school = make.school()
    alva = make.pupil(school.group, first="Alva")
    make.guardian(alva, username="vera.v")
    teacher = make.staff(school.unit, StaffRole.TEACHER, school.group, first="Tore", last="Lärare")
    await state.login("vera.v", PASSWORD)
    await state.refresh_counts()
    assert state.unread_messages == 0

    async with httpx.AsyncClient(transport=transport, base_url=SERVER_URL + "/api/v1") as staff:
        sent = await staff.post("/staff/messages", headers=make.headers(teacher),
                                json={"to_guardians_of_pupil": alva.id, "subject": "Utvecklingssamtal", "body": "Kan vi ses på tisdag?"})
    assert sent.status_code == 201, sent.text
    seen = []
    state.subscribe(lambda: seen.append(state.unread_messages))
    await state.refresh_counts()
    assert state.unread_messages == 1 and seen == [1]  # the top bar is redrawn with the new count

    thread = await state.load_thread(sent.json()["threads"][0]["id"])  # opening it marks it read
    assert thread.value.subject == "Utvecklingssamtal"
    await state.refresh_counts()
    assert state.unread_messages == 0


async def test_settings_show_the_address_read_only_and_change_email_and_phone_R11(state, make):
    await _guardian_of_two(state, make)
    loaded = await state.load_settings()
    assert not loaded.unavailable
    assert loaded.value.personal.address_source == "population_register"
    updated = await state.save_contact("ny@example.test", "070-765 43 21")
    assert updated.personal.email == "ny@example.test"
    assert updated.personal.phone == "+46707654321"

    with pytest.raises(ApiError) as bad_email:
        await state.save_contact("not an email", "")
    assert error_message(bad_email.value, state.i18n) == "Det är inte en giltig e-postadress."
    with pytest.raises(ApiError) as address:
        await state.update_settings({"address": {"street": "Annan väg 1"}})
    assert address.value.code in {"address_read_only", "validation_error"}


async def test_privacy_and_push_choices_are_saved_R13_R14(state, make):
    await _guardian_of_two(state, make)
    assert not (await state.load_settings()).unavailable
    await state.update_settings({"privacy": {"show_phone": True}, "push": {"blog": False}})
    again = await state.load_settings()
    assert again.value.privacy.show_phone is True
    assert again.value.push.blog is False and again.value.push.messages is True


async def test_language_applies_at_once_and_is_saved_on_the_server_R12_R80(state, make):
    await _guardian_of_two(state, make)
    seen = []
    state.subscribe(lambda: seen.append(state.i18n.language))
    await state.set_language("en")
    assert seen and seen[0] == "en"  # every screen is redrawn before the server answers
    assert state.i18n.gettext("Messages") == "Messages"
    assert state.i18n.week_label(state.today()).startswith("week ")
    assert not (await state.load_settings()).unavailable
    session = await state.api.current_session()
    assert session.user.language == "en"


async def test_language_changes_locally_even_when_the_server_cannot_be_reached(state, make, net):
    await _guardian_of_two(state, make)
    net.down = True
    await state.set_language("en")
    assert state.i18n.language == "en"
    with pytest.raises(ServerUnreachable):
        await state.api.me()
