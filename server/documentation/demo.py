"""Demo documentation: Portfolio entries (per class and per pupil, some with a picture) and an
IUP for this term for every school pupil in grades 1–9."""

from __future__ import annotations

import secrets
import struct
import zlib
from pathlib import Path

from sqlalchemy.orm import Session

from server.assessments.demo import TEACHER_OF_CLASS, current_terms
from server.clock import Clock
from server.config import Settings
from server.documentation.models import IupPlan, PortfolioEntry, PortfolioFile
from server.documentation.service import portfolio_dir

CLASS_ENTRIES = [
    (
        "Höstens utflykt till skogen",
        "Vi undersökte vilka djur och växter som lever i skogen och dokumenterade med bilder.",
    ),
    (
        "Vårt arbete med berättelser",
        "Klassen har skrivit egna berättelser med inledning, händelse och avslutning.",
    ),
]
PUPIL_ENTRIES = [
    (
        "Min bästa text den här terminen",
        "{name} valde ut och bearbetade sin bästa text. Läraren kommenterade språket och strukturen.",
    ),
    (
        "Problemlösning i matematik",
        "{name} löste en uppgift i flera steg och förklarade sina tankar med bild och ord.",
    ),
]


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG (the demo's 'photo'), built without an image library."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _attach(db: Session, folder: Path, entry: PortfolioEntry, rgb: tuple[int, int, int]) -> None:
    data = _png(64, 48, rgb)
    key = secrets.token_hex(20)
    (folder / key).write_bytes(data)
    db.add(
        PortfolioFile(
            entry_id=entry.id,
            filename="bild.png",
            content_type="image/png",
            size=len(data),
            storage_key=key,
        )
    )


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    rng = world.rng
    _previous, current = current_terms(clock)
    folder = portfolio_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    for name, group in world.classes.items():
        if name == "FA":
            continue
        teacher = world.staff[TEACHER_OF_CLASS[name]]
        title, body = CLASS_ENTRIES[rng.randrange(len(CLASS_ENTRIES))]
        entry = PortfolioEntry(
            unit_id=world.school.id,
            group_id=group.id,
            title=title,
            body=body,
            published_by=teacher.id,
            published_at=now,
        )
        db.add(entry)
        db.flush()
        _attach(
            db,
            folder,
            entry,
            (rng.randrange(60, 200), rng.randrange(120, 220), rng.randrange(60, 160)),
        )
    class_of = {g.id: name for name, g in world.classes.items()}
    for pupil in world.pupils:
        cls = class_of.get(pupil.group_id or -1)
        if cls is None or cls == "FA":
            continue
        teacher = world.staff[TEACHER_OF_CLASS[cls]]
        title, body = PUPIL_ENTRIES[rng.randrange(len(PUPIL_ENTRIES))]
        entry = PortfolioEntry(
            unit_id=world.school.id,
            pupil_id=pupil.id,
            title=title,
            body=body.format(name=pupil.first_name),
            published_by=teacher.id,
            published_at=now,
        )
        db.add(entry)
        db.flush()
        if rng.random() < 0.5:
            _attach(
                db,
                folder,
                entry,
                (rng.randrange(100, 255), rng.randrange(80, 200), rng.randrange(40, 120)),
            )
        db.add(
            IupPlan(
                pupil_id=pupil.id,
                term=current,
                version=1,
                published_by=teacher.id,
                published_at=now,
                goals=f"{pupil.first_name} ska utveckla sin läsförståelse och bli säkrare på att förklara hur hen löser problem i matematik.",
                school_actions="Läraren ger extra lästräning två gånger i veckan och återkoppling på skriftliga resonemang.",
                pupil_actions=f"{pupil.first_name} läser 20 minuter varje dag och ställer frågor när något är oklart.",
                guardian_actions="Vårdnadshavare läser gärna tillsammans med barnet och frågar om skoldagen.",
            )
        )
    db.flush()
