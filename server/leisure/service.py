"""Leisure-time registration (R70–R74): the rules, on a session and a clock.

Locked days (R73): no change — times or comment — to a locked day. Which days are locked is
the unit's policy: "same_day" (the guide's municipality: today and earlier), "current_week"
(the whole current ISO week and earlier) or "next_7_days" (before today + 7).

Closed days: a weekday without opening hours (by default Saturday and Sunday), a Swedish
public holiday (`holidays.Sweden`), or a day the unit has closed itself.

Week registration (R74): times per ISO weekday, starting on a week whose Monday is not locked,
repeated every N weeks. `count_weeks` is the length of the period in weeks, counted from the
first week (every 2 weeks for 6 weeks fills weeks 0, 2 and 4); `until` ends the period on a
date (days after it are not filled). Weeks between the repetitions are left untouched, so
guardians sharing custody can each fill their own weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

import holidays
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock, local_today
from server.db import affected
from server.domain_errors import NotFound, bad_request, conflict
from server.leisure.models import LeisureClosedDay, LeisureDay, LeisureUnitSettings, LockPolicy
from server.school.models import Pupil, Unit, UnitKind

DEFAULT_OPENS = time(6, 30)
DEFAULT_CLOSES = time(18, 0)
MAX_REPEAT_WEEKS = 53
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


# --- unit settings, opening hours, closed days ---------------------------------------------------


@dataclass
class UnitHours:
    unit_id: int
    opens: time = DEFAULT_OPENS
    closes: time = DEFAULT_CLOSES
    weekday_hours: dict[str, list[str] | None] = field(default_factory=dict)
    lock_policy: str = LockPolicy.SAME_DAY

    def on(self, day: date) -> tuple[time, time] | None:
        """Opening hours on `day`'s weekday, or None when the unit is closed that weekday."""
        key = str(day.isoweekday())
        if key in self.weekday_hours:
            pair = self.weekday_hours[key]
            return (time.fromisoformat(pair[0]), time.fromisoformat(pair[1])) if pair else None
        return (self.opens, self.closes) if day.isoweekday() <= 5 else None


def unit_hours(db: Session, unit_id: int) -> UnitHours:
    row = db.get(LeisureUnitSettings, unit_id)
    if row is None:
        return UnitHours(unit_id=unit_id)
    return UnitHours(
        unit_id=unit_id,
        opens=row.opens,
        closes=row.closes,
        weekday_hours=dict(row.weekday_hours or {}),
        lock_policy=row.lock_policy,
    )


def save_unit_hours(
    db: Session,
    clock: Clock,
    unit_id: int,
    opens: time,
    closes: time,
    weekday_hours: dict[str, tuple[time, time] | None],
    lock_policy: str,
) -> UnitHours:
    if opens >= closes:
        raise bad_request(
            "opens_must_be_before_closes", "Opening time must be before closing time.", "opens"
        )
    if lock_policy not in LockPolicy.ALL:
        raise bad_request(
            "invalid_lock_policy",
            "Lock policy is same_day, current_week or next_7_days.",
            "lock_policy",
        )
    stored: dict[str, list[str] | None] = {}
    for key, pair in weekday_hours.items():
        if key not in {str(i) for i in range(1, 8)}:
            raise bad_request(
                "invalid_weekday", "Weekdays are 1 (Monday) to 7 (Sunday).", f"weekday_hours.{key}"
            )
        if pair is not None and pair[0] >= pair[1]:
            raise bad_request(
                "opens_must_be_before_closes",
                "Opening time must be before closing time.",
                f"weekday_hours.{key}",
            )
        stored[key] = [pair[0].strftime("%H:%M"), pair[1].strftime("%H:%M")] if pair else None
    row = db.get(LeisureUnitSettings, unit_id)
    if row is None:
        row = LeisureUnitSettings(unit_id=unit_id, updated_at=clock.now())
        db.add(row)
    row.opens, row.closes, row.weekday_hours, row.lock_policy, row.updated_at = (
        opens,
        closes,
        stored,
        lock_policy,
        clock.now(),
    )
    db.flush()
    return unit_hours(db, unit_id)


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> dict[date, str]:
    return dict(holidays.Sweden(years=year, language="sv").items())


