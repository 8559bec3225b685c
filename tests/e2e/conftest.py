"""Browser tests: the real server (uvicorn) and the real app (Flet, web mode, no CDN) as
subprocesses on free ports, driven by Playwright in Debian's Chromium. Nothing leaves 127.0.0.1.

Every screenshot of an app page runs the accessibility check first (tests/e2e/a11y.py): an
unnamed control, an image without a text alternative or text shown as an empty text field fails
the test with a report of the offending nodes. Call `assert_accessible(page, name)` directly for
a screen a test does not save."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, PHONE, SCREENSHOTS, Stack, running_stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_chromium()
    with running_stack(tmp_path_factory.mktemp("e2e")) as s:
        yield s


def check_accessibility_on_screenshots(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    """Every screenshot of an app page first runs the accessibility check (tests/e2e/a11y.py,
    issue 16) on what the page shows, so each screen a test saves is checked at the size it is
    saved at, in every e2e file, without the test asking. `page.screenshot(..., a11y=False)`
    skips it (the failure hook below does, to keep the picture of a failure)."""
    from tests.e2e.a11y import assert_accessible

    if getattr(page, "_skolhub_a11y", False):
        return
    original = page.screenshot

    def screenshot(*args, a11y: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        if a11y and page.url.startswith(app_url):
            path = kwargs.get("path") or (args[0] if args else None)
            assert_accessible(page, Path(str(path)).stem if path else page.url.removeprefix(app_url) or "/")
        return original(*args, **kwargs)

    page.screenshot = screenshot
    page._skolhub_a11y = True


@contextmanager
def chromium_for(stack: Stack) -> Iterator[BrowserContext]:
    """Debian's Chromium at phone size, Swedish, that reaches nothing but 127.0.0.1; every
    screenshot of an app page runs the accessibility check first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(stack.folder / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport=PHONE, locale="sv-SE",  # a Swedish device: the login page follows the device's language (issue 16)
        )
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
        for page in context.pages:
            check_accessibility_on_screenshots(page, stack.app_url)
        context.on("page", lambda page: check_accessibility_on_screenshots(page, stack.app_url))
        yield context
        context.close()


@pytest.fixture(scope="session")
def browser(stack: Stack) -> Iterator[BrowserContext]:
    with chromium_for(stack) as context:
        yield context


@pytest.fixture(scope="module")
def ui(browser, stack: Stack, screenshots: Path):  # type: ignore[no-untyped-def]
    """The UI driver (tests/e2e/ui.py) on the one browser page, shared by a module's tests."""
    from tests.e2e.ui import TIMEOUT, UI

    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_default_timeout(TIMEOUT)
    return UI(page, stack, screenshots)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The screenshots folder (tools/run_e2e.sh empties it once before the browser test files)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    """On a failing browser test, keep what the browser showed: a picture and the
    accessibility tree, next to the screenshots."""
    report = yield
    if report.when == "call" and report.failed:
        ui = getattr(item, "funcargs", {}).get("ui")
        if ui is not None:
            try:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                try:
                    ui.page.screenshot(path=str(SCREENSHOTS / f"failed-{item.name}.png"), a11y=False)
                except TypeError:  # a page not made by the browser fixture
                    ui.page.screenshot(path=str(SCREENSHOTS / f"failed-{item.name}.png"))
                tree = ui.page.locator("flt-semantics-host").evaluate("e => e.outerHTML")
                (SCREENSHOTS / f"failed-{item.name}.html").write_text(re.sub(r' style="[^"]*"', "", tree))
            except Exception:
                pass
    return report
