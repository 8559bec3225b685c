"""BankID in the browser (R5, R52, R54): the real server with the BankID simulator mounted at
/bankid-sim (as in the demo), the real app, Chromium with two pages — the app, and the
simulator's page playing "the BankID app".

Bedömningar asks for BankID and shows the animated QR (a new frame each second, the server's
content for that second, read back from the screenshot with zxing-cpp); cancelling in "the
BankID app" shows BankID's RFA6; someone else's BankID is refused; the right person opens the
box; Dokumentation then opens without BankID within the verification window. The tests run in
file order on one browser session. Screenshots at 390×844 and 1280×800 in tests/e2e/screenshots/."""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.stack import DESKTOP, PHONE, Stack
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI

pytestmark = pytest.mark.e2e

RFA1 = "Starta BankID-appen."
RFA6 = "Åtgärden avbruten."
RFA9 = "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under."
MISMATCH = "Det BankID du använde tillhör inte det här kontot."


@pytest.fixture(scope="module")
def bankid_app(browser, stack: Stack) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """The simulator's page, a second page in the browser: "the BankID app" on the person's phone."""
    page = browser.new_page()
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(f"{stack.api_url}/bankid-sim/")
    yield page
    page.close()


# --- helpers ------------------------------------------------------------------------------------


def person(stack: Stack, username: str) -> tuple[str, str]:
    (pnr, name), = stack.sql("SELECT personnummer, first_name || ' ' || last_name FROM user_account WHERE username = ?", username)
    return str(pnr), str(name)


def qr_frame(ui: UI) -> tuple[str, float]:
    """The QR the app shows now, read from a screenshot of it, and when it was taken."""
    import zxingcpp
    from PIL import Image

    node = ui.page.locator('[flt-semantics-identifier="bankid-qr"]').first
    node.wait_for(timeout=TIMEOUT)
    for _ in range(5):
        taken = time.time()
        png = ui.page.screenshot(clip=node.bounding_box())
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        if found:
            return found[0].text, taken
        time.sleep(0.2)
    raise AssertionError("no QR code readable in the app")


def order_secret(stack: Stack) -> tuple[str, str, datetime]:
    rows = stack.sql(
        "SELECT qr_start_token, qr_start_secret, started_at FROM bankid_order WHERE status = 'pending' ORDER BY id DESC LIMIT 1"
    )
    assert rows, "no pending BankID order"
    token, secret, started = rows[0]
    when = datetime.fromisoformat(str(started))
    return str(token), str(secret), when if when.tzinfo else when.replace(tzinfo=UTC)


def server_content(token: str, secret: str, seconds: int) -> str:
    code = hmac.new(secret.encode(), str(seconds).encode(), hashlib.sha256).hexdigest()
    return f"bankid.{token}.{seconds}.{code}"


def sim_page(bankid_app: Page, stack: Stack) -> Page:
    bankid_app.goto(f"{stack.api_url}/bankid-sim/")
    return bankid_app


def in_bankid_app(bankid_app: Page, stack: Stack, act, done: str) -> None:  # type: ignore[no-untyped-def]
    """Do something on the simulator's page until it says `done` (the page reloads itself every
    5 s, which may interrupt a step: then the step is done again)."""
    last: Exception | None = None
    for _ in range(4):
        try:
            page = sim_page(bankid_app, stack)
            act(page)
            page.get_by_text(done).first.wait_for(timeout=10_000)
            return
        except Exception as exc:  # playwright.Error (an interrupted navigation) or a timeout
            last = exc
            time.sleep(0.5)
    raise AssertionError(f"the simulator page never said {done!r}") from last


def sim_order_form(bankid_app: Page):  # type: ignore[no-untyped-def]
    form = bankid_app.locator("form", has_text="Skolhub vill att du identifierar dig").last
    form.wait_for(timeout=TIMEOUT)
    return form


