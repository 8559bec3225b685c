"""Browser tests: the real server (uvicorn) and the real app (Flet, web mode, no CDN) as
subprocesses on free ports, driven by Playwright in Debian's Chromium. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import email
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SKOLHUB_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    api_url: str
    app_url: str
    server: subprocess.Popen  # type: ignore[type-arg]
    app: subprocess.Popen  # type: ignore[type-arg]
    logs: list[Path] = field(default_factory=list)

    def cli(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "server.cli", *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def sql(self, query: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
        import sqlite3

        with sqlite3.connect(self.folder / "demo.db") as db:
            return list(db.execute(query, params))

    def activation_link(self, recipient: str) -> str:
        self.cli("worker", "--once")
        for path in sorted((self.folder / "email").glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes())
            if recipient not in (message["To"] or ""):
                continue
            body = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else message
            text = body.get_content() if hasattr(body, "get_content") else str(body)
            match = re.search(r"https?://\S+/activate/\S+", text)
            if match:
                return match.group(0)
        raise AssertionError(f"no activation email to {recipient}")

    def stop_server(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            self.server.wait(15)

    def start_server(self) -> None:
        """After stop_server(): the same server again (same port, same database), so the test
        files after an offline test still have one."""
        if self.server.poll() is None:
            return
        port = self.api_url.rsplit(":", 1)[1]
        log = (self.folder / "server.log").open("a")
        self.server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", port], env=self.env, cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_http(f"{self.api_url}/api/v1/health")

    def emails_to(self, recipient: str) -> list[email.message.Message]:
        """The emails the demo outbox has written for `recipient` (after running the worker once)."""
        self.cli("worker", "--once")
        found = []
        for path in sorted((self.folder / "email").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes())
            if recipient in (message["To"] or ""):
                found.append(message)
        return found


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("e2e")
    api_port, app_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKOLHUB_", "FLET_"))}
    env.update(
        SKOLHUB_DATABASE_URL=f"sqlite:///{folder / 'demo.db'}",
        SKOLHUB_EMAIL_SINK_DIR=str(folder / "email"),
        SKOLHUB_SMS_SINK_DIR=str(folder / "sms"),
        SKOLHUB_UPLOAD_DIR=str(folder / "uploads"),
        SKOLHUB_PUBLIC_BASE_URL=f"http://127.0.0.1:{api_port}",
        SKOLHUB_APP_BASE_URL=f"http://127.0.0.1:{app_port}",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "server.cli", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    server_log = (folder / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(api_port)], env=env, cwd=ROOT,
                              stdout=server_log, stderr=subprocess.STDOUT)
    app_env = dict(env, SKOLHUB_SERVER_URL=f"http://127.0.0.1:{api_port}", SKOLHUB_APP_DATA_DIR=str(folder / "appdata"),
                   FLET_WEB_NO_CDN="1", SKOLHUB_SYNC_INTERVAL="5")
    app_log = (folder / "app.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "src.serve_web", "--port", str(app_port)], env=app_env, cwd=ROOT,
                           stdout=app_log, stderr=subprocess.STDOUT)
    s = Stack(folder, env, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{app_port}", server, app,
              [folder / "server.log", folder / "app.log"])
    try:
        wait_http(f"{s.api_url}/api/v1/health")
        wait_http(s.app_url)
        yield s
    finally:
        for proc in (s.app, s.server):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        server_log.close()
        app_log.close()


@pytest.fixture(scope="session")
def browser(stack: Stack):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    profile = stack.folder / "chromium-profile"
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=PHONE,
        )
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
        yield context
        context.close()


@pytest.fixture(scope="module")
def ui(browser, stack: Stack, screenshots: Path):  # type: ignore[no-untyped-def]
    """The UI driver (tests/e2e/ui.py) on the one browser page, shared by a module's tests."""
    from tests.e2e.ui import TIMEOUT, UI

    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_default_timeout(TIMEOUT)
    return UI(page, stack, screenshots)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
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
                ui.page.screenshot(path=str(SCREENSHOTS / f"failed-{item.name}.png"))
                tree = ui.page.locator("flt-semantics-host").evaluate("e => e.outerHTML")
                (SCREENSHOTS / f"failed-{item.name}.html").write_text(re.sub(r' style="[^"]*"', "", tree))
            except Exception:
                pass
    return report
