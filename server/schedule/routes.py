"""Schedule routes (R35): a pupil's ISO week as JSON (cacheable) and as a printable PDF."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response

from server.access import CurrentPrincipal, require_pupil, require_staff, require_staff_of_unit
from server.deps import ClockDep, DbDep
from server.errors import ERROR_RESPONSES, not_found
from server.http_cache import cached_json
from server.schedule import service
from server.schedule.models import Lesson
from server.schedule.pdf import week_pdf
from server.schedule.schemas import OccurrenceChangeIn, OccurrenceChangeOut, WeekOut
from server.school.models import Group, StaffRole

SCHEDULE_ROLES = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.ADMINISTRATOR}

router = APIRouter(tags=["schedule"], responses=ERROR_RESPONSES)  # type: ignore[arg-type]

WEEK_QUERY = Query(
    default=None,
    pattern=r"^\d{4}-W\d{2}$",
    description="ISO week, e.g. 2026-W49; default: this week",
)


@router.get(
    "/children/{pupil_id}/schedule",
    response_model=WeekOut,
    summary="A pupil's schedule for one ISO week (R35)",
)
def get_schedule_week(
    pupil_id: int,
    request: Request,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
    week: str | None = WEEK_QUERY,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id)
    view = service.week_view(db, pupil, service.week_monday(week, clock), principal.user.language)

    return cached_json(request, view)


@router.get(
    "/children/{pupil_id}/schedule.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The week as a printable PDF"}
    },
    summary="A pupil's week as a printable PDF (R35)",
)
def get_schedule_pdf(
    pupil_id: int,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
    week: str | None = WEEK_QUERY,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id)
    view = service.week_view(db, pupil, service.week_monday(week, clock), principal.user.language)
    body = week_pdf(view, pupil.name, principal.user.language)
    filename = f"schema-{view.week}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _staff_lesson(db: DbDep, principal: CurrentPrincipal, lesson_id: int) -> Lesson:
    require_staff(principal.user)
    lesson = db.get(Lesson, lesson_id)
    group = db.get(Group, lesson.group_id) if lesson else None
    if lesson is None or group is None:
        raise not_found("lesson")
    require_staff_of_unit(db, principal.user, group.unit_id, SCHEDULE_ROLES)
    return lesson


@router.put(
    "/staff/lessons/{lesson_id}/occurrences/{day}",
    response_model=OccurrenceChangeOut,
    tags=["staff"],
    summary="Cancel or move one occurrence of a lesson (replaces an earlier change)",
)
def change_lesson_occurrence(
    lesson_id: int, day: date, body: OccurrenceChangeIn, principal: CurrentPrincipal, db: DbDep
) -> OccurrenceChangeOut:
    lesson = _staff_lesson(db, principal, lesson_id)
    change = service.change_occurrence(
        db,
        lesson,
        day,
        cancelled=body.status == "cancelled",
        new_date=body.new_date,
        start=body.start,
        end=body.end,
        room=body.room,
        note=body.note,
    )
    return OccurrenceChangeOut(
        id=service.occurrence_id(lesson.id, day),
        lesson_id=lesson.id,
        regular_date=day,
        status=body.status,
        new_date=change.new_date,
        start=change.new_start_time.strftime("%H:%M") if change.new_start_time else None,
        end=change.new_end_time.strftime("%H:%M") if change.new_end_time else None,
        room=change.new_room,
        note=change.note,
    )


@router.delete(
    "/staff/lessons/{lesson_id}/occurrences/{day}",
    status_code=204,
    tags=["staff"],
    summary="Undo a cancellation or move: the occurrence is as scheduled again",
)
def restore_lesson_occurrence(
    lesson_id: int, day: date, principal: CurrentPrincipal, db: DbDep
) -> Response:
    lesson = _staff_lesson(db, principal, lesson_id)
    service.restore_occurrence(db, lesson, day)
    return Response(status_code=204)
