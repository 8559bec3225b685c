"""The app as a user meets it: the demo's server, the app in web mode, Debian's Chromium.

    python -m bench.app_session                       # 3 runs, sessions 1, 10, 50
    python -m bench.app_session --runs 5 --sessions 1,10

Prints, each as the median of --runs runs (fresh browser context each time, so nothing is cached):

* time to the login form (page load until the username field is in the accessibility tree),
* "Logga in" → the home page's boxes, and one GET /children/{id}/home against the API for
  comparison (goal: login → home within 2× that call plus one 60 Hz frame),
* home → the schedule week,
* the app web server's RSS (its process and children): idle, with 1, 10 and 50 logged-in sessions
  (browser pages kept open), and after those pages closed and the web server let their sessions
  go (FLET_SESSION_TIMEOUT plus its eviction tick), beside the RSS of an empty Flet app served
  the same way — Flet's own idle baseline. Goals: ≤ 2 MB per extra session; closed sessions give
  their memory back.

Everything listens on 127.0.0.1 on free ports and is stopped at the end. Figures, not pass/fail;
on a shared machine the timings are noisy, the memory figures much less so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, PHONE, ROOT, Stack, free_port, running_stack, stop_process, wait_http  # noqa: E402
from tests.e2e.ui import UI  # noqa: E402

USERNAME, PASSWORD = "karin.berg", "skolhub-demo"  # the demo's guardian of one school child (3A)
FRAME_MS = 1000 / 60
TIMEOUT = 60_000

EMPTY_APP = '''
import flet as ft

def main(page: ft.Page) -> None:
    page.add(ft.Text("empty"))

ft.run(main, host="127.0.0.1", port={port}, view=ft.AppView.WEB_BROWSER, no_cdn=True)
'''


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (from /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def settle_rss(pid: int, seconds: float = 3.0) -> float:
    """RSS once it stops moving (a short wait, then the lowest of a few readings)."""
    time.sleep(seconds)
    readings = []
    for _ in range(3):
        readings.append(rss_mb(pid))
        time.sleep(0.5)
    return min(readings)


class Processes:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []  # type: ignore[type-arg]

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
        stop_process(proc)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


@contextmanager
def demo_stack(folder: Path) -> Iterator[Stack]:
    """The browser tests' demo stack (tests/e2e/stack.py), with the app's own sync interval and,
    if set, another FLET_SESSION_TIMEOUT than src/serve_web.py's."""
    extra = {"SKOLHUB_SYNC_INTERVAL": "30"}
    if os.environ.get("FLET_SESSION_TIMEOUT"):
        extra["FLET_SESSION_TIMEOUT"] = os.environ["FLET_SESSION_TIMEOUT"]
    with running_stack(folder, extra) as stack:
        yield stack


def empty_flet_rss(folder: Path, procs: Processes, browser) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """An empty Flet app served the same way: RSS idle, and with one page open."""
    port = free_port()
    script = folder / "empty_app.py"
    script.write_text(EMPTY_APP.format(port=port))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLET_")}
    env.update(FLET_WEB_NO_CDN="1", FLET_FORCE_WEB_SERVER="1")
    proc = procs.start([sys.executable, str(script)], env, folder / "empty.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(url)
        idle = settle_rss(proc.pid)
        context = new_context(browser)
        page = context.new_page()
        page.goto(url)
        page.locator("flt-semantics-placeholder").dispatch_event("click")
        page.get_by_text("empty").first.wait_for(timeout=TIMEOUT)
        one = settle_rss(proc.pid)
        context.close()
        return idle, one
    finally:
        procs.stop(proc)


def new_context(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="sv-SE")  # a Swedish device: the login page in Swedish
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort())
    return context


