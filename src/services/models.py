"""The app's own reading of the server's JSON (pydantic); contract tests catch any drift."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class User(_Model):
    id: int
    kind: str
    username: str | None = None
    first_name: str
    last_name: str
    language: str = "sv"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SessionInfo(_Model):
    token: str
    expires_at: datetime
    user: User


class ActivationInfo(_Model):
    first_name: str
    last_name: str
    expires_at: datetime


class Child(_Model):
    id: int
    first_name: str
    last_name: str
    unit_id: int
    unit_name: str
    unit_kind: str
    group_id: int | None = None
    group_name: str | None = None
    in_fritids: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Me(_Model):
    id: int
    kind: str
    username: str | None = None
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    language: str = "sv"
    children: list[Child] = []

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class HomeBox(_Model):
    key: str
    count: int = 0


class Home(_Model):
    pupil_id: int
    boxes: list[HomeBox] = []
    unseen_notifications: int | None = None  # the bell's number for this child, when the server sends it


class Address(_Model):
    care_of: str | None = None
    street: str | None = None
    street2: str | None = None
    postcode: str | None = None
    city: str | None = None

    def lines(self) -> list[str]:
        parts = [self.care_of and f"c/o {self.care_of}", self.street, self.street2,
                 " ".join(p for p in (self.postcode, self.city) if p)]
        return [p for p in parts if p]


class Personal(_Model):
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    address_source: str = "population_register"


class Privacy(_Model):
    show_email: bool = False
    show_phone: bool = False
    show_child: bool = False


PUSH_AREAS = ("messages", "information", "calendar", "absence", "blog", "talks",
              "assessments", "documentation", "planning", "leisure")


class Push(_Model):
    messages: bool = True
    information: bool = True
    calendar: bool = True
    absence: bool = True
    blog: bool = True
    talks: bool = True
    assessments: bool = True
    documentation: bool = True
    planning: bool = True
    leisure: bool = True

    def allows(self, area: str) -> bool:
        return bool(getattr(self, area, True))


class AccountSettings(_Model):
    personal: Personal
    language: str = "sv"
    privacy: Privacy = Privacy()
    push: Push = Push()


class Notification(_Model):
    id: int
    pupil_id: int | None = None
    area: str
    type: str = ""
    title: str
    link: str | None = None
    created_at: datetime
    seen: bool = False
    read: bool = False
    push: bool = True  # the server's reading of the user's push settings for this area (R14)


class NotificationPage(_Model):
    items: list[Notification] = []
    next_before_id: int | None = None


class NotificationCounts(_Model):
    total: int = 0
    by_pupil: dict[str, int] = {}

    def for_pupil(self, pupil_id: int | None) -> int:
        if pupil_id is None:
            return self.total
        return self.by_pupil.get(str(pupil_id), 0)


class Participant(_Model):
    id: int | None = None
    name: str
    role: str | None = None


class ThreadSummary(_Model):
    id: int
    subject: str
    pupil_id: int | None = None
    pupil_name: str | None = None  # the child it is about
    participants: list[Participant] = []
    last_message_at: datetime
    last_preview: str = ""
    unread: bool | int = False


class ThreadList(_Model):
    threads: list[ThreadSummary] = []


class ThreadMessage(_Model):
    id: int
    author: Participant | None = None  # None: an account that no longer exists
    body: str
    sent_at: datetime


class Thread(_Model):
    id: int
    subject: str
    pupil_id: int | None = None
    pupil_name: str | None = None
    participants: list[Participant] = []
    messages: list[ThreadMessage] = []


class Teacher(_Model):
    id: int | None = None
    name: str


class Lesson(_Model):
    id: str | int
    date: date
    start: str
    end: str
    subject: str
    room: str | None = None
    teachers: list[Teacher] = []
    status: str | None = None  # scheduled | cancelled | moved
    note: str | None = None


class NoSchool(_Model):
    reason: str  # holiday | break
    name: str = ""


class ScheduleDay(_Model):
    date: date
    weekday: int | None = None
    no_school: NoSchool | None = None
    lessons: list[Lesson] = []


class ScheduleWeek(_Model):
    week: str
    days: list[ScheduleDay] = []


# --- messages: writing (issue 11, R21–R24) -----------------------------------------------------


class Recipient(_Model):
    """One entry of the child's recipient directory: staff of the child's unit (R22, R24)."""

    id: int
    name: str
    role: str
    is_mentor: bool = False
    is_teacher_of_child: bool = False
    subject: str | None = None


class RecipientList(_Model):
    recipients: list[Recipient] = []
