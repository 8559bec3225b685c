"""Morning rush: a municipality-size school database and many guardians at 07:30.

    python -m bench.morning_rush                 # SQLite, and PostgreSQL if reachable
    python -m bench.morning_rush --backend sqlite --guardians-online 300 --requests 1000

Builds ≥ 20,000 pupils and ≥ 35,000 guardians, a term of schedule for every school and message
threads (bulk inserts), serves it with uvicorn (real processes, real HTTP on loopback), then:

1. the morning rush — simulated guardians log in, open /me, the child's home, the schedule week,
   the inbox and the unread count, and about a quarter report the day's absence (once per child);
2. each read endpoint alone at the same concurrency with the guardians' tokens in turn, after the
   trivial endpoint (/health) on the same server in the same run.

It prints requests per second and p50/p95/p99 latency per endpoint, and rps/base and p50/base
against /health: how close each endpoint comes to the stack's own limit. Figures, not pass/fail;
any non-2xx answer is printed as a fault of the dataset or the flow.
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
from datetime import UTC, date, datetime, timedelta
from datetime import time as daytime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from server.cli import KEEP_ALIVE_SECONDS
from server.config import Settings
from server.db import Base
from server.migrate import upgrade
from server.personnummer import with_check_digit
from server.schedule.demo import SLOTS_MIDDLE, SUBJECTS_MIDDLE
from server.security import hash_password, verify_password

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-30T07:30:00+01:00"  # a Monday morning
PASSWORD = "morning-rush-pass"
PG_BASE = os.environ.get("SKOLHUB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Dataset:
    guardians: list[tuple[str, int]] = field(default_factory=list)  # (username, a child's pupil id)
    counts: dict[str, int] = field(default_factory=dict)
    threads_per_pupil: int = 2
    argon2_ms: float = 0.0  # CPU per password verification at the production cost, measured


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


def build_dataset(url: str, pupils: int, guardians: int, threads_per_pupil: int = 2, seed: int = 1) -> Dataset:
    rng = random.Random(seed)
    engine = create_engine(url)
    now = datetime.now(UTC)
    settings = Settings()
    pw_hash = hash_password(settings, PASSWORD)  # production argon2 cost: logins cost what they cost
    c0 = time.process_time()
    for _ in range(5):
        verify_password(settings, pw_hash, PASSWORD)
    argon2_ms = (time.process_time() - c0) / 5 * 1000
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
    users, links, data = [], [], Dataset(threads_per_pupil=threads_per_pupil, argon2_ms=argon2_ms)
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
    data.counts = {"pupils": pupils, "guardians": guardians, "classes": classes, "schools": schools, "staff": len(staff)}
    for extra in AREA_DATA:
        extra(engine, rng, classes, group_unit, staff_start, data)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                pk = [c.name for c in table.primary_key.columns]
                if len(pk) == 1 and str(table.c[pk[0]].type) == "INTEGER":
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0]}'), COALESCE((SELECT MAX({pk[0]}) FROM {table.name}), 1))"))
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return data


# --- area data: a term of schedule, message threads -------------------------------------------

TERM = ("HT 2026", date(2026, 8, 17), date(2026, 12, 18))
BREAKS = [("Höstlov", date(2026, 10, 26), date(2026, 10, 30)), ("Jullov", date(2026, 12, 21), date(2027, 1, 6))]
WEEK_MONDAY = date(2026, 11, 30)  # ISO week 2026-W49, the week the flow opens


def schedule_data(engine: Engine, rng: random.Random, classes: int, group_unit: dict[int, int], staff_start: int, data: Dataset) -> None:
    """Autumn term 2026 for every school, 25 lessons a week per class (5 a day, 08:15–14:00)
    taught by the class's own teacher, and a few cancelled or moved lessons in week 49."""
    schools = sorted(set(group_unit.values()))
    _bulk(engine, "term", [{"id": u, "unit_id": u, "name": TERM[0], "start_date": TERM[1], "end_date": TERM[2]} for u in schools])
    _bulk(engine, "school_break", [
        {"id": i + 1, "organisation_id": 1, "unit_id": None, "name": name, "start_date": start, "end_date": end}
        for i, (name, start, end) in enumerate(BREAKS)
    ])
    lessons, teachers, exceptions = [], [], []
    for c in range(classes):
        gid = c + 1
        subjects = list(SUBJECTS_MIDDLE)
        rng.shuffle(subjects)
        for n, subject in enumerate(subjects[: 5 * len(SLOTS_MIDDLE)]):
            weekday, slot = divmod(n, len(SLOTS_MIDDLE))
            begins, ends = SLOTS_MIDDLE[slot]
            lid = len(lessons) + 1
            lessons.append({
                "id": lid, "term_id": group_unit[gid], "group_id": gid, "weekday": weekday + 1,
                "start_time": daytime.fromisoformat(begins), "end_time": daytime.fromisoformat(ends),
                "subject": subject, "room": f"{_ROOMS.get(subject, 'A')}{c % 20 + 1}",
            })
            teachers.append({"lesson_id": lid, "staff_id": staff_start + c})
            if weekday >= 1 and rng.random() < 0.01:  # ~1 in 4 classes has a change this week
                day = WEEK_MONDAY + timedelta(days=weekday)
                moved = rng.random() < 0.5
                exceptions.append({
                    "id": len(exceptions) + 1, "lesson_id": lid, "date": day, "kind": "moved" if moved else "cancelled",
                    "new_date": None, "new_start_time": None, "new_end_time": None,
                    "new_room": "Aulan" if moved else None, "note": "Läraren är sjuk" if not moved else "Annan sal",
                })
    _bulk(engine, "lesson", lessons)
    _bulk(engine, "lesson_teacher", teachers)
    _bulk(engine, "lesson_exception", exceptions)
    data.counts.update(lessons=len(lessons), lesson_changes=len(exceptions))


