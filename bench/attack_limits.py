"""Slow-body and big-body attacks on a real `skolhub serve` (issue 13, findings 1 and 2):

    python -m bench.attack_limits [--postgres URL] [--slow-seconds 20]

Starts `skolhub serve` on a free loopback port (a fresh migrated database), then
1. slow bodies: 32 sockets each POST /api/v1/auth/login with `Content-Length: 100000` and
   trickle one byte every half second;
2. big bodies: 3 concurrent 300 MB POST /api/v1/auth/login bodies, once with a
   `Content-Length` header and once chunked (no length), streamed as fast as the server reads;
while /health is asked four times a second. Prints /health's latency during each attack, how
the attacking requests were answered, and the server's RSS (at start, peak, after). Goal:
/health within 1 s throughout, RSS under 300 MB. Loopback only; stops the server and itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench._db import fresh_database

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class HealthProbe:
    """GET /health every 0.25 s in a thread; latencies (s) and failures."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.latencies: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    self.latencies.append(time.monotonic() - started)
                else:
                    self.failures += 1
                self._stop.wait(0.25)

    def __enter__(self) -> HealthProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        deadline = time.monotonic() + 10
        while len(self.latencies) + self.failures < 4 and time.monotonic() < deadline:
            time.sleep(0.05)  # at least a few probes, however short the attack was
        self._stop.set()
        self._thread.join(10)

    def summary(self) -> str:
        if not self.latencies:
            return f"no answer ({self.failures} failed)"
        ms = sorted(x * 1000 for x in self.latencies)
        return (f"{len(ms)} answered, {self.failures} failed; median {statistics.median(ms):.0f} ms, "
                f"p95 {ms[int(len(ms) * 0.95) - 1]:.0f} ms, max {ms[-1]:.0f} ms")

    @property
    def worst(self) -> float:
        return max(self.latencies) if self.latencies and not self.failures else float("inf")


def status_of(answer: bytes) -> str:
    first = answer.split(b"\r\n", 1)[0].decode("latin-1", "replace")
    parts = first.split(" ")
    return parts[1] if len(parts) > 1 and parts[0].startswith("HTTP/") else "closed"


def slow_bodies(port: int, sockets: int, seconds: float) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def attacker() -> None:
        result = "still open"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=seconds + 5) as s:
                s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: attack\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                s.setblocking(False)
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    try:
                        answer = s.recv(4096)
                        result = status_of(answer) if answer else "closed"
                        break
                    except BlockingIOError:
                        pass
                    try:
                        s.send(b" ")
                    except (BlockingIOError, OSError):
                        pass
                    time.sleep(0.5)
        except OSError as exc:
            result = type(exc).__name__
        with lock:
            outcomes[result] = outcomes.get(result, 0) + 1

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(sockets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 15)
    return outcomes


def big_bodies(port: int, count: int, size: int, chunked: bool) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    sent_total = [0]
    lock = threading.Lock()
    block = b"x" * MB

    def attacker() -> None:
        result = "?"
        sent = 0
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                framing = b"Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {size}\r\n".encode()
                s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: attack\r\nContent-Type: application/json\r\n" + framing + b"\r\n")
                try:
                    while sent < size:
                        s.sendall(b"100000\r\n" + block + b"\r\n" if chunked else block)
                        sent += MB
                    if chunked:
                        s.sendall(b"0\r\n\r\n")
                except OSError:
                    pass  # the server answered and closed the connection
                try:
                    result = status_of(s.recv(4096))
                except OSError:
                    result = "closed"
        except OSError as exc:
            result = type(exc).__name__
        with lock:
            outcomes[result] = outcomes.get(result, 0) + 1
            sent_total[0] += sent

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    outcomes["MB sent by the clients"] = sent_total[0] // MB
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL URL to create the throw-away database next to (default: SQLite)")
    parser.add_argument("--slow-seconds", type=float, default=20.0, help="how long the slow-body attack lasts")
    parser.add_argument("--sockets", type=int, default=32)
    parser.add_argument("--big-mb", type=int, default=300)
    args = parser.parse_args()

    with fresh_database(args.postgres) as url:
        port = free_port()
        env = dict(os.environ, SKOLHUB_DATABASE_URL=url, PYTHONUNBUFFERED="1")
        server = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        health = f"http://127.0.0.1:{port}/api/v1/health"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(health, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            start_rss, _ = rss_mb(server.pid)
            print(f"skolhub serve on 127.0.0.1:{port} ({'PostgreSQL' if args.postgres else 'SQLite'}), RSS at start {start_rss:.0f} MB")

            with HealthProbe(health) as slow_probe:
                slow = slow_bodies(port, args.sockets, args.slow_seconds)
            print(f"1. slow bodies, {args.sockets} sockets trickling for {args.slow_seconds:.0f} s: answered {slow}")
            print(f"   /health meanwhile: {slow_probe.summary()}")

            results = {}
            with HealthProbe(health) as big_probe:
                results["Content-Length"] = big_bodies(port, 3, args.big_mb * MB, chunked=False)
                results["chunked"] = big_bodies(port, 3, args.big_mb * MB, chunked=True)
            for kind, outcome in results.items():
                print(f"2. big bodies, 3 x {args.big_mb} MB ({kind}): answered {outcome}")
            print(f"   /health meanwhile: {big_probe.summary()}")
            time.sleep(1)
            after, peak = rss_mb(server.pid)
            print(f"server RSS: start {start_rss:.0f} MB, peak {peak:.0f} MB, after {after:.0f} MB")
            worst = max(slow_probe.worst, big_probe.worst)
            ok = worst < 1.0 and peak < 300
            print(f"goal (/health within 1 s, RSS under 300 MB): {'met' if ok else 'NOT met'} "
                  f"(worst /health {worst * 1000:.0f} ms, peak RSS {peak:.0f} MB)")
            return 0 if ok else 1
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)


if __name__ == "__main__":
    sys.exit(main())
