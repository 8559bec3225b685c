"""HTTP for leisure-time registration (R70–R74): the guardian's week, day and week
registration, and the staff's comments, day overview and unit settings."""

from __future__ import annotations

from datetime import date, time, timedelta

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from server.access import Action, CurrentPrincipal, require_pupil, require_staff_of_unit
from server.accounts.models import User, UserKind
from server.clock import local_today
from server.deps import ClockDep, DbDep
from server.domain_errors import bad_request, forbidden
from server.http_cache import cached_json
from server.leisure import service
from server.leisure.schemas import (
    ClosedDayIn,
    ClosedOut,
    DayIn,
    HourCount,
    LeisureDayOut,
    LeisureWeekOut,
    OpeningOut,
    PersonRef,
    SeenOut,
    StaffChildDayOut,
    StaffCommentIn,
    StaffDayOut,
    UnitSettingsIn,
    UnitSettingsOut,
    UnseenDayOut,
    UnseenDaysOut,
    WeekIn,
    WeekResultOut,
)
from server.school.models import Group, Pupil, StaffRole

router = APIRouter(tags=["leisure"])

STUDENT_REFUSAL = (
    "students_cannot_register_leisure",
    "Students cannot register leisure-time schedules (R70).",
)


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _opening(pair: tuple[time, time] | None) -> OpeningOut | None:
    return (
        OpeningOut(opens=pair[0].strftime("%H:%M"), closes=pair[1].strftime("%H:%M"))
        if pair
        else None
    )


def _person(users: dict[int, User], user_id: int | None) -> PersonRef | None:
    user = users.get(user_id) if user_id else None
    return PersonRef(id=user.id, name=user.name) if user else None


def _guardian_pupil(db: Session, user: User, pupil_id: int, action: Action) -> Pupil:
    """The child, if the user may see (READ) or register (REGISTER_LEISURE) their leisure time.
    Students get 403 for both: the box is not theirs (R1, R70)."""
    pupil = require_pupil(db, user, pupil_id, action)
    if user.kind == UserKind.STUDENT:
        raise forbidden(*STUDENT_REFUSAL)
    service.require_enrolled(db, pupil)
    return pupil


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request("invalid_date", "A date is written like 2026-12-01.", "date") from None


@router.get(
    "/children/{pupil_id}/leisure",
    response_model=LeisureWeekOut,
    summary="The child's leisure-time week (R70, R71)",
)
def leisure_week(
    pupil_id: int,
    request: Request,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
    week: str | None = Query(
        None, description='ISO week, e.g. "2026-W49"; default the current week'
    ),
) -> Response:
    """Both guardians see every registration and who made it; staff comments show only here
    (R72)."""
    pupil = _guardian_pupil(db, principal.user, pupil_id, Action.READ)
    monday = service.parse_week(week, clock)
    hours, last_locked, days, users = service.week_view(db, clock, pupil, monday)
    out = LeisureWeekOut(
        week=service.week_label(monday),
        locked_until=last_locked,
        lock_policy=hours.lock_policy,
        opening={str(i): _opening(hours.on(monday + timedelta(days=i - 1))) for i in range(1, 8)},
        days=[
            LeisureDayOut(
                date=d.date,
                closed=ClosedOut(**d.closed) if d.closed else None,
                locked=d.locked,
                opening=_opening(d.opening),
                start=_hhmm(d.row.start) if d.row else None,
                end=_hhmm(d.row.end) if d.row else None,
                comment=d.row.comment if d.row else None,
                registered_by=_person(users, d.row.registered_by)
                if d.row and d.row.start
                else None,
                updated_at=d.row.updated_at if d.row else None,
                staff_comment=d.row.staff_comment if d.row else None,
                staff_comment_by=_person(users, d.row.staff_comment_by) if d.row else None,
            )
            for d in days
        ],
    )
    return cached_json(request, out)


