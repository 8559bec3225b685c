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


CLIPPED = """(selector) => {
  const out = [];
  for (const box of document.querySelectorAll(selector)) {
    const r = box.getBoundingClientRect();
    for (const el of box.querySelectorAll('flt-semantics, span')) {
      const c = el.getBoundingClientRect();
      if (c.width === 0 || c.height === 0) continue;
      if (c.bottom > r.bottom + 1 || c.right > r.right + 1 || c.left < r.left - 1 || c.top < r.top - 1)
        out.push([box.getAttribute('flt-semantics-identifier'), (el.innerText || el.getAttribute('aria-label') || '').slice(0, 40),
                  Math.round(c.bottom - r.bottom), Math.round(c.right - r.right)]);
    }
  }
  return out;
}"""


def test_text_at_200_percent_is_not_clipped_on_a_phone(ui: UI) -> None:
    """WCAG 1.4.4: the browser's text size at 200 % (Flutter web follows the root font size);
    every box's words stay inside the box at 390×844."""
    (_first_id, _first), (_second_id, second) = anna_children(ui.stack)[:2]
    ui.tap("logo", until=ui.heading(second))
    ui.page.locator('[flt-semantics-identifier^="box-"]').first.wait_for(timeout=TIMEOUT)
    style = ui.page.add_style_tag(content="html { font-size: 32px !important; }")
    try:
        time.sleep(2)
        assert ui.page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
        title = ui.heading(second)
        assert (title.bounding_box() or {}).get("height", 0) > 40, "the text did not grow"
        clipped = ui.page.evaluate(CLIPPED, '[flt-semantics-identifier^="box-"]')
        assert clipped == [], clipped
        wider = ui.page.evaluate("() => Array.from(document.querySelectorAll('flt-semantics')).filter(e => e.getBoundingClientRect().right > 391).length")
        assert wider == 0
        ui.shoot("a11y-home-text-200")
    finally:
        style.evaluate("e => e.remove()")
        time.sleep(1)


def test_focus_moves_in_the_order_the_home_is_read(ui: UI) -> None:
    """WCAG 2.4.3: Tab goes left to right along the top bar, then through the boxes row by row."""
    (_first_id, _first), (_second_id, second) = anna_children(ui.stack)[:2]
    ui.heading(second).wait_for(timeout=TIMEOUT)
    ui.page.set_viewport_size({"width": 1280, "height": 800})
    time.sleep(1)
    ui.page.mouse.click(640, 790)  # focus the page itself, nothing on it
    stops: list[tuple[str, float, float]] = []
    for _ in range(30):
        ui.page.keyboard.press("Tab")
        time.sleep(0.25)
        stop = ui.page.evaluate("""() => { const e = document.activeElement; if (!e || e === document.body) return null;
            const r = e.getBoundingClientRect(); return [(e.getAttribute('aria-label') || e.innerText || e.id).replace(/\\s+/g, ' '), r.top, r.left]; }""")
        if not stop or (stops and stops[-1][0] == str(stop[0])[:40]):
            continue
        if stops and stops[0][0] == str(stop[0])[:40]:
            break  # round again
        stops.append((str(stop[0])[:40], float(stop[1]), float(stop[2])))
    ui.page.set_viewport_size({"width": 390, "height": 844})
    names = [name for name, _top, _left in stops]
    assert "Startsida Skolhub" in names, stops  # every control of the top bar is reached by the keyboard
    start = names.index("Startsida Skolhub")
    stops = stops[start:] + stops[:start]  # one round, from the first control on the screen
    names = names[start:] + names[:start]
    assert any(n.startswith("Min profil") for n in names) and "Inställningar" in names, stops
    assert len(stops) >= 8, stops
    for (a, top_a, left_a), (b, top_b, left_b) in zip(stops, stops[1:], strict=False):
        same_row = abs(top_a - top_b) < 24
        assert (same_row and left_b > left_a) or (not same_row and top_b > top_a), f"{a!r} then {b!r}: {stops}"


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
