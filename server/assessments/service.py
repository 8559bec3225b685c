"""R52: staff publish subject assessments; guardians and the student read them after BankID (R5)."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.access import require_staff_of_unit
from server.accounts.models import User
from server.assessments.models import Assessment
from server.clock import Clock
from server.db import insert_ignoring_conflicts
from server.domain_errors import bad_request, not_found
from server.notifications.fanout import notify, pupils_by_id
from server.notifications.models import Notification
from server.school.models import Pupil, StaffRole, Unit, UnitKind

# The levels of an ämnesomdöme, with their Swedish and English labels.
LEVELS: dict[str, tuple[str, str]] = {
    "insufficient": ("Otillräckliga kunskaper", "Insufficient knowledge"),
    "acceptable": ("Godtagbara kunskaper", "Acceptable knowledge"),
    "good": ("Goda kunskaper", "Good knowledge"),
    "very_good": ("Mycket goda kunskaper", "Very good knowledge"),
}
TERM_RE = re.compile(r"^(HT|VT)(20\d\d)$")
PUBLISHERS = {StaffRole.TEACHER, StaffRole.MENTOR, StaffRole.ADMINISTRATOR}


def notified_count(db: Session, item_key: str) -> int:
    """How many were notified of an item (counted, since INSERT … SELECT rowcount is not reliable
    on every driver)."""
    return (
        db.scalar(
            select(func.count()).select_from(Notification).where(Notification.item_key == item_key)
        )
        or 0
    )


def check_term(term: str) -> str:
    term = term.strip().upper()
    if not TERM_RE.match(term):
        raise bad_request("invalid_term", 'A term is "HT" or "VT" and a year, e.g. HT2026.', "term")
    return term


def term_sort_key(term: str) -> tuple[int, int]:
    return int(term[2:]), 0 if term.startswith("VT") else 1


def school_pupil(db: Session, pupil_id: int) -> Pupil:
    pupil = db.get(Pupil, pupil_id)
    if pupil is None:
        raise not_found("pupil")
    return pupil


def require_school_unit(db: Session, pupil: Pupil) -> None:
    unit = db.get(Unit, pupil.unit_id)
    if unit is None or unit.kind != UnitKind.SCHOOL:
        raise bad_request(
            "school_only", "Assessments and documentation are for school pupils only.", "pupil_id"
        )


def publish(
    db: Session,
    clock: Clock,
    staff: User,
    *,
    pupil_id: int,
    subject: str,
    term: str,
    level: str,
    comment: str,
) -> tuple[Assessment, int]:
    pupil = school_pupil(db, pupil_id)
    require_staff_of_unit(db, staff, pupil.unit_id, PUBLISHERS)
    require_school_unit(db, pupil)
    term = check_term(term)
    subject = subject.strip()
    if not subject:
        raise bad_request("subject_required", "Name the subject.", "subject")
    if level not in LEVELS:
        raise bad_request(
            "invalid_level", "The level is one of: " + ", ".join(LEVELS) + ".", "level"
        )
    now = clock.now()
    values = {
        "pupil_id": pupil.id,
        "subject": subject,
        "term": term,
        "level": level,
        "comment": comment.strip(),
        "published_by": staff.id,
        "published_at": now,
        "version": 1,
    }
    if not insert_ignoring_conflicts(db, Assessment, values, ["pupil_id", "subject", "term"]):
        # Published before: this publication replaces it (and notifies again).
        db.execute(
            update(Assessment)
            .where(
                Assessment.pupil_id == pupil.id,
                Assessment.subject == subject,
                Assessment.term == term,
            )
            .values(
                level=level,
                comment=comment.strip(),
                published_by=staff.id,
                published_at=now,
                version=Assessment.version + 1,
            )
        )
    assessment = db.scalar(
        select(Assessment)
        .where(
            Assessment.pupil_id == pupil.id, Assessment.subject == subject, Assessment.term == term
        )
        .execution_options(populate_existing=True)
    )
    assert assessment is not None
    item_key = f"assessment:{assessment.id}:{assessment.version}"
    notify(
        db,
        clock,
        pupils_by_id([pupil.id]),
        area="assessments",
        type="assessment_published",
        # R5: nothing of the assessment (not even the subject) before BankID.
        item_key=item_key,
        link="/children/{pupil_id}/assessments",
    )
    notified = notified_count(db, item_key)
    db.flush()
    return assessment, notified


def for_pupil(db: Session, pupil_id: int, term: str | None = None) -> list[Assessment]:
    query = select(Assessment).where(Assessment.pupil_id == pupil_id)
    if term:
        query = query.where(Assessment.term == check_term(term))
    rows = list(db.scalars(query))
    rows.sort(key=lambda a: (tuple(-x for x in term_sort_key(a.term)), a.subject.lower()))
    return rows
