from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class PortfolioFileOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class PortfolioEntryOut(BaseModel):
    id: int
    title: str
    body: str
    for_group: bool
    group_name: str | None
    teacher_name: str | None
    published_at: datetime
    files: list[PortfolioFileOut]


class PortfolioPublishedOut(PortfolioEntryOut):
    notified: int


class IupIn(BaseModel):
    pupil_id: int
    term: str = Field(max_length=6)
    goals: str = Field(min_length=1, max_length=10000)
    school_actions: str = Field(default="", max_length=10000)
    pupil_actions: str = Field(default="", max_length=10000)
    guardian_actions: str = Field(default="", max_length=10000)


class IupOut(BaseModel):
    id: int
    pupil_id: int
    term: str
    goals: str
    school_actions: str
    pupil_actions: str
    guardian_actions: str
    teacher_name: str | None
    published_at: datetime


class IupPublishedOut(IupOut):
    notified: int
