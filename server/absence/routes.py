"""Absence routes (R40–R46). Guardians report (POST only: there is no PUT, PATCH or DELETE, R43);
staff register valid/invalid absence per lesson; everyone related lists and opens absences."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from server.absence import service
from server.absence.models import Absence
from server.absence.schemas import (
    AbsenceLessonOut,
    AbsenceListOut,
    AbsenceOut,
    AbsenceReportIn,
    RegisteredByOut,
    StaffAbsenceIn,
)
from server.access import Action, CurrentPrincipal, require_pupil, require_staff, require_staff_of_unit
from server.accounts.models import UserKind
from server.deps import ClockDep, DbDep
from server.domain_errors import DomainError, not_found
from server.errors import ERROR_RESPONSES
from server.http_cache import cached_json
from server.publishing import mark_area_read
from server.schedule.service import occurrence_id
from server.school.models import StaffRole

router = APIRouter(tags=["absence"], responses=ERROR_RESPONSES)  # type: ignore[arg-type]

# Who registers absence from a lesson (R41, R44, R45): the school's teaching staff.
ABSENCE_REGISTRARS = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.ADMINISTRATOR}


def absence_out(rec: service.AbsenceRecord) -> AbsenceOut:
    a = rec.absence
    by = rec.registered_by
    return AbsenceOut(
        id=a.id,
        pupil_id=a.pupil_id,
        date=a.date,
        kind=a.kind,  # type: ignore[arg-type]
        whole_day=a.whole_day,
        lessons=[
            AbsenceLessonOut(
                id=occurrence_id(lesson.lesson_id, lesson.regular_date),
                lesson_id=lesson.lesson_id,
                start=lesson.start_time.strftime("%H:%M"),
                end=lesson.end_time.strftime("%H:%M"),
                subject=lesson.subject,
            )
            for lesson in rec.lessons
        ],
        reason=a.reason,
        comment=a.comment,
        registered_by=RegisteredByOut(id=by.id, name=by.name, role=by.kind) if by else None,
        registered_at=a.registered_at,
        updated_at=a.updated_at,
    )


@router.post(
    "/children/{pupil_id}/absences",
    response_model=AbsenceOut,
    status_code=201,
    summary="Report absence for today or tomorrow (R40, R42, R46); final once sent (R43)",
)
def report_absence(
    pupil_id: int, body: AbsenceReportIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> AbsenceOut:
    pupil = require_pupil(db, principal.user, pupil_id, Action.REPORT_ABSENCE)
    absence = service.report_absence(
        db,
        clock,
        principal.user,
        pupil,
        day=body.date,
        whole_day=body.whole_day,
        lesson_ids=body.lesson_ids,
        reason=body.reason,
        comment=body.comment,
    )
    return absence_out(service.record(db, absence))


@router.get(
    "/children/{pupil_id}/absences",
    response_model=AbsenceListOut,
    summary="Earlier absences, reported and registered (R41, R46)",
)
def list_absences(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id)
    if principal.user.kind != UserKind.STAFF:
        mark_area_read(db, clock, principal.user, pupil.id, "absence")  # the history shows them
    return cached_json(
        request, AbsenceListOut(items=[absence_out(r) for r in service.history(db, pupil)])
    )


@router.get(
    "/absences/{absence_id}", response_model=AbsenceOut, summary="One absence in detail (R41)"
)
def get_absence(absence_id: int, principal: CurrentPrincipal, db: DbDep) -> AbsenceOut:
    absence = db.get(Absence, absence_id)
    if absence is None:
        raise not_found("absence")
    try:
        require_pupil(db, principal.user, absence.pupil_id)
    except DomainError as exc:
        raise not_found("absence") from exc
    return absence_out(service.record(db, absence))


@router.post(
    "/staff/absences",
    response_model=AbsenceOut,
    status_code=201,
    tags=["staff"],
    responses={
        200: {"model": AbsenceOut, "description": "The lesson was already registered; changed"}
    },
    summary="Register valid or invalid absence from a lesson (R41, R44, R45)",
)
def register_absence(
    body: StaffAbsenceIn,
    response: Response,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
) -> AbsenceOut:
    require_staff(principal.user)
    pupil = require_pupil(db, principal.user, body.pupil_id, Action.STAFF_WRITE)
    # School absence (it may send an SMS, R45) is the teachers' matter, not fritids staff's.
    require_staff_of_unit(db, principal.user, pupil.unit_id, ABSENCE_REGISTRARS)
    result = service.register_absence(
        db,
        clock,
        principal.user,
        pupil,
        day=body.date,
        lesson_id=body.lesson_id,
        occurrence_id=body.occurrence_id,
        valid=body.valid,
        reason=body.reason,
    )
    if not result.created:
        response.status_code = 200
    return absence_out(service.record(db, result.absence))
