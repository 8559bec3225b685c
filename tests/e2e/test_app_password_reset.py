"""The emailed password-reset link in Chromium against the real server: "Forgot your
password?" sends it; the link opens "Nytt lösenord" with the server's rules; the new password
logs in; the used link then says so and offers to send a new one."""

from __future__ import annotations

import httpx
import pytest

from server.personnummer import with_check_digit
from tests.e2e.ui import TIMEOUT, UI

pytestmark = pytest.mark.e2e
EMAIL = "rut.rask@example.org"
FIRST_PASSWORD = "ett första lösenord"
NEW_PASSWORD = "ett helt nytt lösenord"


@pytest.fixture(scope="module")
def guardian(ui: UI) -> str:
    """An activated guardian of a school child (made here, so no other test file matters)."""
    stack = ui.stack
    child = stack.sql("SELECT p.personnummer FROM pupil p JOIN unit u ON u.id = p.unit_id WHERE u.kind = 'school' ORDER BY p.id LIMIT 1")[0][0]
    stack.cli("create-guardian", "--first-name", "Rut", "--last-name", "Rask", "--personnummer", with_check_digit("19800808", "123"),
              "--email", EMAIL, "--child", child)
    token = stack.activation_link(EMAIL).rsplit("/", 1)[1]
    response = httpx.post(f"{stack.api_url}/api/v1/activations/{token}", json={"username": "rut.rask", "password": FIRST_PASSWORD},
                          headers={"Idempotency-Key": "e2e-reset-activation"}, timeout=30)
    assert response.status_code == 200, response.text
    return "rut.rask"


def test_forgot_password_sends_a_link_that_sets_a_new_password(ui: UI, guardian: str) -> None:
    ui.open_logged_out(ui.stack.app_url + "/login")
    ui.fill("Användarnamn", guardian)
    ui.button("Glömt lösenordet?")
    notice = ui.said("login-notice")
    assert "har vi skickat en länk" in notice, ascii(notice)
    link = ui.stack.emailed_link(EMAIL, "/reset-password/")
    assert link.startswith(ui.stack.app_url + "/reset-password/")
    checked = httpx.get(f"{ui.stack.api_url}/api/v1/password-resets/{link.rsplit('/', 1)[1]}", timeout=30)
    assert checked.status_code == 200, (link, checked.text)

    ui.open(link)
    ui.heading("Nytt lösenord").wait_for(timeout=TIMEOUT)
    assert "Minst 10" in ui.said("password-rules")  # the server's rules, before anything is sent
    ui.shoot("reset-password")
    ui.fill("Nytt lösenord", NEW_PASSWORD)
    ui.fill("Upprepa nytt lösenord", NEW_PASSWORD + "x")
    ui.button("Spara nytt lösenord")
    assert ui.said("reset-error") == "Lösenorden är inte likadana." or "inte likadana" in ui.said("reset-error")
    ui.fill("Upprepa nytt lösenord", NEW_PASSWORD)
    ui.button("Spara nytt lösenord")
    assert "Ditt nya lösenord är sparat" in ui.said("login-notice")
    ui.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)
    ui.shoot("reset-done-login")
    ui.login(guardian, NEW_PASSWORD)
    ui.page.locator('[flt-semantics-identifier="bell"]').wait_for(timeout=TIMEOUT)

    ui.tap("profile", until=ui.heading("Min profil"))
    ui.button("Logga ut")
    ui.page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)
    ui.open(link)  # the same link again
    assert "Länken har redan använts" in ui.said("reset-link-error")
    ui.shoot("reset-link-used")
    ui.fill("Användarnamn eller e-postadress", EMAIL)
    ui.button("Skicka en ny länk")
    assert "har vi skickat en länk" in ui.said("reset-sent")
