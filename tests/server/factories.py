"""Test data through the server's own service functions (no mocks, no raw inserts)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from server.accounts.models import User, UserKind
from server.accounts.service import start_session
from server.clock import FixedClock
from server.config import Settings
from server.personnummer import with_check_digit
from server.school import service as school
from server.school.models import Group, Organisation, Pupil, StaffRole, Unit, UnitKind
from server.security import hash_password

PASSWORD = "correct horse battery"
_serials = itertools.count(1)


def new_personnummer(born: str = "19800101") -> str:
    """A fresh valid test personnummer (serials 980-999 style test range, varying day)."""
    n = next(_serials)
    day = (n % 28) + 1
    serial = f"{900 + (n // 28) % 100:03d}"
    return with_check_digit(f"{born[:6]}{day:02d}", serial)


@dataclass
class School:
    org: Organisation
    unit: Unit
    group: Group


class Factory:
    def __init__(self, factory: sessionmaker[Session], clock: FixedClock, settings: Settings) -> None:
        self.sessionmaker = factory
        self.clock = clock
        self.settings = settings
        self._org: Organisation | None = None

    def _save(self, fn):  # type: ignore[no-untyped-def]
        with self.sessionmaker() as db:
            result = fn(db)
            db.commit()
            return result

    def org(self) -> Organisation:
        if self._org is None:
            self._org = self._save(lambda db: school.add_organisation(db, "Testkommun"))
        return self._org

    def unit(self, name: str = "Testskolan", kind: UnitKind = UnitKind.SCHOOL, has_fritids: bool = True) -> Unit:
        org = self.org()
        return self._save(lambda db: school.add_unit(db, org, name, kind, has_fritids))  # type: ignore[no-any-return]

    def group(self, unit: Unit, name: str = "4A") -> Group:
        return self._save(lambda db: school.add_group(db, unit, name))  # type: ignore[no-any-return]

    def school(self, name: str = "Testskolan", group: str = "4A", kind: UnitKind = UnitKind.SCHOOL) -> School:
        unit = self.unit(name, kind)
        return School(org=self.org(), unit=unit, group=self.group(unit, group))

    def pupil(self, group: Group, first: str = "Alva", last: str = "Test", in_fritids: bool = False, born: str = "20160101") -> Pupil:
        pnr = new_personnummer(born)
        return self._save(lambda db: school.add_pupil(db, self.clock, group, first, last, pnr, in_fritids))  # type: ignore[no-any-return]

    def user(self, kind: UserKind, first: str, last: str, *, username: str | None = None, password: str | None = PASSWORD,
             email: str | None = None, phone: str | None = None, language: str = "sv", pupil: Pupil | None = None,
             personnummer: str | None = None) -> User:
        pnr = personnummer or new_personnummer("19800101" if kind != UserKind.STUDENT else "20100101")

        def create(db: Session) -> User:
            user = school.add_user(db, self.clock, kind, first, last, personnummer=pnr, email=email, phone=phone, language=language, pupil=pupil)
            if username:
                user.username = username.lower()
                user.password_hash = hash_password(self.settings, password or PASSWORD)
            return user

        return self._save(create)  # type: ignore[no-any-return]

    def guardian(self, *children: Pupil, username: str | None = None, email: str | None = None, phone: str | None = None,
                 activated: bool = True, language: str = "sv", first: str = "Vera", last: str = "Vårdnadshavare") -> User:
        n = next(_serials)
        username = username or (f"guardian{n}" if activated else None)
        user = self.user(UserKind.GUARDIAN, first, last, username=username, email=email or f"guardian{n}@example.test", phone=phone, language=language)

        def link(db: Session) -> None:
            for child in children:
                school.link_guardian(db, db.get(User, user.id), child)  # type: ignore[arg-type]

        self._save(link)
        return user

    def student(self, pupil: Pupil, username: str | None = None) -> User:
        n = next(_serials)
        return self.user(UserKind.STUDENT, pupil.first_name, pupil.last_name, username=username or f"student{n}", pupil=pupil, personnummer=pupil.personnummer)

    def staff(self, unit: Unit, role: StaffRole = StaffRole.TEACHER, group: Group | None = None, *, username: str | None = None,
              first: str = "Sam", last: str = "Lärare", email: str | None = None, subject: str | None = None, language: str = "sv") -> User:
        n = next(_serials)
        user = self.user(UserKind.STAFF, first, last, username=username or f"staff{n}", email=email or f"staff{n}@school.test", language=language)
        self._save(lambda db: school.assign_staff(db, db.get(User, user.id), unit, role, group, subject))  # type: ignore[arg-type]
        return user

    def token(self, user: User) -> str:
        """A real session for `user`, issued by the server's own session function."""
        return self._save(lambda db: start_session(db, self.settings, self.clock, db.get(User, user.id)).token)  # type: ignore[no-any-return, arg-type]

    def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}
