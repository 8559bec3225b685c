"""Blog rules (R56, R57): staff post per group with images; readers follow one group or all of
a child's groups; who may comment depends on the unit: at school students and staff, at
preschool guardians and staff — anyone else gets `blog_comment_not_allowed`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.blog.models import BlogComment, BlogImage, BlogPost
from server.clock import Clock
from server.config import Settings
from server.domain_errors import bad_request, forbidden, not_found
from server.notifications.fanout import notify, pupils_of_groups
from server.publishing import (
    GROUP_PUBLISHERS,
    author_names,
    check_text,
    edit_title_and_body,
    groups_of_pupil,
    may_read_group,
    require_group_publisher,
    require_unit_publisher,
    set_published,
    staff_item,
)
from server.school.models import Group, Pupil, Unit, UnitKind
from server.storage.models import StoredFile
from server.storage.service import Upload, remove_linked_file, store_upload

AREA = "blog"
MAX_IMAGES = 20

COMMENTERS = {
    UnitKind.SCHOOL.value: {UserKind.STUDENT.value, UserKind.STAFF.value},
    UnitKind.PRESCHOOL.value: {UserKind.GUARDIAN.value, UserKind.STAFF.value},
}


def may_comment(unit_kind: str, user: User) -> bool:
    return user.kind in COMMENTERS.get(unit_kind, set())


def _notify(db: Session, clock: Clock, post: BlogPost) -> None:
    notify(
        db, clock, pupils_of_groups([post.group_id]), area=AREA, type="blog_post_published", params={"title": post.title},
        item_key=f"blog:{post.id}", link=f"/children/{{pupil_id}}/blog/{post.id}",
    )


def _add_images(db: Session, settings: Settings, clock: Clock, user: User, post: BlogPost, images: list[Upload], captions: list[str] | None = None) -> None:
    start = int(db.scalar(select(func.count()).select_from(BlogImage).where(BlogImage.post_id == post.id)) or 0)
    if start + len(images) > MAX_IMAGES:
        raise bad_request("too_many_images", f"A post has at most {MAX_IMAGES} images.", "images")
    for i, upload in enumerate(images):
        stored = store_upload(db, settings, clock, upload, unit_id=post.unit_id, uploaded_by=user.id, images_only=True)
        caption = (captions[i] if captions and i < len(captions) else "").strip()[:300]
        db.add(BlogImage(post_id=post.id, stored_file_id=stored.id, position=start + i, caption=caption))
    db.flush()


def publish_post(
    db: Session, settings: Settings, clock: Clock, user: User, group_id: int, title: str, body: str, images: list[Upload]
) -> BlogPost:
    group = require_group_publisher(db, user, group_id, GROUP_PUBLISHERS)
    post = BlogPost(
        unit_id=group.unit_id, group_id=group.id, author_id=user.id, title=check_text(title, "title", 200),
        body=check_text(body, "body", 20000), published_at=clock.now(),
    )
    db.add(post)
    db.flush()
    _add_images(db, settings, clock, user, post, images)
    _notify(db, clock, post)
    db.flush()
    return post


def staff_post(db: Session, user: User, post_id: int) -> BlogPost:
    return staff_item(db, user, BlogPost, post_id, "blog post", GROUP_PUBLISHERS)


def add_image(db: Session, settings: Settings, clock: Clock, user: User, post_id: int, upload: Upload, caption: str) -> BlogPost:
    post = staff_post(db, user, post_id)
    _add_images(db, settings, clock, user, post, [upload], [caption])
    post.updated_at = clock.now()
    db.flush()
    return post


def remove_image(db: Session, settings: Settings, clock: Clock, user: User, post_id: int, image_id: int) -> BlogPost:
    post = staff_post(db, user, post_id)
    image = db.get(BlogImage, image_id)
    if image is None or image.post_id != post.id:
        raise not_found("image")
    remove_linked_file(db, settings, image)
    post.updated_at = clock.now()
    db.flush()
    return post


def edit_post(db: Session, clock: Clock, user: User, post_id: int, title: str | None, body: str | None) -> BlogPost:
    post = staff_post(db, user, post_id)
    edit_title_and_body(db, clock, post, title, body)
    return post


def set_post_published(db: Session, clock: Clock, user: User, post_id: int, published: bool) -> BlogPost:
    post = staff_post(db, user, post_id)
    set_published(db, clock, post, published, f"blog:{post.id}", lambda: _notify(db, clock, post))
    return post


def feed_for_pupil(db: Session, pupil: Pupil, group_id: int | None, *, limit: int = 30, before_id: int | None = None) -> list[BlogPost]:
    """One group's posts (R56: each group on its own) or all of the child's groups together."""
    groups = groups_of_pupil(pupil.id)
    query = select(BlogPost).where(BlogPost.unpublished_at.is_(None), BlogPost.group_id.in_(groups))
    if group_id is not None:
        if db.scalar(groups.where(groups.selected_columns[0] == group_id)) is None:
            raise not_found("group")
        query = query.where(BlogPost.group_id == group_id)
    if before_id is not None:
        query = query.where(BlogPost.id < before_id)
    return list(db.scalars(query.order_by(BlogPost.published_at.desc(), BlogPost.id.desc()).limit(limit)))


def one_post_for_pupil(db: Session, pupil: Pupil, post_id: int) -> BlogPost:
    post = db.scalar(
        select(BlogPost).where(BlogPost.id == post_id, BlogPost.unpublished_at.is_(None), BlogPost.group_id.in_(groups_of_pupil(pupil.id)))
    )
    if post is None:
        raise not_found("blog post")
    return post


def readable_post(db: Session, user: User, post_id: int) -> BlogPost:
    post = db.get(BlogPost, post_id)
    if post is None or not may_read_group(db, user, post.group_id, post.unit_id):
        raise not_found("blog post")
    if post.unpublished_at is not None and user.kind != UserKind.STAFF:
        raise not_found("blog post")
    return post


def add_comment(db: Session, clock: Clock, user: User, post_id: int, body: str) -> BlogComment:
    post = readable_post(db, user, post_id)
    if post.unpublished_at is not None:
        raise not_found("blog post")
    unit = db.get(Unit, post.unit_id)
    assert unit is not None
    if not may_comment(unit.kind, user):
        who = "students and staff" if unit.kind == UnitKind.SCHOOL else "guardians and staff"
        raise forbidden("blog_comment_not_allowed", f"On this {unit.kind}'s blog only {who} can comment (R57).")
    comment = BlogComment(post_id=post.id, author_id=user.id, author_kind=user.kind, body=check_text(body, "body", 2000), created_at=clock.now())
    db.add(comment)
    db.flush()
    return comment


def remove_comment(db: Session, clock: Clock, user: User, comment_id: int) -> BlogComment:
    """Staff of the unit may remove any comment; the author may remove their own."""
    comment = db.get(BlogComment, comment_id)
    if comment is None:
        raise not_found("comment")
    post = readable_post(db, user, comment.post_id)
    if comment.author_id != user.id:
        require_unit_publisher(db, user, post.unit_id, GROUP_PUBLISHERS)
    if comment.removed_at is None:
        comment.removed_at = clock.now()
    db.flush()
    return comment


def image_for_download(db: Session, user: User, image_id: int) -> StoredFile:
    image = db.get(BlogImage, image_id)
    if image is None:
        raise not_found("image")
    readable_post(db, user, image.post_id)
    stored = db.get(StoredFile, image.stored_file_id)
    if stored is None:
        raise not_found("image")
    return stored


@dataclass
class PostDetails:
    """What a list of posts shows besides the posts: images, comments, names, groups, units."""

    images: dict[int, list[tuple[BlogImage, StoredFile]]]
    comments: dict[int, list[BlogComment]]
    author_names: dict[int, str]
    group_names: dict[int, str]
    unit_kinds: dict[int, str]


def post_details(db: Session, posts: list[BlogPost]) -> PostDetails:
    """A fixed number of queries for any number of posts."""
    ids = [p.id for p in posts]
    images: dict[int, list[tuple[BlogImage, StoredFile]]] = {i: [] for i in ids}
    comments: dict[int, list[BlogComment]] = {i: [] for i in ids}
    if ids:
        rows = db.execute(
            select(BlogImage, StoredFile).join(StoredFile, StoredFile.id == BlogImage.stored_file_id)
            .where(BlogImage.post_id.in_(ids)).order_by(BlogImage.post_id, BlogImage.position, BlogImage.id)
        )
        for image, stored in rows:
            images[image.post_id].append((image, stored))
        for c in db.scalars(
            select(BlogComment).where(BlogComment.post_id.in_(ids), BlogComment.removed_at.is_(None)).order_by(BlogComment.created_at, BlogComment.id)
        ):
            comments[c.post_id].append(c)
    names = author_names(db, {p.author_id for p in posts} | {c.author_id for cs in comments.values() for c in cs})
    groups = {g.id: g.name for g in db.scalars(select(Group).where(Group.id.in_({p.group_id for p in posts})))} if posts else {}
    unit_kinds = {uid: kind for uid, kind in db.execute(select(Unit.id, Unit.kind).where(Unit.id.in_({p.unit_id for p in posts})))} if posts else {}
    return PostDetails(images, comments, names, groups, unit_kinds)


def staff_posts(db: Session, user: User, group_id: int) -> list[BlogPost]:
    """A group's posts for its publishers, unpublished included, newest first."""
    require_group_publisher(db, user, group_id)
    return list(db.scalars(select(BlogPost).where(BlogPost.group_id == group_id).order_by(BlogPost.published_at.desc(), BlogPost.id.desc())))