def public_holiday(day: date) -> str | None:
    return _swedish_holidays(day.year).get(day)


def closed_days(db: Session, unit_id: int, first: date, last: date) -> dict[date, str]:
    return dict(
        db.execute(
            select(LeisureClosedDay.date, LeisureClosedDay.reason).where(
                LeisureClosedDay.unit_id == unit_id,
                LeisureClosedDay.date >= first,
                LeisureClosedDay.date <= last,
            )
        ).all()
    )


def closed_reason(
    hours: UnitHours, own_closed: dict[date, str], day: date
) -> dict[str, str] | None:
    """{"kind", "reason"} when the unit is closed on `day`, else None."""
    if day in own_closed:
        return {"kind": "closed_day", "reason": own_closed[day]}
    holiday = public_holiday(day)
    if holiday:
        return {"kind": "holiday", "reason": holiday}
    if hours.on(day) is None:
        return {"kind": "weekday_closed", "reason": "Stängt" if day.isoweekday() <= 5 else "Helg"}
    return None


def add_closed_day(db: Session, unit_id: int, day: date, reason: str) -> None:
    from server.db import insert_ignoring_conflicts

    inserted = insert_ignoring_conflicts(
        db,
        LeisureClosedDay,
        {"unit_id": unit_id, "date": day, "reason": reason.strip()},
        ["unit_id", "date"],
    )
    if not inserted:
        db.execute(
            update(LeisureClosedDay)
            .where(LeisureClosedDay.unit_id == unit_id, LeisureClosedDay.date == day)
            .values(reason=reason.strip())
        )
    db.flush()


def remove_closed_day(db: Session, unit_id: int, day: date) -> None:
    row = db.scalar(
        select(LeisureClosedDay).where(
            LeisureClosedDay.unit_id == unit_id, LeisureClosedDay.date == day
        )
    )
    if row is not None:
        db.delete(row)
    db.flush()


# --- locking (R73) -------------------------------------------------------------------------------


def locked_until(policy: str, today: date) -> date:
    """The last locked date: every date up to and including it is locked."""
    if policy == LockPolicy.CURRENT_WEEK:
        return today + timedelta(days=7 - today.isoweekday())
    if policy == LockPolicy.NEXT_7_DAYS:
        return today + timedelta(days=6)
    return today


# --- eligibility ---------------------------------------------------------------------------------


def is_enrolled(db: Session, pupil: Pupil) -> bool:
    """Fritids children at school, and every preschool child (R70)."""
    unit = db.get(Unit, pupil.unit_id)
    return unit is not None and (unit.kind == UnitKind.PRESCHOOL or bool(pupil.in_fritids))


def require_enrolled(db: Session, pupil: Pupil) -> None:
    if not is_enrolled(db, pupil):
        raise NotFound(
            "not_enrolled_in_leisure", "The child is not enrolled in fritids or preschool."
        )


def parse_week(value: str | None, clock: Clock) -> date:
    """ISO week "2026-W49" → its Monday; None → the current week."""
    if value is None:
        today = local_today(clock)
        return today - timedelta(days=today.isoweekday() - 1)
    match = WEEK_RE.match(value)
    try:
        if not match:
            raise ValueError(value)
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise bad_request("invalid_week", "A week is written like 2026-W49.", "week") from None


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


# --- reading -------------------------------------------------------------------------------------


@dataclass
class DayView:
    date: date
    closed: dict[str, str] | None
    locked: bool
    opening: tuple[time, time] | None
    row: LeisureDay | None


