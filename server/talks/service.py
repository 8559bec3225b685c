"""Development talks (R30–R34): publishing times, who may see and book which time, booking and
cancelling.

Which times apply to a child (R31): the series is published for one of the child's groups, and
the time's teacher is assigned to one of the child's groups. Several teachers may hold talks
with the same group; a guardian sees only the times of the teachers who teach their child.

Uniqueness (R34) is decided by the database: `talk_booking` has a unique index on the time and
one on (series, child). A booking is an INSERT; the loser of a race gets an IntegrityError,
which becomes a 409 with a code saying which rule it hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import SCHOOL_TZ, Clock, local_now, local_today
from server.domain_errors import DomainError, bad_request, conflict, not_found
from server.notifications.fanout import notify
from server.school.models import Group, Pupil, PupilGroup, StaffAssignment, StaffRole
from server.talks.models import TalkBooking, TalkCancellation, TalkSeries, TalkSeriesGroup, TalkTime

PUBLISHER_ROLES = {
    StaffRole.TEACHER,
    StaffRole.MENTOR,
    StaffRole.PRESCHOOL_TEACHER,
    StaffRole.ADMINISTRATOR,
}


@dataclass
class NewTime:
    teacher_id: int
    date: date
    start: time
    length_minutes: int
    place: str


def starts_at(t: TalkTime) -> datetime:
    return datetime.combine(t.date, t.start, tzinfo=SCHOOL_TZ)


def ends_at(t: TalkTime) -> datetime:
    return starts_at(t) + timedelta(minutes=t.length_minutes)


def hhmm(value: datetime | time) -> str:
    return value.strftime("%H:%M")


# --- which times apply to a child ----------------------------------------------------------------


def _child_groups(pupil_id: int) -> Select[int]:
    return select(PupilGroup.group_id).where(PupilGroup.pupil_id == pupil_id)


def applicable_times(pupil_id: int) -> Select[TalkTime]:
    """Times whose series targets one of the child's groups and whose teacher teaches one of
    them (R31)."""
    groups = _child_groups(pupil_id)
    series_targets = exists().where(
        TalkSeriesGroup.series_id == TalkTime.series_id, TalkSeriesGroup.group_id.in_(groups)
    )
    teacher_teaches = exists().where(
        StaffAssignment.user_id == TalkTime.teacher_id, StaffAssignment.group_id.in_(groups)
    )
    return select(TalkTime).where(series_targets, teacher_teaches)


def _upcoming(times: list[TalkTime], clock: Clock) -> list[TalkTime]:
    now = local_now(clock)
    return [t for t in times if starts_at(t) > now]


def child_talks(
    db: Session, clock: Clock, pupil: Pupil
) -> list[tuple[TalkSeries, list[tuple[TalkTime, User, TalkBooking | None]]]]:
    """Upcoming times that apply to the child, per series, with their bookings.

    The caller shows only whether a time is booked, and the booking itself only when it is this
    child's: a guardian never learns who else booked (R2)."""
    today = local_today(clock)
    query = (
        applicable_times(pupil.id)
        .where(TalkTime.date >= today)
        .order_by(
            TalkTime.series_id, TalkTime.date, TalkTime.start, TalkTime.teacher_id, TalkTime.id
        )
    )
    times = _upcoming(list(db.scalars(query)), clock)
    if not times:
        return []
    series_ids = {t.series_id for t in times}
    series = {s.id: s for s in db.scalars(select(TalkSeries).where(TalkSeries.id.in_(series_ids)))}
    teachers = {
        u.id: u for u in db.scalars(select(User).where(User.id.in_({t.teacher_id for t in times})))
    }
    bookings = {
        b.time_id: b
        for b in db.scalars(
            select(TalkBooking).where(TalkBooking.time_id.in_([t.id for t in times]))
        )
    }
    out: dict[int, list[tuple[TalkTime, User, TalkBooking | None]]] = {}
    for t in times:
        out.setdefault(t.series_id, []).append((t, teachers[t.teacher_id], bookings.get(t.id)))
    return [
        (series[sid], rows)
        for sid, rows in sorted(out.items(), key=lambda kv: (series[kv[0]].created_at, kv[0]))
    ]