def open_session(browser, stack: Stack) -> tuple[object, dict[str, float]]:  # type: ignore[no-untyped-def]
    """A fresh browser context: load the app, log in, open the schedule. Returns the context
    (still open, its session logged in) and the three timings in ms."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = new_context(browser)
    page = context.new_page()
    ui = UI(page, stack, stack.folder)
    t0 = time.perf_counter()
    page.goto(stack.app_url)
    page.locator("flt-semantics-placeholder").dispatch_event("click")  # Flutter's accessibility tree on
    page.get_by_role("textbox", name="Användarnamn", exact=True).wait_for(timeout=TIMEOUT)
    to_form = (time.perf_counter() - t0) * 1000
    boxes = page.locator('[flt-semantics-identifier="box-schedule"]')
    for attempt in range(3):
        ui.fill("Användarnamn", USERNAME)
        ui.fill("Lösenord", PASSWORD)
        button = page.get_by_role("button", name="Logga in", exact=True).first
        t1 = time.perf_counter()
        button.click()
        try:
            boxes.first.wait_for(timeout=20_000 if attempt < 2 else TIMEOUT)
            break
        except PlaywrightTimeout:
            continue  # Flutter lost a keystroke the DOM still showed: type again (timed from the new click)
    to_home = (time.perf_counter() - t1) * 1000
    t2 = time.perf_counter()
    boxes.first.click()
    page.locator('[flt-semantics-identifier="week-label"]').first.wait_for(timeout=TIMEOUT)
    to_schedule = (time.perf_counter() - t2) * 1000
    return context, {"login form": to_form, "login → home": to_home, "home → schedule": to_schedule}


def api_ms(api_url: str, samples: int = 15) -> tuple[float, float]:
    """What the app asks the API for at login, warm, medians in ms: one GET /children/{id}/home,
    and the whole sequence the app makes (POST /auth/login with its argon2id check, GET /me,
    GET /children/{id}/home)."""
    with httpx.Client(base_url=api_url, timeout=30) as client:
        home_times, login_times = [], []
        for _ in range(5):
            t0 = time.perf_counter()
            token = client.post("/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            child = client.get("/api/v1/me", headers=headers).json()["children"][0]["id"]
            assert client.get(f"/api/v1/children/{child}/home", headers=headers).status_code == 200
            login_times.append((time.perf_counter() - t0) * 1000)
            client.post("/api/v1/auth/logout", headers=headers)
        token = client.post("/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        child = client.get("/api/v1/me", headers=headers).json()["children"][0]["id"]
        for _ in range(samples):
            t0 = time.perf_counter()
            assert client.get(f"/api/v1/children/{child}/home", headers=headers).status_code == 200
            home_times.append((time.perf_counter() - t0) * 1000)
        client.post("/api/v1/auth/logout", headers=headers)
    return statistics.median(home_times), statistics.median(login_times)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    procs = Processes()
    folder = Path(tempfile.mkdtemp(prefix="skolhub-app-bench-"))
    load = os.getloadavg()
    print(f"host: load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min) on {os.cpu_count()} CPUs")
    try:
        with sync_playwright() as p, demo_stack(folder) as stack:
            api_url, app = stack.api_url, stack.app
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            timeout = int(os.environ.get("FLET_SESSION_TIMEOUT") or _app_session_timeout())
            print(f"app web server: Flet session kept {timeout} s after its page closes (FLET_SESSION_TIMEOUT), evicted on a 10 s tick")
            idle_cold = settle_rss(app.pid)

            # Timings: fresh context per run; the first run also warms the app server (imports).
            timings: dict[str, list[float]] = {"login form": [], "login → home": [], "home → schedule": []}
            for run in range(args.runs + 1):
                context, t = open_session(browser, stack)
                context.close()
                if run == 0:
                    continue  # warm-up: the app server imports its screens on first use
                for key, value in t.items():
                    timings[key].append(value)
            api, api_login = api_ms(api_url)

            # Memory: wait until the warm-up and timing sessions are gone, then open N sessions.
            released = wait_released(app.pid, timeout, None)
            idle = released
            rows: list[tuple[str, list[float], list[float]]] = []
            for n in args.sessions:
                per_run: list[float] = []
                closed: list[float] = []
                for _ in range(args.memory_runs if n <= 10 else args.big_runs):
                    base = settle_rss(app.pid, 1.0)
                    contexts = [open_session(browser, stack)[0] for _ in range(n)]
                    with_n = settle_rss(app.pid)
                    per_run.append(with_n - base)
                    for c in contexts:
                        c.close()  # type: ignore[attr-defined]
                    closed.append(wait_released(app.pid, timeout, base) - base)
                rows.append((f"{n} logged-in session{'s' if n > 1 else ''}", per_run, closed))
                print(f"   … {n} sessions: +{median(per_run):.1f} MB while open, {median(closed):+.1f} MB after they closed", flush=True)
            empty_idle, empty_one = empty_flet_rss(folder, procs, browser)
            browser.close()
    finally:
        procs.stop_all()

    goal = 2 * api + FRAME_MS
    print(f"\nApp session benchmark — median of {args.runs} runs (login {USERNAME}, phone viewport 390×844, Chromium headless)")
    print(f"{'step':34} {'median ms':>10} {'runs (ms)':>30}")
    for key, values in timings.items():
        print(f"{key:34} {median(values):10.0f} {', '.join(f'{v:.0f}' for v in values):>30}")
    print(f"{'GET /children/{id}/home (API)':34} {api:10.1f}")
    print(f"{'login + /me + home (API, in a row)':34} {api_login:10.1f}   (what the app waits for before the home's first frame)")
    verdict = "met" if median(timings["login → home"]) <= goal else "NOT met"
    print(f"   goal login → home ≤ 2 × home API call + one frame = {goal:.0f} ms: {verdict}")
    print(f"\n{'app web server RSS':34} {'MB':>10}  {'per session':>12}")
    print(f"{'empty Flet app, idle':34} {empty_idle:10.1f}")
    print(f"{'empty Flet app, 1 page open':34} {empty_one:10.1f}  {empty_one - empty_idle:+11.1f}")
    print(f"{'Skolhub app, idle (cold)':34} {idle_cold:10.1f}")
    print(f"{'Skolhub app, idle (warm)':34} {idle:10.1f}")
    for (label, deltas, closed), n in zip(rows, args.sessions, strict=True):
        print(f"{'Skolhub app, ' + label:34} {idle + median(deltas):10.1f}  {median(deltas) / n:+11.2f}   (+{median(deltas):.1f} MB, runs: {', '.join(f'{d:.1f}' for d in deltas)})")
        print(f"{'   … after those closed':34} {idle + median(closed):10.1f}  {'':>11}   ({median(closed):+.1f} MB against the RSS before they opened; runs: {', '.join(f'{d:+.1f}' for d in closed)})")
    print("   goals: ≤ 2 MB per extra session; after closing, back to within a few MB of the RSS before")
    return 0


def _app_session_timeout() -> str:
    """The session timeout src/serve_web.py sets for the app (the one this benchmark measures)."""
    sys.path.insert(0, str(ROOT / "src"))
    import serve_web

    return str(getattr(serve_web, "SESSION_TIMEOUT_SECONDS", 3600))


def wait_released(pid: int, timeout: int, target: float | None, settle: Callable[[int, float], float] = settle_rss) -> float:
    """Wait for closed sessions to be evicted (timeout + the 10 s tick + a margin), then until the
    RSS stops falling (or reaches `target`); returns the RSS."""
    time.sleep(timeout + 12)
    best = settle(pid, 1.0)
    for _ in range(10):
        if target is not None and best <= target + 0.5:
            break
        now = settle(pid, 2.0)
        if now >= best - 0.2:
            break
        best = now
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median printed)")
    parser.add_argument("--sessions", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50])
    parser.add_argument("--memory-runs", type=int, default=3, help="rounds per session count up to 10")
    parser.add_argument("--big-runs", type=int, default=1,
                        help="rounds for larger session counts (e.g. 3: does a second round of 50 reuse what the first kept?)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM} (set SKOLHUB_CHROMIUM)")
        return 1
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
