"""Planning rules (R53, school only): teachers publish plans per subject and group, with
attachments; guardians and students of pupils in the group read them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock
from server.config import Settings
from server.domain_errors import bad_request, not_found
from server.notifications.fanout import notify, pupils_of_groups
from server.planning.models import Plan, PlanAttachment
from server.planning.schemas import PlanIn, PlanPatch
from server.publishing import (
    PLANNERS,
    check_text,
    groups_of_pupil,
    may_read_group,
    require_group_publisher,
    set_published,
    staff_item,
)
from server.school.models import Pupil, Unit, UnitKind
from server.storage.models import StoredFile
from server.storage.service import Upload, remove_linked_file, store_upload

AREA = "planning"
MAX_ATTACHMENTS = 20


def _notify(db: Session, clock: Clock, plan: Plan) -> None:
    notify(
        db, clock, pupils_of_groups([plan.group_id]), area=AREA, type="plan_published", params={"subject": plan.subject, "title": plan.title},
        item_key=f"plan:{plan.id}", link=f"/children/{{pupil_id}}/planning/{plan.id}", include_students=True,
    )


def _check_period(plan: Plan) -> None:
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        raise bad_request("end_before_start", "The period ends before it starts.", "period_end")


def publish_plan(db: Session, clock: Clock, user: User, data: PlanIn) -> Plan:
    group = require_group_publisher(db, user, data.group_id, PLANNERS)
    unit = db.get(Unit, group.unit_id)
    if unit is None or unit.kind != UnitKind.SCHOOL:
        raise bad_request("planning_school_only", "Planning is for school groups only (R53).", "group_id")
    plan = Plan(
        unit_id=group.unit_id, group_id=group.id, subject=check_text(data.subject, "subject", 100), title=check_text(data.title, "title", 200),
        body=check_text(data.body, "body", 50000), period_start=data.period_start, period_end=data.period_end, author_id=user.id,
        published_at=clock.now(),
    )
    _check_period(plan)
    db.add(plan)
    db.flush()
    _notify(db, clock, plan)
    db.flush()
    return plan


def staff_plan(db: Session, user: User, plan_id: int) -> Plan:
    return staff_item(db, user, Plan, plan_id, "plan", PLANNERS)


def edit_plan(db: Session, clock: Clock, user: User, plan_id: int, patch: PlanPatch) -> Plan:
    plan = staff_plan(db, user, plan_id)
    if patch.subject is not None:
        plan.subject = check_text(patch.subject, "subject", 100)
    if patch.title is not None:
        plan.title = check_text(patch.title, "title", 200)
    if patch.body is not None:
        plan.body = check_text(patch.body, "body", 50000)
    if "period_start" in patch.model_fields_set:
        plan.period_start = patch.period_start
    if "period_end" in patch.model_fields_set:
        plan.period_end = patch.period_end
    _check_period(plan)
    plan.updated_at = clock.now()
    db.flush()
    return plan


def set_plan_published(db: Session, clock: Clock, user: User, plan_id: int, published: bool) -> Plan:
    plan = staff_plan(db, user, plan_id)
    set_published(db, clock, plan, published, f"plan:{plan.id}", lambda: _notify(db, clock, plan))
    return plan


def add_attachment(db: Session, settings: Settings, clock: Clock, user: User, plan_id: int, upload: Upload) -> Plan:
    plan = staff_plan(db, user, plan_id)
    count = len(list(db.scalars(select(PlanAttachment.id).where(PlanAttachment.plan_id == plan.id))))
    if count >= MAX_ATTACHMENTS:
        raise bad_request("too_many_attachments", f"A plan has at most {MAX_ATTACHMENTS} attachments.", "file")
    stored = store_upload(db, settings, clock, upload, unit_id=plan.unit_id, uploaded_by=user.id)
    db.add(PlanAttachment(plan_id=plan.id, stored_file_id=stored.id))
    plan.updated_at = clock.now()
    db.flush()
    return plan


def remove_attachment(db: Session, settings: Settings, clock: Clock, user: User, plan_id: int, attachment_id: int) -> Plan:
    plan = staff_plan(db, user, plan_id)
    attachment = db.get(PlanAttachment, attachment_id)
    if attachment is None or attachment.plan_id != plan.id:
        raise not_found("attachment")
    remove_linked_file(db, settings, attachment)
    plan.updated_at = clock.now()
    db.flush()
    return plan


def plans_for_pupil(db: Session, pupil: Pupil, subject: str | None = None) -> list[Plan]:
    query = select(Plan).where(Plan.unpublished_at.is_(None), Plan.group_id.in_(groups_of_pupil(pupil.id)))
    if subject:
        query = query.where(Plan.subject == subject)
    return list(db.scalars(query.order_by(Plan.subject, Plan.period_start.desc(), Plan.published_at.desc(), Plan.id.desc())))


def one_plan_for_pupil(db: Session, pupil: Pupil, plan_id: int) -> Plan:
    plan = db.scalar(select(Plan).where(Plan.id == plan_id, Plan.unpublished_at.is_(None), Plan.group_id.in_(groups_of_pupil(pupil.id))))
    if plan is None:
        raise not_found("plan")
    return plan


def attachment_for_download(db: Session, user: User, attachment_id: int) -> StoredFile:
    attachment = db.get(PlanAttachment, attachment_id)
    plan = db.get(Plan, attachment.plan_id) if attachment else None
    if attachment is None or plan is None or not may_read_group(db, user, plan.group_id, plan.unit_id):
        raise not_found("attachment")
    if plan.unpublished_at is not None and user.kind != UserKind.STAFF:
        raise not_found("attachment")
    stored = db.get(StoredFile, attachment.stored_file_id)
    if stored is None:
        raise not_found("attachment")
    return stored
