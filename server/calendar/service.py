"""Calendar rules (R55): entries for a unit, a group or a pupil; surveys answered once per user
and child (a unique index decides); a private iCalendar (RFC 5545) feed per child."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import Select, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from server.access import Action, require_pupil, staff_unit_ids, visible_pupil_ids
from server.accounts.models import User, UserKind
from server.calendar.models import (
    CalendarEntry,
    CalendarFeed,
    EntryKind,
    QuestionKind,
    SurveyQuestion,
    SurveyResponse,
)
from server.calendar.schemas import AnswerItem, EntryIn, EntryPatch, QuestionIn
from server.clock import SCHOOL_TZ, Clock, local_today
from server.config import Settings
from server.db import affected, insert_ignoring_conflicts
from server.domain_errors import Invalid, bad_request, conflict, not_found
from server.notifications.fanout import notify, pupils_by_id, pupils_of_groups, pupils_of_units
from server.publishing import (
    GROUP_PUBLISHERS,
    UNIT_PUBLISHERS,
    check_text,
    groups_of_pupil,
    require_editor,
    require_group_publisher,
    require_unit_publisher,
    set_published,
)
from server.school.models import Pupil
from server.security import new_token, token_hash

AREA = "calendar"
MAX_RANGE_DAYS = 366
FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 365


def concerned_pupils(entry: CalendarEntry) -> Select[int]:
    if entry.pupil_id is not None:
        return pupils_by_id([entry.pupil_id])
    if entry.group_id is not None:
        return pupils_of_groups([entry.group_id])
    return pupils_of_units([entry.unit_id])


def _notify(db: Session, clock: Clock, entry: CalendarEntry) -> None:
    notify(
        db, clock, concerned_pupils(entry), area=AREA,
        type="survey_published" if entry.kind == EntryKind.SURVEY else "calendar_entry_published",
        params={"title": entry.title}, item_key=f"calendar:{entry.id}", link=f"/children/{{pupil_id}}/calendar/{entry.id}",
    )


def _check_times(entry: CalendarEntry) -> None:
    if entry.end_date < entry.start_date:
        raise bad_request("end_before_start", "The end date is before the start date.", "end_date")
    if entry.end_time is not None and entry.start_time is None:
        raise bad_request("end_time_without_start", "Give a start time with the end time.", "start_time")
    if (
        entry.start_time is not None and entry.end_time is not None and entry.start_date == entry.end_date
        and entry.end_time <= entry.start_time
    ):
        raise bad_request("end_before_start", "The end time is before the start time.", "end_time")


def _questions(entry_id: int, kind: str, questions: list[QuestionIn]) -> list[SurveyQuestion]:
    if kind != EntryKind.SURVEY:
        if questions:
            raise bad_request("questions_only_for_surveys", "Only a survey has questions.", "questions")
        return []
    if not questions:
        raise bad_request("survey_needs_questions", "A survey needs at least one question.", "questions")
    out = []
    for i, q in enumerate(questions):
        options = None
        if q.kind == QuestionKind.CHOICE:
            options = [o.strip() for o in (q.options or []) if o.strip()]
            if len(options) < 2 or len(set(options)) != len(options):
                raise bad_request("choice_needs_options", "A choice question needs at least two different options.", f"questions.{i}.options")
        out.append(SurveyQuestion(entry_id=entry_id, position=i, text=check_text(q.text, f"questions.{i}.text", 500), kind=q.kind, options=options))
    return out


def publish_entry(db: Session, clock: Clock, user: User, data: EntryIn) -> CalendarEntry:
    scopes = [s for s in (data.unit_id, data.group_id, data.pupil_id) if s is not None]
    if len(scopes) != 1:
        raise bad_request("one_scope", "Give exactly one of unit_id, group_id or pupil_id.", "unit_id")
    if data.unit_id is not None:
        unit_id = require_unit_publisher(db, user, data.unit_id, UNIT_PUBLISHERS).id
    elif data.group_id is not None:
        unit_id = require_group_publisher(db, user, data.group_id, GROUP_PUBLISHERS).unit_id
    else:
        pupil = db.get(Pupil, data.pupil_id)
        if pupil is None:
            raise not_found("pupil")
        unit_id = require_unit_publisher(db, user, pupil.unit_id, GROUP_PUBLISHERS).id
    entry = CalendarEntry(
        unit_id=unit_id, group_id=data.group_id, pupil_id=data.pupil_id, kind=data.kind.value,
        title=check_text(data.title, "title", 200), description=data.description.strip(), start_date=data.start_date,
        end_date=data.end_date or data.start_date, start_time=data.start_time, end_time=data.end_time,
        author_id=user.id, published_at=clock.now(),
    )
    _check_times(entry)
    db.add(entry)
    db.flush()
    db.add_all(_questions(entry.id, entry.kind, data.questions))
    db.flush()
    _notify(db, clock, entry)
    db.flush()
    return entry


def staff_entry(db: Session, user: User, entry_id: int) -> CalendarEntry:
    entry = db.get(CalendarEntry, entry_id)
    if entry is None:
        raise not_found("calendar entry")
    roles = UNIT_PUBLISHERS if entry.group_id is None and entry.pupil_id is None else GROUP_PUBLISHERS
    require_editor(db, user, entry, roles)
    return entry


def edit_entry(db: Session, clock: Clock, user: User, entry_id: int, patch: EntryPatch) -> CalendarEntry:
    entry = staff_entry(db, user, entry_id)
    if patch.title is not None:
        entry.title = check_text(patch.title, "title", 200)
    if patch.description is not None:
        entry.description = patch.description.strip()
    if patch.start_date is not None:
        entry.start_date = patch.start_date
        if patch.end_date is None and entry.end_date < entry.start_date:
            entry.end_date = entry.start_date
    if patch.end_date is not None:
        entry.end_date = patch.end_date
    if patch.all_day:
        entry.start_time = entry.end_time = None
    if patch.start_time is not None:
        entry.start_time = patch.start_time
    if patch.end_time is not None:
        entry.end_time = patch.end_time
    _check_times(entry)
    entry.updated_at = clock.now()
    db.flush()
    return entry


def set_entry_published(db: Session, clock: Clock, user: User, entry_id: int, published: bool) -> CalendarEntry:
    entry = staff_entry(db, user, entry_id)
    set_published(db, clock, entry, published, f"calendar:{entry.id}", lambda: _notify(db, clock, entry))
    return entry


def _for_pupil(pupil: Pupil) -> list:  # type: ignore[type-arg]
    return [
        CalendarEntry.unpublished_at.is_(None),
        CalendarEntry.unit_id == pupil.unit_id,
        or_(
            and_(CalendarEntry.group_id.is_(None), CalendarEntry.pupil_id.is_(None)),
            CalendarEntry.group_id.in_(groups_of_pupil(pupil.id)),
            CalendarEntry.pupil_id == pupil.id,
        ),
    ]


def entries_for_pupil(db: Session, pupil: Pupil, from_date: date, to_date: date) -> list[CalendarEntry]:
    if to_date < from_date:
        raise bad_request("to_before_from", "`to` is before `from`.", "to")
    if (to_date - from_date).days > MAX_RANGE_DAYS:
        raise bad_request("range_too_long", f"Ask for at most {MAX_RANGE_DAYS} days at a time.", "to")
    return list(
        db.scalars(
            select(CalendarEntry)
            .where(*_for_pupil(pupil), CalendarEntry.start_date <= to_date, CalendarEntry.end_date >= from_date)
            .order_by(CalendarEntry.start_date, CalendarEntry.start_time.is_not(None), CalendarEntry.start_time, CalendarEntry.id)
        )
    )


def entry_for_reader(db: Session, user: User, entry_id: int, pupil_id: int | None) -> tuple[CalendarEntry, int | None]:
    """The entry and the child it is read through (None for staff); 404 unless it concerns one."""
    entry = db.get(CalendarEntry, entry_id)
    if entry is None:
        raise not_found("calendar entry")
    if pupil_id is not None:
        pupil = require_pupil(db, user, pupil_id)
        if db.scalar(select(CalendarEntry.id).where(CalendarEntry.id == entry.id, *_for_pupil(pupil))) is None:
            raise not_found("calendar entry")
        return entry, (pupil.id if user.kind != UserKind.STAFF else None)
    if user.kind == UserKind.STAFF:
        if entry.unit_id not in staff_unit_ids(db, user):
            raise not_found("calendar entry")
        return entry, None
    if entry.unpublished_at is not None:
        raise not_found("calendar entry")
    concerned = concerned_pupils(entry)
    child = db.scalar(select(Pupil.id).where(Pupil.id.in_(concerned), Pupil.id.in_(visible_pupil_ids(user))).order_by(Pupil.id).limit(1))
    if child is None:
        raise not_found("calendar entry")
    return entry, child


def questions_of(db: Session, entry_ids: list[int]) -> dict[int, list[SurveyQuestion]]:
    out: dict[int, list[SurveyQuestion]] = {i: [] for i in entry_ids}
    if entry_ids:
        for q in db.scalars(select(SurveyQuestion).where(SurveyQuestion.entry_id.in_(entry_ids)).order_by(SurveyQuestion.entry_id, SurveyQuestion.position)):
            out[q.entry_id].append(q)
    return out


def answered_entry_ids(db: Session, user: User, pupil_id: int, entry_ids: list[int]) -> set[int]:
    if not entry_ids:
        return set()
    return set(
        db.scalars(
            select(SurveyResponse.entry_id).where(
                SurveyResponse.user_id == user.id, SurveyResponse.pupil_id == pupil_id, SurveyResponse.entry_id.in_(entry_ids)
            )
        )
    )


def survey_open(clock: Clock, entry: CalendarEntry) -> bool:
    return entry.kind == EntryKind.SURVEY and entry.unpublished_at is None and local_today(clock) <= entry.end_date


def answer_survey(db: Session, clock: Clock, user: User, entry_id: int, pupil_id: int, answers: list[AnswerItem]) -> SurveyResponse:
    pupil = require_pupil(db, user, pupil_id, Action.ANSWER_SURVEY)
    entry = db.scalar(select(CalendarEntry).where(CalendarEntry.id == entry_id, *_for_pupil(pupil)))
    if entry is None or entry.kind != EntryKind.SURVEY:
        raise not_found("survey")
    if not survey_open(clock, entry):
        raise conflict("survey_closed", "The survey is closed; its last day has passed.")
    questions = {q.id: q for q in questions_of(db, [entry.id])[entry.id]}
    given: dict[str, str] = {}
    for i, item in enumerate(answers):
        question = questions.get(item.question_id)
        if question is None:
            raise bad_request("unknown_question", "The answer names a question that is not in this survey.", f"answers.{i}.question_id")
        value = item.value.strip()
        if question.kind == QuestionKind.CHOICE and value not in (question.options or []):
            raise bad_request("invalid_option", "Choose one of the question's options.", f"answers.{i}.value")
        given[str(question.id)] = value
    missing = [qid for qid in questions if not given.get(str(qid))]
    if missing:
        raise Invalid(
            "answers_missing", "Answer every question in the survey.",
            fields=[{"field": f"answers.{qid}", "code": "required", "message": "missing"} for qid in missing],
        )
    created = insert_ignoring_conflicts(
        db, SurveyResponse,
        {"entry_id": entry.id, "pupil_id": pupil.id, "user_id": user.id, "answers": given, "created_at": clock.now()},
        ["entry_id", "user_id", "pupil_id"],
    )
    if created == 0:
        raise conflict("survey_already_answered", "You have already answered this survey for this child.")
    response = db.scalar(
        select(SurveyResponse).where(SurveyResponse.entry_id == entry.id, SurveyResponse.user_id == user.id, SurveyResponse.pupil_id == pupil.id)
    )
    assert response is not None
    db.flush()
    return response


def survey_results(db: Session, user: User, entry_id: int) -> tuple[CalendarEntry, list[SurveyQuestion], list[tuple[SurveyResponse, Pupil, User]]]:
    entry = staff_entry(db, user, entry_id)
    if entry.kind != EntryKind.SURVEY:
        raise not_found("survey")
    rows = db.execute(
        select(SurveyResponse, Pupil, User).join(Pupil, Pupil.id == SurveyResponse.pupil_id).join(User, User.id == SurveyResponse.user_id)
        .where(SurveyResponse.entry_id == entry.id).order_by(SurveyResponse.created_at, SurveyResponse.id)
    )
    return entry, questions_of(db, [entry.id])[entry.id], [(r, p, u) for r, p, u in rows]


# --- iCalendar feed ----------------------------------------------------------------------------

def rotate_feed_token(db: Session, clock: Clock, user: User, pupil: Pupil) -> str:
    """A new private token for this user's feed of this child; the old one stops working."""
    token = new_token()
    values = {"token_hash": token_hash(token), "created_at": clock.now()}
    where = (CalendarFeed.user_id == user.id, CalendarFeed.pupil_id == pupil.id)
    if not affected(db.execute(update(CalendarFeed).where(*where).values(**values))):  # type: ignore[attr-defined]
        if not insert_ignoring_conflicts(db, CalendarFeed, {"user_id": user.id, "pupil_id": pupil.id, **values}, ["user_id", "pupil_id"]):
            db.execute(update(CalendarFeed).where(*where).values(**values))
    db.flush()
    return token


