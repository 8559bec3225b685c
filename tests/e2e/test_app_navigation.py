"""Back navigation on the view stack (issue 9), in Chromium against the real server, at phone
(390×844) and desktop (1280×800) size: the app bar's back arrow and the browser's back button
both return to the previous screen; a typed deep link opens its screen after login, without a
detour through the home."""

from __future__ import annotations

import re

import pytest

from tests.e2e.stack import DESKTOP, PHONE
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI, anna_children

pytestmark = pytest.mark.e2e
WEEK = re.compile(r"v\. (\d+)")
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def _week(ui: UI) -> int:
    match = WEEK.search(ui.said("week-label"))
    assert match, "the schedule names its week"
    return int(match.group(1))


def _wait_week(ui: UI, number: int) -> None:
    ui.page.locator('[flt-semantics-identifier="week-label"]', has_text=re.compile(rf"v\. {number}\b")).first.wait_for(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def fresh(ui: UI) -> set[str]:
    """This file starts from a browser without a session (an earlier file may have left one, in
    English); answers the set the first login adds itself to."""
    return set()


def _home_of_the_school_child(ui: UI, size: str, fresh: set[str]) -> str:
    """Logged in as Anna at the given size, on the home of her child at school (which has a
    schedule box); answers that child's name."""
    ui.page.set_viewport_size(SIZES[size])
    _first, (second_id, second) = anna_children(ui.stack)[:2]
    if not fresh or ui.page.locator('[flt-semantics-identifier="bell"]').count() == 0:
        fresh.add("logged in")
        ui.stack.sql("UPDATE user_account SET language = 'sv' WHERE username = 'anna.lindqvist'")  # an earlier file chose English
        ui.open_logged_out(ui.stack.app_url + "/login")
        ui.login("anna.lindqvist", DEMO_PASSWORD)
    else:
        ui.tap("logo", until=ui.page.locator('[flt-semantics-identifier^="box-"]').first)
    if ui.heading(second).count() == 0:  # a new login selects the first child
        ui.tap("profile", until=ui.heading("Byt barn"))
        ui.tap(f"child-{second_id}", until=ui.heading(second))
    assert ui.page.locator('[flt-semantics-identifier="back"]').count() == 0  # no back arrow on the home
    return second


@pytest.mark.parametrize("size", SIZES)
def test_the_back_arrow_returns_through_the_weeks_to_the_home(ui: UI, size: str, fresh: set[str]) -> None:
    child = _home_of_the_school_child(ui, size, fresh)
    ui.tap("box-schedule", until=ui.heading("Schema"))
    this_week = _week(ui)
    ui.tap("next-week")
    _wait_week(ui, this_week + 1)
    ui.page.screenshot(path=str(ui.shots / f"schedule-next-week-{size}.png"))
    ui.tap("back")
    _wait_week(ui, this_week)
    ui.tap("back", until=ui.heading(child))
    ui.page.get_by_text(re.compile(r"v\. \d+")).first.wait_for(timeout=TIMEOUT)
    assert ui.page.url.rstrip("/") == ui.stack.app_url


@pytest.mark.parametrize("size", SIZES)
def test_the_browsers_back_button_does_the_same(ui: UI, size: str, fresh: set[str]) -> None:
    child = _home_of_the_school_child(ui, size, fresh)
    ui.tap("box-schedule", until=ui.heading("Schema"))
    this_week = _week(ui)
    ui.tap("next-week")
    _wait_week(ui, this_week + 1)
    ui.page.go_back()
    _wait_week(ui, this_week)
    ui.page.go_back()
    ui.heading(child).wait_for(timeout=TIMEOUT)
    assert ui.page.locator('[flt-semantics-identifier="back"]').count() == 0


@pytest.mark.parametrize("size", SIZES)
def test_a_typed_thread_address_opens_that_thread_after_login(ui: UI, size: str, fresh: set[str]) -> None:
    _home_of_the_school_child(ui, size, fresh)
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
    ui.page.screenshot(path=str(ui.shots / f"deep-link-thread-{size}.png"))
    ui.tap("back", until=ui.heading("Meddelanden"))  # the inbox is below it on the stack
    ui.tap("back")
    ui.page.locator('[flt-semantics-identifier^="box-"]').first.wait_for(timeout=TIMEOUT)


def test_the_browser_tab_and_the_web_manifest_say_skolhub(ui: UI) -> None:
    """Web mode serves the app's own name, favicon and manifest icons, not Flet's defaults."""
    import httpx

    from tests.e2e.stack import ROOT

    ui.page.goto(ui.stack.app_url)
    assert ui.page.title() == "Skolhub"
    manifest = httpx.get(f"{ui.stack.app_url}/manifest.json", timeout=30).json()
    assert manifest["name"] == manifest["short_name"] == "Skolhub"
    for path in ("favicon.png", *(icon["src"] for icon in manifest["icons"])):
        served = httpx.get(f"{ui.stack.app_url}/{path}", timeout=30)
        assert served.status_code == 200 and served.content == (ROOT / "assets" / path).read_bytes(), path
    assert httpx.get(f"{ui.stack.app_url}/logo.png", timeout=30).content == (ROOT / "assets" / "logo.png").read_bytes()
