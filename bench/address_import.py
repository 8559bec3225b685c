"""Population-register import rate (R11): `python -m bench.address_import [--records N] [--postgres URL]`.

Generates a Navet file of N records (default 100,000: 90% people we know — two thirds guardian
accounts, one third pupils — 10% unknown, 1% protected identities) in a temporary directory,
imports it with the real `import_file`, then imports it again (nothing changes the second time)
and prints records per second for both runs and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from bench._db import fresh_database
from server.accounts.models import User
from server.clock import FixedClock
from server.db import make_engine, make_sessionmaker
from server.population.navet import navet_document, navet_record_xml
from server.population.service import import_file
from server.school.models import Group, Organisation, Pupil, Unit

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def pnr(n: int) -> str:
    return f"1980{n:08d}"


def seed_people(url: str, records: int) -> None:
    """Known people straight into the tables (setup, not what is measured)."""
    known = int(records * 0.9)
    pupils = known // 3
    engine = make_engine(url)
    with engine.begin() as conn:
        org = conn.execute(insert(Organisation).values(name="Benchkommun").returning(Organisation.id)).scalar_one()
        unit = conn.execute(insert(Unit).values(organisation_id=org, name="Benchskolan", kind="school", has_fritids=True).returning(Unit.id)).scalar_one()
        group = conn.execute(insert(Group).values(unit_id=unit, name="1A", kind="class").returning(Group.id)).scalar_one()
        step = 10_000
        for start in range(0, pupils, step):
            conn.execute(insert(Pupil), [
                {"personnummer": pnr(n), "first_name": "Barn", "last_name": "Bench", "unit_id": unit, "group_id": group, "in_fritids": False, "created_at": NOW}
                for n in range(start, min(start + step, pupils))
            ])
        for start in range(pupils, known, step):
            conn.execute(insert(User), [
                {"kind": "guardian", "first_name": "Vuxen", "last_name": "Bench", "personnummer": pnr(n), "language": "sv", "is_active": True, "created_at": NOW}
                for n in range(start, min(start + step, known))
            ])
    engine.dispose()


def write_file(path: Path, records: int) -> None:
    def people():  # type: ignore[no-untyped-def]
        for n in range(records):
            yield navet_record_xml(
                pnr(n), first="Anna Maria", marker="10", last="Bench", care_of="c/o Holm" if n % 17 == 0 else None,
                street=f"Storgatan {n % 200 + 1}", street2=f"Lgh {1000 + n % 300}" if n % 5 == 0 else None,
                postcode=f"{10000 + n % 89999:05d}", city="EKBACKA", protected=n % 100 == 0,
            )

    with path.open("w", encoding="utf-8") as out:
        for part in navet_document(people()):
            out.write(part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to create a throw-away database next to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres, Path(tmp)) as url:
        path = Path(tmp) / "navet.xml"
        write_file(path, args.records)
        seed_people(url, args.records)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        clock = FixedClock(NOW)
        print(f"backend: {engine.dialect.name}; file: {args.records:,} records, {path.stat().st_size / 1e6:.1f} MB")
        for label in ("first import (writes addresses)", "second import (nothing changed)"):
            started = time.perf_counter()
            report = import_file(factory, clock, path)
            elapsed = time.perf_counter() - started
            print(f"{label}: {elapsed:.2f} s, {report.records / elapsed:,.0f} records/s — {report.summary()}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak process memory: {peak:.0f} MB (the file is streamed, never held whole)")
        engine.dispose()


if __name__ == "__main__":
    main()
