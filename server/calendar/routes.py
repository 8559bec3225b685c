"""HTTP for the calendar (R55): a child's entries by date range, surveys, the iCalendar feed,
and the staff operations under /staff/calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from server.access import Action, CurrentPrincipal, require_pupil, require_staff
from server.accounts.models import User
from server.calendar import service
from server.calendar.models import CalendarEntry, EntryKind
from server.calendar.schemas import (
    AnswerOut,
    AnswersIn,
    CalendarList,
    EntryIn,
    EntryOut,
    EntryPatch,
    FeedOut,
    QuestionOut,
    ResponseRow,
    SurveyResults,
)
from server.clock import Clock, local_today
from server.deps import NO_STORE, ClockDep, DbDep, SettingsDep
from server.http_cache import cached_json
from server.publishing import author_names, mark_item_read
from server.school.models import Group

router = APIRouter(tags=["calendar"])
staff_router = APIRouter(prefix="/staff/calendar", tags=["staff-calendar"])


DEFAULT_DAYS = 31


def entries_out(
    db: Session, clock: Clock, entries: list[CalendarEntry], *, user: User | None = None, pupil_id: int | None = None, staff: bool = False
) -> list[EntryOut]:
    ids = [e.id for e in entries]
    questions = service.questions_of(db, [e.id for e in entries if e.kind == EntryKind.SURVEY])
    answered = service.answered_entry_ids(db, user, pupil_id, ids) if user is not None and pupil_id is not None else set()
    names = author_names(db, {e.author_id for e in entries})
    group_ids = {e.group_id for e in entries if e.group_id is not None}
    group_names = {g.id: g.name for g in (db.get(Group, gid) for gid in group_ids) if g is not None}
    out = []
    for e in entries:
        is_survey = e.kind == EntryKind.SURVEY
        reader = is_survey and pupil_id is not None
        out.append(
            EntryOut(
                id=e.id, unit_id=e.unit_id, group_id=e.group_id, group_name=group_names.get(e.group_id or 0), pupil_id=e.pupil_id,
                kind=e.kind, title=e.title, description=e.description, start_date=e.start_date, end_date=e.end_date,
                start_time=e.start_time, end_time=e.end_time, all_day=e.start_time is None, author=names.get(e.author_id or 0),
                published_at=e.published_at, updated_at=e.updated_at, unpublished_at=e.unpublished_at if staff else None,
                questions=[QuestionOut(id=q.id, position=q.position, text=q.text, kind=q.kind, options=q.options) for q in questions.get(e.id, [])],
                answered=(e.id in answered) if reader else None,
                answerable=(e.id not in answered and service.survey_open(clock, e)) if reader else None,
            )
        )
    return out


@router.get("/children/{pupil_id}/calendar", response_model=CalendarList, summary="The child's calendar between two dates (R55)")
def list_child_calendar(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from", description="YYYY-MM-DD; default today")] = None,
    to: Annotated[date | None, Query(description=f"YYYY-MM-DD; default from + {DEFAULT_DAYS - 1} days")] = None,
) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    start = from_ or local_today(clock)
    end = to or start + timedelta(days=DEFAULT_DAYS - 1)
    entries = service.entries_for_pupil(db, pupil, start, end)
    items = entries_out(db, clock, entries, user=principal.user, pupil_id=pupil.id if principal.user.kind != "staff" else None)
    return cached_json(request, CalendarList(from_date=start, to_date=end, items=items))


@router.get("/calendar/entries/{entry_id}", response_model=EntryOut, summary="One calendar entry; marks its notification read")
def get_calendar_entry(
    entry_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep,
    pupil_id: Annotated[int | None, Query(description="The child it is read through")] = None,
) -> EntryOut:
    entry, child = service.entry_for_reader(db, principal.user, entry_id, pupil_id)
    if child is not None:
        mark_item_read(db, clock, principal.user, child, f"calendar:{entry.id}")
    return entries_out(db, clock, [entry], user=principal.user, pupil_id=child, staff=child is None)[0]


@router.post(
    "/calendar/surveys/{entry_id}/answers", response_model=AnswerOut, status_code=201,
    summary="Answer a survey for a child — once per user and child (409 survey_already_answered)",
)
def answer_calendar_survey(entry_id: int, body: AnswersIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> AnswerOut:
    response = service.answer_survey(db, clock, principal.user, entry_id, body.pupil_id, body.answers)
    return AnswerOut(id=response.id, entry_id=response.entry_id, pupil_id=response.pupil_id, created_at=response.created_at, answers=response.answers)


@router.post("/children/{pupil_id}/calendar-feed", response_model=FeedOut, dependencies=NO_STORE, summary="Create or rotate the private iCalendar feed link for a child")
def rotate_calendar_feed(pupil_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep, settings: SettingsDep) -> FeedOut:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    token = service.rotate_feed_token(db, clock, principal.user, pupil)
    url = f"{settings.public_base_url.rstrip('/')}/api/v1/children/{pupil.id}/calendar.ics?token={token}"
    return FeedOut(url=url, webcal_url="webcal://" + url.split("://", 1)[1], token=token)


@router.delete("/children/{pupil_id}/calendar-feed", status_code=204, summary="Turn the private iCalendar feed off")
def revoke_calendar_feed(pupil_id: int, principal: CurrentPrincipal, db: DbDep) -> Response:
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    service.revoke_feed(db, principal.user, pupil)
    return Response(status_code=204)


@router.get(
    "/children/{pupil_id}/calendar.ics", summary="iCalendar (RFC 5545) feed for phone calendars; needs only the feed token",
    response_class=Response, responses={200: {"content": {"text/calendar": {}}}},
)
def child_calendar_ics(
    pupil_id: int, db: DbDep, clock: ClockDep, settings: SettingsDep, token: Annotated[str, Query(min_length=10, max_length=200)],
) -> Response:
    pupil = service.feed_pupil(db, pupil_id, token)
    body = service.ical_for_pupil(db, settings, clock, pupil)
    return Response(
        body, media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=900", "Content-Disposition": f'inline; filename="skolhub-{pupil.id}.ics"'},
    )


# --- staff -------------------------------------------------------------------------------------

@staff_router.post("/entries", response_model=EntryOut, status_code=201, summary="Publish a calendar entry (survey with questions); notifies")
def publish_calendar_entry(body: EntryIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> EntryOut:
    require_staff(principal.user)
    return entries_out(db, clock, [service.publish_entry(db, clock, principal.user, body)], staff=True)[0]


@staff_router.get("/entries", response_model=CalendarList, summary="A unit's entries between two dates, unpublished included")
def list_staff_calendar(
    unit_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from")] = None, to: date | None = None,
) -> CalendarList:
    from sqlalchemy import select

    service.require_unit_publisher(db, principal.user, unit_id, service.GROUP_PUBLISHERS)
    start = from_ or local_today(clock)
    end = to or start + timedelta(days=DEFAULT_DAYS - 1)
    entries = list(db.scalars(
        select(CalendarEntry).where(CalendarEntry.unit_id == unit_id, CalendarEntry.start_date <= end, CalendarEntry.end_date >= start)
        .order_by(CalendarEntry.start_date, CalendarEntry.id)
    ))
    return CalendarList(from_date=start, to_date=end, items=entries_out(db, clock, entries, staff=True))


@staff_router.patch("/entries/{entry_id}", response_model=EntryOut, summary="Edit a calendar entry")
def edit_calendar_entry(entry_id: int, body: EntryPatch, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> EntryOut:
    return entries_out(db, clock, [service.edit_entry(db, clock, principal.user, entry_id, body)], staff=True)[0]


@staff_router.post("/entries/{entry_id}/unpublish", response_model=EntryOut, summary="Unpublish a calendar entry")
def unpublish_calendar_entry(entry_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> EntryOut:
    return entries_out(db, clock, [service.set_entry_published(db, clock, principal.user, entry_id, False)], staff=True)[0]


@staff_router.post("/entries/{entry_id}/publish", response_model=EntryOut, summary="Publish an unpublished calendar entry again")
def republish_calendar_entry(entry_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep) -> EntryOut:
    return entries_out(db, clock, [service.set_entry_published(db, clock, principal.user, entry_id, True)], staff=True)[0]


@staff_router.get("/surveys/{entry_id}/answers", response_model=SurveyResults, summary="A survey's answers and per-option counts")
def calendar_survey_results(entry_id: int, principal: CurrentPrincipal, db: DbDep) -> SurveyResults:
    entry, questions, rows = service.survey_results(db, principal.user, entry_id)
    counts: dict[str, dict[str, int]] = {}
    for q in questions:
        if q.options:
            counts[str(q.id)] = {o: 0 for o in q.options}
    for response, _, _ in rows:
        for qid, value in response.answers.items():
            if qid in counts and value in counts[qid]:
                counts[qid][value] += 1
    return SurveyResults(
        entry_id=entry.id,
        questions=[QuestionOut(id=q.id, position=q.position, text=q.text, kind=q.kind, options=q.options) for q in questions],
        responses=[
            ResponseRow(pupil_id=p.id, pupil_name=p.name, respondent=u.name, respondent_kind=u.kind, created_at=r.created_at, answers=r.answers)
            for r, p, u in rows
        ],
        counts=counts,
    )


router.include_router(staff_router)
