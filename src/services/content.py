"""Information (R50, R51), Kalender with surveys (R55), Blogg (R56, R57), Planeringar (R53) and
the schedule's lesson detail and printing (R35): the app's reading of the server's JSON and the
calls the screens make. Plain Python (no flet), cached per user and child like every screen.

Opening an item in full (a news item, a calendar entry, a blog post, a plan) is what marks its
notification read on the server, so the box count and the bell go down; the screens then call
`after_open()` to fetch the new counts.
"""

from __future__ import annotations

import calendar as _calendar
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel, ConfigDict

from services.api import API_PREFIX, ApiError, ServerUnreachable
from services.errors import error_message
from services.i18n import I18n
from services.models import Lesson, ScheduleWeek
from services.state import AppState, Loaded

log = logging.getLogger("skolhub.app.content")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- models: Information (R50) -------------------------------------------------------------------

class NewsItem(_Model):
    id: int
    title: str
    body: str
    group_names: list[str] = []
    author: str | None = None
    published_at: datetime
    updated_at: datetime | None = None


class NewsList(_Model):
    items: list[NewsItem] = []


class InfoFile(_Model):
    id: int
    title: str
    description: str = ""
    file_name: str
    content_type: str
    size: int
    download_url: str
    author: str | None = None
    published_at: datetime


class FileList(_Model):
    items: list[InfoFile] = []


class InfoLink(_Model):
    id: int
    title: str
    url: str
    description: str = ""
    published_at: datetime


class LinkList(_Model):
    items: list[InfoLink] = []


# --- models: Kalender (R55) ----------------------------------------------------------------------

ENTRY_KINDS = ("activity", "homework", "test", "information", "survey")


class SurveyQuestion(_Model):
    id: int
    position: int = 0
    text: str
    kind: str  # text | choice
    options: list[str] | None = None


class CalendarEntry(_Model):
    id: int
    group_name: str | None = None
    pupil_id: int | None = None
    kind: str
    title: str
    description: str = ""
    start_date: date
    end_date: date
    start_time: time | None = None
    end_time: time | None = None
    all_day: bool = True
    author: str | None = None
    published_at: datetime
    questions: list[SurveyQuestion] = []
    answered: bool | None = None  # a survey read through a child: answered by this user for that child
    answerable: bool | None = None  # …and may still be answered (not answered, not closed)

    @property
    def is_survey(self) -> bool:
        return self.kind == "survey"


class CalendarList(_Model):
    from_date: date
    to_date: date
    items: list[CalendarEntry] = []


class SurveyAnswer(_Model):
    id: int
    entry_id: int
    pupil_id: int
    created_at: datetime
    answers: dict[str, str] = {}


class CalendarFeed(_Model):
    url: str
    webcal_url: str


# --- models: Blogg (R56, R57) --------------------------------------------------------------------

class BlogImage(_Model):
    id: int
    url: str
    file_name: str
    content_type: str
    size: int = 0
    caption: str = ""


class BlogComment(_Model):
    id: int
    author: str | None = None
    author_kind: str = ""
    body: str
    created_at: datetime


class BlogPost(_Model):
    id: int
    group_id: int
    group_name: str
    title: str
    body: str
    author: str | None = None
    published_at: datetime
    images: list[BlogImage] = []
    comments: list[BlogComment] = []
    may_comment: bool = False  # the server's answer for this user (R57); the app offers the field only then


class BlogFeed(_Model):
    items: list[BlogPost] = []


# --- models: Planeringar (R53) -------------------------------------------------------------------

class PlanAttachment(_Model):
    id: int
    file_name: str
    content_type: str
    size: int
    download_url: str


class Plan(_Model):
    id: int
    group_name: str = ""
    subject: str
    title: str
    body: str
    period_start: date | None = None
    period_end: date | None = None
    author: str | None = None
    published_at: datetime
    attachments: list[PlanAttachment] = []


class PlanList(_Model):
    subjects: list[str] = []
    items: list[Plan] = []


# --- downloads -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Downloaded:
    """A file fetched with the session's token: its real name, type and bytes."""

    file_name: str
    content_type: str
    data: bytes


class ContentInputError(Exception):
    """Bad input caught before it is sent (the server would refuse it with the same code)."""

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field


_FILENAME_STAR = re.compile(r"filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)")
_FILENAME = re.compile(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)')


