"""Which boxes a unit uses (R7): the unit's own choice, stored as data.

A row with enabled=False switches a box off for the unit; a box without a row is on, so a
unit that never chose anything sees every box the rules allow, and a newly added area shows up
until the unit switches it off.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class UnitModule(Base):
    __tablename__ = "unit_module"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    box_key: Mapped[str] = mapped_column(String(30), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
