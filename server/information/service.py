"""Information rules (R50, R51): staff publish news (groups), files (unit) and links (unit);
guardians and students read what concerns their child; every publication notifies them."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock
from server.config import Settings
from server.domain_errors import bad_request, not_found
from server.information.models import InformationFile, InformationLink, NewsGroup, NewsItem
from server.notifications.fanout import notify, pupils_of_groups, pupils_of_units
from server.publishing import (
    GROUP_PUBLISHERS,
    UNIT_PUBLISHERS,
    check_text,
    edit_title_and_body,
    groups_of_pupil,
    may_read_unit,
    require_group_publisher,
    require_unit_publisher,
    set_published,
    staff_item,
)
from server.school.models import Group, Pupil
from server.storage.models import StoredFile
from server.storage.service import Upload, store_upload

AREA = "information"


# --- news --------------------------------------------------------------------------------------

def _news_groups(db: Session, user: User, group_ids: list[int]) -> list[Group]:
    groups = [require_group_publisher(db, user, gid, GROUP_PUBLISHERS) for gid in dict.fromkeys(group_ids)]
    if len({g.unit_id for g in groups}) > 1:
        raise bad_request("groups_in_different_units", "All groups of a news item must belong to the same school or preschool.", "group_ids")
    return groups


def _notify_news(db: Session, clock: Clock, news: NewsItem, group_ids: list[int]) -> None:
    notify(
        db, clock, pupils_of_groups(group_ids), area=AREA, type="news_published", params={"title": news.title},
        item_key=f"news:{news.id}", link=f"/children/{{pupil_id}}/information/news/{news.id}",
    )


def publish_news(db: Session, clock: Clock, user: User, group_ids: list[int], title: str, body: str) -> NewsItem:
    groups = _news_groups(db, user, group_ids)
    news = NewsItem(
        unit_id=groups[0].unit_id, author_id=user.id, title=check_text(title, "title", 200), body=check_text(body, "body", 20000),
        published_at=clock.now(),
    )
    db.add(news)
    db.flush()
    db.add_all([NewsGroup(news_id=news.id, group_id=g.id) for g in groups])
    db.flush()
    _notify_news(db, clock, news, [g.id for g in groups])
    db.flush()
    return news


def news_group_ids(db: Session, news_id: int) -> list[int]:
    return list(db.scalars(select(NewsGroup.group_id).where(NewsGroup.news_id == news_id).order_by(NewsGroup.group_id)))


def staff_news(db: Session, user: User, news_id: int) -> NewsItem:
    return staff_item(db, user, NewsItem, news_id, "news item", GROUP_PUBLISHERS)


def edit_news(db: Session, clock: Clock, user: User, news_id: int, title: str | None, body: str | None) -> NewsItem:
    news = staff_news(db, user, news_id)
    edit_title_and_body(db, clock, news, title, body)
    return news


def set_news_published(db: Session, clock: Clock, user: User, news_id: int, published: bool) -> NewsItem:
    news = staff_news(db, user, news_id)
    set_published(db, clock, news, published, f"news:{news.id}", lambda: _notify_news(db, clock, news, news_group_ids(db, news.id)))
    return news


def news_for_pupil(db: Session, pupil: Pupil, *, limit: int = 50, before_id: int | None = None) -> list[NewsItem]:
    query = (
        select(NewsItem)
        .where(
            NewsItem.unpublished_at.is_(None),
            NewsItem.id.in_(select(NewsGroup.news_id).where(NewsGroup.group_id.in_(groups_of_pupil(pupil.id)))),
        )
        .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(NewsItem.id < before_id)
    return list(db.scalars(query))


def one_news_for_pupil(db: Session, pupil: Pupil, news_id: int) -> NewsItem:
    news = db.scalar(
        select(NewsItem).where(
            NewsItem.id == news_id,
            NewsItem.unpublished_at.is_(None),
            NewsItem.id.in_(select(NewsGroup.news_id).where(NewsGroup.group_id.in_(groups_of_pupil(pupil.id)))),
        )
    )
    if news is None:
        raise not_found("news item")
    return news


def staff_news_list(db: Session, user: User, unit_id: int) -> list[NewsItem]:
    require_unit_publisher(db, user, unit_id, GROUP_PUBLISHERS)
    return list(db.scalars(select(NewsItem).where(NewsItem.unit_id == unit_id).order_by(NewsItem.published_at.desc(), NewsItem.id.desc())))


# --- files -------------------------------------------------------------------------------------

def _notify_file(db: Session, clock: Clock, item: InformationFile) -> None:
    notify(
        db, clock, pupils_of_units([item.unit_id]), area=AREA, type="file_published", params={"title": item.title},
        item_key=f"file:{item.id}", link=f"/children/{{pupil_id}}/information/files/{item.id}",
    )


def publish_file(
    db: Session, settings: Settings, clock: Clock, user: User, unit_id: int, title: str, description: str, upload: Upload
) -> InformationFile:
    require_unit_publisher(db, user, unit_id, UNIT_PUBLISHERS)
    title = check_text(title, "title", 200)
    stored = store_upload(db, settings, clock, upload, unit_id=unit_id, uploaded_by=user.id)
    return _add_file(db, clock, user, unit_id, title, description, stored)


def _add_file(db: Session, clock: Clock, user: User, unit_id: int, title: str, description: str, stored: StoredFile) -> InformationFile:
    item = InformationFile(
        unit_id=unit_id, author_id=user.id, title=title, description=(description or "").strip(), stored_file_id=stored.id,
        published_at=clock.now(),
    )
    db.add(item)
    db.flush()
    _notify_file(db, clock, item)
    db.flush()
    return item


def staff_file(db: Session, user: User, file_id: int) -> InformationFile:
    return staff_item(db, user, InformationFile, file_id, "file", UNIT_PUBLISHERS)


def edit_file(db: Session, clock: Clock, user: User, file_id: int, title: str | None, description: str | None) -> InformationFile:
    item = staff_file(db, user, file_id)
    if title is not None:
        item.title = check_text(title, "title", 200)
    if description is not None:
        item.description = description.strip()
    item.updated_at = clock.now()
    db.flush()
    return item


def set_file_published(db: Session, clock: Clock, user: User, file_id: int, published: bool) -> InformationFile:
    item = staff_file(db, user, file_id)
    set_published(db, clock, item, published, f"file:{item.id}", lambda: _notify_file(db, clock, item))
    return item


def files_for_unit(db: Session, unit_id: int, *, include_unpublished: bool = False) -> list[tuple[InformationFile, StoredFile]]:
    query = select(InformationFile, StoredFile).join(StoredFile, StoredFile.id == InformationFile.stored_file_id).where(InformationFile.unit_id == unit_id)
    if not include_unpublished:
        query = query.where(InformationFile.unpublished_at.is_(None))
    return [(f, s) for f, s in db.execute(query.order_by(InformationFile.published_at.desc(), InformationFile.id.desc()))]


def file_for_download(db: Session, user: User, file_id: int) -> StoredFile:
    """A published file, for someone with a child at its unit or staff there (else 404)."""
    item = db.get(InformationFile, file_id)
    if item is None or not may_read_unit(db, user, item.unit_id):
        raise not_found("file")
    if item.unpublished_at is not None:
        # Staff of the unit may still fetch what they unpublished; readers may not.
        if user.kind != UserKind.STAFF:
            raise not_found("file")
    stored = db.get(StoredFile, item.stored_file_id)
    assert stored is not None
    return stored


# --- links -------------------------------------------------------------------------------------

def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise bad_request("invalid_url", "A link must be a full http:// or https:// address.", "url")
    return url


def _notify_link(db: Session, clock: Clock, link: InformationLink) -> None:
    notify(
        db, clock, pupils_of_units([link.unit_id]), area=AREA, type="link_published", params={"title": link.title},
        item_key=f"link:{link.id}", link="/children/{pupil_id}/information/links",
    )


def publish_link(db: Session, clock: Clock, user: User, unit_id: int, title: str, url: str, description: str) -> InformationLink:
    require_unit_publisher(db, user, unit_id, UNIT_PUBLISHERS)
    link = InformationLink(
        unit_id=unit_id, author_id=user.id, title=check_text(title, "title", 200), url=check_url(url),
        description=(description or "").strip(), published_at=clock.now(),
    )
    db.add(link)
    db.flush()
    _notify_link(db, clock, link)
    db.flush()
    return link


def staff_link(db: Session, user: User, link_id: int) -> InformationLink:
    return staff_item(db, user, InformationLink, link_id, "link", UNIT_PUBLISHERS)


def edit_link(db: Session, clock: Clock, user: User, link_id: int, title: str | None, url: str | None, description: str | None) -> InformationLink:
    link = staff_link(db, user, link_id)
    if title is not None:
        link.title = check_text(title, "title", 200)
    if url is not None:
        link.url = check_url(url)
    if description is not None:
        link.description = description.strip()
    link.updated_at = clock.now()
    db.flush()
    return link


def set_link_published(db: Session, clock: Clock, user: User, link_id: int, published: bool) -> InformationLink:
    link = staff_link(db, user, link_id)
    set_published(db, clock, link, published, f"link:{link.id}", lambda: _notify_link(db, clock, link))
    return link


def links_for_unit(db: Session, unit_id: int, *, include_unpublished: bool = False) -> list[InformationLink]:
    query = select(InformationLink).where(InformationLink.unit_id == unit_id)
    if not include_unpublished:
        query = query.where(InformationLink.unpublished_at.is_(None))
    return list(db.scalars(query.order_by(InformationLink.published_at.desc(), InformationLink.id.desc())))