@router.put(
    "/children/{pupil_id}/leisure/days/{day}",
    status_code=204,
    summary="Register or change one day (R72, R73)",
)
def put_leisure_day(
    pupil_id: int, day: str, body: DayIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> Response:
    pupil = _guardian_pupil(db, principal.user, pupil_id, Action.REGISTER_LEISURE)
    service.set_day(
        db,
        clock,
        principal.user,
        pupil,
        _parse_date(day),
        service.DayTimes(body.start, body.end, body.comment),
    )
    return Response(status_code=204)


@router.delete(
    "/children/{pupil_id}/leisure/days/{day}",
    status_code=204,
    summary="Remove one day's times (R73: not on a locked day)",
)
def delete_leisure_day(
    pupil_id: int, day: str, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> Response:
    pupil = _guardian_pupil(db, principal.user, pupil_id, Action.REGISTER_LEISURE)
    service.clear_day(db, clock, principal.user, pupil, _parse_date(day))
    return Response(status_code=204)


@router.post(
    "/children/{pupil_id}/leisure/weeks",
    response_model=WeekResultOut,
    summary="Register a week, optionally repeated (R74)",
)
def register_leisure_weeks(
    pupil_id: int, body: WeekIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> WeekResultOut:
    """Times per weekday from a week whose Monday can still be scheduled, repeated every N
    weeks for `count_weeks` weeks (the period's length) or until a date. Closed days are
    skipped; weeks outside the pattern are untouched (shared custody)."""
    pupil = _guardian_pupil(db, principal.user, pupil_id, Action.REGISTER_LEISURE)
    monday = service.parse_week(body.week, clock)
    days: dict[int, service.DayTimes] = {}
    for key, value in body.days.items():
        if key not in {str(i) for i in range(1, 8)}:
            raise bad_request(
                "invalid_weekday", "Weekdays are 1 (Monday) to 7 (Sunday).", f"days.{key}"
            )
        days[int(key)] = service.DayTimes(value.start, value.end, value.comment)
    repeat = body.repeat
    if repeat is not None and (repeat.count_weeks is None) == (repeat.until is None):
        raise bad_request(
            "invalid_repeat", "Repeat for a number of weeks or until a date, not both.", "repeat"
        )
    result = service.register_weeks(
        db,
        clock,
        principal.user,
        pupil,
        monday,
        days,
        repeat.every_weeks if repeat else None,
        repeat.count_weeks if repeat else None,
        repeat.until if repeat else None,
    )
    return WeekResultOut(registered=result.registered, skipped_closed=result.skipped_closed)


# --- staff ---------------------------------------------------------------------------------------


@router.put(
    "/staff/leisure/{pupil_id}/days/{day}/comment",
    status_code=204,
    summary="Staff comment on a child's day (R72)",
)
def put_leisure_staff_comment(
    pupil_id: int,
    day: str,
    body: StaffCommentIn,
    principal: CurrentPrincipal,
    db: DbDep,
    clock: ClockDep,
) -> Response:
    """The guardian sees it in the time registration and gets no notification (R72)."""
    if principal.user.kind != UserKind.STAFF:
        raise forbidden("staff_only", "Only school staff can do this.")
    pupil = require_pupil(db, principal.user, pupil_id, Action.STAFF_WRITE)
    service.require_enrolled(db, pupil)
    service.set_staff_comment(db, clock, principal.user, pupil, _parse_date(day), body.comment)
    return Response(status_code=204)


@router.get(
    "/staff/leisure/units/{unit_id}/days/{day}",
    response_model=StaffDayOut,
    summary="Children expected on a day, per hour (staff)",
)
def leisure_unit_day(unit_id: int, day: str, principal: CurrentPrincipal, db: DbDep) -> StaffDayOut:
    require_staff_of_unit(db, principal.user, unit_id)
    the_day = _parse_date(day)
    hours = service.unit_hours(db, unit_id)
    closed = service.closed_reason(
        hours, service.closed_days(db, unit_id, the_day, the_day), the_day
    )
    opening = None if closed else hours.on(the_day)
    rows = service.day_rows(db, unit_id, the_day)
    users = service.registered_by_names(db, [r for _, r in rows])
    groups = {g.id: g.name for g in db.query(Group).filter(Group.unit_id == unit_id)}
    return StaffDayOut(
        date=the_day,
        closed=ClosedOut(**closed) if closed else None,
        opening=_opening(opening),
        expected_children=sum(1 for _, r in rows if r.start is not None),
        enrolled_children=len(service.enrolled_pupils(db, unit_id)),
        unseen_comments=sum(1 for _, r in rows if r.guardian_comment_unseen),
        children=[
            StaffChildDayOut(
                pupil=PersonRef(id=p.id, name=p.name),
                group=groups.get(p.group_id) if p.group_id else None,
                start=_hhmm(r.start),
                end=_hhmm(r.end),
                comment=r.comment,
                comment_unseen=r.guardian_comment_unseen,
                staff_comment=r.staff_comment,
                registered_by=_person(users, r.registered_by) if r.start else None,
            )
            for p, r in rows
        ],
        hours=[
            HourCount(hour=h, expected=n)
            for h, n in service.hourly_counts([r for _, r in rows], opening)
        ],
    )


@router.post(
    "/staff/leisure/units/{unit_id}/days/{day}/comments-seen",
    response_model=SeenOut,
    summary="Mark the day's guardian comments seen (staff)",
)
def mark_leisure_comments_seen(
    unit_id: int, day: str, principal: CurrentPrincipal, db: DbDep
) -> SeenOut:
    require_staff_of_unit(db, principal.user, unit_id)
    return SeenOut(marked=service.mark_comments_seen(db, unit_id, _parse_date(day)))


@router.get(
    "/staff/leisure/units/{unit_id}/unseen-comments",
    response_model=UnseenDaysOut,
    summary="Days with new guardian comments (R72, staff)",
)
def leisure_unseen_comments(
    unit_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> UnseenDaysOut:
    require_staff_of_unit(db, principal.user, unit_id)
    days = service.unseen_comment_days(db, unit_id, local_today(clock) - timedelta(days=7))
    return UnseenDaysOut(days=[UnseenDayOut(date=d, unseen_comments=n) for d, n in days])


def _settings_out(hours: service.UnitHours) -> UnitSettingsOut:
    return UnitSettingsOut(
        unit_id=hours.unit_id,
        opens=hours.opens.strftime("%H:%M"),
        closes=hours.closes.strftime("%H:%M"),
        weekday_hours={
            k: OpeningOut(opens=v[0], closes=v[1]) if v else None
            for k, v in hours.weekday_hours.items()
        },
        lock_policy=hours.lock_policy,
    )


@router.get(
    "/staff/leisure/units/{unit_id}/settings",
    response_model=UnitSettingsOut,
    summary="Opening hours and lock policy of a unit",
)
def get_leisure_settings(unit_id: int, principal: CurrentPrincipal, db: DbDep) -> UnitSettingsOut:
    require_staff_of_unit(db, principal.user, unit_id)
    return _settings_out(service.unit_hours(db, unit_id))


@router.put(
    "/staff/leisure/units/{unit_id}/settings",
    response_model=UnitSettingsOut,
    summary="Set opening hours and lock policy (administrator)",
)
def put_leisure_settings(
    unit_id: int, body: UnitSettingsIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> UnitSettingsOut:
    require_staff_of_unit(db, principal.user, unit_id, {StaffRole.ADMINISTRATOR})
    weekday = {k: (v.opens, v.closes) if v else None for k, v in body.weekday_hours.items()}
    return _settings_out(
        service.save_unit_hours(
            db, clock, unit_id, body.opens, body.closes, weekday, body.lock_policy
        )
    )


@router.put(
    "/staff/leisure/units/{unit_id}/closed-days",
    status_code=204,
    summary="Mark a day closed (administrator)",
)
def put_leisure_closed_day(
    unit_id: int, body: ClosedDayIn, principal: CurrentPrincipal, db: DbDep
) -> Response:
    require_staff_of_unit(db, principal.user, unit_id, {StaffRole.ADMINISTRATOR})
    service.add_closed_day(db, unit_id, body.date, body.reason)
    return Response(status_code=204)


@router.delete(
    "/staff/leisure/units/{unit_id}/closed-days/{day}",
    status_code=204,
    summary="Open a closed day again (administrator)",
)
def delete_leisure_closed_day(
    unit_id: int, day: str, principal: CurrentPrincipal, db: DbDep
) -> Response:
    require_staff_of_unit(db, principal.user, unit_id, {StaffRole.ADMINISTRATOR})
    service.remove_closed_day(db, unit_id, _parse_date(day))
    return Response(status_code=204)
