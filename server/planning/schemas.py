from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class AttachmentOut(BaseModel):
    id: int
    file_name: str
    content_type: str
    size: int
    download_url: str


class PlanOut(BaseModel):
    id: int
    unit_id: int
    group_id: int
    group_name: str
    subject: str
    title: str
    body: str
    period_start: date | None
    period_end: date | None
    author: str | None
    published_at: datetime
    updated_at: datetime | None
    unpublished_at: datetime | None = None
    attachments: list[AttachmentOut]


class PlanList(BaseModel):
    subjects: list[str]
    items: list[PlanOut]


class PlanIn(BaseModel):
    group_id: int
    subject: str = Field(min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50000)
    period_start: date | None = None
    period_end: date | None = None


class PlanPatch(BaseModel):
    subject: str | None = Field(default=None, min_length=1, max_length=100)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, min_length=1, max_length=50000)
    period_start: date | None = None
    period_end: date | None = None
