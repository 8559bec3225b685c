"""Request and response bodies of messages/routes.py."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ParticipantOut(BaseModel):
    id: int
    name: str
    role: str


class ThreadListItemOut(BaseModel):
    id: int
    subject: str
    pupil_id: int | None
    pupil_name: str | None = None  # the child it is about, for staff and guardians of several children
    participants: list[ParticipantOut]
    last_message_at: datetime
    last_preview: str
    unread: bool


class ThreadListOut(BaseModel):
    threads: list[ThreadListItemOut]


class MessageOut(BaseModel):
    id: int
    author: ParticipantOut | None
    body: str
    sent_at: datetime


class ThreadOut(BaseModel):
    id: int
    subject: str
    pupil_id: int | None
    pupil_name: str | None = None
    participants: list[ParticipantOut]
    messages: list[MessageOut]


class UnreadOut(BaseModel):
    unread: int


class NewThreadIn(BaseModel):
    pupil_id: int
    recipient_ids: list[int] = Field(max_length=500)
    subject: str = Field(max_length=2000)
    body: str = Field(max_length=100_000)


class ReplyIn(BaseModel):
    body: str = Field(max_length=100_000)


class RecipientOut(BaseModel):
    id: int
    name: str
    role: str
    is_mentor: bool
    is_teacher_of_child: bool
    subject: str | None = None


class RecipientsOut(BaseModel):
    recipients: list[RecipientOut]


class StaffLetterIn(BaseModel):
    to_guardians_of_pupil: int | None = None
    to_guardians_of_group: int | None = None
    subject: str = Field(max_length=2000)
    body: str = Field(max_length=100_000)


class StaffLetterThreadOut(BaseModel):
    id: int
    pupil_id: int | None


class StaffLetterOut(BaseModel):
    threads: list[StaffLetterThreadOut]
