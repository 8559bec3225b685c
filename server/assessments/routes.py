"""HTTP for Assessments (R52), protected by BankID (R5)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from server.access import CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.assessments import service
from server.assessments.models import Assessment
from server.assessments.schemas import AssessmentIn, AssessmentOut, AssessmentPublishedOut
from server.bankid.guard import require_bankid
from server.deps import ClockDep, DbDep
from server.notifications.service import mark_area_seen

router = APIRouter(tags=["assessments"])


def assessment_out(db: Session, a: Assessment) -> AssessmentOut:
    teacher = db.get(User, a.published_by) if a.published_by else None
    sv, en = service.LEVELS.get(a.level, (a.level, a.level))
    return AssessmentOut(
        id=a.id,
        pupil_id=a.pupil_id,
        subject=a.subject,
        term=a.term,
        level=a.level,
        level_sv=sv,
        level_en=en,
        comment=a.comment,
        teacher_name=teacher.name if teacher else None,
        published_at=a.published_at,
    )


@router.get(
    "/children/{pupil_id}/assessments",
    response_model=list[AssessmentOut],
    summary="The child's subject assessments; needs a BankID-verified session (R52, R5)",
)
def list_assessments(
    pupil_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, term: str | None = None
) -> list[AssessmentOut]:
    require_pupil(db, principal.user, pupil_id)
    require_bankid(principal, clock)
    rows = service.for_pupil(db, pupil_id, term)
    out = [assessment_out(db, a) for a in rows]
    mark_area_seen(db, clock, principal.user, pupil_id, "assessments")
    return out


@router.post(
    "/staff/assessments",
    response_model=AssessmentPublishedOut,
    status_code=201,
    tags=["staff"],
    summary="Publish a subject assessment; guardians and the student are notified (R52)",
)
def publish_assessment(
    body: AssessmentIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> AssessmentPublishedOut:
    require_staff(principal.user)
    assessment, notified = service.publish(
        db,
        clock,
        principal.user,
        pupil_id=body.pupil_id,
        subject=body.subject,
        term=body.term,
        level=body.level,
        comment=body.comment,
    )
    return AssessmentPublishedOut(**assessment_out(db, assessment).model_dump(), notified=notified)
