"""HTTP for the blog (R56, R57): a child's feed, comments, images, staff posting."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from sqlalchemy.orm import Session

from server.access import Action, CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.blog import service
from server.blog.models import BlogPost
from server.blog.schemas import BlogFeed, CommentIn, CommentOut, ImageOut, PostOut, PostPatch
from server.deps import ClockDep, DbDep, SettingsDep
from server.http_cache import cached_json
from server.publishing import mark_item_read
from server.storage.http import file_response, upload_of

router = APIRouter(tags=["blog"])
staff_router = APIRouter(prefix="/staff/blog", tags=["staff-blog"])


def posts_out(db: Session, user: User, posts: list[BlogPost], *, staff: bool = False) -> list[PostOut]:
    details = service.post_details(db, posts)
    images = {
        post_id: [
            ImageOut(
                id=image.id, url=f"/api/v1/blog/images/{image.id}", file_name=stored.display_name,
                content_type=stored.content_type, size=stored.size, caption=image.caption,
            )
            for image, stored in rows
        ]
        for post_id, rows in details.images.items()
    }
    comments, names, groups, unit_kinds = details.comments, details.author_names, details.group_names, details.unit_kinds
    return [
        PostOut(
            id=p.id, unit_id=p.unit_id, group_id=p.group_id, group_name=groups[p.group_id], title=p.title, body=p.body,
            author=names.get(p.author_id or 0), published_at=p.published_at, updated_at=p.updated_at,
            unpublished_at=p.unpublished_at if staff else None, images=images[p.id],
            comments=[CommentOut(id=c.id, author=names.get(c.author_id or 0), author_kind=c.author_kind, body=c.body, created_at=c.created_at) for c in comments[p.id]],
            may_comment=service.may_comment(unit_kinds[p.unit_id], user),
        )
        for p in posts
    ]


@router.get("/children/{pupil_id}/blog", response_model=BlogFeed, summary="The blog of one of the child's groups, or all of them (R56)")
def list_child_blog(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep,
    group_id: Annotated[int | None, Query(description="One group; all the child's groups when omitted")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30, before_id: int | None = None,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    posts = service.feed_for_pupil(db, pupil, group_id, limit=limit, before_id=before_id)
    return cached_json(request, BlogFeed(items=posts_out(db, principal.user, posts)))


@router.get("/children/{pupil_id}/blog/{post_id}", response_model=PostOut, summary="One blog post; marks its notification read")
def get_child_blog_post(pupil_id: int, post_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PostOut:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    post = service.one_post_for_pupil(db, pupil, post_id)
    mark_item_read(db, clock, principal.user, pupil.id, f"blog:{post.id}")
    return posts_out(db, principal.user, [post])[0]


@router.post(
    "/blog/posts/{post_id}/comments", response_model=CommentOut, status_code=201,
    summary="Comment on a blog post (R57: school — students and staff; preschool — guardians and staff)",
)
def comment_blog_post(post_id: int, body: CommentIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> CommentOut:
    comment = service.add_comment(db, clock, principal.user, post_id, body.body)
    return CommentOut(id=comment.id, author=principal.user.name, author_kind=comment.author_kind, body=comment.body, created_at=comment.created_at)


@router.delete("/blog/comments/{comment_id}", status_code=204, summary="Remove a comment (its author, or staff of the unit)")
def remove_blog_comment(comment_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> Response:
    service.remove_comment(db, clock, principal.user, comment_id)
    return Response(status_code=204)


@router.get(
    "/blog/images/{image_id}", summary="A blog image", response_class=Response, responses={200: {"content": {"image/*": {}}}},
)
def get_blog_image(image_id: int, principal: CurrentPrincipal, db: DbDep, settings: SettingsDep) -> Response:
    return file_response(settings, service.image_for_download(db, principal.user, image_id), inline=True)


# --- staff -------------------------------------------------------------------------------------

@staff_router.post("/posts", response_model=PostOut, status_code=201, summary="Post to a group's blog, with images; notifies")
def publish_blog_post(
    principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep,
    group_id: Annotated[int, Form()], title: Annotated[str, Form(min_length=1, max_length=200)],
    body: Annotated[str, Form(min_length=1, max_length=20000)],
    images: Annotated[list[UploadFile] | None, File(description="PNG, JPEG, GIF or WebP")] = None,
) -> PostOut:
    require_staff(principal.user)
    post = service.publish_post(db, settings, clock, principal.user, group_id, title, body, [upload_of(i) for i in images or []])
    return posts_out(db, principal.user, [post], staff=True)[0]


@staff_router.get("/posts", response_model=BlogFeed, summary="A group's posts, unpublished included")
def list_staff_blog(group_id: int, principal: CurrentPrincipal, db: DbDep) -> BlogFeed:
    posts = service.staff_posts(db, principal.user, group_id)
    return BlogFeed(items=posts_out(db, principal.user, posts, staff=True))


@staff_router.patch("/posts/{post_id}", response_model=PostOut, summary="Edit a blog post")
def edit_blog_post(post_id: int, body: PostPatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PostOut:
    post = service.edit_post(db, clock, principal.user, post_id, body.title, body.body)
    return posts_out(db, principal.user, [post], staff=True)[0]


@staff_router.post("/posts/{post_id}/images", response_model=PostOut, status_code=201, summary="Add an image to a post")
def add_blog_image(
    post_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep,
    image: Annotated[UploadFile, File()], caption: Annotated[str, Form(max_length=300)] = "",
) -> PostOut:
    post = service.add_image(db, settings, clock, principal.user, post_id, upload_of(image), caption)
    return posts_out(db, principal.user, [post], staff=True)[0]


@staff_router.delete("/posts/{post_id}/images/{image_id}", response_model=PostOut, summary="Remove an image from a post")
def remove_blog_image(post_id: int, image_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> PostOut:
    post = service.remove_image(db, settings, clock, principal.user, post_id, image_id)
    return posts_out(db, principal.user, [post], staff=True)[0]


@staff_router.post("/posts/{post_id}/unpublish", response_model=PostOut, summary="Unpublish a blog post")
def unpublish_blog_post(post_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PostOut:
    return posts_out(db, principal.user, [service.set_post_published(db, clock, principal.user, post_id, False)], staff=True)[0]


@staff_router.post("/posts/{post_id}/publish", response_model=PostOut, summary="Publish an unpublished blog post again")
def republish_blog_post(post_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> PostOut:
    return posts_out(db, principal.user, [service.set_post_published(db, clock, principal.user, post_id, True)], staff=True)[0]


router.include_router(staff_router)
