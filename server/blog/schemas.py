from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ImageOut(BaseModel):
    id: int
    url: str
    file_name: str
    content_type: str
    size: int
    caption: str


class CommentOut(BaseModel):
    id: int
    author: str | None
    author_kind: str
    body: str
    created_at: datetime


class PostOut(BaseModel):
    id: int
    unit_id: int
    group_id: int
    group_name: str
    title: str
    body: str
    author: str | None
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None
    images: list[ImageOut]
    comments: list[CommentOut]
    # R57 for the signed-in user: at school students and staff comment, at preschool guardians and staff.
    may_comment: bool


class BlogFeed(BaseModel):
    items: list[PostOut]


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=2000)


class PostPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20000)
