"""Schedule routes (R35): a pupil's ISO week as JSON (cacheable) and as a printable PDF."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from server.access import CurrentPrincipal, require_pupil
from server.deps import ClockDep, DbDep
from server.errors import ERROR_RESPONSES
from server.home.boxes import register_box
from server.http_cache import cached_json
from server.schedule import service
from server.schedule.pdf import week_pdf
from server.schedule.schemas import WeekOut

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


def _schedule_box(db, user, pupil, clock):  # type: ignore[no-untyped-def]
    return service.changed_lessons_count(db, pupil, clock)


register_box("schedule", 10, _schedule_box, school_only=True)
