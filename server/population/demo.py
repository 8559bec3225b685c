"""Demo addresses arrive the way real ones do: as a Navet file through the real import (R11).

Families share an address; the shared-custody parents live apart; one guardian has protected
identity (Sekretessmarkering), so the demo shows an address nobody else may see.
"""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.clock import Clock
from server.config import Settings
from server.population.navet import navet_document, navet_record_xml, read_navet
from server.population.service import import_records
from server.school.models import Guardianship

STREETS = ["Ekbackavägen", "Lärkstigen", "Skolgatan", "Björkvägen", "Hagtornsgränd", "Kvarnbacken", "Älvstigen", "Rönnvägen", "Lindallén", "Granbacken"]
CITY = "EKBACKA"


def seed(db: Session, clock: Clock, settings: object | Settings, world) -> None:  # type: ignore[no-untyped-def]
    rng = world.rng
    db.flush()
    links = db.execute(select(Guardianship.guardian_id, Guardianship.pupil_id)).all()
    first_guardian_of: dict[int, int] = {}
    for guardian_id, pupil_id in sorted(links):
        first_guardian_of.setdefault(pupil_id, guardian_id)
    homes: dict[int, tuple[str, str]] = {}

    def home_of(guardian_id: int) -> tuple[str, str]:
        if guardian_id not in homes:
            homes[guardian_id] = (f"{rng.choice(STREETS)} {rng.randint(1, 60)}", f"{rng.randint(12340, 12399)}")
        return homes[guardian_id]

    # Guardians sharing a child share a home, except the shared-custody parents in the demo.
    apart = {world.people["shared_custody_b"].id}
    for guardian_id, pupil_id in sorted(links):
        first = first_guardian_of[pupil_id]
        if guardian_id != first and guardian_id not in apart and guardian_id not in homes:
            homes[guardian_id] = home_of(first)
    protected_id = next(g.id for g in world.guardians if g.id not in {p.id for p in world.people.values()})
    records = []
    for guardian in world.guardians:
        street, postcode = home_of(guardian.id)
        records.append(navet_record_xml(guardian.personnummer, first=guardian.first_name, last=guardian.last_name, street=street,
                                        postcode=postcode, city=CITY, protected=guardian.id == protected_id))
    for pupil in world.pupils:  # a student account shares its pupil's personnummer, so this covers it too
        street, postcode = home_of(first_guardian_of[pupil.id])
        records.append(navet_record_xml(pupil.personnummer, first=pupil.first_name, last=pupil.last_name, street=street,
                                        postcode=postcode, city=CITY, protected=first_guardian_of[pupil.id] == protected_id))
    document = "".join(navet_document(records)).encode()
    import_records(db, clock, read_navet(io.BytesIO(document)))
