from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class NewsOut(BaseModel):
    id: int
    unit_id: int
    title: str
    body: str
    group_ids: list[int]
    group_names: list[str]
    author: str | None
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None


class NewsList(BaseModel):
    items: list[NewsOut]


class FileOut(BaseModel):
    id: int
    unit_id: int
    title: str
    description: str
    file_name: str
    content_type: str
    size: int
    download_url: str
    author: str | None
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None


class FileList(BaseModel):
    items: list[FileOut]


class LinkOut(BaseModel):
    id: int
    unit_id: int
    title: str
    url: str
    description: str
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None


class LinkList(BaseModel):
    items: list[LinkOut]


class NewsIn(BaseModel):
    group_ids: list[int] = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)


class NewsPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=20000)


class FilePatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)


class LinkIn(BaseModel):
    unit_id: int
    title: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    description: str = Field(default="", max_length=5000)


class LinkPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=5000)
