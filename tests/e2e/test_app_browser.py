"""The app in Chromium against the real server: activate an account (R3), log in (R4), switch
child (R10), switch language and see the home in English (R12, R80), open the bell (R8), and
see the offline banner over cached data once the server has stopped (R81).

The tests run in file order and share one browser session, like a person using the app. Each
main screen is saved at phone (390×844) and desktop (1280×800) size in tests/e2e/screenshots/."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from server.personnummer import with_check_digit
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI, anna_children

pytestmark = pytest.mark.e2e


def test_the_login_screen_is_swedish_by_default(ui: UI) -> None:
    ui.open(ui.stack.app_url)
    ui.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)
    expect(ui.page.get_by_role("radio", name="Svenska")).to_be_checked()
    ui.shoot("login")


def test_a_wrong_password_is_refused_in_swedish_R4(ui: UI) -> None:
    ui.fill("Användarnamn", "anna.lindqvist")
    ui.fill("Lösenord", "fel lösenord")
    ui.button("Logga in")
    ui.text("Fel användarnamn eller lösenord.")


def test_an_activation_link_lets_a_new_guardian_choose_username_and_password_R3(ui: UI) -> None:
    stack = ui.stack
    child = stack.sql("SELECT p.personnummer FROM pupil p JOIN unit u ON u.id = p.unit_id WHERE u.kind = 'school' ORDER BY p.id LIMIT 1")[0][0]
    stack.cli("create-guardian", "--first-name", "Eva", "--last-name", "Ek", "--personnummer", with_check_digit("19850505", "977"),
              "--email", "eva.ek@example.org", "--child", child)
    link = stack.activation_link("eva.ek@example.org")
    assert link.startswith(stack.app_url)

    ui.open(link)
    ui.text("Aktivera ditt konto")
    ui.text(re.compile("Hej Eva!"))
    ui.shoot("activation")
    ui.fill("Användarnamn", "eva.ek")
    ui.fill("Lösenord", "ett långt lösenord")
    ui.fill("Upprepa lösenordet", "ett långt lösenord")
    ui.button("Aktivera kontot")
    ui.text(re.compile("Ditt konto är klart"))

    ui.login("eva.ek", "ett långt lösenord")
    ui.tap("profile", until=ui.heading("Min profil"))
    ui.button("Logga ut")
    ui.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)

    ui.open(link)  # the used link now says to contact the school
    ui.text(re.compile("Länken har redan använts"))


def test_login_shows_the_home_of_the_first_child_R4_R7(ui: UI) -> None:
    ui.open(ui.stack.app_url + "/login")
    ui.login("anna.lindqvist", DEMO_PASSWORD)
    (_id, first), _second = anna_children(ui.stack)[:2]
    ui.page.get_by_role("heading", name=first).wait_for(timeout=TIMEOUT)
    ui.text(re.compile(r"v\. \d+"))
    time.sleep(1.5)  # the boxes load after the cached page is shown
    ui.shoot("home")


def test_a_reload_resumes_the_session(ui: UI) -> None:
    (_id, first), _second = anna_children(ui.stack)[:2]
    ui.open(ui.stack.app_url + "/home")
    ui.page.get_by_role("heading", name=first).wait_for(timeout=TIMEOUT)
    ui.page.locator('[flt-semantics-identifier="bell"]').wait_for(timeout=TIMEOUT)


def test_my_profile_switches_child_R10(ui: UI) -> None:
    (_first_id, first), (second_id, second) = anna_children(ui.stack)[:2]
    ui.tap("profile", until=ui.heading("Byt barn"))
    ui.shoot("profile")
    ui.tap(f"child-{second_id}", until=ui.heading(second))
    ui.text(re.compile(r"v\. \d+"))
    assert ui.page.get_by_role("heading", name=first).count() == 0


def test_the_schedule_box_shows_the_week_and_the_logo_goes_home_R7(ui: UI) -> None:
    _first, (_id, second) = anna_children(ui.stack)[:2]
    ui.tap("box-schedule", until=ui.heading("Schema"))
    assert re.search(r"v\. \d+", ui.said("week-label"))
    time.sleep(1)
    ui.shoot("schedule")
    ui.tap("logo", until=ui.heading(second))


def test_the_bell_opens_the_notification_list_and_an_item_opens_what_it_is_about_R8(ui: UI) -> None:
    ui.tap("bell", until=ui.heading("Notiser"))
    first = ui.page.locator('[flt-semantics-identifier^="notification-"]').first
    first.wait_for(timeout=TIMEOUT)
    time.sleep(1)
    ui.shoot("notifications")
    area = re.search(r"(Planeringar|Blogg|Kalender|Information|Meddelanden|Schema|Frånvaro)", ui.said(first.get_attribute("flt-semantics-identifier") or ""))
    assert area, "the item names its area"
    first.click()
    ui.page.get_by_role("heading", name=area.group(1)).wait_for(timeout=TIMEOUT)


def test_the_envelope_opens_messages_and_a_thread_R9(ui: UI) -> None:
    ui.tap("envelope", until=ui.heading("Meddelanden"))
    thread = ui.page.locator('[flt-semantics-identifier^="thread-"]').first
    thread.wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("messages")
    thread.click()
    ui.text("Tillbaka till meddelanden")
    time.sleep(0.5)
    ui.shoot("message-thread")
    ui.button("Tillbaka till meddelanden")
    ui.page.get_by_role("heading", name="Meddelanden").wait_for(timeout=TIMEOUT)


def test_english_applies_at_once_to_every_screen_and_to_dates_R12_R80(ui: UI) -> None:
    ui.tap("settings", until=ui.heading("Personlig information"))
    assert "Skatteverket" in ui.said("address")
    ui.shoot("settings")
    ui.page.get_by_role("radio", name="English").click()
    ui.text("Personal information")
    ui.tap("logo", until=ui.page.get_by_text(re.compile(r"week \d+")).first)
    ui.text(re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+ \w+ \d{4}"))
    time.sleep(1)
    ui.shoot("home-english")
    ui.tap("bell", until=ui.heading("Notifications"))


def test_offline_the_app_shows_the_cache_with_when_it_was_updated_R81(ui: UI) -> None:
    _first, (_second_id, second) = anna_children(ui.stack)[:2]
    ui.tap("logo", until=ui.page.get_by_text(re.compile(r"week \d+")).first)
    time.sleep(1)
    ui.stack.stop_server()
    try:
        ui.tap("logo", until=ui.page.locator('[flt-semantics-identifier="offline-banner"]').first)
        assert "Offline" in ui.said("offline-banner")
        ui.page.get_by_role("heading", name=second).wait_for(timeout=TIMEOUT)  # the cached child and home are still shown
        ui.page.locator('[flt-semantics-identifier^="box-"]').first.wait_for(timeout=TIMEOUT)
        ui.shoot("offline-home")
        ui.tap("envelope", until=ui.heading("Messages"))  # messages already read stay readable
        ui.page.locator('[flt-semantics-identifier^="thread-"]').first.wait_for(timeout=TIMEOUT)
        assert "Offline" in ui.said("offline-banner")
        ui.shoot("offline-messages")
    finally:
        ui.stack.start_server()  # the next test file needs it
