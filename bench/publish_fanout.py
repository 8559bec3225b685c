"""Publishing to a whole school: the set-based fan-out (one INSERT … SELECT, as
server.information.service.publish_file uses) against a per-recipient Python loop, in the same run.

    .venv/bin/python bench/publish_fanout.py [--pupils 2000] [--postgres-admin-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

SQLite runs in a temporary folder; with --postgres-admin-url a scratch database is created there
and dropped afterwards.

Prints recipients, seconds per publication and the ratio loop / set-based. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's server package

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server.accounts.models import User, UserKind  # noqa: E402
from server.clock import SCHOOL_TZ, FixedClock  # noqa: E402
from server.config import Settings  # noqa: E402
from server.db import make_engine, make_sessionmaker  # noqa: E402
from server.information import service  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.notifications.models import Notification  # noqa: E402
from server.publishing import demo_upload  # noqa: E402
from server.school import service as school  # noqa: E402
from server.school.models import Guardianship, Pupil, PupilGroup, StaffRole, UnitKind  # noqa: E402
from server.storage.demo_files import simple_pdf  # noqa: E402


def build(db, clock, pupils: int):  # type: ignore[no-untyped-def]
    org = school.add_organisation(db, "Benchkommun")
    unit = school.add_unit(db, org, "Benchskolan", UnitKind.SCHOOL)
    group = school.add_group(db, unit, "Alla")
    head = school.add_user(db, clock, UserKind.STAFF, "Rektor", "Bench")
    school.assign_staff(db, head, unit, StaffRole.ADMINISTRATOR)
    now = clock.now()
    db.execute(insert(Pupil), [
        {"personnummer": f"B{i:011d}", "first_name": "Elev", "last_name": str(i), "unit_id": unit.id, "group_id": group.id, "in_fritids": False, "created_at": now}
        for i in range(pupils)
    ])
    pupil_ids = list(db.scalars(select(Pupil.id).where(Pupil.unit_id == unit.id)))
    db.execute(insert(PupilGroup), [{"pupil_id": p, "group_id": group.id} for p in pupil_ids])
    db.execute(insert(User), [
        {"kind": "guardian", "first_name": "VH", "last_name": str(i), "language": "sv", "is_active": True, "created_at": now}
        for i in range(2 * pupils)
    ])
    guardian_ids = list(db.scalars(select(User.id).where(User.kind == "guardian").order_by(User.id)))
    db.execute(insert(Guardianship), [{"guardian_id": g, "pupil_id": pupil_ids[i // 2]} for i, g in enumerate(guardian_ids)])
    db.commit()
    return unit, head


def python_loop(db, clock, unit_id: int, key: str) -> int:  # type: ignore[no-untyped-def]
    """The baseline the rule forbids: fetch recipients, insert one row each."""
    rows = db.execute(select(Guardianship.guardian_id, Guardianship.pupil_id).join(Pupil, Pupil.id == Guardianship.pupil_id).where(Pupil.unit_id == unit_id)).all()
    for guardian_id, pupil_id in rows:
        db.add(Notification(user_id=guardian_id, pupil_id=pupil_id, area="information", type="file_published", title="x",
                            link=f"/children/{pupil_id}/information/files/0", item_key=key, created_at=clock.now()))
        db.flush()
    db.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--postgres-admin-url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="skolhub-bench-"))
    if args.postgres_admin_url:
        admin = create_engine(args.postgres_admin_url, isolation_level="AUTOCOMMIT")
        name = f"skolhub_bench_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run(make_url(args.postgres_admin_url).set(database=name).render_as_string(hide_password=False), tmp, args.pupils)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        run(f"sqlite:///{tmp / 'bench.db'}", tmp, args.pupils)


def run(url: str, tmp: Path, pupils: int) -> None:
    upgrade(url)
    settings = Settings(database_url=url, upload_dir=tmp / "uploads")
    clock = FixedClock(datetime(2026, 11, 30, 8, 0, tzinfo=SCHOOL_TZ))
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with factory() as db:
        unit, head = build(db, clock, pupils)
        pdf = simple_pdf("Bench", ["rad"])
        started = time.perf_counter()
        item = service.publish_file(db, settings, clock, head, unit.id, "Läsårstider", "", demo_upload("a.pdf", pdf))
        set_based = time.perf_counter() - started
        recipients = len(db.scalars(select(Notification.id).where(Notification.item_key == f"file:{item.id}")).all())
        started = time.perf_counter()
        looped = python_loop(db, clock, unit.id, "bench:loop")
        loop = time.perf_counter() - started
    print(f"backend={url.split(':')[0]} pupils={pupils} recipients={recipients}")
    print(f"set-based publish (upload + one INSERT … SELECT): {set_based:.3f} s")
    print(f"per-recipient Python loop ({looped} rows, no upload):  {loop:.3f} s")
    engine.dispose()
    print(f"ratio loop / set-based: {loop / set_based:.1f}x")


if __name__ == "__main__":
    main()
