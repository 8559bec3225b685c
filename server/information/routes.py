"""HTTP for Information (R50, R51): readers per child, staff under /staff/information."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.access import Action, CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.clock import Clock
from server.deps import ClockDep, DbDep, SettingsDep
from server.http_cache import cached_json
from server.information import service
from server.information.models import InformationFile, InformationLink, NewsGroup, NewsItem
from server.information.schemas import (
    FileList,
    FileOut,
    FilePatch,
    LinkIn,
    LinkList,
    LinkOut,
    LinkPatch,
    NewsIn,
    NewsList,
    NewsOut,
    NewsPatch,
)
from server.publishing import author_names, mark_area_read, mark_item_read
from server.school.models import Group, Pupil
from server.storage.http import file_response, upload_of
from server.storage.models import StoredFile

router = APIRouter(tags=["information"])
staff_router = APIRouter(prefix="/staff/information", tags=["staff-information"])


def news_out(db: Session, items: list[NewsItem], *, staff: bool = False) -> list[NewsOut]:
    ids = [n.id for n in items]
    groups: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    if ids:
        rows = db.execute(
            select(NewsGroup.news_id, Group.id, Group.name).join(Group, Group.id == NewsGroup.group_id)
            .where(NewsGroup.news_id.in_(ids)).order_by(Group.name)
        )
        for news_id, gid, name in rows:
            groups[news_id].append((gid, name))
    names = author_names(db, {n.author_id for n in items})
    return [
        NewsOut(
            id=n.id, unit_id=n.unit_id, title=n.title, body=n.body, group_ids=[g for g, _ in groups[n.id]],
            group_names=[name for _, name in groups[n.id]], author=names.get(n.author_id or 0), published_at=n.published_at,
            updated_at=n.updated_at, unpublished_at=n.unpublished_at if staff else None,
        )
        for n in items
    ]


def file_out(db: Session, rows: list[tuple[InformationFile, StoredFile]], *, staff: bool = False) -> list[FileOut]:
    names = author_names(db, {f.author_id for f, _ in rows})
    return [
        FileOut(
            id=f.id, unit_id=f.unit_id, title=f.title, description=f.description, file_name=s.display_name,
            content_type=s.content_type, size=s.size, download_url=f"/api/v1/information/files/{f.id}/download",
            author=names.get(f.author_id or 0), published_at=f.published_at, updated_at=f.updated_at,
            unpublished_at=f.unpublished_at if staff else None,
        )
        for f, s in rows
    ]


def link_out(link: InformationLink, *, staff: bool = False) -> LinkOut:
    return LinkOut(
        id=link.id, unit_id=link.unit_id, title=link.title, url=link.url, description=link.description,
        published_at=link.published_at, updated_at=link.updated_at, unpublished_at=link.unpublished_at if staff else None,
    )


def _mark_type_read(db: Session, clock: Clock, user: User, pupil: Pupil, type_: str) -> None:
    mark_area_read(db, clock, user, pupil.id, "information", type_)


# --- readers -----------------------------------------------------------------------------------

@router.get("/children/{pupil_id}/information/news", response_model=NewsList, summary="News for the child's groups (R50)")
def list_child_news(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, before_id: int | None = None,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    items = service.news_for_pupil(db, pupil, limit=limit, before_id=before_id)
    return cached_json(request, NewsList(items=news_out(db, items)))


@router.get("/children/{pupil_id}/information/news/{news_id}", response_model=NewsOut, summary="One news item; marks its notification read")
def get_child_news(pupil_id: int, news_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NewsOut:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    news = service.one_news_for_pupil(db, pupil, news_id)
    mark_item_read(db, clock, principal.user, pupil.id, f"news:{news.id}")
    return news_out(db, [news])[0]


@router.get("/children/{pupil_id}/information/files", response_model=FileList, summary="Files for the child's whole school/preschool (R50)")
def list_child_files(pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    rows = service.files_for_unit(db, pupil.unit_id)
    _mark_type_read(db, clock, principal.user, pupil, "file_published")
    return cached_json(request, FileList(items=file_out(db, rows)))


@router.get("/children/{pupil_id}/information/links", response_model=LinkList, summary="Useful links for guardians (R50)")
def list_child_links(pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    links = service.links_for_unit(db, pupil.unit_id)
    _mark_type_read(db, clock, principal.user, pupil, "link_published")
    return cached_json(request, LinkList(items=[link_out(link) for link in links]))


@router.get(
    "/information/files/{file_id}/download", summary="Download a file (for guardians/students with a child at its unit, and its staff)",
    response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_information_file(file_id: int, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep) -> Response:
    stored = service.file_for_download(db, principal.user, file_id)
    return file_response(settings, stored)


# --- staff -------------------------------------------------------------------------------------

@staff_router.post("/news", response_model=NewsOut, status_code=201, summary="Publish news for one or more groups; notifies guardians and students")
def publish_news(body: NewsIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NewsOut:
    require_staff(principal.user)
    news = service.publish_news(db, clock, principal.user, body.group_ids, body.title, body.body)
    return news_out(db, [news], staff=True)[0]


@staff_router.get("/news", response_model=NewsList, summary="All news of a unit, unpublished included")
def list_staff_news(unit_id: int, principal: CurrentPrincipal, db: DbDep) -> NewsList:
    return NewsList(items=news_out(db, service.staff_news_list(db, principal.user, unit_id), staff=True))


@staff_router.patch("/news/{news_id}", response_model=NewsOut, summary="Edit a news item")
def edit_news(news_id: int, body: NewsPatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NewsOut:
    news = service.edit_news(db, clock, principal.user, news_id, body.title, body.body)
    return news_out(db, [news], staff=True)[0]


@staff_router.post("/news/{news_id}/unpublish", response_model=NewsOut, summary="Unpublish: readers no longer see it")
def unpublish_news(news_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NewsOut:
    return news_out(db, [service.set_news_published(db, clock, principal.user, news_id, False)], staff=True)[0]


@staff_router.post("/news/{news_id}/publish", response_model=NewsOut, summary="Publish an unpublished news item again")
def republish_news(news_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> NewsOut:
    return news_out(db, [service.set_news_published(db, clock, principal.user, news_id, True)], staff=True)[0]


def _file_row(db: Session, item: InformationFile) -> tuple[InformationFile, StoredFile]:
    stored = db.get(StoredFile, item.stored_file_id)
    assert stored is not None
    return item, stored


@staff_router.post("/files", response_model=FileOut, status_code=201, summary="Upload and publish a file for the whole unit")
def publish_file(
    principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep,
    unit_id: Annotated[int, Form()], title: Annotated[str, Form(min_length=1, max_length=200)],
    file: Annotated[UploadFile, File(description="PDF, image, Office/OpenDocument or text; size limit in settings")],
    description: Annotated[str, Form(max_length=5000)] = "",
) -> FileOut:
    require_staff(principal.user)
    item = service.publish_file(db, settings, clock, principal.user, unit_id, title, description, upload_of(file))
    return file_out(db, [_file_row(db, item)], staff=True)[0]


@staff_router.get("/files", response_model=FileList, summary="All files of a unit, unpublished included")
def list_staff_files(unit_id: int, principal: CurrentPrincipal, db: DbDep) -> FileList:
    service.require_unit_publisher(db, principal.user, unit_id)
    return FileList(items=file_out(db, service.files_for_unit(db, unit_id, include_unpublished=True), staff=True))


@staff_router.patch("/files/{file_id}", response_model=FileOut, summary="Edit a file's title or description")
def edit_file(file_id: int, body: FilePatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> FileOut:
    item = service.edit_file(db, clock, principal.user, file_id, body.title, body.description)
    return file_out(db, [_file_row(db, item)], staff=True)[0]


@staff_router.post("/files/{file_id}/unpublish", response_model=FileOut, summary="Unpublish a file")
def unpublish_file(file_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> FileOut:
    item = service.set_file_published(db, clock, principal.user, file_id, False)
    return file_out(db, [_file_row(db, item)], staff=True)[0]


@staff_router.post("/files/{file_id}/publish", response_model=FileOut, summary="Publish an unpublished file again")
def republish_file(file_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> FileOut:
    item = service.set_file_published(db, clock, principal.user, file_id, True)
    return file_out(db, [_file_row(db, item)], staff=True)[0]


@staff_router.post("/links", response_model=LinkOut, status_code=201, summary="Publish a link for the whole unit")
def publish_link(body: LinkIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> LinkOut:
    require_staff(principal.user)
    return link_out(service.publish_link(db, clock, principal.user, body.unit_id, body.title, body.url, body.description), staff=True)


@staff_router.get("/links", response_model=LinkList, summary="All links of a unit, unpublished included")
def list_staff_links(unit_id: int, principal: CurrentPrincipal, db: DbDep) -> LinkList:
    service.require_unit_publisher(db, principal.user, unit_id)
    return LinkList(items=[link_out(link, staff=True) for link in service.links_for_unit(db, unit_id, include_unpublished=True)])


@staff_router.patch("/links/{link_id}", response_model=LinkOut, summary="Edit a link")
def edit_link(link_id: int, body: LinkPatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> LinkOut:
    return link_out(service.edit_link(db, clock, principal.user, link_id, body.title, body.url, body.description), staff=True)


@staff_router.post("/links/{link_id}/unpublish", response_model=LinkOut, summary="Unpublish a link")
def unpublish_link(link_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> LinkOut:
    return link_out(service.set_link_published(db, clock, principal.user, link_id, False), staff=True)


@staff_router.post("/links/{link_id}/publish", response_model=LinkOut, summary="Publish an unpublished link again")
def republish_link(link_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> LinkOut:
    return link_out(service.set_link_published(db, clock, principal.user, link_id, True), staff=True)


router.include_router(staff_router)