# The home box's question in one statement, built once: the child's applicable times from today
# on (R31), each with whether the child already has a booking in its series.
_CHILD_GROUPS = select(PupilGroup.group_id).where(PupilGroup.pupil_id == bindparam("pupil_id"))
_OPEN_SERIES = select(
    TalkTime.series_id,
    TalkTime.date,
    TalkTime.start,
    exists().where(TalkBooking.series_id == TalkTime.series_id, TalkBooking.pupil_id == bindparam("pupil_id")),
).where(
    TalkTime.date >= bindparam("today"),
    exists().where(TalkSeriesGroup.series_id == TalkTime.series_id, TalkSeriesGroup.group_id.in_(_CHILD_GROUPS)),
    exists().where(StaffAssignment.user_id == TalkTime.teacher_id, StaffAssignment.group_id.in_(_CHILD_GROUPS)),
)


def open_series_count(db: Session, clock: Clock, pupil: Pupil) -> int | None:
    """For the home box (R30): None when no upcoming time applies to the child; otherwise the
    number of series in which the child still has no booking. The same times as
    applicable_times() and the same "upcoming" as _upcoming(), in one query."""
    now = local_now(clock)
    rows = db.execute(_OPEN_SERIES, {"pupil_id": pupil.id, "today": now.date()}).all()
    series: dict[int, bool] = {}
    for series_id, day, start, booked in rows:
        if datetime.combine(day, start, tzinfo=SCHOOL_TZ) > now:
            series[series_id] = bool(booked)
    if not series:
        return None
    return sum(1 for booked in series.values() if not booked)


# --- booking -------------------------------------------------------------------------------------


def book(
    db: Session, clock: Clock, user: User, pupil: Pupil, time_id: int, message: str | None
) -> TalkBooking:
    """Book `time_id` for `pupil` (the caller has checked the user may book for the child).

    R32: the message reaches staff only through their overview — no notification is made."""
    talk_time = db.scalar(applicable_times(pupil.id).where(TalkTime.id == time_id))
    if talk_time is None:
        raise not_found("talk time")
    if starts_at(talk_time) <= local_now(clock):
        raise bad_request("talk_time_in_past", "This time has already passed.", "time_id")
    text = (message or "").strip() or None
    booking = TalkBooking(
        time_id=talk_time.id,
        series_id=talk_time.series_id,
        pupil_id=pupil.id,
        booked_by=user.id,
        message=text,
        created_at=clock.now(),
    )
    try:
        # A savepoint: a unique index refusing the row leaves the request's transaction usable
        # (PostgreSQL aborts a transaction on an error) for asking which index it was, and its
        # rollback takes the refused row out of the session again.
        with db.begin_nested():
            db.add(booking)
            db.flush()
    except IntegrityError:
        raise _booking_conflict(db, talk_time.id, talk_time.series_id, pupil.id) from None
    return booking


def _booking_conflict(db: Session, time_id: int, series_id: int, pupil_id: int) -> DomainError:
    """Which unique index refused the booking. The request's unit of work rolls back as soon
    as the error leaves the route (server/deps.get_db), so a losing request gives its
    connection (and SQLite's write lock) back at once."""
    mine = db.scalar(
        select(TalkBooking.time_id).where(
            TalkBooking.series_id == series_id, TalkBooking.pupil_id == pupil_id
        )
    )
    if mine is not None and mine != time_id:
        return conflict(
            "child_already_booked_in_series",
            "The child already has a booked time in this series; cancel it first to choose "
            "another.",
        )
    return conflict(
        "talk_time_already_booked", "This time has already been booked. Choose another time."
    )


def booking_for_cancel(db: Session, booking_id: int) -> TalkBooking:
    booking = db.get(TalkBooking, booking_id)
    if booking is None:
        raise not_found("booking")
    return booking


