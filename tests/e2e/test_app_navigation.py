"""Back navigation on the view stack (issue 9), in Chromium against the real server, at phone
size: the app bar's back arrow and the browser's back button both return to the previous
screen; a typed deep link opens its screen after login, without a detour through the home."""

from __future__ import annotations

import re

import pytest

from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI, anna_children

pytestmark = pytest.mark.e2e
WEEK = re.compile(r"v\. (\d+)")


def _week(ui: UI) -> int:
    match = WEEK.search(ui.said("week-label"))
    assert match, "the schedule names its week"
    return int(match.group(1))


def _wait_week(ui: UI, number: int) -> None:
    ui.page.locator('[flt-semantics-identifier="week-label"]', has_text=re.compile(rf"v\. {number}\b")).first.wait_for(timeout=TIMEOUT)


def test_the_back_arrow_returns_through_the_weeks_to_the_home(ui: UI) -> None:
    ui.stack.sql("UPDATE user_account SET language = 'sv' WHERE username = 'anna.lindqvist'")  # an earlier file chose English
    ui.open_logged_out(ui.stack.app_url + "/login")
    ui.login("anna.lindqvist", DEMO_PASSWORD)
    (_id, first), (second_id, second) = anna_children(ui.stack)[:2]
    ui.heading(first).wait_for(timeout=TIMEOUT)
    assert ui.page.locator('[flt-semantics-identifier="back"]').count() == 0  # none on the home
    ui.tap("profile", until=ui.heading("Byt barn"))
    ui.tap(f"child-{second_id}", until=ui.heading(second))  # the school child has a schedule box
    first = second
    ui.tap("box-schedule", until=ui.heading("Schema"))
    this_week = _week(ui)
    ui.tap("next-week")
    _wait_week(ui, this_week + 1)
    ui.shoot("schedule-next-week")
    ui.tap("back")
    _wait_week(ui, this_week)
    ui.tap("back", until=ui.heading(first))
    ui.page.get_by_text(re.compile(r"v\. \d+")).first.wait_for(timeout=TIMEOUT)


def test_the_browsers_back_button_does_the_same(ui: UI) -> None:
    _first, (_id, first) = anna_children(ui.stack)[:2]
    ui.tap("box-schedule", until=ui.heading("Schema"))
    this_week = _week(ui)
    ui.tap("next-week")
    _wait_week(ui, this_week + 1)
    ui.page.go_back()
    _wait_week(ui, this_week)
    ui.page.go_back()
    ui.heading(first).wait_for(timeout=TIMEOUT)
    assert ui.page.locator('[flt-semantics-identifier="back"]').count() == 0


def test_a_typed_thread_address_opens_that_thread_after_login(ui: UI) -> None:
    thread_id, subject = ui.stack.sql(
        "SELECT t.id, t.subject FROM message_thread t JOIN message_participant p ON p.thread_id = t.id "
        "JOIN user_account u ON u.id = p.user_id WHERE u.username = 'anna.lindqvist' ORDER BY t.id LIMIT 1")[0]
    ui.tap("profile", until=ui.heading("Min profil"))
    ui.button("Logga ut")
    ui.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)
    ui.open(f"{ui.stack.app_url}/messages/{thread_id}")
    ui.login("anna.lindqvist", DEMO_PASSWORD)
    ui.heading(subject).wait_for(timeout=TIMEOUT)
    assert ui.page.url.endswith(f"/messages/{thread_id}")
    ui.shoot("deep-link-thread")
    ui.tap("back", until=ui.heading("Meddelanden"))  # the inbox is below it on the stack
