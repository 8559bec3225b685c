"""Morning rush: a municipality-size school database and many guardians at 07:30.

    python -m bench.morning_rush                 # SQLite, and PostgreSQL if reachable
    python -m bench.morning_rush --backend sqlite --guardians-online 300

Builds ≥ 20,000 pupils and ≥ 35,000 guardians (plus a term of schedule and some messages when
those areas exist), serves it with uvicorn (real processes, real HTTP on loopback) and lets
simulated guardians log in, open /me, the child's home, the schedule week and the inbox, and
report absence. It prints requests per second and p50/p95/p99 latency per endpoint, and the same
for a trivial endpoint (/health) on the same server in the same run: the ratio shows how close
each endpoint comes to the stack's own limit. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from server.config import Settings
from server.db import Base
from server.migrate import upgrade
from server.personnummer import with_check_digit
from server.security import hash_password

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-30T07:30:00+01:00"  # a Monday morning
PASSWORD = "morning-rush-pass"
PG_BASE = os.environ.get("SKOLHUB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Dataset:
    guardians: list[tuple[str, int]] = field(default_factory=list)  # (username, a child's pupil id)
    counts: dict[str, int] = field(default_factory=dict)


def _test_pnr(first_year: int, n: int) -> str:
    """The n-th valid test personnummer born from `first_year`: dates first, then 9xx serials."""
    from datetime import date, timedelta

    born = date(first_year, 1, 1) + timedelta(days=n % 3650)
    return with_check_digit(born.strftime("%Y%m%d"), f"{900 + n // 3650:03d}")


def _chunks(rows: list[dict], size: int = 5000):  # type: ignore[type-arg]
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _bulk(engine: Engine, table: str, rows: list[dict]) -> None:  # type: ignore[type-arg]
    t = Base.metadata.tables[table]
    with engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(t), chunk)


def build_dataset(url: str, pupils: int, guardians: int, seed: int = 1) -> Dataset:
    rng = random.Random(seed)
    engine = create_engine(url)
    now = datetime.now(UTC)
    settings = Settings()
    pw_hash = hash_password(settings, PASSWORD)  # production argon2 cost: logins cost what they cost
    per_school, per_class = 500, 25
    schools = max(1, pupils // per_school)
    _bulk(engine, "organisation", [{"id": 1, "name": "Benchkommun"}])
    _bulk(engine, "unit", [{"id": u + 1, "organisation_id": 1, "name": f"Skola {u + 1}", "kind": "school", "has_fritids": True} for u in range(schools)])
    classes = pupils // per_class
    _bulk(engine, "school_group", [{"id": g + 1, "unit_id": g // (per_school // per_class) % schools + 1, "name": f"K{g + 1}", "kind": "class"} for g in range(classes)])
    group_unit = {g + 1: g // (per_school // per_class) % schools + 1 for g in range(classes)}
    pupil_rows, membership = [], []
    for p in range(pupils):
        gid = p // per_class % classes + 1
        pupil_rows.append({
            "id": p + 1, "personnummer": _test_pnr(2010, p),
            "first_name": f"Barn{p}", "last_name": "Bench", "unit_id": group_unit[gid], "group_id": gid,
            "in_fritids": p % 3 == 0, "created_at": now,
        })
        membership.append({"pupil_id": p + 1, "group_id": gid})
    _bulk(engine, "pupil", pupil_rows)
    _bulk(engine, "pupil_group", membership)
    users, links, data = [], [], Dataset()
    for g in range(guardians):
        child = g % pupils + 1 if g < pupils else rng.randint(1, pupils)
        users.append({
            "id": g + 1, "kind": "guardian", "username": f"g{g + 1}", "password_hash": pw_hash, "first_name": f"Förälder{g}", "last_name": "Bench",
            "personnummer": _test_pnr(1970, g), "email": f"g{g + 1}@bench.invalid", "phone": f"+4670{g:07d}", "language": "sv",
            "is_active": True, "created_at": now,
        })
        links.append({"guardian_id": g + 1, "pupil_id": child})
        data.guardians.append((f"g{g + 1}", child))
    staff_start = guardians + 1
    staff = []
    assignments = []
    for c in range(classes):
        uid = staff_start + c
        staff.append({"id": uid, "kind": "staff", "username": f"t{c + 1}", "password_hash": pw_hash, "first_name": f"Lärare{c}", "last_name": "Bench",
                      "personnummer": None, "email": f"t{c + 1}@bench.invalid", "phone": None, "language": "sv", "is_active": True, "created_at": now})
        assignments.append({"user_id": uid, "unit_id": group_unit[c + 1], "group_id": c + 1, "role": "mentor", "subject": "Svenska"})
        assignments.append({"user_id": uid, "unit_id": group_unit[c + 1], "group_id": c + 1, "role": "teacher", "subject": "Svenska"})
    _bulk(engine, "user_account", users + staff)
    _bulk(engine, "guardianship", links)
    _bulk(engine, "staff_assignment", [{"id": i + 1, **a} for i, a in enumerate(assignments)])
    for extra in AREA_DATA:
        extra(engine, rng, classes, group_unit, staff_start, data)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                pk = [c.name for c in table.primary_key.columns]
                if len(pk) == 1 and str(table.c[pk[0]].type) == "INTEGER":
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0]}'), COALESCE((SELECT MAX({pk[0]}) FROM {table.name}), 1))"))
            conn.execute(text("ANALYZE"))
    data.counts = {"pupils": pupils, "guardians": guardians, "classes": classes, "schools": schools, "staff": len(staff)}
    engine.dispose()
    return data


# Areas add dataset builders here: fn(engine, rng, classes, group_unit, staff_start, data).
AREA_DATA: list = []  # type: ignore[type-arg]


# --- load -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, workers: int) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    port = _free_port()
    env = dict(os.environ, SKOLHUB_DATABASE_URL=url, SKOLHUB_FIXED_NOW=NOW, SKOLHUB_EMAIL_SINK_DIR=tempfile.mkdtemp(), SKOLHUB_SMS_SINK_DIR=tempfile.mkdtemp())
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        env=env, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


class Recorder:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.started = time.perf_counter()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}

    async def call(self, label: str, client: httpx.AsyncClient, method: str, path: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        response = await client.request(method, path, **kwargs)
        t1 = time.perf_counter()
        self.samples[label].append(t1 - t0)
        self.statuses[label][response.status_code] += 1
        self.first.setdefault(label, t0)
        self.last[label] = t1
        return response


async def guardian_morning(rec: Recorder, client: httpx.AsyncClient, username: str, child: int, report_absence: bool) -> None:
    r = await rec.call("POST /auth/login", client, "POST", "/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    if r.status_code != 200:
        return
    auth = {"Authorization": f"Bearer {r.json()['token']}"}
    await rec.call("GET /me", client, "GET", "/api/v1/me", headers=auth)
    await rec.call("GET /children/{id}/home", client, "GET", f"/api/v1/children/{child}/home", headers=auth)
    await rec.call("GET /children/{id}/schedule", client, "GET", f"/api/v1/children/{child}/schedule?week=2026-W49", headers=auth)
    await rec.call("GET /messages/inbox", client, "GET", "/api/v1/messages/inbox", headers=auth)
    await rec.call("GET /messages/unread-count", client, "GET", "/api/v1/messages/unread-count", headers=auth)
    if report_absence:
        await rec.call(
            "POST /children/{id}/absences", client, "POST", f"/api/v1/children/{child}/absences",
            json={"date": "2026-11-30", "whole_day": True, "reason": "illness", "comment": None},
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )


async def run_load(base: str, data: Dataset, online: int, concurrency: int, seed: int) -> tuple[Recorder, Recorder]:
    rng = random.Random(seed)
    picked = rng.sample(data.guardians, online)
    rec = Recorder()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        sem = asyncio.Semaphore(concurrency)
        reported: set[int] = set()

        async def one(username: str, child: int) -> None:
            report = child not in reported and rng.random() < 0.25
            if report:
                reported.add(child)
            async with sem:
                await guardian_morning(rec, client, username, child, report)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(u, c) for u, c in picked))
        rec.wall = time.perf_counter() - t0  # type: ignore[attr-defined]

        # The stack's own limit: the trivial endpoint, same server, same concurrency.
        base_rec = Recorder()
        n = max(2000, online * 3)

        async def ping() -> None:
            async with sem:
                await base_rec.call("GET /health (baseline)", client, "GET", "/api/v1/health")

        t0 = time.perf_counter()
        await asyncio.gather(*(ping() for _ in range(n)))
        base_rec.wall = time.perf_counter() - t0  # type: ignore[attr-defined]
    return rec, base_rec


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(backend: str, data: Dataset, rec: Recorder, base_rec: Recorder, concurrency: int) -> None:
    base = base_rec.samples["GET /health (baseline)"]
    base_rps = len(base) / base_rec.wall  # type: ignore[attr-defined]
    base_p50 = _pct(base, 0.5)
    print(f"\n== {backend}: {data.counts} — {sum(len(v) for v in rec.samples.values())} requests from "
          f"{len(rec.samples.get('POST /auth/login', []))} guardians in {rec.wall:.1f} s, concurrency {concurrency}")  # type: ignore[attr-defined]
    print(f"{'endpoint':34} {'n':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50/base':>9} {'status':>12}")
    rows = list(rec.samples.items()) + [("GET /health (baseline)", base)]
    for label, values in rows:
        if label.startswith("GET /health"):
            rps = base_rps
        else:
            # Throughput of this endpoint alone = samples / summed service time × concurrency share.
            rps = len(values) / max(sum(values), 1e-9) * concurrency
        statuses = base_rec.statuses[label] if label.startswith("GET /health") else rec.statuses[label]
        status = ",".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
        print(f"{label:34} {len(values):6d} {rps:8.0f} {_pct(values, .5):8.1f} {_pct(values, .95):8.1f} {_pct(values, .99):8.1f} {_pct(values, .5) / base_p50:9.1f} {status:>12}")
    print(f"baseline /health: {base_rps:.0f} req/s, p50 {base_p50:.1f} ms  (req/s per endpoint = n / Σ latency × concurrency)")


def prepare(backend: str, workdir: Path) -> tuple[str, object]:
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'rush.db'}"
        return url, None
    name = f"skolhub_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(PG_BASE).set(database=name).render_as_string(hide_password=False), (admin, name)


def drop(handle: object) -> None:
    if handle is None:
        return
    admin, name = handle  # type: ignore[misc]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pg_available() -> bool:
    try:
        with create_engine(PG_BASE).connect():
            return True
    except Exception:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pupils", type=int, default=20000)
    parser.add_argument("--guardians", type=int, default=35000)
    parser.add_argument("--guardians-online", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not pg_available():
        print("PostgreSQL not reachable; SQLite only")
        backends = ["sqlite"]
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            url, handle = prepare(backend, Path(tmp))
            try:
                t0 = time.perf_counter()
                upgrade(url)
                data = build_dataset(url, args.pupils, args.guardians)
                print(f"[{backend}] dataset built in {time.perf_counter() - t0:.1f} s: {data.counts}")
                proc, base = start_server(url, args.workers)
                try:
                    rec, base_rec = asyncio.run(run_load(base, data, args.guardians_online, args.concurrency, 7))
                finally:
                    proc.terminate()
                    proc.wait(30)
                report(backend, data, rec, base_rec, args.concurrency)
            finally:
                drop(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
