"""What the browser tests share: the UI driver (fill, tap, said, shoot, login) and the demo's
people. The `ui` fixture (tests/e2e/conftest.py) gives a UI on the one shared browser page."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.stack import DESKTOP, PHONE, Stack

DEMO_PASSWORD = "skolhub-demo"
TIMEOUT = 30_000


def _plain(text: object) -> str:
    """Composed characters, no zero-width marks, single spaces: what a person reads."""
    composed = unicodedata.normalize("NFC", str(text))
    visible = "".join(c for c in composed if unicodedata.category(c) != "Cf")  # zero-width marks
    return re.sub(r"\s+", " ", visible).strip()


class UI:
    def __init__(self, page: Page, stack: Stack, shots: Path) -> None:
        self.page = page
        self.stack = stack
        self.shots = shots

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.locator("flt-semantics-placeholder").dispatch_event("click")

    def open_logged_out(self, url: str) -> None:
        """Open the app as a browser that has never logged in (an earlier test file may have
        left a session in the browser's storage, and flet web resumes the same Python session from
        sessionStorage)."""
        self.page.goto(self.stack.app_url)
        self.page.evaluate("() => { window.localStorage.clear(); window.sessionStorage.clear(); }")
        self.open(url)

    def text(self, text: str | re.Pattern[str], exact: bool = False):  # type: ignore[no-untyped-def]
        locator = self.page.get_by_text(text, exact=exact) if isinstance(text, str) else self.page.get_by_text(text)
        locator.first.wait_for(timeout=TIMEOUT)
        return locator.first

    def fill(self, label: str, value: str) -> None:
        """One field at a time: click, wait for focus, a short pause, fill, check (DESIGN.md)."""
        box = self.page.get_by_role("textbox", name=label, exact=True)
        box.wait_for(timeout=TIMEOUT)
        for _ in range(5):
            box.click()
            try:
                expect(box).to_be_focused(timeout=3000)
            except AssertionError:
                time.sleep(0.5)
                continue
            time.sleep(0.3)
            box.fill(value)
            if box.input_value() == value:
                return
        raise AssertionError(f"could not fill {label}")

    @staticmethod
    def _click(locator) -> None:  # type: ignore[no-untyped-def]
        """Click; if the screen was redrawn under the pointer, find the control again."""
        locator.wait_for(timeout=TIMEOUT)
        for _ in range(3):
            try:
                locator.click(timeout=8000)
                return
            except PlaywrightTimeout:
                time.sleep(0.5)
        locator.click()

    def button(self, name: str) -> None:
        self._click(self.page.get_by_role("button", name=name, exact=True).first)

    def tap(self, identifier: str, until=None) -> None:  # type: ignore[no-untyped-def]
        """Tap a control; with `until`, tap again if a redraw swallowed the tap."""
        target = self.page.locator(f'[flt-semantics-identifier="{identifier}"]').first
        for _ in range(3):
            self._click(target)
            if until is None:
                return
            try:
                until.wait_for(timeout=6000)
                return
            except PlaywrightTimeout:
                continue
        until.wait_for(timeout=TIMEOUT)

    def heading(self, name: str):  # type: ignore[no-untyped-def]
        return self.page.get_by_role("heading", name=name, exact=True)

    def said(self, identifier: str) -> str:
        """What a screen reader gets from the node with this identifier (label and text)."""
        node = self.page.locator(f'[flt-semantics-identifier="{identifier}"]').first
        node.wait_for(timeout=TIMEOUT)
        return _plain(node.evaluate(
            "el => [el.getAttribute('aria-label'), el.innerText,"
            " ...Array.from(el.querySelectorAll('[aria-label]')).map(e => e.getAttribute('aria-label'))].filter(Boolean).join(' ')"
        ))

    def shoot(self, name: str) -> None:
        for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            self.page.set_viewport_size(size)
            self.page.mouse.move(size["width"] - 5, size["height"] - 5)  # no tooltip in the picture
            time.sleep(1.2)
            self.page.screenshot(path=str(self.shots / f"{name}-{size_name}.png"))
        self.page.set_viewport_size(PHONE)
        time.sleep(0.6)

    def login(self, username: str, password: str) -> None:
        """Log in; once more if Flutter lost a keystroke the DOM still showed (DESIGN.md)."""
        bell = self.page.locator('[flt-semantics-identifier="bell"]')
        for _ in range(2):
            self.fill("Användarnamn", username)
            self.fill("Lösenord", password)
            self.button("Logga in")
            try:
                bell.wait_for(timeout=10_000)
                return
            except PlaywrightTimeout:
                continue
        bell.wait_for(timeout=TIMEOUT)


def anna_children(stack: Stack) -> list[tuple[int, str]]:
    rows = stack.sql(
        "SELECT p.id, p.first_name || ' ' || p.last_name FROM pupil p JOIN guardianship g ON g.pupil_id = p.id "
        "JOIN user_account u ON u.id = g.guardian_id WHERE u.username = 'anna.lindqvist' ORDER BY p.first_name, p.id"
    )
    return [(r[0], r[1]) for r in rows]
