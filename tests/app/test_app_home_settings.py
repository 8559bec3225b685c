"""Contract: home (R7), the bell and envelope (R8, R9), settings (R11–R14) and language (R12,
R80) through the app's state object against the real server. Endpoints that have not landed
on this branch yet make their test skip; the app itself shows them as "not available yet"."""

from __future__ import annotations

import pytest

from services.api import ApiError, NotFound, ServerUnreachable
from services.areas import BOX_KEYS, area_title
from services.errors import error_message
from services.state import route_for_notification
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
    if home.unavailable:
        pytest.skip("the home endpoint has not landed on this branch yet")
    assert home.value.pupil_id == alva.id
    assert {box.key for box in home.value.boxes} <= set(BOX_KEYS)
    assert all(area_title(box.key, state.i18n) != box.key for box in home.value.boxes)
    state.select_child(bo.id)
    assert (await state.load_home()).value.pupil_id == bo.id
    assert state.peek_home().value.pupil_id == bo.id  # cached per child


async def test_the_home_without_its_endpoint_is_unavailable_not_broken(state, make):
    await _guardian_of_two(state, make)
    home = await state.load_home()
    assert home.value is not None or home.unavailable


async def test_the_bell_counts_new_items_for_the_selected_child_and_the_list_marks_them_seen_R8(state, make, server):
    alva, bo = await _guardian_of_two(state, make)
    try:
        await state.api.notification_counts()
    except NotFound:
        pytest.skip("notifications have not landed on this branch yet")
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


async def test_the_envelope_counts_unread_messages_R9(state, make):
    await _guardian_of_two(state, make)
    try:
        unread = await state.api.unread_messages()
    except NotFound:
        pytest.skip("messages have not landed on this branch yet")
    assert unread == 0


async def test_settings_show_the_address_read_only_and_change_email_and_phone_R11(state, make):
    await _guardian_of_two(state, make)
    loaded = await state.load_settings()
    if loaded.unavailable:
        pytest.skip("settings have not landed on this branch yet")
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
    if (await state.load_settings()).unavailable:
        pytest.skip("settings have not landed on this branch yet")
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
    if (await state.load_settings()).unavailable:
        pytest.skip("settings have not landed on this branch yet")
    session = await state.api.current_session()
    assert session.user.language == "en"


async def test_language_changes_locally_even_when_the_server_cannot_be_reached(state, make, net):
    await _guardian_of_two(state, make)
    net.down = True
    await state.set_language("en")
    assert state.i18n.language == "en"
    with pytest.raises(ServerUnreachable):
        await state.api.me()