def revoke_feed(db: Session, user: User, pupil: Pupil) -> None:
    db.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id, CalendarFeed.pupil_id == pupil.id))
    db.flush()


def feed_pupil(db: Session, pupil_id: int, token: str) -> Pupil:
    """The child of a valid feed token: the token must be this child's, and its owner must still
    be active and still related to the child (a guardianship can end)."""
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or feed.pupil_id != pupil_id:
        raise not_found("calendar feed")
    user = db.get(User, feed.user_id)
    if user is None or not user.is_active:
        raise not_found("calendar feed")
    return require_pupil(db, user, pupil_id)


def _local_utc(day: date, at: object) -> datetime:
    return datetime.combine(day, at, tzinfo=SCHOOL_TZ).astimezone(UTC)  # type: ignore[arg-type]


def ical_for_pupil(db: Session, settings: Settings, clock: Clock, pupil: Pupil) -> bytes:
    today = local_today(clock)
    entries = entries_for_pupil(db, pupil, today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS - FEED_PAST_DAYS))
    host = settings.public_base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "skolhub"
    cal = Calendar()
    cal.add("prodid", "-//Skolhub//Calendar//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Skolhub – {pupil.first_name}")
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = clock.now().astimezone(UTC)
    for entry in entries:
        event = Event()
        event.add("uid", f"calendar-entry-{entry.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        if entry.description:
            event.add("description", entry.description)
        event.add("categories", [entry.kind])
        if entry.start_time is None:
            event.add("dtstart", entry.start_date)
            event.add("dtend", entry.end_date + timedelta(days=1))
        else:
            event.add("dtstart", _local_utc(entry.start_date, entry.start_time))
            if entry.end_time is not None:
                event.add("dtend", _local_utc(entry.end_date, entry.end_time))
        event.add("last-modified", (entry.updated_at or entry.published_at).astimezone(UTC))
        cal.add_component(event)
    return bytes(cal.to_ical())
