"""Home for a selected child (R7) and the staff switches for a unit's boxes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from server.access import CurrentPrincipal, require_pupil, require_staff_of_unit
from server.deps import ClockDep, DbDep
from server.domain_errors import bad_request
from server.home import service
from server.home.schemas import (
    HomeBoxOut,
    HomeOut,
    UnitModulesIn,
    UnitModulesOut,
)
from server.http_cache import cached_json
from server.school.models import StaffRole

router = APIRouter(tags=["home"])


@router.get("/children/{pupil_id}/home", response_model=HomeOut, summary="The boxes shown for a child, with counts of new items (R7)")
def get_child_home(pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id)
    boxes, unseen = service.home_page(db, principal.user, pupil, clock)
    return cached_json(request, HomeOut(pupil_id=pupil.id, boxes=[HomeBoxOut(key=b.key, count=b.count) for b in boxes], unseen_notifications=unseen))


@router.get("/staff/units/{unit_id}/modules", response_model=UnitModulesOut, tags=["staff"], summary="Which boxes the unit uses")
def get_unit_modules(unit_id: int, principal: CurrentPrincipal, db: DbDep) -> UnitModulesOut:
    require_staff_of_unit(db, principal.user, unit_id)
    return UnitModulesOut(unit_id=unit_id, modules=service.unit_modules(db, unit_id))


@router.put("/staff/units/{unit_id}/modules", response_model=UnitModulesOut, tags=["staff"], summary="Switch the unit's boxes on or off (administrator)")
def put_unit_modules(unit_id: int, body: UnitModulesIn, principal: CurrentPrincipal, db: DbDep) -> UnitModulesOut:
    require_staff_of_unit(db, principal.user, unit_id, {StaffRole.ADMINISTRATOR})
    known = set(service.unit_modules(db, unit_id))
    for key in body.modules:
        if key not in known:
            raise bad_request("unknown_box", f"There is no box called {key!r}.", f"modules.{key}")
    service.set_unit_modules(db, unit_id, body.modules)
    return UnitModulesOut(unit_id=unit_id, modules=service.unit_modules(db, unit_id))
