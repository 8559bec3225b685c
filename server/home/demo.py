"""Demo: every unit states which boxes it uses (the preschool leaves out the school-only ones)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.clock import Clock
from server.config import Settings
from server.home.service import default_modules, set_unit_modules
from server.school.models import Unit


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    for unit in db.scalars(select(Unit).order_by(Unit.id)):
        set_unit_modules(db, unit.id, default_modules(unit))
