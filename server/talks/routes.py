"""HTTP for development talks (R30–R34): the guardian's times and bookings, staff publishing
and the staff overview."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from server.access import (
    Action,
    CurrentPrincipal,
    current_principal,
    require_pupil,
    require_staff,
    require_staff_of_unit,
    staff_unit_ids,
)
from server.accounts.models import User, UserKind
from server.clock import Clock
from server.db import unit_of_work
from server.deps import ClockDep, DbDep
from server.domain_errors import forbidden
from server.http_cache import cached_json
from server.publishing import mark_area_read
from server.talks import service
from server.talks.models import TalkSeries, TalkTime
from server.talks.schemas import (
    BookingIn,
    BookingOut,
    ChildTalkSeriesOut,
    ChildTalksOut,
    ChildTalkTimeOut,
    OverviewBookingOut,
    OverviewTimeOut,
    PersonRef,
    SeriesListOut,
    SeriesOut,
    SeriesOverviewOut,
    TalkSeriesIn,
    TalkTimeIn,
    TalkTimesIn,
)

router = APIRouter(tags=["talks"])

STUDENT_REFUSAL = (
    "students_cannot_book_talks",
    "Students cannot book development talks; a guardian books them (R30).",
)


def _person(user: User) -> PersonRef:
    return PersonRef(id=user.id, name=user.name)


def _time_fields(t: TalkTime) -> dict[str, object]:
    return {
        "id": t.id,
        "date": t.date,
        "start": service.hhmm(t.start),
        "end": service.hhmm(service.ends_at(t)),
        "length_minutes": t.length_minutes,
        "place": t.place,
    }


@router.get(
    "/children/{pupil_id}/talks",
    response_model=ChildTalksOut,
    summary="Bookable talk times for the child (R30, R31)",
)
def child_talks(
    pupil_id: int, request: Request, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> Response:
    """Upcoming times of the teachers who teach the child, per series. A time shows only
    whether it is booked; who booked it is never shown unless it is this child."""
    pupil = require_pupil(db, principal.user, pupil_id, Action.READ)
    if principal.user.kind == UserKind.STUDENT:
        raise forbidden(*STUDENT_REFUSAL)
    mark_area_read(db, clock, principal.user, pupil.id, "talks")  # the published times are shown
    out = ChildTalksOut(
        series=[
            ChildTalkSeriesOut(
                id=series.id,
                title=series.title,
                times=[
                    ChildTalkTimeOut(
                        **_time_fields(t),  # type: ignore[arg-type]
                        teacher=_person(teacher),
                        booked=booking is not None,
                        booked_by_this_child=booking is not None and booking.pupil_id == pupil.id,
                        booking_id=booking.id
                        if booking is not None and booking.pupil_id == pupil.id
                        else None,
                    )
                    for t, teacher, booking in rows
                ],
            )
            for series, rows in service.child_talks(db, clock, pupil)
        ]
    )
    return cached_json(request, out)


@router.post(
    "/talks/times/{time_id}/bookings",
    response_model=BookingOut,
    status_code=201,
    summary="Book a talk time for a child (R30, R32, R34)",
)
def book_talk(time_id: int, body: BookingIn, request: Request) -> JSONResponse:
    """One booking per time and one per child in a series, decided by the database: the loser
    of a race gets 409 `talk_time_already_booked`. Staff get no notification (R32).

    Authentication, the checks and the insert run in one session on one worker thread, so a
    request never holds a database connection while it waits for a thread: under a burst of
    bookings (many guardians the moment times open) nothing can starve the pool. The session
    is the same unit of work every other request gets from DbDep (server/db.unit_of_work)."""
    clock: Clock = request.app.state.clock
    with unit_of_work(request.app.state.sessionmaker) as db:
        principal = current_principal(request, db, clock)
        pupil = require_pupil(db, principal.user, body.pupil_id, Action.BOOK_TALK)
        booking = service.book(db, clock, principal.user, pupil, time_id, body.message)
    out = BookingOut(
        id=booking.id,
        time_id=booking.time_id,
        series_id=booking.series_id,
        pupil_id=booking.pupil_id,
        message=booking.message,
        created_at=booking.created_at,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201)


@router.delete(
    "/talks/bookings/{booking_id}", status_code=204, summary="Cancel (Avboka) a booked talk (R33)"
)
def cancel_talk_booking(
    booking_id: int, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> Response:
    """Frees the time. The guardian should also send a message to the teacher (R33)."""
    booking = service.booking_for_cancel(db, booking_id)
    require_pupil(db, principal.user, booking.pupil_id, Action.BOOK_TALK)
    service.cancel(db, clock, principal.user, booking)
    return Response(status_code=204)


# --- staff ---------------------------------------------------------------------------------------


def _new_times(user: User, times: list[TalkTimeIn]) -> list[service.NewTime]:
    return [
        service.NewTime(
            teacher_id=t.teacher_id or user.id,
            date=t.date,
            start=t.start.replace(second=0, microsecond=0, tzinfo=None),
            length_minutes=t.length_minutes,
            place=t.place,
        )
        for t in times
    ]


def _series_out(
    db: Session, series: TalkSeries, counts: tuple[int, int] | None = None
) -> SeriesOut:
    times_count, booked_count = counts or service.series_counts(db, [series.id])[series.id]
    creator = db.get(User, series.created_by) if series.created_by else None
    return SeriesOut(
        id=series.id,
        unit_id=series.unit_id,
        title=series.title,
        group_ids=service.series_group_ids(db, series.id),
        created_by=_person(creator) if creator else None,
        created_at=series.created_at,
        times_count=times_count,
        booked_count=booked_count,
    )


def _staff_series(db: Session, user: User, series_id: int) -> TalkSeries:
    require_staff(user)
    series = service.get_series(db, series_id)
    require_staff_of_unit(db, user, series.unit_id)
    return series


@router.post(
    "/staff/talks/series",
    response_model=SeriesOut,
    status_code=201,
    summary="Publish bookable talk times for groups (staff)",
)
def publish_talk_series(
    body: TalkSeriesIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> JSONResponse:
    """Each time names its teacher (R31), who must teach one of the groups. Guardians of the
    children concerned get a notification (area "talks"); students do not (R1)."""
    require_staff(principal.user)
    unit_id = service.series_unit(db, body.group_ids)
    require_staff_of_unit(db, principal.user, unit_id, service.PUBLISHER_ROLES)
    series = service.publish_series(
        db,
        clock,
        principal.user,
        body.title,
        body.group_ids,
        _new_times(principal.user, body.times),
    )
    return JSONResponse(_series_out(db, series).model_dump(mode="json"), status_code=201)


@router.post(
    "/staff/talks/series/{series_id}/times",
    response_model=SeriesOut,
    status_code=201,
    summary="Add times to a talk series (staff)",
)
def add_talk_times(
    series_id: int, body: TalkTimesIn, principal: CurrentPrincipal, db: DbDep, clock: ClockDep
) -> JSONResponse:
    series = _staff_series(db, principal.user, series_id)
    require_staff_of_unit(db, principal.user, series.unit_id, service.PUBLISHER_ROLES)
    service.add_times(db, clock, series, _new_times(principal.user, body.times))
    return JSONResponse(_series_out(db, series).model_dump(mode="json"), status_code=201)


@router.get(
    "/staff/talks/series",
    response_model=SeriesListOut,
    summary="Talk series of the staff member's units",
)
def list_talk_series(principal: CurrentPrincipal, db: DbDep) -> SeriesListOut:
    require_staff(principal.user)
    series = service.staff_series(db, staff_unit_ids(db, principal.user))
    counts = service.series_counts(db, [s.id for s in series])
    return SeriesListOut(series=[_series_out(db, s, counts[s.id]) for s in series])


@router.get(
    "/staff/talks/series/{series_id}/overview",
    response_model=SeriesOverviewOut,
    summary="Staff overview of bookings with messages (R32)",
)
def talk_series_overview(
    series_id: int, principal: CurrentPrincipal, db: DbDep
) -> SeriesOverviewOut:
    series = _staff_series(db, principal.user, series_id)
    times = []
    for t, teacher, booking, pupil, guardian in service.overview(db, series):
        times.append(
            OverviewTimeOut(
                **_time_fields(t),  # type: ignore[arg-type]
                teacher=_person(teacher),
                booking=OverviewBookingOut(
                    id=booking.id,
                    child=PersonRef(id=pupil.id, name=pupil.name),
                    guardian=_person(guardian) if guardian else None,
                    message=booking.message,
                    booked_at=booking.created_at,
                )
                if booking is not None and pupil is not None
                else None,
            )
        )
    return SeriesOverviewOut(series=_series_out(db, series), times=times)
