from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class AssessmentIn(BaseModel):
    pupil_id: int
    subject: str = Field(min_length=1, max_length=100)
    term: str = Field(max_length=6, description='"HT2026" (autumn term) or "VT2027" (spring term)')
    level: str = Field(description="insufficient | acceptable | good | very_good")
    comment: str = Field(default="", max_length=5000)


class AssessmentOut(BaseModel):
    id: int
    pupil_id: int
    subject: str
    term: str
    level: str
    level_sv: str
    level_en: str
    comment: str
    teacher_name: str | None
    published_at: datetime


class AssessmentPublishedOut(AssessmentOut):
    notified: int
