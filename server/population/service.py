"""The nightly population-register import (R11): addresses (and names) by personnummer.

Matches user accounts and pupils by personnummer and overwrites their register data; nobody
is created (a personnummer we do not know is counted as `unknown`). Works in batches: one
SELECT per table per batch and one executemany UPDATE of just the changed rows, so 100,000
records take seconds, and a second run of the same file changes nothing (`unchanged`).
A protected identity (Sekretessmarkering J) is stored with its address; only the person
themself is ever shown that address (server/me).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import Clock
from server.db import unit_of_work
from server.population.navet import MalformedRecord, NavetRecord, read_navet
from server.school.models import Pupil

BATCH = 2000
KEEP_MALFORMED = 1000
COMPARED = (
    "first_name", "last_name", "address_care_of", "address_street", "address_street2", "address_postcode", "address_city",
    "protected_identity", "deregistered", "deregistration_code",
)


@dataclass
class ImportReport:
    records: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: int = 0
    protected: int = 0  # known people with a protected identity (also counted as updated/unchanged)
    malformed: int = 0
    duplicates: int = 0  # earlier records for a personnummer that appears again in the file
    problems: list[MalformedRecord] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.records} records: {self.updated} updated, {self.unchanged} unchanged, {self.unknown} unknown, "
            f"{self.protected} protected, {self.malformed} malformed"
            + (f", {self.duplicates} superseded duplicates" if self.duplicates else "")
        )


def _wanted(record: NavetRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "address_care_of": record.address.care_of,
        "address_street": record.address.street,
        "address_street2": record.address.street2,
        "address_postcode": record.address.postcode,
        "address_city": record.address.city,
        "protected_identity": record.protected,
        "deregistered": record.deregistered,
        "deregistration_code": record.deregistration_code,
    }
    if record.first_name:
        values["first_name"] = record.first_name[:100]
    if record.last_name:
        values["last_name"] = record.last_name[:100]
    for key in ("address_care_of", "address_street", "address_street2", "address_city"):
        if values[key] is not None:
            values[key] = values[key][:100]
    return values


def _apply(db: Session, clock: Clock, model: type[User] | type[Pupil], records: dict[str, NavetRecord]) -> tuple[set[str], set[str]]:
    """Update `model` rows for these records; returns (matched, changed) personnummer."""
    columns = [getattr(model, c) for c in COMPARED]
    rows = db.execute(select(model.id, model.personnummer, *columns).where(model.personnummer.in_(list(records)))).all()
    matched: set[str] = set()
    changed: set[str] = set()
    updates: list[dict[str, Any]] = []
    now = clock.now()
    for row in rows:
        pnr = row.personnummer
        matched.add(pnr)
        wanted = _wanted(records[pnr])
        current = {c: getattr(row, c) for c in COMPARED}
        if any(current[k] != v for k, v in wanted.items()):
            changed.add(pnr)
            updates.append({"id": row.id, **wanted, "address_updated_at": now})
    if updates:
        db.execute(update(model), updates)
    return matched, changed


def _in_batches(records: Iterable[NavetRecord | MalformedRecord], import_batch: Callable[[list[NavetRecord | MalformedRecord]], None]) -> None:
    """Hand the records on in batches; if reading fails part-way, the records read so far are
    still handed on before the error propagates."""
    batch: list[NavetRecord | MalformedRecord] = []
    try:
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                full, batch = batch, []
                import_batch(full)
    finally:
        if batch:
            import_batch(batch)


def import_records(db: Session, clock: Clock, records: Iterable[NavetRecord | MalformedRecord], report: ImportReport | None = None) -> ImportReport:
    """Import into the caller's unit of work (the demo seed), in batches."""
    report = report or ImportReport()
    _in_batches(records, lambda batch: _import_batch(db, clock, batch, report))
    return report


def _import_batch(db: Session, clock: Clock, batch: list[NavetRecord | MalformedRecord], report: ImportReport) -> None:
    by_pnr: dict[str, NavetRecord] = {}
    for record in batch:
        report.records += 1
        if isinstance(record, MalformedRecord):
            report.malformed += 1
            if len(report.problems) < KEEP_MALFORMED:
                report.problems.append(record)
            continue
        by_pnr[record.personnummer] = record  # a later record for the same person wins
    report.duplicates += sum(1 for r in batch if isinstance(r, NavetRecord)) - len(by_pnr)
    if not by_pnr:
        return
    matched_users, changed_users = _apply(db, clock, User, by_pnr)
    matched_pupils, changed_pupils = _apply(db, clock, Pupil, by_pnr)
    matched = matched_users | matched_pupils
    changed = changed_users | changed_pupils
    report.unknown += len(by_pnr) - len(matched)
    report.updated += len(changed)
    report.unchanged += len(matched) - len(changed)
    report.protected += sum(1 for pnr in matched if by_pnr[pnr].protected)
    db.flush()


def import_file(factory: Callable[[], Session], clock: Clock, path: Path, report: ImportReport | None = None) -> ImportReport:
    """Import a Navet file, each batch a unit of work of its own: on a not-well-formed file,
    what was read before the fault is kept and NavetFormatError is raised (the report passed in
    holds the counts so far)."""
    report = report or ImportReport()

    def import_batch(batch: list[NavetRecord | MalformedRecord]) -> None:
        with unit_of_work(factory) as db:
            _import_batch(db, clock, batch, report)

    with path.open("rb") as stream:
        _in_batches(read_navet(stream), import_batch)
    return report