def filename_from_disposition(header: str | None, fallback: str) -> str:
    """The file's real name from Content-Disposition (RFC 6266: filename* wins over filename)."""
    if header:
        star = _FILENAME_STAR.search(header)
        if star:
            return _safe_name(unquote(star.group(1).strip()), fallback)
        plain = _FILENAME.search(header)
        if plain:
            return _safe_name((plain.group(1) or plain.group(2) or "").strip(), fallback)
    return fallback


def _safe_name(name: str, fallback: str) -> str:
    """No folders and no control characters in a name the device will save under."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip().lstrip(".")
    return name or fallback


def _api_path(url: str) -> tuple[str, dict[str, str]]:
    """The server gives download URLs with its /api/v1 prefix (maybe absolute); the client adds
    the prefix itself. Answers the path below the prefix and the query's parameters."""
    parts = urlsplit(url)
    path = parts.path[len(API_PREFIX):] if parts.path.startswith(API_PREFIX + "/") else parts.path
    return path, dict(parse_qsl(parts.query))


# --- calendar helpers ----------------------------------------------------------------------------

def month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=_calendar.monthrange(first.year, first.month)[1])
    return first, last


def shift_month(month: date, delta: int) -> date:
    index = month.year * 12 + (month.month - 1) + delta
    return date(index // 12, index % 12 + 1, 1)


def entries_by_day(listing: CalendarList) -> list[tuple[date, list[CalendarEntry]]]:
    """The month as a list by day (R55): each entry under its first day inside the range (a
    several-day entry such as a break shows once, with its dates), days in order, within a day
    all-day entries first, then by start time."""
    days: dict[date, list[CalendarEntry]] = {}
    for entry in listing.items:
        day = max(entry.start_date, listing.from_date)
        if day > listing.to_date or entry.end_date < listing.from_date:
            continue
        days.setdefault(day, []).append(entry)
    for entries in days.values():
        entries.sort(key=lambda e: (not e.all_day, e.start_time or time(0), e.title))
    return sorted(days.items())


# --- the service ---------------------------------------------------------------------------------

MAX_COMMENT = 2000
MAX_ANSWER = 2000


class ContentService:
    """The content screens' data, through the app state's cache (cache first, then fresh)."""

    def __init__(self, state: AppState, image_cache_size: int = 64) -> None:
        self.state = state
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._image_cache_size = image_cache_size

    # plumbing

    def _child_id(self) -> int | None:
        child = self.state.selected_child
        return child.id if child else None

    async def _load(self, key: str, path: str, model: type[Any], params: dict[str, Any] | None = None) -> Loaded[Any]:
        pupil_id = self._child_id()
        if pupil_id is None:
            return Loaded(None, unavailable=True)
        return await self.state.load(key, path.format(pupil_id=pupil_id), model, pupil_id=pupil_id, params=params)

    def _peek(self, key: str, model: type[Any]) -> Loaded[Any]:
        return self.state.peek(key, model, self._child_id())

    async def after_open(self) -> None:
        """An item was opened (its notification is now read): fetch the new bell number and
        refresh the cached home so its box count goes down too."""
        try:
            await self.state.refresh_counts()
            await self.state.load_home()
        except (ApiError, ServerUnreachable):
            log.info("counts not refreshed after opening an item")

    async def download(self, url: str, fallback_name: str) -> Downloaded:
        path, params = _api_path(url)
        response = await self.state.api.request("GET", path, params=params, headers={"Accept": "*/*"})
        return Downloaded(
            file_name=filename_from_disposition(response.headers.get("Content-Disposition"), fallback_name),
            content_type=response.headers.get("Content-Type", "application/octet-stream").split(";", 1)[0].strip(),
            data=response.content,
        )

    # Information (R50, R51)

    async def load_news(self) -> Loaded[NewsList]:
        return await self._load("information:news", "/children/{pupil_id}/information/news", NewsList)

    def peek_news(self) -> Loaded[NewsList]:
        return self._peek("information:news", NewsList)

    async def open_news(self, news_id: int) -> Loaded[NewsItem]:
        loaded = await self._load(f"information:news:{news_id}", f"/children/{{pupil_id}}/information/news/{news_id}", NewsItem)
        if loaded.value is not None and not loaded.offline:
            await self.after_open()
        return loaded

    async def load_files(self) -> Loaded[FileList]:
        """Listing the files marks the child's file notifications read (the server does so)."""
        return await self._load("information:files", "/children/{pupil_id}/information/files", FileList)

    def peek_files(self) -> Loaded[FileList]:
        return self._peek("information:files", FileList)

    async def load_links(self) -> Loaded[LinkList]:
        return await self._load("information:links", "/children/{pupil_id}/information/links", LinkList)

    def peek_links(self) -> Loaded[LinkList]:
        return self._peek("information:links", LinkList)

    async def download_file(self, item: InfoFile) -> Downloaded:
        return await self.download(item.download_url, item.file_name)

    # Kalender (R55)

    def calendar_key(self, month: date) -> str:
        return f"calendar:{month:%Y-%m}"

    async def load_calendar(self, month: date) -> Loaded[CalendarList]:
        first, last = month_range(month)
        return await self._load(self.calendar_key(first), "/children/{pupil_id}/calendar", CalendarList,
                                params={"from": first.isoformat(), "to": last.isoformat()})

    def peek_calendar(self, month: date) -> Loaded[CalendarList]:
        return self._peek(self.calendar_key(month.replace(day=1)), CalendarList)

    async def open_entry(self, entry_id: int) -> Loaded[CalendarEntry]:
        pupil_id = self._child_id()
        loaded = await self._load(f"calendar:entry:{entry_id}", f"/calendar/entries/{entry_id}", CalendarEntry,
                                  params={"pupil_id": pupil_id})
        if loaded.value is not None and not loaded.offline:
            await self.after_open()
        return loaded

    def check_answers(self, entry: CalendarEntry, answers: dict[int, str]) -> list[dict[str, Any]]:
        """The answers as the server wants them; raises ContentInputError naming the first bad one."""
        out = []
        for question in sorted(entry.questions, key=lambda q: (q.position, q.id)):
            value = (answers.get(question.id) or "").strip()
            if not value:
                raise ContentInputError("answers_missing", f"q{question.id}")
            if len(value) > MAX_ANSWER:
                raise ContentInputError("answer_too_long", f"q{question.id}")
            if question.kind == "choice" and value not in (question.options or []):
                raise ContentInputError("invalid_option", f"q{question.id}")
            out.append({"question_id": question.id, "value": value})
        return out

    async def answer_survey(self, entry: CalendarEntry, answers: dict[int, str]) -> CalendarEntry:
        """Answer once (R55); the answer is sent with an Idempotency-Key, so a retry after a lost
        reply is safe. Already answered (here or on another device) counts as done."""
        pupil_id = self._child_id()
        if pupil_id is None:
            raise ContentInputError("no_child")
        body = {"pupil_id": pupil_id, "answers": self.check_answers(entry, answers)}
        try:
            await self.state.api.request("POST", f"/calendar/surveys/{entry.id}/answers", json=body, create=True)
        except ApiError as exc:
            if exc.code != "survey_already_answered":
                raise
        loaded = await self.open_entry(entry.id)
        return loaded.value if loaded.value is not None else entry.model_copy(update={"answered": True, "answerable": False})

    def peek_feed(self) -> CalendarFeed | None:
        """The feed URL made earlier on this device (the server keeps only a hash of its token)."""
        return self._peek("calendar:feed", CalendarFeed).value

    async def calendar_feed(self, *, renew: bool = False) -> CalendarFeed:
        """The child's private iCal feed (B1): the one made earlier on this device, or a new one;
        `renew` makes a new link and the old one stops working."""
        existing = None if renew else self.peek_feed()
        if existing is not None:
            return existing
        pupil_id = self._child_id()
        if pupil_id is None or self.state.user is None:
            raise ContentInputError("no_child")
        response = await self.state.api.request("POST", f"/children/{pupil_id}/calendar-feed")
        data = response.json()
        feed = CalendarFeed(url=data["url"], webcal_url=data["webcal_url"])
        self.state.cache.put(self.state.user.id, "calendar:feed", feed.model_dump(mode="json"), None, pupil_id, self.state.now())
        return feed

    # Blogg (R56, R57)

    def blog_key(self, group_id: int | None) -> str:
        return f"blog:{group_id if group_id is not None else 'all'}"

    async def load_blog(self, group_id: int | None = None) -> Loaded[BlogFeed]:
        return await self._load(self.blog_key(group_id), "/children/{pupil_id}/blog", BlogFeed, params={"group_id": group_id})

    def peek_blog(self, group_id: int | None = None) -> Loaded[BlogFeed]:
        return self._peek(self.blog_key(group_id), BlogFeed)

    @staticmethod
    def blog_groups(feed: BlogFeed) -> list[tuple[int, str]]:
        """The child's blogs to choose between (R56), from the all-blogs feed, by name."""
        return sorted({(p.group_id, p.group_name) for p in feed.items}, key=lambda g: (g[1], g[0]))

    async def open_post(self, post_id: int) -> Loaded[BlogPost]:
        loaded = await self._load(f"blog:post:{post_id}", f"/children/{{pupil_id}}/blog/{post_id}", BlogPost)
        if loaded.value is not None and not loaded.offline:
            await self.after_open()
        return loaded

    async def comment(self, post: BlogPost, body: str) -> BlogPost:
        """Comment where the server allows this role (R57); the screen offers the field only then."""
        text = body.strip()
        if not post.may_comment:
            raise ContentInputError("blog_comment_not_allowed")
        if not text:
            raise ContentInputError("comment_empty", "body")
        if len(text) > MAX_COMMENT:
            raise ContentInputError("comment_too_long", "body")
        await self.state.api.request("POST", f"/blog/posts/{post.id}/comments", json={"body": text}, create=True)
        loaded = await self.open_post(post.id)
        return loaded.value if loaded.value is not None else post

    async def image(self, image: BlogImage) -> bytes:
        """A blog image's bytes (it needs the session's token, so the screen cannot just link it)."""
        if image.url in self._images:
            self._images.move_to_end(image.url)
            return self._images[image.url]
        data = (await self.download(image.url, image.file_name)).data
        self._images[image.url] = data
        while len(self._images) > self._image_cache_size:
            self._images.popitem(last=False)
        return data

    # Planeringar (R53)

    async def load_plans(self) -> Loaded[PlanList]:
        return await self._load("planning", "/children/{pupil_id}/planning", PlanList)

    def peek_plans(self) -> Loaded[PlanList]:
        return self._peek("planning", PlanList)

    async def open_plan(self, plan_id: int) -> Loaded[Plan]:
        loaded = await self._load(f"planning:{plan_id}", f"/children/{{pupil_id}}/planning/{plan_id}", Plan)
        if loaded.value is not None and not loaded.offline:
            await self.after_open()
        return loaded

    async def download_attachment(self, attachment: PlanAttachment) -> Downloaded:
        return await self.download(attachment.download_url, attachment.file_name)

    # Schema (R35)

    @staticmethod
    def lesson(week: ScheduleWeek, lesson_id: str) -> Lesson | None:
        """One lesson of a loaded week (the week carries everything its detail shows)."""
        return next((lesson for day in week.days for lesson in day.lessons if str(lesson.id) == str(lesson_id)), None)

    async def schedule_pdf(self, week: str) -> Downloaded:
        pupil_id = self._child_id()
        if pupil_id is None:
            raise ContentInputError("no_child")
        return await self.download(f"/children/{pupil_id}/schedule.pdf?week={week}", f"schema-{week}.pdf")


def content_error_message(exc: BaseException, i18n: I18n) -> str:
    """The content screens' errors as sentences; anything else as the app's common messages."""
    _ = i18n.gettext
    code = getattr(exc, "code", None)
    messages = {
        "answers_missing": _("Answer every question in the survey."),
        "answer_too_long": _("The answer is too long."),
        "invalid_option": _("Choose one of the question's options."),
        "survey_closed": _("The survey is closed; its last day has passed."),
        "survey_already_answered": _("You have already answered this survey for this child."),
        "blog_comment_not_allowed": _("You cannot comment on this blog."),
        "comment_empty": _("Write a comment first."),
        "comment_too_long": _("The comment is too long (at most 2000 characters)."),
        "file_too_large": _("The file is too large."),
        "no_child": _("Choose a child first."),
    }
    if isinstance(exc, (ContentInputError, ApiError)) and code in messages:
        return messages[code]
    return error_message(exc, i18n)


def lesson_time(lesson: Lesson) -> str:
    return f"{lesson.start}–{lesson.end}"


def today_month(state: AppState) -> date:
    return state.today().replace(day=1)


__all__ = [
    "ENTRY_KINDS", "BlogComment", "BlogFeed", "BlogImage", "BlogPost", "CalendarEntry", "CalendarFeed", "CalendarList",
    "ContentInputError", "ContentService", "Downloaded", "FileList", "InfoFile", "InfoLink", "LinkList", "NewsItem",
    "NewsList", "Plan", "PlanAttachment", "PlanList", "SurveyAnswer", "SurveyQuestion", "content_error_message",
    "entries_by_day", "filename_from_disposition", "month_range", "shift_month",
]