def week_view(
    db: Session, clock: Clock, pupil: Pupil, monday: date
) -> tuple[UnitHours, date, list[DayView], dict[int, User]]:
    hours = unit_hours(db, pupil.unit_id)
    last_locked = locked_until(hours.lock_policy, local_today(clock))
    sunday = monday + timedelta(days=6)
    own = closed_days(db, pupil.unit_id, monday, sunday)
    rows = {
        r.date: r
        for r in db.scalars(
            select(LeisureDay).where(
                LeisureDay.pupil_id == pupil.id,
                LeisureDay.date >= monday,
                LeisureDay.date <= sunday,
            )
        )
    }
    user_ids = {r.registered_by for r in rows.values() if r.registered_by} | {
        r.staff_comment_by for r in rows.values() if r.staff_comment_by
    }
    users = (
        {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    )
    days = []
    for i in range(7):
        day = monday + timedelta(days=i)
        closed = closed_reason(hours, own, day)
        days.append(
            DayView(
                date=day,
                closed=closed,
                locked=day <= last_locked,
                opening=None if closed else hours.on(day),
                row=rows.get(day),
            )
        )
    return hours, last_locked, days, users


# --- writing (guardians) -------------------------------------------------------------------------


@dataclass
class DayTimes:
    start: time
    end: time
    comment: str | None = None


def _clean_time(value: time) -> time:
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _check_day(
    hours: UnitHours,
    own: dict[date, str],
    last_locked: date,
    day: date,
    times: DayTimes | None,
    field: str,
) -> None:
    if day <= last_locked:
        raise conflict(
            "leisure_day_locked",
            "This day can no longer be changed; send a message to the staff or phone them (R73).",
        )
    if times is None:
        return
    if closed_reason(hours, own, day) is not None:
        raise bad_request("unit_closed", "The unit is closed that day.", field)
    if times.start >= times.end:
        raise bad_request(
            "start_must_be_before_end", "The start time must be before the end time.", field
        )
    opening = hours.on(day)
    assert opening is not None
    if times.start < opening[0] or times.end > opening[1]:
        raise bad_request(
            "outside_opening_hours",
            f"The times must lie within the opening hours {opening[0]:%H:%M}–{opening[1]:%H:%M}.",
            field,
        )
    if times.comment and len(times.comment) > 500:
        raise bad_request("comment_too_long", "A comment is at most 500 characters.", field)


def _upsert(db: Session, values: dict[str, Any], update_columns: list[str]) -> None:
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    stmt = dialect_insert(LeisureDay).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["pupil_id", "date"], set_={c: stmt.excluded[c] for c in update_columns}
    )
    db.execute(stmt)


def write_times(
    db: Session,
    clock: Clock,
    user: User,
    pupil_id: int,
    day: date,
    times: DayTimes,
    existing: LeisureDay | None,
) -> None:
    comment = (times.comment or "").strip() or None
    previous = existing.comment if existing is not None else None
    # A new or changed guardian comment is flagged for staff until they mark it seen (R72).
    still_unseen = existing is not None and existing.guardian_comment_unseen
    unseen = comment is not None and (comment != previous or still_unseen)
    _upsert(
        db,
        {
            "pupil_id": pupil_id,
            "date": day,
            "start": _clean_time(times.start),
            "end": _clean_time(times.end),
            "comment": comment,
            "registered_by": user.id,
            "updated_at": clock.now(),
            "guardian_comment_unseen": unseen,
        },
        ["start", "end", "comment", "registered_by", "updated_at", "guardian_comment_unseen"],
    )


def set_day(
    db: Session, clock: Clock, user: User, pupil: Pupil, day: date, times: DayTimes
) -> None:
    """Register or change one day (R72); refused on a locked day (R73)."""
    hours = unit_hours(db, pupil.unit_id)
    own = closed_days(db, pupil.unit_id, day, day)
    _check_day(hours, own, locked_until(hours.lock_policy, local_today(clock)), day, times, "start")
    existing = db.scalar(
        select(LeisureDay).where(LeisureDay.pupil_id == pupil.id, LeisureDay.date == day)
    )
    write_times(db, clock, user, pupil.id, day, times, existing)
    db.flush()


