"""The demo school as the browser tests and the app benchmark run it: migrate, seed, then the real
server (uvicorn) and the real app (Flet, web mode, no CDN) as subprocesses on free ports, and
Debian's Chromium to drive it. Nothing leaves 127.0.0.1. No pytest here: bench/app_session.py
uses it too."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

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


def stop_process(proc: subprocess.Popen, grace: float = 15) -> None:  # type: ignore[type-arg]
    """Terminate; kill if it has not ended after `grace` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
        return self.emailed_link(recipient, "/activate/")

    def emailed_link(self, recipient: str, kind: str) -> str:
        """The newest link containing `kind` (e.g. "/reset-password/") emailed to `recipient`;
        the worker sends what is queued first."""
        self.cli("worker", "--once")
        for path in sorted((self.folder / "email").glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # decodes quoted-printable
            if recipient not in (message["To"] or ""):
                continue
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            match = re.search(r"https?://\S+" + re.escape(kind) + r"\S+", text)
            if match:
                return match.group(0)
        raise AssertionError(f"no email with a {kind} link to {recipient}")

    def stop_server(self) -> None:
        stop_process(self.server)

    def hang_server(self) -> None:
        """The server stops answering but keeps its port (a hung process): SIGSTOP."""
        import signal

        self.server.send_signal(signal.SIGSTOP)

    def resume_server(self) -> None:
        import signal

        self.server.send_signal(signal.SIGCONT)

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


@contextmanager
def running_stack(folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """The demo school in `folder`: migrate, seed, then the server and the app (web mode, no CDN)
    on free ports; stopped on leaving. `extra_env` adds settings to all of them (e.g. the
    school-day tests' SKOLHUB_CLOCK_START, the app benchmark's FLET_SESSION_TIMEOUT)."""
    api_port, app_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKOLHUB_", "FLET_"))}
    env.update(
        SKOLHUB_DATABASE_URL=f"sqlite:///{folder / 'demo.db'}",
        SKOLHUB_EMAIL_SINK_DIR=str(folder / "email"),
        SKOLHUB_SMS_SINK_DIR=str(folder / "sms"),
        SKOLHUB_UPLOAD_DIR=str(folder / "uploads"),
        SKOLHUB_PUBLIC_BASE_URL=f"http://127.0.0.1:{api_port}",
        SKOLHUB_APP_BASE_URL=f"http://127.0.0.1:{app_port}",
        # BankID as in the demo: the simulator served by the server itself at /bankid-sim.
        SKOLHUB_BANKID_SIMULATOR_MOUNTED="1",
        SKOLHUB_BANKID_BASE_URL=f"http://127.0.0.1:{api_port}/bankid-sim/rp/v6.0",
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "server.cli", "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    server_log = (folder / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(api_port)], env=env, cwd=ROOT,
                              stdout=server_log, stderr=subprocess.STDOUT)
    # The app: no CDN, a quick sync round (both may be overridden by extra_env).
    app_env = {"FLET_WEB_NO_CDN": "1", "SKOLHUB_SYNC_INTERVAL": "5", **env,
               "SKOLHUB_SERVER_URL": f"http://127.0.0.1:{api_port}", "SKOLHUB_APP_DATA_DIR": str(folder / "appdata")}
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
        if s.server.poll() is None:
            s.resume_server()  # a stopped (SIGSTOP) process would not end on SIGTERM
        for proc in (s.app, s.server):
            stop_process(proc)
        server_log.close()
        app_log.close()
