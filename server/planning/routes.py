"""HTTP for planning (R53, school only): a child's plans, attachments, staff publishing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.access import Action, CurrentPrincipal, require_pupil, require_staff
from server.deps import ClockDep, DbDep, SettingsDep
from server.http_cache import cached_json
from server.planning import service
from server.planning.models import Plan, PlanAttachment
from server.planning.schemas import AttachmentOut, PlanIn, PlanList, PlanOut, PlanPatch
from server.publishing import PLANNERS, author_names, mark_item_read
from server.school.models import Group
from server.storage.http import file_response, upload_of
from server.storage.models import StoredFile

router = APIRouter(tags=["planning"])
staff_router = APIRouter(prefix="/staff/planning", tags=["staff-planning"])


def plans_out(db: Session, plans: list[Plan], *, staff: bool = False) -> list[PlanOut]:
    ids = [p.id for p in plans]
    attachments: dict[int, list[AttachmentOut]] = {i: [] for i in ids}
    if ids:
        rows = db.execute(
            select(PlanAttachment, StoredFile).join(StoredFile, StoredFile.id == PlanAttachment.stored_file_id)
            .where(PlanAttachment.plan_id.in_(ids)).order_by(PlanAttachment.id)
        )
        for attachment, stored in rows:
            attachments[attachment.plan_id].append(AttachmentOut(
                id=attachment.id, file_name=stored.display_name, content_type=stored.content_type, size=stored.size,
                download_url=f"/api/v1/planning/attachments/{attachment.id}/download",
            ))
    names = author_names(db, {p.author_id for p in plans})
    groups = {g.id: g.name for g in db.scalars(select(Group).where(Group.id.in_({p.group_id for p in plans})))} if plans else {}
    return [
        PlanOut(
            id=p.id, unit_id=p.unit_id, group_id=p.group_id, group_name=groups.get(p.group_id, ""), subject=p.subject, title=p.title,
            body=p.body, period_start=p.period_start, period_end=p.period_end, author=names.get(p.author_id or 0),
            published_at=p.published_at, updated_at=p.updated_at, unpublished_at=p.unpublished_at if staff else None,
            attachments=attachments[p.id],
        )
        for p in plans
    ]


def plan_list(db: Session, plans: list[Plan], *, staff: bool = False) -> PlanList:
    return PlanList(subjects=sorted({p.subject for p in plans}), items=plans_out(db, plans, staff=staff))


@router.get("/children/{pupil_id}/planning", response_model=PlanList, summary="Plans for the child's groups, by subject (R53)")
def list_child_plans(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep,
    subject: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    return cached_json(request, plan_list(db, service.plans_for_pupil(db, pupil, subject)))


@router.get("/children/{pupil_id}/planning/{plan_id}", response_model=PlanOut, summary="One plan; marks its notification read")
def get_child_plan(pupil_id: int, plan_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PlanOut:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    plan = service.one_plan_for_pupil(db, pupil, plan_id)
    mark_item_read(db, clock, principal.user, pupil.id, f"plan:{plan.id}")
    return plans_out(db, [plan])[0]


@router.get(
    "/planning/attachments/{attachment_id}/download", summary="Download a plan's attachment",
    response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_plan_attachment(attachment_id: int, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep) -> Response:
    return file_response(settings, service.attachment_for_download(db, principal.user, attachment_id))


# --- staff -------------------------------------------------------------------------------------

@staff_router.post("/plans", response_model=PlanOut, status_code=201, summary="Publish a plan for a subject and group; notifies")
def publish_plan(body: PlanIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PlanOut:
    require_staff(principal.user)
    return plans_out(db, [service.publish_plan(db, clock, principal.user, body)], staff=True)[0]


@staff_router.get("/plans", response_model=PlanList, summary="A group's plans, unpublished included")
def list_staff_plans(group_id: int, principal: CurrentPrincipal, db: DbDep) -> PlanList:
    service.require_group_publisher(db, principal.user, group_id, PLANNERS)
    plans = list(db.scalars(select(Plan).where(Plan.group_id == group_id).order_by(Plan.subject, Plan.published_at.desc())))
    return plan_list(db, plans, staff=True)


@staff_router.patch("/plans/{plan_id}", response_model=PlanOut, summary="Edit a plan")
def edit_plan(plan_id: int, body: PlanPatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PlanOut:
    return plans_out(db, [service.edit_plan(db, clock, principal.user, plan_id, body)], staff=True)[0]


@staff_router.post("/plans/{plan_id}/attachments", response_model=PlanOut, status_code=201, summary="Attach a file to a plan")
def add_plan_attachment(
    plan_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep, file: Annotated[UploadFile, File()],
) -> PlanOut:
    return plans_out(db, [service.add_attachment(db, settings, clock, principal.user, plan_id, upload_of(file))], staff=True)[0]


@staff_router.delete("/plans/{plan_id}/attachments/{attachment_id}", response_model=PlanOut, summary="Remove an attachment")
def remove_plan_attachment(plan_id: int, attachment_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> PlanOut:
    return plans_out(db, [service.remove_attachment(db, settings, clock, principal.user, plan_id, attachment_id)], staff=True)[0]


@staff_router.post("/plans/{plan_id}/unpublish", response_model=PlanOut, summary="Unpublish a plan")
def unpublish_plan(plan_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PlanOut:
    return plans_out(db, [service.set_plan_published(db, clock, principal.user, plan_id, False)], staff=True)[0]


@staff_router.post("/plans/{plan_id}/publish", response_model=PlanOut, summary="Publish an unpublished plan again")
def republish_plan(plan_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PlanOut:
    return plans_out(db, [service.set_plan_published(db, clock, principal.user, plan_id, True)], staff=True)[0]


router.include_router(staff_router)