def clear_day(db: Session, clock: Clock, user: User, pupil: Pupil, day: date) -> None:
    """Remove the day's times and comment; a staff comment, if any, stays."""
    hours = unit_hours(db, pupil.unit_id)
    _check_day(hours, {}, locked_until(hours.lock_policy, local_today(clock)), day, None, "date")
    row = db.scalar(
        select(LeisureDay).where(LeisureDay.pupil_id == pupil.id, LeisureDay.date == day)
    )
    if row is None:
        return
    if row.staff_comment:
        row.start = row.end = row.comment = None
        row.registered_by, row.updated_at, row.guardian_comment_unseen = user.id, clock.now(), False
    else:
        db.delete(row)
    db.flush()


@dataclass
class WeekResult:
    registered: list[date]
    skipped_closed: list[date]


def pattern_dates(
    monday: date, every_weeks: int, count_weeks: int | None, until: date | None
) -> list[date]:
    """The Mondays of the weeks a repeated week registration fills (R74)."""
    if every_weeks < 1 or every_weeks > MAX_REPEAT_WEEKS:
        raise bad_request("invalid_repeat", "Repeat every 1 to 53 weeks.", "repeat.every_weeks")
    if count_weeks is not None:
        if count_weeks < 1 or count_weeks > MAX_REPEAT_WEEKS:
            raise bad_request("invalid_repeat", "Repeat for 1 to 53 weeks.", "repeat.count_weeks")
        return [monday + timedelta(weeks=w) for w in range(0, count_weeks, every_weeks)]
    assert until is not None
    if until < monday:
        raise bad_request(
            "invalid_repeat", "The end date is before the first week.", "repeat.until"
        )
    if until > monday + timedelta(weeks=MAX_REPEAT_WEEKS):
        raise bad_request("invalid_repeat", "Repeat for at most a year.", "repeat.until")
    mondays = []
    w = 0
    while monday + timedelta(weeks=w) <= until:
        mondays.append(monday + timedelta(weeks=w))
        w += every_weeks
    return mondays


def register_weeks(
    db: Session,
    clock: Clock,
    user: User,
    pupil: Pupil,
    monday: date,
    days: dict[int, DayTimes],
    every_weeks: int | None,
    count_weeks: int | None,
    until: date | None,
) -> WeekResult:
    """Fill the given weekdays of the pattern's weeks; closed days are skipped, other weekdays
    and weeks are untouched. All or nothing: one invalid day refuses the whole request."""
    hours = unit_hours(db, pupil.unit_id)
    last_locked = locked_until(hours.lock_policy, local_today(clock))
    if monday <= last_locked:
        raise bad_request(
            "week_not_schedulable",
            "Start on a week whose Monday can still be scheduled (R74).",
            "week",
        )
    mondays = (
        [monday] if every_weeks is None else pattern_dates(monday, every_weeks, count_weeks, until)
    )
    dates = sorted(m + timedelta(days=wd - 1) for m in mondays for wd in days)
    if until is not None:
        dates = [d for d in dates if d <= until]
    if not dates:
        return WeekResult([], [])
    own = closed_days(db, pupil.unit_id, dates[0], dates[-1])
    registered, skipped = [], []
    for d in dates:
        if closed_reason(hours, own, d) is not None:
            skipped.append(d)
            continue
        _check_day(hours, own, last_locked, d, days[d.isoweekday()], f"days.{d.isoweekday()}")
        registered.append(d)
    existing = (
        {
            r.date: r
            for r in db.scalars(
                select(LeisureDay).where(
                    LeisureDay.pupil_id == pupil.id, LeisureDay.date.in_(registered)
                )
            )
        }
        if registered
        else {}
    )
    for d in registered:
        write_times(db, clock, user, pupil.id, d, days[d.isoweekday()], existing.get(d))
    db.flush()
    return WeekResult(registered, skipped)


# --- staff ---------------------------------------------------------------------------------------