def wait_said(ui: UI, identifier: str, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    said = ""
    while time.monotonic() < deadline:
        try:
            said = ui.said(identifier)
        except PlaywrightTimeout:
            said = ""
        if text in said:
            return said
        time.sleep(0.4)
    raise AssertionError(f"{identifier} said {said!r}, not {text!r}")


def desktop(ui: UI) -> None:
    """A desktop-sized window (the app learns the new width from a resize event: wait for it)."""
    ui.page.set_viewport_size(DESKTOP)
    time.sleep(1.2)


def open_box(ui: UI, key: str, heading: str) -> None:
    ui.tap(f"box-{key}", until=ui.heading(heading))


def start_bankid(ui: UI) -> None:
    ui.tap("bankid-start", until=ui.page.locator('[flt-semantics-identifier="bankid-qr"]').first)


# --- the flow -----------------------------------------------------------------------------------


def test_bedomningar_asks_for_bankid_and_shows_an_animated_qr_from_the_server(ui: UI, stack: Stack) -> None:
    desktop(ui)
    ui.open_logged_out(stack.app_url + "/login")
    ui.login("karin.berg", DEMO_PASSWORD)
    open_box(ui, "assessments", "Bedömningar")
    ui.text("Bedömningar kräver BankID")
    ui.text("Om du inte har BankID, kontakta skolan.")
    ui.page.get_by_role("button", name="Legitimera med BankID").first.wait_for(timeout=TIMEOUT)
    assert not ui.page.get_by_text("Ämnesomdöme", exact=True).count()  # nothing of the box before BankID
    ui.shoot("bankid-required")
    desktop(ui)
    start_bankid(ui)
    assert RFA1 in wait_said(ui, "bankid-message", RFA1)
    assert "QR-kod för BankID" in ui.said("bankid-qr")
    ui.shoot("bankid-qr")
    desktop(ui)
    # Two frames a second apart differ, and each is the server's content for its second.
    token, secret, started = order_secret(stack)
    first, first_at = qr_frame(ui)
    time.sleep(1.1)
    second, second_at = qr_frame(ui)
    assert first != second
    for content, taken in ((first, first_at), (second, second_at)):
        prefix, qr_token, seconds, _code = content.split(".")
        assert (prefix, qr_token) == ("bankid", token)
        assert content == server_content(token, secret, int(seconds))
        age = taken - started.timestamp()
        assert abs(age - int(seconds)) <= 2.5, (age, seconds)
    assert secret not in ui.page.content()


def test_cancel_in_the_bankid_app_shows_bankids_cancel_message_rfa6(ui: UI, bankid_app: Page, stack: Stack) -> None:
    in_bankid_app(bankid_app, stack, lambda page: sim_order_form(page).get_by_role("button", name="Avbryt").click(), "Du avbröt.")
    assert RFA6 in wait_said(ui, "bankid-message", RFA6)
    ui.page.get_by_role("button", name="Försök igen").first.wait_for(timeout=TIMEOUT)
    ui.shoot("bankid-cancelled")


def test_someone_elses_bankid_is_refused_with_a_clear_message(ui: UI, bankid_app: Page, stack: Stack) -> None:
    desktop(ui)
    ui.tap("bankid-again", until=ui.page.locator('[flt-semantics-identifier="bankid-qr"]').first)
    content, _taken = qr_frame(ui)

    def scan(page: Page) -> None:  # the phone scans the QR
        page.locator('input[name="qr"]').fill(content)
        page.get_by_role("button", name="Läs av").click()

    in_bankid_app(bankid_app, stack, scan, "QR-koden är läst")
    assert RFA9 in wait_said(ui, "bankid-message", RFA9)
    other_pnr, _name = person(stack, "johan.berg")

    def identify_as_other(page: Page) -> None:
        form = sim_order_form(page)
        form.locator('input[name="typed_personnummer"]').fill(other_pnr)
        form.get_by_role("button", name="Identifiera").click()

    in_bankid_app(bankid_app, stack, identify_as_other, "Identifieringen är klar.")
    said = wait_said(ui, "bankid-message", MISMATCH)
    assert "Identifiera dig med ditt eget BankID" in said
    ui.shoot("bankid-wrong-person")
    assert not ui.page.get_by_text("Ämnesomdöme", exact=True).count()


def test_the_right_person_opens_bedomningar_per_subject(ui: UI, bankid_app: Page, stack: Stack) -> None:
    desktop(ui)
    ui.tap("bankid-again", until=ui.page.locator('[flt-semantics-identifier="bankid-qr"]').first)
    pnr, name = person(stack, "karin.berg")

    def identify(page: Page) -> None:
        form = sim_order_form(page)
        assert form.locator("select option[selected]").inner_text().startswith(name)  # the account's own person, chosen
        form.get_by_role("button", name="Identifiera").click()

    in_bankid_app(bankid_app, stack, identify, "Identifieringen är klar.")
    ui.text("Ämnesomdöme", exact=True)
    subjects = stack.sql(
        "SELECT DISTINCT a.subject FROM assessment a JOIN guardianship g ON g.pupil_id = a.pupil_id "
        "JOIN user_account u ON u.id = g.guardian_id WHERE u.username = 'karin.berg'"
    )
    assert subjects
    for (subject,) in subjects:
        ui.page.get_by_role("heading", name=subject, exact=True).first.wait_for(timeout=TIMEOUT)
    assert not ui.page.locator('[flt-semantics-identifier="bankid-qr"]').count()
    ui.shoot("assessments-open")


def test_a_second_visit_within_the_window_opens_dokumentation_without_bankid(ui: UI, stack: Stack) -> None:
    desktop(ui)
    ui.page.go_back()
    open_box(ui, "documentation", "Dokumentation")
    ui.page.get_by_role("tab", name="Portfolio").first.wait_for(timeout=TIMEOUT)
    assert not ui.page.get_by_role("button", name="Legitimera med BankID").count()
    entries = stack.sql(
        "SELECT e.id, e.title, e.body FROM portfolio_entry e JOIN pupil p ON p.id = e.pupil_id OR p.group_id = e.group_id "
        "JOIN guardianship g ON g.pupil_id = p.id JOIN user_account u ON u.id = g.guardian_id WHERE u.username = 'karin.berg' "
        "ORDER BY e.id"
    )
    assert entries
    files = stack.sql(
        f"SELECT f.entry_id, f.filename, f.id FROM portfolio_file f WHERE f.entry_id IN ({','.join(str(e[0]) for e in entries)})"
    )
    entry_id, title, body = next((e for e in entries if e[0] in {f[0] for f in files}), entries[0])
    ui.tap(f"portfolio-{entry_id}")
    wait_said(ui, f"portfolio-{entry_id}", body[:40])  # opens in full
    ui.shoot("documentation-open")
    for file_entry, filename, file_id in files:
        if file_entry != entry_id:
            continue
        assert f"Ladda ner {filename}" in ui.said(f"portfolio-file-{file_id}")
        with ui.page.expect_download(timeout=TIMEOUT) as download:
            ui.tap(f"portfolio-file-{file_id}")
        assert download.value.suggested_filename == filename
        ui.text(f"{filename} är nedladdad.")
    iup = ui.page.locator('[flt-semantics-identifier^="iup-"]').first
    for _ in range(3):  # the download's notice redraws the screen: a tap on the tab may be swallowed
        ui.page.get_by_role("tab", name="IUP").first.click()
        try:
            iup.wait_for(timeout=6000)
            break
        except PlaywrightTimeout:
            continue
    iup.wait_for(timeout=TIMEOUT)
    assert "IUP, Höstterminen 2026" in ui.said(ui.page.locator('[flt-semantics-identifier^="iup-"]').first.get_attribute("flt-semantics-identifier"))
    ui.page.go_back()
    open_box(ui, "assessments", "Bedömningar")
    ui.text("Ämnesomdöme", exact=True)
    assert not ui.page.get_by_role("button", name="Legitimera med BankID").count()


def test_on_a_phone_bankid_offers_the_app_and_another_device(ui: UI, browser, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    """A new session (another guardian) in a new phone-sized tab."""
    ui.page.goto("about:blank")  # Karin's tab lets go of its session
    ui = UI(browser.new_page(), stack, ui.shots)
    ui.page.set_viewport_size(PHONE)
    ui.open_logged_out(stack.app_url + "/login")
    ui.heading("Logga in").wait_for(timeout=TIMEOUT)
    time.sleep(1.5)  # the login form settles (it redraws once the app has checked for a session)
    ui.login("johan.berg", DEMO_PASSWORD)
    open_box(ui, "assessments", "Bedömningar")
    ui.tap("bankid-start", until=ui.page.get_by_role("button", name="Öppna BankID-appen").first)
    ui.page.get_by_role("button", name="BankID på annan enhet").first.wait_for(timeout=TIMEOUT)
    rows = stack.sql("SELECT on_this_device, auto_start_token FROM bankid_order WHERE status = 'pending' ORDER BY id DESC LIMIT 1")
    assert rows and rows[0][0] in (1, True)
    time.sleep(1)
    ui.page.screenshot(path=str(ui.shots / "bankid-phone-this-device-phone.png"))
    ui.tap("bankid-other-device", until=ui.page.locator('[flt-semantics-identifier="bankid-qr"]').first)
    ui.page.locator('[flt-semantics-identifier="bankid-cancel"]').first.wait_for(timeout=TIMEOUT)
    ui.tap("bankid-cancel")
    assert RFA6 in wait_said(ui, "bankid-message", RFA6)
    assert stack.sql("SELECT count(*) FROM bankid_order WHERE status = 'pending'") == [(0,)]
    ui.page.close()