_ROOMS = {"Idrott och hälsa": "Gympa", "Slöjd": "Slöjd", "Bild": "Bild", "Musik": "Musik", "Hem- och konsumentkunskap": "Hkk"}


def message_data(engine: Engine, rng: random.Random, classes: int, group_unit: dict[int, int], staff_start: int, data: Dataset) -> None:
    """Per pupil, `threads_per_pupil` threads between the class teacher and the pupil's
    guardians over the last month: 1–3 messages each (teacher, a guardian's reply, the
    teacher's answer), read marks so some are unread, and the unread ones in the bell's feed."""
    per_pupil = data.threads_per_pupil
    guardians_of: dict[int, list[int]] = defaultdict(list)
    for index, (_username, child) in enumerate(data.guardians):
        guardians_of[child].append(index + 1)
    pupils = max(guardians_of) if guardians_of else 0
    per_class = max(1, pupils // max(1, classes))
    end = datetime.fromisoformat(NOW).astimezone(UTC) - timedelta(hours=10)
    threads, participants, messages, notifications = [], [], [], []
    for pupil in range(1, pupils + 1):
        guardians = guardians_of.get(pupil)
        if not guardians:
            continue
        teacher = staff_start + min(classes - 1, (pupil - 1) // per_class)
        for _ in range(per_pupil):
            tid = len(threads) + 1
            at = end - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            count = rng.choice((1, 1, 2, 3))
            authors = [teacher, rng.choice(guardians), teacher][:count]
            ids = []
            for k, author in enumerate(authors):
                mid = len(messages) + 1
                ids.append(mid)
                messages.append({"id": mid, "thread_id": tid, "author_id": author, "body": f"Meddelande {k + 1} om Barn{pupil - 1}.", "sent_at": at + timedelta(hours=k)})
            last_at = at + timedelta(hours=count - 1)
            threads.append({
                "id": tid, "subject": rng.choice(("Utflykt på fredag", "Utvecklingssamtal", "Läxor", "Idrottsdag", "Frånvaro")),
                "pupil_id": pupil, "created_by": teacher, "created_at": at,
                "last_message_id": ids[-1], "last_message_at": last_at, "last_preview": f"Meddelande {count} om Barn{pupil - 1}.",
            })
            participants.append({"thread_id": tid, "user_id": teacher, "last_read_message_id": ids[-1] if authors[-1] == teacher else ids[-2]})
            for guardian in guardians:
                read = ids[-1] if guardian in authors or rng.random() < 0.6 else 0
                participants.append({"thread_id": tid, "user_id": guardian, "last_read_message_id": read})
                for mid, author in zip(ids, authors, strict=True):
                    if mid > read and author != guardian:
                        notifications.append({
                            "user_id": guardian, "pupil_id": pupil, "area": "messages", "type": "message_received",
                            "title": f"Lärare: {threads[-1]['subject']}", "link": f"/messages/threads/{tid}",
                            "item_key": f"thread:{tid}:message:{mid}", "created_at": messages[mid - 1]["sent_at"],
                            "seen_at": None, "read_at": None,
                        })
    _bulk(engine, "message_thread", threads)
    _bulk(engine, "message_participant", participants)
    _bulk(engine, "message", messages)
    _bulk(engine, "notification", [{"id": i + 1, **n} for i, n in enumerate(notifications)])
    data.counts.update(threads=len(threads), messages=len(messages), notifications=len(notifications))


# Areas add dataset builders here: fn(engine, rng, classes, group_unit, staff_start, data).
AREA_DATA: list = [schedule_data, message_data]  # type: ignore[type-arg]


# --- load -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The load client closes an idle connection after CLIENT_KEEP_ALIVE seconds; the server keeps one
# open for longer (skolhub serve's default, as behind a reverse proxy), so the client never
# reuses a connection the server is closing at that very moment (httpx.ReadError / RemoteProtocolError).
CLIENT_KEEP_ALIVE = 5.0
SERVER_KEEP_ALIVE = KEEP_ALIVE_SECONDS  # what `skolhub serve` uses


def start_server(url: str, workers: int) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    port = _free_port()
    # As in production behind a reverse proxy: the client's address comes from X-Forwarded-For,
    # trusted from the proxy (here the load client on loopback) only. Each simulated guardian
    # sends its own phone's address, so the per-address login lockout (R4) sees guardians on
    # many addresses, not 300 logins from one.
    env = dict(
        os.environ, SKOLHUB_DATABASE_URL=url, SKOLHUB_FIXED_NOW=NOW, SKOLHUB_EMAIL_SINK_DIR=tempfile.mkdtemp(), SKOLHUB_SMS_SINK_DIR=tempfile.mkdtemp(),
        SKOLHUB_TRUST_FORWARDED_FOR="true", SKOLHUB_FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log",
         "--timeout-keep-alive", str(SERVER_KEEP_ALIVE)],
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
        # Requests that got no answer at all (connection refused, reset, timed out), by kind.
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.started = time.perf_counter()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    async def call(self, label: str, client: httpx.AsyncClient, method: str, path: str, **kwargs) -> httpx.Response | None:  # type: ignore[no-untyped-def]
        """The answer, or None when the request got none (counted in `errors`, never raised)."""
        t0 = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            self.errors[label][type(exc).__name__] += 1
            self.first.setdefault(label, t0)
            self.last[label] = time.perf_counter()
            return None
        t1 = time.perf_counter()
        self.samples[label].append(t1 - t0)
        self.statuses[label][response.status_code] += 1
        self.first.setdefault(label, t0)
        self.last[label] = t1
        return response


Session = tuple[dict[str, str], int]  # (Authorization header, the child's pupil id)
ABSENCE_DAY = "2026-11-30"


def phone_address(n: int) -> str:
    """The n-th guardian's phone address (10.0.0.0/8), as the reverse proxy forwards it."""
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


async def guardian_morning(rec: Recorder, client: httpx.AsyncClient, username: str, child: int, report_absence: bool, address: str) -> Session | None:
    r = await rec.call(
        "POST /auth/login", client, "POST", "/api/v1/auth/login", json={"username": username, "password": PASSWORD}, headers={"X-Forwarded-For": address},
    )
    if r is None or r.status_code != 200:
        return None
    auth = {"Authorization": f"Bearer {r.json()['token']}"}
    for label, path in READS:
        await rec.call(label, client, "GET", path.format(child=child), headers=auth)
    if report_absence:
        await rec.call(
            "POST /children/{id}/absences", client, "POST", f"/api/v1/children/{child}/absences",
            json={"date": ABSENCE_DAY, "whole_day": True, "reason": "illness", "comment": None},
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        )
    return auth, child


# The read endpoints of the morning flow, in the order a guardian opens them.
READS = [
    ("GET /me", "/api/v1/me"),
    ("GET /children/{id}/home", "/api/v1/children/{child}/home"),
    ("GET /children/{id}/schedule", "/api/v1/children/{child}/schedule?week=2026-W49"),
    ("GET /messages/inbox", "/api/v1/messages/inbox"),
    ("GET /messages/unread-count", "/api/v1/messages/unread-count"),
]
HEALTH = "GET /health (baseline)"
ROUNDS = 5  # phase 2 interleaves the endpoints in this many rounds


@dataclass
class Results:
    mixed: Recorder
    mixed_wall: float
    guardians: int
    alone: Recorder  # each endpoint driven alone; wall time per label in `walls`
    walls: dict[str, float] = field(default_factory=dict)
    load: tuple[str, str] = ("", "")  # the host's load (host_load()) before and after the run


async def _drive(rec: Recorder, client: httpx.AsyncClient, label: str, n: int, concurrency: int, request) -> float:  # type: ignore[no-untyped-def]
    """n requests of one kind from `concurrency` clients that each send the next as soon as the
    last answers (closed loop); returns the wall time."""
    numbers = iter(range(n))

    async def user() -> None:
        for i in numbers:
            method, path, headers = request(i)
            await rec.call(label, client, method, path, headers=headers)

    t0, c0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    rec.cpu[label] = time.process_time() - c0
    return time.perf_counter() - t0


async def run_load(base: str, data: Dataset, online: int, concurrency: int, per_endpoint: int, seed: int) -> Results:
    rng = random.Random(seed)
    picked = rng.sample(data.guardians, online)
    rec = Recorder()
    sessions: list[Session] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=CLIENT_KEEP_ALIVE)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        # Phase 1, the morning: every guardian logs in and opens the app; ~25 % report absence.
        sem = asyncio.Semaphore(concurrency)
        reported: set[int] = set()  # a child is reported once a day, whichever guardian does it

        async def one(n: int, username: str, child: int) -> None:
            report = child not in reported and rng.random() < 0.25
            if report:
                reported.add(child)
            async with sem:
                session = await guardian_morning(rec, client, username, child, report, phone_address(n))
            if session:
                sessions.append(session)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(n, u, c) for n, (u, c) in enumerate(picked)))
        mixed_wall = time.perf_counter() - t0

        # Phase 2: each read endpoint alone, same concurrency, the logged-in guardians' tokens
        # in turn, and the trivial endpoint on the same server as the stack's own limit. In
        # ROUNDS: every endpoint runs a slice of its requests in each round, so a change in the
        # host's load (other processes on a shared machine) falls on all of them alike and the
        # ratios to /health stay meaningful.
        alone = Recorder()
        results = Results(rec, mixed_wall, len(picked), alone)
        requests: dict[str, object] = {HEALTH: lambda i: ("GET", "/api/v1/health", None)}
        for label, path in READS:
            if not sessions:  # no guardian logged in (printed as lost or non-2xx logins in phase 1)
                break
            def request(i: int, path: str = path) -> tuple[str, str, dict[str, str]]:
                auth, child = sessions[i % len(sessions)]
                return "GET", path.format(child=child), auth
            requests[label] = request
        slices = [per_endpoint // ROUNDS + (1 if r < per_endpoint % ROUNDS else 0) for r in range(ROUNDS)]
        cpu: dict[str, float] = defaultdict(float)
        for r, n in enumerate(slices):
            for label, make_request in requests.items():
                offset = sum(slices[:r])
                wall = await _drive(alone, client, label, n, concurrency, lambda i, f=make_request, o=offset: f(i + o))  # type: ignore[operator, misc]
                results.walls[label] = results.walls.get(label, 0.0) + wall
                cpu[label] += alone.cpu[label]
        alone.cpu.update(cpu)
    return results


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _status(statuses: dict[int, int], errors: dict[str, int] | None = None) -> str:
    answered = ",".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
    failed = ",".join(f"{k}×{v}" for k, v in sorted((errors or {}).items()))
    return answered + (f" no answer: {failed}" if failed else "")


def host_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def report(backend: str, data: Dataset, res: Results, concurrency: int, workers: int) -> None:
    mixed = res.mixed
    total = sum(len(v) for v in mixed.samples.values())
    print(f"\n== {backend} — {data.counts}")
    print(f"   uvicorn --workers {workers}, {os.cpu_count()} CPUs shared by server, database and the load client; concurrency {concurrency}")
    print("   as behind a reverse proxy: each guardian logs in from its own address (X-Forwarded-For, trusted from loopback)")
    print(f"   host before the run: {res.load[0]}")
    print(f"   host after the run:  {res.load[1]}")
    print("   (a load average above the CPU count means other processes competed for the CPUs: absolute figures")
    print("   are then low and noisy; the ratios to /health, measured in the same minutes, are the figures to compare)")
    print(f"\n-- Phase 1, morning rush (mixed flow): {res.guardians} guardians, {total} requests in {res.mixed_wall:.1f} s "
          f"= {total / res.mixed_wall:.0f} req/s, {res.guardians / res.mixed_wall:.1f} guardians/s")
    print(f"{'endpoint':32} {'n':>6} {'req/s*':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  status")
    for label in dict.fromkeys([*mixed.samples, *mixed.errors]):
        values = mixed.samples.get(label, [])
        print(f"{label:32} {len(values):6d} {len(values) / res.mixed_wall:7.1f} {_pct(values, .5):8.1f} {_pct(values, .95):8.1f} {_pct(values, .99):8.1f}  {_status(mixed.statuses[label], mixed.errors.get(label))}")
    print("   * req/s = the endpoint's share of the phase (n / phase wall time). Login verifies argon2id at")
    print(f"     production cost ({data.argon2_ms:.0f} ms of CPU per verification here, deliberately), so logins set")
    print("     the pace of this phase and the reads' p95/p99 include waiting behind them for a CPU.")
    alone = res.alone
    h = alone.samples.get(HEALTH, [])
    h_rps, h_p50, h_p99 = len(h) / res.walls[HEALTH] or 1e-9, _pct(h, .5) or 1e-9, _pct(h, .99) or 1e-9
    print(f"\n-- Phase 2, each endpoint alone: closed loop, concurrency {concurrency}, {len(h)} requests each in {ROUNDS} interleaved rounds, "
          f"tokens of {min(len(res.mixed.samples.get('POST /auth/login', [])), len(h))} guardians in turn")
    print(f"{'endpoint':32} {'n':>6} {'req/s':>7} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'rps/base':>9} {'p50/base':>9} {'p99/base':>9} {'client':>7}  status")
    for label in [HEALTH] + [label for label, _ in READS]:
        if label not in res.walls:
            print(f"{label:32} not run: no guardian logged in during phase 1")
            continue
        values = alone.samples.get(label, [])  # answered requests (errors are counted, not timed)
        rps = len(values) / res.walls[label]
        mean = sum(values) / len(values) * 1000 if values else 0.0
        print(f"{label:32} {len(values):6d} {rps:7.0f} {mean:8.1f} {_pct(values, .5):8.1f} {_pct(values, .95):8.1f} {_pct(values, .99):8.1f} "
              f"{rps / h_rps:9.2f} {_pct(values, .5) / h_p50:9.1f} {_pct(values, .99) / h_p99:9.1f} {alone.cpu[label] / res.walls[label]:6.0%}  "
              f"{_status(alone.statuses[label], alone.errors.get(label))}")
    print(f"   base = {HEALTH}: {h_rps:.0f} req/s, p50 {h_p50:.1f} ms, p99 {h_p99:.1f} ms (SELECT 1 through the same middleware, session and pool).")
    print("   Goal (issue 14): home and schedule rps/base ≥ 0.5 and p99/base ≤ 5; inbox and unread count rps/base ≥ 0.5.")
    print("   client = CPU the load client itself used during that endpoint's run (of one CPU). In a closed")
    print("   loop mean ≈ concurrency / req/s; a p50 below the mean means a few requests wait long (tail).")
    lost = [f"{label} {kind}×{n}" for rec in (mixed, alone) for label, kinds in rec.errors.items() for kind, n in kinds.items()]
    if lost:
        print(f"   !! requests without an answer (not in the latencies): {', '.join(lost)}")
    bad = [f"{label} {code}" for rec in (mixed, alone) for label, st in rec.statuses.items() for code in st if not 200 <= code < 300]
    if bad:
        print(f"   !! non-2xx answers: {', '.join(bad)} — the dataset or the flow is wrong")


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
    parser.add_argument("--requests", type=int, default=1000, help="requests per endpoint in phase 2")
    parser.add_argument("--threads-per-pupil", type=int, default=2, help="message threads per pupil")
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
                data = build_dataset(url, args.pupils, args.guardians, args.threads_per_pupil)
                print(f"[{backend}] dataset built in {time.perf_counter() - t0:.1f} s: {data.counts}")
                proc, base = start_server(url, args.workers)
                try:
                    load_before = host_load()
                    results = asyncio.run(run_load(base, data, args.guardians_online, args.concurrency, args.requests, 7))
                    results.load = (load_before, host_load())
                finally:
                    proc.terminate()
                    proc.wait(30)
                report(backend, data, results, args.concurrency, args.workers)
            finally:
                drop(handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
