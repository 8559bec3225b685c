"""The protected boxes (R5): Bedömningar (R52) and Dokumentation — Portfolio and IUP (R54).

Their content is fetched fresh from the server each time and never written to the app's cache
(on disk it would be readable without BankID). A 403 `bankid_required` becomes BankIdRequired,
which the screen answers with the BankID flow. No flet here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter

from services.api import API_PREFIX, ApiClient, ApiError


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Assessment(_Model):
    id: int
    pupil_id: int
    subject: str
    term: str
    level: str
    level_sv: str
    level_en: str
    comment: str = ""
    teacher_name: str | None = None
    published_at: datetime

    def level_text(self, language: str | None) -> str:
        return self.level_en if language == "en" else self.level_sv


class PortfolioFile(_Model):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class PortfolioEntry(_Model):
    id: int
    title: str
    body: str = ""
    for_group: bool = False
    group_name: str | None = None
    teacher_name: str | None = None
    published_at: datetime
    files: list[PortfolioFile] = []


class Iup(_Model):
    id: int
    pupil_id: int
    term: str
    goals: str
    school_actions: str = ""
    pupil_actions: str = ""
    guardian_actions: str = ""
    teacher_name: str | None = None
    published_at: datetime


class BankIdRequired(Exception):
    """The session is not (or no longer) BankID-verified: identify first (R5)."""


@dataclass
class SubjectAssessments:
    subject: str
    assessments: list[Assessment]  # newest first

    @property
    def latest(self) -> Assessment:
        return self.assessments[0]


@dataclass
class Download:
    filename: str
    content_type: str
    data: bytes


T = TypeVar("T")


async def _list(api: ApiClient, path: str, kind: type[T]) -> list[T]:
    try:
        response = await api.request("GET", path)
    except ApiError as exc:
        if exc.code == "bankid_required":
            raise BankIdRequired(exc.message) from exc
        raise
    return TypeAdapter(list[kind]).validate_python(response.json())  # type: ignore[valid-type]


async def assessments(api: ApiClient, pupil_id: int) -> list[Assessment]:
    """Every published assessment of the child; the server marks the box seen (R52)."""
    return await _list(api, f"/children/{pupil_id}/assessments", Assessment)


async def portfolio(api: ApiClient, pupil_id: int) -> list[PortfolioEntry]:
    return await _list(api, f"/children/{pupil_id}/documentation/portfolio", PortfolioEntry)


async def iup(api: ApiClient, pupil_id: int) -> list[Iup]:
    return await _list(api, f"/children/{pupil_id}/documentation/iup", Iup)


def by_subject(items: list[Assessment]) -> list[SubjectAssessments]:
    """Per subject, newest publication first; the subjects with the newest publication first."""
    groups: dict[str, list[Assessment]] = {}
    for item in items:
        groups.setdefault(item.subject, []).append(item)
    out = [
        SubjectAssessments(subject, sorted(rows, key=lambda a: (a.published_at, a.id), reverse=True))
        for subject, rows in groups.items()
    ]
    out.sort(key=lambda g: (g.latest.published_at, g.latest.id), reverse=True)
    return out


def newest_first(entries: list[PortfolioEntry]) -> list[PortfolioEntry]:
    return sorted(entries, key=lambda e: (e.published_at, e.id), reverse=True)


def _filename(content_disposition: str | None, fallback: str) -> str:
    if content_disposition:
        message = Message()
        message["content-disposition"] = content_disposition
        name = message.get_filename()
        if name:
            return re.sub(r"[\\/\x00-\x1f]", "_", name)
    return fallback


async def download(api: ApiClient, file: PortfolioFile) -> Download:
    """A portfolio file's bytes with its own name (R54); needs the verified session too."""
    path = file.url[len(API_PREFIX):] if file.url.startswith(API_PREFIX) else file.url
    try:
        response = await api.request("GET", path, headers={"Accept": "*/*"})
    except ApiError as exc:
        if exc.code == "bankid_required":
            raise BankIdRequired(exc.message) from exc
        raise
    return Download(
        filename=_filename(response.headers.get("content-disposition"), file.filename),
        content_type=response.headers.get("content-type", file.content_type).split(";")[0],
        data=response.content,
    )
