"""Authorization in one place (R1, R2): who may read or act on which pupil.

Every route that touches a pupil goes through `require_pupil`; lists filter with
`visible_pupil_ids`. A pupil the user has no relation to answers 404, so existence is not
revealed; a relation whose role does not allow the action answers 403 with a clear code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, contains_eager

from server.accounts.models import AuthSession, User, UserKind
from server.db import is_read_session, read_session
from server.deps import ClockDep, DbDep
from server.errors import ApiError, forbidden, not_found
from server.school.models import Guardianship, Pupil, StaffAssignment, StaffRole
from server.security import token_hash


class Action(StrEnum):
    READ = "read"
    MESSAGE = "message"
    COMMENT = "comment"
    ANSWER_SURVEY = "answer_survey"
    REPORT_ABSENCE = "report_absence"  # R40: not students
    BOOK_TALK = "book_talk"  # R30: not students
    REGISTER_LEISURE = "register_leisure"  # R70: not students
    STAFF_WRITE = "staff_write"  # publish, register absence, comment as staff


class Relation(StrEnum):
    GUARDIAN = "guardian"
    SELF = "self"
    STAFF = "staff"


ALLOWED: dict[Relation, frozenset[Action]] = {
    Relation.GUARDIAN: frozenset(
        {Action.READ, Action.MESSAGE, Action.COMMENT, Action.ANSWER_SURVEY, Action.REPORT_ABSENCE, Action.BOOK_TALK, Action.REGISTER_LEISURE}
    ),
    Relation.SELF: frozenset({Action.READ, Action.MESSAGE, Action.COMMENT, Action.ANSWER_SURVEY}),
    Relation.STAFF: frozenset({Action.READ, Action.MESSAGE, Action.COMMENT, Action.STAFF_WRITE}),
}

STUDENT_REFUSALS = {
    Action.REPORT_ABSENCE: ("students_cannot_report_absence", "Students cannot report absence; a guardian reports it (R40)."),
    Action.BOOK_TALK: ("students_cannot_book_talks", "Students cannot book development talks; a guardian books them (R30)."),
    Action.REGISTER_LEISURE: ("students_cannot_register_leisure", "Students cannot register leisure-time schedules (R70)."),
}


@dataclass
class Principal:
    user: User
    session: AuthSession


# Built once with bound parameters: every request runs the first, every child page the second.
_SESSION_AND_USER = (
    select(AuthSession, User).join(User, User.id == AuthSession.user_id).where(AuthSession.token_hash == bindparam("token_hash"))
)
_GUARDIANS_CHILD = (  # with the child's unit, which every child page reads next (db.get finds it)
    select(Pupil)
    .join(Pupil.unit)
    .options(contains_eager(Pupil.unit))
    .join(Guardianship, (Guardianship.pupil_id == Pupil.id) & (Guardianship.guardian_id == bindparam("guardian_id")))
    .where(Pupil.id == bindparam("pupil_id"))
)


def current_principal(request: Request, db: DbDep, clock: ClockDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "not_authenticated", "Sign in to continue.", headers={"WWW-Authenticate": "Bearer"})
    params = {"token_hash": token_hash(token.strip())}
    # The session and its user in one statement: every authenticated request pays for this.
    session: AuthSession | None = None
    user: User | None = None
    if is_read_session(db):
        # A read (GET): in the request's own read transaction — no lock, one snapshot.
        row = db.execute(_SESSION_AND_USER, params).first()
        if row is not None:
            session, user = row[0], row[1]
    else:
        # A write: the request's unit of work takes SQLite's write lock (BEGIN IMMEDIATE) at
        # its first statement, and that lock must not wait with the request for a thread to
        # run its route. So who is asking is read in a short read transaction of its own, and
        # the two rows join the request's session without a query.
        with read_session(request.app.state.sessionmaker) as lookup:
            row = lookup.execute(_SESSION_AND_USER, params).first()
        if row is not None:
            session, user = db.merge(row[0], load=False), db.merge(row[1], load=False)
    if session is None or session.revoked_at is not None:
        raise ApiError(401, "not_authenticated", "Sign in to continue.", headers={"WWW-Authenticate": "Bearer"})
    if session.expires_at <= clock.now():
        raise ApiError(401, "session_expired", "Your session has expired; sign in again.", headers={"WWW-Authenticate": "Bearer"})
    if user is None or not user.is_active:
        raise ApiError(401, "not_authenticated", "Sign in to continue.", headers={"WWW-Authenticate": "Bearer"})
    return Principal(user=user, session=session)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def staff_unit_ids(db: Session, user: User) -> set[int]:
    if user.kind != UserKind.STAFF:
        return set()
    return set(db.scalars(select(StaffAssignment.unit_id).where(StaffAssignment.user_id == user.id)))


def relation_to_pupil(db: Session, user: User, pupil: Pupil) -> Relation | None:
    if user.kind == UserKind.GUARDIAN:
        linked = db.scalar(
            select(Guardianship.pupil_id).where(Guardianship.guardian_id == user.id, Guardianship.pupil_id == pupil.id)
        )
        return Relation.GUARDIAN if linked is not None else None
    if user.kind == UserKind.STUDENT:
        return Relation.SELF if user.pupil_id == pupil.id else None
    if user.kind == UserKind.STAFF:
        return Relation.STAFF if pupil.unit_id in staff_unit_ids(db, user) else None
    return None


def may(db: Session, user: User, pupil: Pupil, action: Action) -> bool:
    relation = relation_to_pupil(db, user, pupil)
    return relation is not None and action in ALLOWED[relation]


def require_pupil(db: Session, user: User, pupil_id: int, action: Action = Action.READ) -> Pupil:
    """The pupil, if `user` may do `action` on them; otherwise a 404 (no relation) or 403."""
    if user.kind == UserKind.GUARDIAN:
        # The common case in one statement: the child, only if it is this guardian's.
        pupil = db.scalar(_GUARDIANS_CHILD, {"guardian_id": user.id, "pupil_id": pupil_id})
        relation: Relation | None = Relation.GUARDIAN if pupil is not None else None
    else:
        pupil = db.get(Pupil, pupil_id)
        relation = relation_to_pupil(db, user, pupil) if pupil is not None else None
    if pupil is None:
        raise not_found("pupil")
    if relation is None:
        raise not_found("pupil")
    if action not in ALLOWED[relation]:
        if relation == Relation.SELF and action in STUDENT_REFUSALS:
            code, message = STUDENT_REFUSALS[action]
            raise forbidden(code, message)
        raise forbidden("action_not_allowed", "Your role does not allow this action.")
    return pupil


def visible_pupil_ids(user: User) -> Select[int]:
    """A subquery of the pupil ids `user` may read — for filtering lists in SQL."""
    if user.kind == UserKind.GUARDIAN:
        return select(Guardianship.pupil_id).where(Guardianship.guardian_id == user.id)
    if user.kind == UserKind.STUDENT:
        return select(Pupil.id).where(Pupil.id == user.pupil_id)
    if user.kind == UserKind.STAFF:
        units = select(StaffAssignment.unit_id).where(StaffAssignment.user_id == user.id)
        return select(Pupil.id).where(Pupil.unit_id.in_(units))
    return select(Pupil.id).where(Pupil.id == -1)


def require_staff(user: User) -> None:
    if user.kind != UserKind.STAFF:
        raise forbidden("staff_only", "Only school staff can do this.")


def require_staff_of_unit(db: Session, user: User, unit_id: int, roles: set[StaffRole] | None = None) -> None:
    """Staff acting on a unit: must be assigned there, and hold one of `roles` when given."""
    require_staff(user)
    query = select(StaffAssignment.role).where(StaffAssignment.user_id == user.id, StaffAssignment.unit_id == unit_id)
    held = set(db.scalars(query))
    if not held:
        raise not_found("unit")
    if roles is not None and not (held & {r.value for r in roles}):
        raise forbidden("role_not_allowed", "Your role at this unit does not allow this action.")
