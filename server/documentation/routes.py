"""HTTP for Documentation (R54): the Portfolio and IUP tabs, protected by BankID (R5)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from server.access import CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.bankid.guard import require_bankid
from server.deps import ClockDep, DbDep, SettingsDep
from server.documentation import service
from server.documentation.models import IupPlan, PortfolioEntry, PortfolioFile
from server.documentation.schemas import (
    IupIn,
    IupOut,
    IupPublishedOut,
    PortfolioEntryOut,
    PortfolioFileOut,
    PortfolioPublishedOut,
)
from server.domain_errors import not_found
from server.notifications.service import mark_area_seen
from server.school.models import Group

router = APIRouter(tags=["documentation"])


def _teacher(db: Session, user_id: int | None) -> str | None:
    user = db.get(User, user_id) if user_id else None
    return user.name if user else None


def entry_out(
    db: Session, pupil_id: int | None, entry: PortfolioEntry, files: list[PortfolioFile]
) -> PortfolioEntryOut:
    group = db.get(Group, entry.group_id) if entry.group_id else None
    return PortfolioEntryOut(
        id=entry.id,
        title=entry.title,
        body=entry.body,
        for_group=entry.group_id is not None,
        group_name=group.name if group else None,
        teacher_name=_teacher(db, entry.published_by),
        published_at=entry.published_at,
        files=[
            PortfolioFileOut(
                id=f.id,
                filename=f.filename,
                content_type=f.content_type,
                size=f.size,
                url=f"/api/v1/children/{pupil_id}/documentation/portfolio/{entry.id}/files/{f.id}"
                if pupil_id
                else "",
            )
            for f in files
        ],
    )


def iup_out(db: Session, plan: IupPlan) -> IupOut:
    return IupOut(
        id=plan.id,
        pupil_id=plan.pupil_id,
        term=plan.term,
        goals=plan.goals,
        school_actions=plan.school_actions,
        pupil_actions=plan.pupil_actions,
        guardian_actions=plan.guardian_actions,
        teacher_name=_teacher(db, plan.published_by),
        published_at=plan.published_at,
    )


@router.get(
    "/children/{pupil_id}/documentation/portfolio",
    response_model=list[PortfolioEntryOut],
    summary="The child's Portfolio; needs a BankID-verified session (R54, R5)",
)
def list_portfolio_entries(
    pupil_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> list[PortfolioEntryOut]:
    require_pupil(db, principal.user, pupil_id)
    require_bankid(principal, clock)
    entries = service.portfolio_for_pupil(db, pupil_id)
    files = service.files_of(db, [e.id for e in entries])
    out = [entry_out(db, pupil_id, e, files[e.id]) for e in entries]
    mark_area_seen(db, clock, principal.user, pupil_id, "documentation")
    return out


@router.get(
    "/children/{pupil_id}/documentation/portfolio/{entry_id}/files/{file_id}",
    response_class=FileResponse,
    summary="A file of a Portfolio entry; needs a BankID-verified session (R54, R5)",
)
def download_portfolio_file(
    pupil_id: int,
    entry_id: int,
    file_id: int,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> FileResponse:
    require_pupil(db, principal.user, pupil_id)
    require_bankid(principal, clock)
    file = service.file_for_pupil(db, pupil_id, entry_id, file_id)
    path = service.portfolio_dir(settings) / file.storage_key
    if not path.is_file():
        raise not_found("file")
    return FileResponse(
        path,
        media_type=file.content_type,
        filename=file.filename,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


@router.get(
    "/children/{pupil_id}/documentation/iup",
    response_model=list[IupOut],
    summary="The child's IUP, newest term first; needs a BankID-verified session (R54, R5)",
)
def list_iup(
    pupil_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> list[IupOut]:
    require_pupil(db, principal.user, pupil_id)
    require_bankid(principal, clock)
    out = [iup_out(db, p) for p in service.iup_for_pupil(db, pupil_id)]
    mark_area_seen(db, clock, principal.user, pupil_id, "documentation")
    return out


@router.post(
    "/staff/documentation/portfolio",
    response_model=PortfolioPublishedOut,
    status_code=201,
    tags=["staff"],
    summary="Publish a Portfolio entry with text and files to a pupil or a group (R54)",
)
async def publish_portfolio_entry(
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=200)],
    body: Annotated[str, Form(max_length=20000)] = "",
    pupil_id: Annotated[int | None, Form()] = None,
    group_id: Annotated[int | None, Form()] = None,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> PortfolioPublishedOut:
    require_staff(principal.user)
    uploads = []
    for upload in files or []:
        data = await upload.read(service.MAX_FILE_BYTES + 1)
        uploads.append(
            service.Upload(
                upload.filename or "fil",
                (upload.content_type or "").split(";")[0].strip().lower(),
                data,
            )
        )

    def publish() -> PortfolioPublishedOut:
        entry, notified = service.publish_portfolio(
            db,
            settings,
            clock,
            principal.user,
            title=title,
            body=body,
            pupil_id=pupil_id,
            group_id=group_id,
            files=uploads,
        )
        saved = service.files_of(db, [entry.id])[entry.id]
        return PortfolioPublishedOut(
            **entry_out(db, entry.pupil_id, entry, saved).model_dump(), notified=notified
        )

    return await run_in_threadpool(publish)


@router.post(
    "/staff/documentation/iup",
    response_model=IupPublishedOut,
    status_code=201,
    tags=["staff"],
    summary="Publish a pupil's IUP for a term (R54)",
)
def publish_iup(
    body: IupIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> IupPublishedOut:
    require_staff(principal.user)
    plan, notified = service.publish_iup(
        db,
        clock,
        principal.user,
        pupil_id=body.pupil_id,
        term=body.term,
        goals=body.goals,
        school_actions=body.school_actions,
        pupil_actions=body.pupil_actions,
        guardian_actions=body.guardian_actions,
    )
    return IupPublishedOut(**iup_out(db, plan).model_dump(), notified=notified)