def cancel(db: Session, clock: Clock, user: User, booking: TalkBooking) -> None:
    """Avboka (R33): the row goes, so the time is free again; a cancellation record stays."""
    talk_time = db.get(TalkTime, booking.time_id)
    if talk_time is not None and starts_at(talk_time) <= local_now(clock):
        raise conflict(
            "talk_already_started", "A talk that has started or passed cannot be cancelled."
        )
    db.add(
        TalkCancellation(
            time_id=booking.time_id,
            series_id=booking.series_id,
            pupil_id=booking.pupil_id,
            booked_by=booking.booked_by,
            cancelled_by=user.id,
            booked_at=booking.created_at,
            cancelled_at=clock.now(),
        )
    )
    db.delete(booking)
    db.flush()


# --- staff ---------------------------------------------------------------------------------------


def series_unit(db: Session, group_ids: list[int]) -> int:
    groups = list(db.scalars(select(Group).where(Group.id.in_(group_ids))))
    if len(groups) != len(set(group_ids)):
        raise bad_request("unknown_group", "One of the groups does not exist.", "group_ids")
    units = {g.unit_id for g in groups}
    if len(units) != 1:
        raise bad_request(
            "groups_in_several_units", "A series is published for groups of one unit.", "group_ids"
        )
    return units.pop()


def _check_times(
    db: Session, clock: Clock, group_ids: list[int], unit_id: int, times: list[NewTime]
) -> None:
    now = local_now(clock)
    teacher_ids = {t.teacher_id for t in times}
    assigned = set(
        db.scalars(
            select(StaffAssignment.user_id).where(
                StaffAssignment.user_id.in_(teacher_ids),
                StaffAssignment.unit_id == unit_id,
                StaffAssignment.group_id.in_(group_ids),
            )
        )
    )
    for i, t in enumerate(times):
        if t.teacher_id not in assigned:
            raise bad_request(
                "teacher_not_assigned_to_groups",
                "The teacher of a time must teach one of the series' groups, or no guardian "
                "could see the time (R31).",
                f"times.{i}.teacher_id",
            )
        if datetime.combine(t.date, t.start, tzinfo=SCHOOL_TZ) <= now:
            raise bad_request(
                "talk_time_in_past", "A talk time must lie in the future.", f"times.{i}.date"
            )
        if not t.place.strip():
            raise bad_request("place_required", "Give a place or a link.", f"times.{i}.place")


def publish_series(
    db: Session, clock: Clock, user: User, title: str, group_ids: list[int], times: list[NewTime]
) -> TalkSeries:
    """Create a series with its times and tell the guardians concerned (not students: R1)."""
    series = create_series(db, clock, user, title, group_ids, times)
    db.flush()
    return series


def create_series(
    db: Session, clock: Clock, user: User, title: str, group_ids: list[int], times: list[NewTime]
) -> TalkSeries:
    """The series and its times (what publish_series does; the demo seed calls it directly)."""
    unit_id = series_unit(db, group_ids)
    _check_times(db, clock, group_ids, unit_id, times)
    series = TalkSeries(
        unit_id=unit_id, title=title.strip(), created_by=user.id, created_at=clock.now()
    )
    db.add(series)
    db.flush()
    for gid in sorted(set(group_ids)):
        db.add(TalkSeriesGroup(series_id=series.id, group_id=gid))
    _insert_times(db, clock, series, times)
    return series


def add_times(
    db: Session, clock: Clock, series: TalkSeries, times: list[NewTime]
) -> list[TalkTime]:
    group_ids = series_group_ids(db, series.id)
    _check_times(db, clock, group_ids, series.unit_id, times)
    rows = _insert_times(db, clock, series, times)
    db.flush()
    return rows


def _insert_times(
    db: Session, clock: Clock, series: TalkSeries, times: list[NewTime]
) -> list[TalkTime]:
    rows = [
        TalkTime(
            series_id=series.id,
            teacher_id=t.teacher_id,
            date=t.date,
            start=t.start,
            length_minutes=t.length_minutes,
            place=t.place.strip(),
            created_at=clock.now(),
        )
        for t in times
    ]
    db.add_all(rows)
    db.flush()
    if rows:
        notify_guardians(db, clock, series)
    return rows