def set_staff_comment(
    db: Session, clock: Clock, user: User, pupil: Pupil, day: date, comment: str | None
) -> None:
    """Staff comment on a child's day (R72). The guardian sees it in the registration only: no
    notification is made. Commenting also marks the guardian's comment seen."""
    text = (comment or "").strip() or None
    if text and len(text) > 500:
        raise bad_request("comment_too_long", "A comment is at most 500 characters.", "comment")
    _upsert(
        db,
        {
            "pupil_id": pupil.id,
            "date": day,
            "staff_comment": text,
            "staff_comment_by": user.id if text else None,
            "staff_comment_at": clock.now() if text else None,
            "guardian_comment_unseen": False,
            "updated_at": clock.now(),
        },
        ["staff_comment", "staff_comment_by", "staff_comment_at", "guardian_comment_unseen"],
    )
    db.flush()


def enrolled_pupils(db: Session, unit_id: int) -> list[Pupil]:
    unit = db.get(Unit, unit_id)
    query = select(Pupil).where(Pupil.unit_id == unit_id)
    if unit is not None and unit.kind != UnitKind.PRESCHOOL:
        query = query.where(Pupil.in_fritids.is_(True))
    return list(db.scalars(query.order_by(Pupil.first_name, Pupil.last_name, Pupil.id)))


def day_rows(db: Session, unit_id: int, day: date) -> list[tuple[Pupil, LeisureDay]]:
    pupils = {p.id: p for p in enrolled_pupils(db, unit_id)}
    rows = db.scalars(
        select(LeisureDay).where(LeisureDay.date == day, LeisureDay.pupil_id.in_(list(pupils)))
    )
    out = [(pupils[r.pupil_id], r) for r in rows]
    out.sort(key=lambda pr: (pr[1].start or time.max, pr[0].first_name, pr[0].id))
    return out


def hourly_counts(
    rows: list[LeisureDay], opening: tuple[time, time] | None
) -> list[tuple[int, int]]:
    """Children expected in each hour the unit is open: a child counts in hour h when their
    time overlaps h:00–h+1:00."""
    timed = [(r.start, r.end) for r in rows if r.start is not None and r.end is not None]
    if opening is None:
        if not timed:
            return []
        first, last = min(s for s, _ in timed), max(e for _, e in timed)
    else:
        first, last = opening
    out = []
    for h in range(first.hour, last.hour + (1 if last.minute else 0)):
        lo, hi = time(h), (time(h + 1) if h < 23 else time.max)
        out.append((h, sum(1 for start, end in timed if start < hi and end > lo)))
    return out


def mark_comments_seen(db: Session, unit_id: int, day: date) -> int:
    ids = [p.id for p in enrolled_pupils(db, unit_id)]
    result = db.execute(
        update(LeisureDay)
        .where(
            LeisureDay.date == day,
            LeisureDay.pupil_id.in_(ids),
            LeisureDay.guardian_comment_unseen.is_(True),
        )
        .values(guardian_comment_unseen=False)
    )
    db.flush()
    return affected(result)


def unseen_comment_days(db: Session, unit_id: int, since: date) -> list[tuple[date, int]]:
    """Days (from `since`) with guardian comments staff have not marked seen, and how many."""
    ids = [p.id for p in enrolled_pupils(db, unit_id)]
    rows = db.scalars(
        select(LeisureDay.date).where(
            LeisureDay.pupil_id.in_(ids),
            LeisureDay.guardian_comment_unseen.is_(True),
            LeisureDay.date >= since,
        )
    )
    counts: dict[date, int] = {}
    for d in rows:
        counts[d] = counts.get(d, 0) + 1
    return sorted(counts.items())


def registered_by_names(db: Session, rows: list[LeisureDay]) -> dict[int, User]:
    ids = {r.registered_by for r in rows if r.registered_by} | {
        r.staff_comment_by for r in rows if r.staff_comment_by
    }
    return {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def box_count(db: Session, user: User, pupil: Pupil, clock: Clock) -> int | None:
    """The home box (server/app.py AREAS): only for fritids and preschool children, never for
    students (R1, R70). Nothing in it is "new" for the guardian (staff comments make no
    notification, R72), so the count is 0."""
    if user.kind == UserKind.STUDENT or not is_enrolled(db, pupil):
        return None
    return 0
