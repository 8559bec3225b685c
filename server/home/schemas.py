"""Request and response bodies of home/routes.py."""

from __future__ import annotations

from pydantic import BaseModel


class HomeBoxOut(BaseModel):
    key: str
    count: int


class HomeOut(BaseModel):
    pupil_id: int
    boxes: list[HomeBoxOut]
    # The bell's number for this child (R8), so the home page needs one call.
    unseen_notifications: int = 0


class UnitModulesOut(BaseModel):
    unit_id: int
    modules: dict[str, bool]


class UnitModulesIn(BaseModel):
    modules: dict[str, bool]
