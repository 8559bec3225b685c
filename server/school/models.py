"""The school's world: organisation → units → groups → pupils, and who is linked to whom."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base


class UnitKind(StrEnum):
    SCHOOL = "school"
    PRESCHOOL = "preschool"


class GroupKind(StrEnum):
    CLASS = "class"
    TEACHING = "teaching"  # e.g. a language group across classes
    PRESCHOOL = "preschool"


class StaffRole(StrEnum):
    TEACHER = "teacher"
    MENTOR = "mentor"
    FRITIDS = "fritids"
    PRESCHOOL_TEACHER = "preschool_teacher"
    ADMINISTRATOR = "administrator"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    has_fritids: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation: Mapped[Organisation] = relationship()


class Group(Base):
    __tablename__ = "school_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))

    unit: Mapped[Unit] = relationship()


class Pupil(Base):
    """A child at a school or preschool. Preschool children have no login of their own."""

    __tablename__ = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    personnummer: Mapped[str] = mapped_column(String(12), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    # The class (school) or preschool group the child belongs to; teaching groups via PupilGroup.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id"), index=True)
    in_fritids: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # Population-register address (R11), written only by `skolhub import-addresses`.
    address_care_of: Mapped[str | None] = mapped_column(String(100))
    address_street: Mapped[str | None] = mapped_column(String(100))
    address_street2: Mapped[str | None] = mapped_column(String(100))
    address_postcode: Mapped[str | None] = mapped_column(String(10))
    address_city: Mapped[str | None] = mapped_column(String(100))
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    address_updated_at: Mapped[datetime | None]
    deregistered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    deregistration_code: Mapped[str | None] = mapped_column(String(10))

    unit: Mapped[Unit] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PupilGroup(Base):
    """Every group a pupil belongs to, the class included, so "pupils of group G" is one join."""

    __tablename__ = "pupil_group"

    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_pupil_group_group", "group_id", "pupil_id"),)


class Guardianship(Base):
    """Guardian ↔ child, many-to-many: shared custody is two guardians on one child."""

    __tablename__ = "guardianship"

    guardian_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_guardianship_pupil", "pupil_id", "guardian_id"),)


class StaffAssignment(Base):
    """Staff linked to a unit with a role, optionally to one group (teacher/mentor of 4A)."""

    __tablename__ = "staff_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    # Free-text subject(s) a teacher teaches the group, shown in the recipient directory.
    subject: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("user_id", "unit_id", "group_id", "role", name="uq_staff_assignment"),)
