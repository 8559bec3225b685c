"""Issue 16 in Chromium against the real server: one test for each thing a guardian (or their
screen reader) ran into. Every `ui.shoot` also runs the accessibility check (conftest) at phone
and desktop size. The file leaves the server running and the browser logged out."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import accessibility_report, tree_text
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI, anna_children

pytestmark = pytest.mark.e2e
TREES = Path(__file__).resolve().parent / "a11y-trees"


def _api_token(ui: UI, username: str) -> str:
    response = httpx.post(f"{ui.stack.api_url}/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
    return str(response.json()["token"])


def _unread_messages(ui: UI, username: str) -> int:
    token = _api_token(ui, username)
    return int(httpx.get(f"{ui.stack.api_url}/api/v1/messages/unread-count", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()["unread"])


def _log_out(ui: UI) -> None:
    ui.tap("profile", until=ui.page.get_by_role("button", name=re.compile("^(Logga ut|Log out)$")).first)
    ui.page.get_by_role("button", name=re.compile("^(Logga ut|Log out)$")).first.click()


def _login_form(ui: UI, label: str = "Användarnamn"):  # type: ignore[no-untyped-def]
    box = ui.page.get_by_role("textbox", name=label, exact=True)
    box.wait_for(timeout=TIMEOUT)
    return box


def test_the_login_page_speaks_the_devices_swedish_and_shows_its_language_switch(ui: UI) -> None:
    ui.stack.sql("UPDATE user_account SET language = 'sv' WHERE username = 'anna.lindqvist'")
    ui.open_logged_out(ui.stack.app_url + "/login")
    _login_form(ui)
    expect(ui.page.get_by_role("radio", name="Svenska")).to_be_checked()
    expect(ui.page.get_by_role("radio", name="English")).to_be_visible()
    ui.shoot("a11y-login")


def test_after_a_user_who_reads_english_logs_out_the_login_page_is_swedish_again(ui: UI) -> None:
    ui.login("mats.wikstrom", DEMO_PASSWORD)  # his account is in English
    ui.page.get_by_text(re.compile(r"week \d+")).first.wait_for(timeout=TIMEOUT)
    _log_out(ui)
    _login_form(ui, "Användarnamn")
    expect(ui.page.get_by_role("radio", name="Svenska")).to_be_checked()


def test_the_login_pages_own_switch_is_remembered_on_this_device(ui: UI) -> None:
    ui.page.get_by_role("radio", name="English").click()
    _login_form(ui, "Username")
    ui.open(ui.stack.app_url + "/login")  # a reload
    _login_form(ui, "Username")
    ui.page.get_by_role("radio", name="Svenska").click()
    _login_form(ui, "Användarnamn")


def test_logging_in_again_opens_the_child_chosen_last(ui: UI) -> None:
    (_first_id, first), (second_id, second) = anna_children(ui.stack)[:2]
    ui.login("anna.lindqvist", DEMO_PASSWORD)
    ui.heading(first).wait_for(timeout=TIMEOUT)
    ui.tap("profile", until=ui.heading("Byt barn"))
    ui.tap(f"child-{second_id}", until=ui.heading(second))
    _log_out(ui)
    _login_form(ui)
    ui.login("anna.lindqvist", DEMO_PASSWORD)
    ui.heading(second).wait_for(timeout=TIMEOUT)
    assert ui.heading(first).count() == 0


def test_the_envelope_names_its_count_in_the_right_plural(ui: UI) -> None:
    unread = _unread_messages(ui, "anna.lindqvist")
    assert unread >= 2, "the demo gives anna more than one unread message"
    envelope = ui.page.get_by_role("button", name=f"Meddelanden: {unread} olästa", exact=True)
    envelope.wait_for(timeout=TIMEOUT)
    ui.tap("envelope", until=ui.heading("Meddelanden"))
    threads = ui.page.locator('[flt-semantics-identifier^="thread-"]')
    threads.first.wait_for(timeout=TIMEOUT)
    while _unread_messages(ui, "anna.lindqvist") > 1:  # read until one is left
        before = _unread_messages(ui, "anna.lindqvist")
        token = _api_token(ui, "anna.lindqvist")
        inbox = httpx.get(f"{ui.stack.api_url}/api/v1/messages/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        unread_thread = next(t for t in inbox["threads"] if t.get("unread"))
        ui.tap(f"thread-{unread_thread['id']}", until=ui.page.get_by_text("Tillbaka till meddelanden").first)
        deadline = time.monotonic() + 10
        while _unread_messages(ui, "anna.lindqvist") == before and time.monotonic() < deadline:
            time.sleep(0.3)
        ui.button("Tillbaka till meddelanden")
        ui.heading("Meddelanden").wait_for(timeout=TIMEOUT)
    ui.page.get_by_role("button", name="Meddelanden: 1 oläst", exact=True).wait_for(timeout=TIMEOUT)


def test_a_messages_text_reaches_the_screen_reader_as_text(ui: UI) -> None:
    thread_id, body = _a_thread_of(ui)
    ui.open(f"{ui.stack.app_url}/messages/{thread_id}")
    ui.page.get_by_text("Tillbaka till meddelanden").first.wait_for(timeout=TIMEOUT)
    words = " ".join(body.split()[:4])
    ui.page.get_by_text(words).first.wait_for(timeout=TIMEOUT)
    time.sleep(1)
    tree = tree_text(ui.page)
    assert words in tree, tree
    assert "textbox ''" not in tree
    report = accessibility_report(ui.page, "message")
    TREES.mkdir(exist_ok=True)
    (TREES / "message-after.txt").write_text(
        f"# /messages/{thread_id} at 390×844, as Chromium's accessibility tree exposes it\n" + tree + "\n# check\n" + report.text() + "\n"
    )
    ui.shoot("a11y-message")  # (the tree file above is written first, to show it even when this fails)


def _a_thread_of(ui: UI) -> tuple[int, str]:
    token = _api_token(ui, "anna.lindqvist")
    inbox = httpx.get(f"{ui.stack.api_url}/api/v1/messages/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    thread_id = int(inbox["threads"][0]["id"])
    thread = httpx.get(f"{ui.stack.api_url}/api/v1/messages/threads/{thread_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    return thread_id, str(thread["messages"][0]["body"])


def test_the_settings_address_is_read_as_text_and_a_demo_guardian_saves_a_phone_number(ui: UI) -> None:
    street = ui.stack.sql("SELECT address_street FROM user_account WHERE username = 'anna.lindqvist'")[0][0]
    assert street
    ui.tap("settings", until=ui.heading("Personlig information"))
    ui.page.get_by_text(street).first.wait_for(timeout=TIMEOUT)
    assert street in tree_text(ui.page)
    ui.shoot("a11y-settings")
    ui.fill("Mobilnummer", "070-765 43 21")
    ui.button("Spara kontaktuppgifter")
    ui.text(re.compile("^Sparat"))
    assert ui.stack.sql("SELECT phone FROM user_account WHERE username = 'anna.lindqvist'")[0][0] == "+46707654321"


def test_the_schedules_week_arrows_are_buttons_with_names(ui: UI) -> None:
    (_first_id, _first), (_second_id, second) = anna_children(ui.stack)[:2]
    ui.tap("logo", until=ui.heading(second))
    ui.tap("box-schedule", until=ui.heading("Schema"))
    label = ui.page.locator('[flt-semantics-identifier="week-label"]').first
    label.wait_for(timeout=TIMEOUT)
    this_week = int(re.search(r"v\. (\d+)", ui.said("week-label")).group(1))  # type: ignore[union-attr]
    ui._click(ui.page.get_by_role("button", name="Nästa vecka", exact=True).first)
    ui.page.locator('[flt-semantics-identifier="week-label"]', has_text=re.compile(rf"v\. {this_week % 53 + 1}\b")).first.wait_for(timeout=TIMEOUT)
    ui.page.get_by_role("button", name="Föregående vecka", exact=True).first.wait_for(timeout=TIMEOUT)
    time.sleep(1)
    ui.shoot("a11y-schedule")


def test_offline_shows_within_10_s_of_a_hung_or_stopped_server_and_goes_within_10_s_of_its_return(ui: UI) -> None:
    (_first_id, _first), (_second_id, second) = anna_children(ui.stack)[:2]
    ui.tap("logo", until=ui.heading(second))
    banner = ui.page.locator('[flt-semantics-identifier="offline-banner"]').first
    expect(banner).to_have_count(0)
    for stop, resume in ((ui.stack.hang_server, ui.stack.resume_server), (ui.stack.stop_server, ui.stack.start_server)):
        stop()
        try:
            banner.wait_for(timeout=10_000)
            assert "Offline" in ui.said("offline-banner")
        finally:
            resume()
        banner.wait_for(state="detached", timeout=10_000)
    _log_out(ui)
    _login_form(ui)