def notify_guardians(db: Session, clock: Clock, series: TalkSeries) -> int:
    """Guardians of every child an upcoming time of the series applies to; once per series."""
    pg = PupilGroup.__table__.alias("child_group")
    pupils = (
        select(PupilGroup.pupil_id)
        .join(TalkSeriesGroup, TalkSeriesGroup.group_id == PupilGroup.group_id)
        .where(TalkSeriesGroup.series_id == series.id)
        .where(
            exists()
            .where(TalkTime.series_id == series.id, TalkTime.date >= local_today(clock))
            .where(StaffAssignment.user_id == TalkTime.teacher_id)
            .where(pg.c.pupil_id == PupilGroup.pupil_id, StaffAssignment.group_id == pg.c.group_id)
        )
        .distinct()
    )
    return notify(
        db,
        clock,
        pupils,  # type: ignore[arg-type]  # Select[int] in SQLAlchemy 2.1's typing
        area="talks",
        type="talk_times_published",
        params={"title": series.title},
        item_key=f"talk_series:{series.id}",
        link="/children/{pupil_id}/talks",
        include_students=False,
    )


def series_group_ids(db: Session, series_id: int) -> list[int]:
    return list(
        db.scalars(
            select(TalkSeriesGroup.group_id)
            .where(TalkSeriesGroup.series_id == series_id)
            .order_by(TalkSeriesGroup.group_id)
        )
    )


def get_series(db: Session, series_id: int) -> TalkSeries:
    series = db.get(TalkSeries, series_id)
    if series is None:
        raise not_found("talk series")
    return series


def staff_series(db: Session, unit_ids: set[int]) -> list[TalkSeries]:
    return list(
        db.scalars(
            select(TalkSeries)
            .where(TalkSeries.unit_id.in_(unit_ids))
            .order_by(TalkSeries.created_at.desc(), TalkSeries.id.desc())
        )
    )


def series_counts(db: Session, series_ids: list[int]) -> dict[int, tuple[int, int]]:
    times = dict(
        db.execute(
            select(TalkTime.series_id, func.count())
            .where(TalkTime.series_id.in_(series_ids))
            .group_by(TalkTime.series_id)
        ).all()
    )
    booked = dict(
        db.execute(
            select(TalkBooking.series_id, func.count())
            .where(TalkBooking.series_id.in_(series_ids))
            .group_by(TalkBooking.series_id)
        ).all()
    )
    return {sid: (int(times.get(sid, 0)), int(booked.get(sid, 0))) for sid in series_ids}


def overview(
    db: Session, series: TalkSeries
) -> list[tuple[TalkTime, User, TalkBooking | None, Pupil | None, User | None]]:
    """Every time of the series with its booking, the child, the guardian who booked and the
    message (R32: this is where staff read it)."""
    times = list(
        db.scalars(
            select(TalkTime)
            .where(TalkTime.series_id == series.id)
            .order_by(TalkTime.date, TalkTime.start, TalkTime.teacher_id, TalkTime.id)
        )
    )
    bookings = {
        b.time_id: b
        for b in db.scalars(select(TalkBooking).where(TalkBooking.series_id == series.id))
    }
    user_ids = {t.teacher_id for t in times} | {
        b.booked_by for b in bookings.values() if b.booked_by
    }
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))}
    pupils = {
        p.id: p
        for p in db.scalars(
            select(Pupil).where(Pupil.id.in_({b.pupil_id for b in bookings.values()}))
        )
    }
    rows = []
    for t in times:
        b = bookings.get(t.id)
        rows.append(
            (
                t,
                users[t.teacher_id],
                b,
                pupils.get(b.pupil_id) if b else None,
                users.get(b.booked_by) if b and b.booked_by else None,
            )
        )
    return rows


def box_count(db: Session, user: User, pupil: Pupil, clock: Clock) -> int | None:
    """The home box (server/app.py AREAS): shown only when upcoming times apply to the child,
    never to students (R1, R30). Count: the series in which the child still has no booked time
    (0 once all are booked)."""
    if user.kind == UserKind.STUDENT:
        return None
    return open_series_count(db, clock, pupil)
