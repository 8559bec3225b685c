"""The school-day screens in Chromium against the real server and the demo data (issue 10):
absence for a school child (whole day today, lessons tomorrow, the school's invalid absence in the
history), preschool absence with a comment and the GDPR reminder, booking a development talk that
then shows on the home page and cancelling it (Avboka → the message to the teacher opens
prefilled), fritids times for a day with a comment and a week repeated every other week, and a
student who sees none of these boxes.

This file starts its own stack (tests/e2e/conftest.py's, with the clock below). The tests run in
file order in one browser, at phone size; each saves a screenshot
(tests/e2e/screenshots/<name>-phone.png, the main screens at desktop size too).

Reporting absence is possible today and tomorrow only, for days with lessons, so this file's
server, demo seed, worker and app run on a clock that starts at a school-day morning
(SKOLHUB_CLOCK_START, Wednesday 2 December 2026 07:20) and runs on: the tests do not depend on
the day they run."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import chromium_for, require_chromium
from tests.e2e.stack import PHONE, Stack, running_stack
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI

pytestmark = pytest.mark.e2e


# A school-day morning: today and tomorrow (Wednesday, Thursday) have lessons, no holiday near.
MORNING = datetime(2026, 12, 2, 7, 20, tzinfo=ZoneInfo("Europe/Stockholm"))


def stockholm_today() -> date:
    """Today as this file's server and app see it (their clock starts at MORNING)."""
    return MORNING.date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- the stack of this file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The shared demo stack (tests/e2e/conftest.py), its server, seed, worker and app all on a
    clock started at MORNING."""
    require_chromium()
    with running_stack(tmp_path_factory.mktemp("e2e-school-day"), {"SKOLHUB_CLOCK_START": MORNING.isoformat()}) as s:
        yield s


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[BrowserContext]:
    with chromium_for(stack) as context:
        yield context


class DayUI(UI):
    """The shared driver (tests/e2e/ui.py) with what these tests add: a node by identifier,
    login from any screen, logout, the home, a phone-only screenshot."""

    def node(self, identifier: str):  # type: ignore[no-untyped-def]
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]').first

    def heading(self, name: str | re.Pattern[str]):  # type: ignore[no-untyped-def]
        if isinstance(name, str):
            return self.page.get_by_role("heading", name=name, exact=True)
        return self.page.get_by_role("heading", name=name)

    def shoot(self, name: str, desktop: bool = False) -> None:
        if desktop:
            super().shoot(name)
            return
        self.page.set_viewport_size(PHONE)
        self.page.mouse.move(PHONE["width"] - 5, PHONE["height"] - 5)  # no tooltip in the picture
        time.sleep(1.2)
        self.page.screenshot(path=str(self.shots / f"{name}-phone.png"))

    def login_as(self, username: str) -> None:
        self.open(self.stack.app_url + "/login")
        self.login(username, DEMO_PASSWORD)

    def logout(self) -> None:
        # By address: after several screens, earlier views' top bars are still in the tree
        # under the current one, and "profile" would find the first of them.
        self.open(self.stack.app_url + "/profile")
        self.heading("Min profil").wait_for(timeout=TIMEOUT)
        self.button("Logga ut")
        self.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)

    def home(self) -> None:
        self.tap("logo")
        self.node("box-absence").or_(self.node("box-information")).first.wait_for(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def ui(browser, stack: Stack, screenshots: Path) -> DayUI:  # type: ignore[no-untyped-def]
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_default_timeout(TIMEOUT)
    return DayUI(page, stack, screenshots)


def child_of(stack: Stack, username: str, unit_kind: str) -> tuple[int, str]:
    rows = stack.sql(
        "SELECT p.id, p.first_name || ' ' || p.last_name FROM pupil p JOIN guardianship g ON g.pupil_id = p.id "
        "JOIN user_account u ON u.id = g.guardian_id JOIN unit ON unit.id = p.unit_id "
        "WHERE u.username = ? AND unit.kind = ? ORDER BY p.id", username, unit_kind)
    return rows[0][0], rows[0][1]


def reported(stack: Stack, pupil_id: int, day: date) -> list[tuple]:  # type: ignore[type-arg]
    return stack.sql("SELECT id, whole_day, reason, comment FROM absence WHERE pupil_id = ? AND date = ? AND kind = 'reported'",
                     pupil_id, day.isoformat())


# --- absence, school (R40–R45) -------------------------------------------------------------------


def test_a_guardian_reports_whole_day_today_and_lessons_tomorrow_and_sees_both_with_the_schools_invalid_absence(ui: DayUI) -> None:
    today = stockholm_today()
    tomorrow = today + timedelta(days=1)
    child_id, child = child_of(ui.stack, "karin.berg", "school")
    ui.login_as("karin.berg")
    ui.page.get_by_role("heading", name=child).wait_for(timeout=TIMEOUT)
    ui.tap("box-absence", until=ui.heading("Frånvaro"))
    ui.text("Ogiltig frånvaro, registrerad av skolan")  # the demo's registered invalid lesson

    # Whole day today; the send button is double-tapped: one absence.
    ui.tap("report-absence", until=ui.heading("Anmäl frånvaro"))
    expect(ui.page.get_by_role("checkbox", name="Heldag")).to_be_checked()
    ui.text("Skriv inga hälsouppgifter här (GDPR).")
    ui.shoot("absence-form", desktop=True)
    ui.button("Fortsätt")
    ui.heading("Sammanfattning").wait_for(timeout=TIMEOUT)
    ui.shoot("absence-summary")
    send = ui.page.get_by_role("button", name="Anmäl frånvaro", exact=True).first
    send.dblclick()
    ui.text("Frånvaron är anmäld.")
    time.sleep(1.5)
    assert len(reported(ui.stack, child_id, today)) == 1
    assert reported(ui.stack, child_id, today)[0][1] == 1  # whole day
    ui.shoot("absence-reported")
    ui.button("Tillbaka till frånvaro")

    # Lessons tomorrow: choose the first lesson of tomorrow's schedule.
    ui.tap("report-absence", until=ui.heading("Anmäl frånvaro"))
    ui.page.get_by_role("radio", name=re.compile(r"^I morgon")).click()
    ui.page.get_by_role("checkbox", name="Heldag").click()
    lesson = ui.page.get_by_role("checkbox", name=re.compile(r"^\d\d:\d\d–\d\d:\d\d "))
    lesson.first.wait_for(timeout=TIMEOUT)
    lesson_name = lesson.first.get_attribute("aria-label") or lesson.first.inner_text()
    lesson.first.click()
    ui.page.get_by_role("radio", name="Annat").click()
    ui.fill("Kommentar (frivillig)", "Tandläkare")
    ui.shoot("absence-lessons")
    ui.button("Fortsätt")
    ui.heading("Sammanfattning").wait_for(timeout=TIMEOUT)
    ui.button("Anmäl frånvaro")
    ui.text("Frånvaron är anmäld.")
    rows = reported(ui.stack, child_id, tomorrow)
    assert len(rows) == 1 and rows[0][1] == 0 and rows[0][2] == "other" and rows[0][3] == "Tandläkare"
    ui.button("Tillbaka till frånvaro")

    # The history: both reports, newest first, and the school's invalid absence.
    ui.heading("Frånvaro").wait_for(timeout=TIMEOUT)
    first_item = ui.page.locator('[flt-semantics-identifier^="absence-"]').filter(has_text=re.compile("Anmäld av vårdnadshavare"))
    first_item.first.wait_for(timeout=TIMEOUT)
    tomorrow_id = rows[0][0]
    today_id = reported(ui.stack, child_id, today)[0][0]
    assert "Heldag" in ui.said(f"absence-{today_id}")
    said_tomorrow = ui.said(f"absence-{tomorrow_id}")
    subject = lesson_name.split(" ", 1)[1] if lesson_name else ""
    assert subject and subject in said_tomorrow and "Annat" in said_tomorrow
    ids = [n.get_attribute("flt-semantics-identifier") for n in ui.page.locator('[flt-semantics-identifier^="absence-"]').all()]
    assert ids.index(f"absence-{tomorrow_id}") < ids.index(f"absence-{today_id}")  # newest first
    invalid_id = ui.stack.sql("SELECT id FROM absence WHERE pupil_id = ? AND kind = 'invalid'", child_id)[0][0]
    assert "Ogiltig frånvaro" in ui.said(f"absence-{invalid_id}")
    ui.shoot("absence-history", desktop=True)

    # A report is final: the detail says to contact the school.
    ui.tap(f"absence-{tomorrow_id}", until=ui.page.get_by_text("Tandläkare").first)
    assert "Kontakta skolan för att ändra" in ui.said("absence-contact-school")
    ui.shoot("absence-detail")


# --- development talks (R30–R34) -----------------------------------------------------------------


def test_a_guardian_books_a_talk_with_a_message_sees_it_on_home_and_cancels_with_a_message_to_the_teacher(ui: DayUI) -> None:
    child_id, child = child_of(ui.stack, "karin.berg", "school")
    omar = ui.stack.sql("SELECT id FROM user_account WHERE first_name = 'Omar' AND last_name = 'Haddad'")[0][0]
    ui.home()
    ui.tap("box-talks", until=ui.heading("Utvecklingssamtal"))
    ui.text("Omar Haddad")
    assert "egen pedagog" in ui.said("talks-hint")
    ui.shoot("talks", desktop=True)
    book = ui.page.locator('[flt-semantics-identifier^="book-talk-"]').first
    time_id = int((book.get_attribute("flt-semantics-identifier") or "").rsplit("-", 1)[1])
    ui.tap(f"book-talk-{time_id}", until=ui.heading("Boka utvecklingssamtal"))
    ui.fill("Meddelande till läraren (frivilligt)", "Vi vill gärna prata om matten.")
    ui.shoot("talk-book")
    ui.button("Boka tiden")
    ui.heading("Ert bokade samtal").wait_for(timeout=TIMEOUT)
    booked = ui.stack.sql("SELECT id, message FROM talk_booking WHERE pupil_id = ? AND time_id = ?", child_id, time_id)
    assert len(booked) == 1 and booked[0][1] == "Vi vill gärna prata om matten."
    place, start = ui.stack.sql("SELECT place, start FROM talk_time WHERE id = ?", time_id)[0]
    ui.shoot("talk-booked", desktop=True)

    # The booked talk on the home page: date, time, teacher, place.
    ui.home()
    line = ui.said("home-booked-talk")
    assert "Omar Haddad" in line and place in line and str(start)[:5] in line
    ui.shoot("home-booked-talk", desktop=True)

    # Avboka → confirm → write to the teacher.
    ui.tap("box-talks", until=ui.heading("Ert bokade samtal"))
    ui.tap(f"cancel-talk-{time_id}", until=ui.page.get_by_text("Avboka samtalet?").first)
    ui.shoot("talk-cancel-confirm")
    ui.button("Ja, avboka")
    ui.text(re.compile("Samtalet är avbokat"))
    assert ui.stack.sql("SELECT COUNT(*) FROM talk_booking WHERE pupil_id = ? AND time_id = ?", child_id, time_id)[0][0] == 0
    ui.shoot("talk-cancelled")
    ui.button("Skriv ett meddelande till läraren")
    ui.page.wait_for_url(re.compile(r"/messages/new\?"), timeout=TIMEOUT)
    query = parse_qs(urlparse(ui.page.url).query)
    assert query["to"] == [str(omar)]
    subject = unquote(query["subject"][0])
    assert subject.startswith("Avbokat utvecklingssamtal") and str(start)[:5] in subject
    # The compose screen (messages area) opens with the teacher and the subject filled in.
    ui.node(f"chosen-{omar}").wait_for(timeout=TIMEOUT)  # the teacher is the chosen recipient
    # The title field shows the subject (see the screenshot); Flutter does not reliably put an
    # unfocused field's text into the DOM, so the subject is checked in the address above.
    ui.page.get_by_role("textbox", name="Titel", exact=True).first.wait_for(timeout=TIMEOUT)
    time.sleep(1)
    ui.shoot("talk-message-to-teacher")


# --- leisure time (R70–R74) ----------------------------------------------------------------------


def test_fritids_a_day_with_a_comment_a_week_every_other_week_and_today_locked(ui: DayUI) -> None:
    today = stockholm_today()
    child_id, _child = child_of(ui.stack, "karin.berg", "school")
    ui.home()
    ui.tap("box-leisure", until=ui.heading("Fritidsschema"))
    ui.heading("Hela veckan").wait_for(timeout=TIMEOUT)
    assert "Låst" in ui.said(f"leisure-day-{today.isoformat()}")
    ui.shoot("leisure-week", desktop=True)

    # Next week's Thursday: times and a comment.
    next_monday = today - timedelta(days=today.isoweekday() - 1) + timedelta(weeks=1)
    thursday = next_monday + timedelta(days=3)
    ui.tap("leisure-next-week", until=ui.node(f"leisure-day-{thursday.isoformat()}"))
    ui.tap(f"leisure-day-{thursday.isoformat()}", until=ui.heading("Lägg till/Ändra dag"))
    ui.fill("Start", "08:15")
    ui.fill("Slut", "15:45")
    ui.fill("Kommentar (frivillig)", "Morfar hämtar")
    ui.shoot("leisure-day")
    ui.button("Spara")
    ui.text("Sparat.")
    row = ui.stack.sql("SELECT start, \"end\", comment FROM leisure_day WHERE pupil_id = ? AND date = ?", child_id, thursday.isoformat())
    assert row and str(row[0][0]).startswith("08:15") and str(row[0][1]).startswith("15:45") and row[0][2] == "Morfar hämtar"
    ui.open(f"{ui.stack.app_url}/leisure/{iso_week(next_monday)}")  # the week again, fetched afresh
    ui.heading("Hela veckan").wait_for(timeout=TIMEOUT)
    said = ui.said(f"leisure-day-{thursday.isoformat()}")
    assert "08:15–15:45" in said and "Kommentar: Morfar hämtar" in said  # the speech bubble
    ui.shoot("leisure-day-comment")

    # A week from next week, repeated every 2 weeks for 6 weeks: Mondays 09:00–13:00.
    ui.tap("leisure-week-form", until=ui.heading("Lägg till/Ändra vecka"))
    # The first week: next week (today's week is locked); one later and back again.
    first = ui.said("leisure-first-week")
    assert first.startswith(f"v. {next_monday.isocalendar()[1]} ("), first
    ui.tap("leisure-first-week-later")
    expect(ui.node("leisure-first-week")).not_to_have_text(first, timeout=TIMEOUT)
    ui.tap("leisure-first-week-earlier")
    expect(ui.node("leisure-first-week")).to_have_text(first, timeout=TIMEOUT)
    ui.fill("Måndag start", "09:00")
    ui.fill("Måndag slut", "13:00")
    repeat = ui.page.get_by_role("checkbox", name="Upprepa registreringarna för denna vecka")
    every = ui.page.get_by_role("textbox", name="Var … vecka", exact=True)
    repeat.click()  # once: a redraw just before the tap no longer undoes it (tests/app/test_app_events.py)
    every.wait_for(timeout=TIMEOUT)
    ui.fill("Var … vecka", "2")
    ui.fill("Antal veckor", "6")
    ui.shoot("leisure-week-form")
    ui.button("Spara")
    # Once more if Flutter lost a time the DOM still showed (as ui.login does, DESIGN.md): the app
    # never got the field's change event, says so, and saves nothing.
    saved = ui.page.get_by_text(re.compile(r"^Sparat för \d+ dagar")).first
    refused = ui.page.get_by_text(re.compile(r"^(Skriv tiderna som|Fyll i tiderna)")).first
    saved.or_(refused).wait_for(timeout=TIMEOUT)
    if not saved.is_visible():
        assert not ui.stack.sql("SELECT 1 FROM leisure_day WHERE pupil_id = ? AND start LIKE '09:00%'", child_id)
        ui.fill("Måndag start", "09:00")
        ui.fill("Måndag slut", "13:00")
        ui.button("Spara")
    done = ui.text(re.compile(r"^Sparat för \d+ dagar"))
    assert done
    mondays = [r[0] for r in ui.stack.sql(
        "SELECT date FROM leisure_day WHERE pupil_id = ? AND start = '09:00:00.000000' ORDER BY date", child_id)]
    if not mondays:  # SQLite stores TIME as text; be lenient about its form
        mondays = [r[0] for r in ui.stack.sql(
            "SELECT date FROM leisure_day WHERE pupil_id = ? AND start LIKE '09:00%' AND \"end\" LIKE '13:00%' ORDER BY date", child_id)]
    expected = [next_monday + timedelta(weeks=w) for w in (0, 2, 4)]
    assert [date.fromisoformat(str(m)[:10]) for m in mondays] == [
        d for d in expected if d.isoformat() not in {"2026-12-25", "2027-01-01", "2027-01-06"}]
    ui.shoot("leisure-week-saved")

    # Week +2 shows it, week +1 does not.
    plus_two, plus_one = next_monday + timedelta(weeks=2), next_monday + timedelta(weeks=1)
    ui.open(f"{ui.stack.app_url}/leisure/{iso_week(plus_two)}")
    assert "09:00–13:00" in ui.said(f"leisure-day-{plus_two.isoformat()}")
    ui.shoot("leisure-week-plus-2")
    ui.open(f"{ui.stack.app_url}/leisure/{iso_week(plus_one)}")
    assert "09:00–13:00" not in ui.said(f"leisure-day-{plus_one.isoformat()}")


# --- absence, preschool (R46, R47) ---------------------------------------------------------------


def test_preschool_absence_with_a_comment_and_the_gdpr_reminder_visible(ui: DayUI) -> None:
    today = stockholm_today()
    child_id, child = child_of(ui.stack, "anna.lindqvist", "preschool")
    ui.logout()
    ui.login_as("anna.lindqvist")
    ui.tap("profile", until=ui.heading("Min profil"))
    ui.tap(f"child-{child_id}", until=ui.heading(child))
    ui.tap("box-absence", until=ui.heading("Frånvaro"))
    ui.tap("report-absence", until=ui.heading("Anmäl frånvaro"))
    assert ui.page.get_by_role("checkbox", name="Heldag").count() == 0  # a preschool day has no lessons
    ui.page.get_by_role("radio", name="Ledighet").click()
    ui.fill("Kommentar (frivillig)", "ledig, mormor hämtar")
    assert "Skriv inga hälsouppgifter här" in ui.said("gdpr-reminder")
    ui.shoot("preschool-absence-form", desktop=True)
    ui.button("Fortsätt")
    ui.heading("Sammanfattning").wait_for(timeout=TIMEOUT)
    ui.button("Anmäl frånvaro")
    ui.text("Frånvaron är anmäld.")
    rows = reported(ui.stack, child_id, today)
    assert len(rows) == 1 and rows[0][2] == "leave" and rows[0][3] == "ledig, mormor hämtar"
    ui.button("Tillbaka till frånvaro")
    assert "Ledighet" in ui.said(f"absence-{rows[0][0]}")
    ui.shoot("preschool-absence-history")


# --- a student (R1) ------------------------------------------------------------------------------


def test_a_student_sees_no_absence_talks_or_fritids_box_and_their_addresses_say_why(ui: DayUI) -> None:
    ui.logout()
    ui.login_as("elsa.nyberg")
    ui.node("box-schedule").wait_for(timeout=TIMEOUT)
    time.sleep(1.5)  # the boxes are in: the fresh home, not only the cached one
    for key in ("absence", "talks", "leisure"):
        assert ui.page.locator(f'[flt-semantics-identifier="box-{key}"]').count() == 0, key
    ui.shoot("student-home", desktop=True)
    # By address: the screen says why, and offers no form the server would refuse.
    for area, path, why in (("absence", "/absence/new", "Bara en vårdnadshavare kan anmäla frånvaro."),
                            ("talks", "/talks", "Bara en vårdnadshavare kan boka utvecklingssamtal."),
                            ("leisure", "/leisure/week", "Bara en vårdnadshavare kan registrera fritidstider.")):
        ui.open(ui.stack.app_url + path)
        ui.text(why)
        assert ui.page.get_by_role("button", name=re.compile("^(Anmäl frånvaro|Boka tiden|Spara)$")).count() == 0
        ui.shoot(f"student-{area}-refused")  # with the accessibility check
