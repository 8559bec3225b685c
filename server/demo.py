"""The demo school: an invented municipality, deterministic (same seed → same data).

Ekbacka kommun runs Ekbackaskolan (F–9 with fritids) and Förskolan Lärkan. Names are invented;
personnummer are valid-check-digit test numbers with serials in the 9xx range. Every area adds
its own demo content through its demo module (a `seed(db, clock, settings, world)` function;
server/app.py AREAS lists them, in order), so the whole demo is one call.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from server.accounts.models import User, UserKind
from server.clock import Clock
from server.config import Settings
from server.personnummer import with_check_digit
from server.school import service as school
from server.school.models import Group, Organisation, Pupil, StaffRole, Unit, UnitKind
from server.security import hash_password

DEMO_PASSWORD = "skolhub-demo"


FIRST_NAMES_GIRLS = ["Alva", "Elsa", "Maja", "Ella", "Wilma", "Saga", "Ebba", "Agnes", "Freja", "Lilly", "Alma", "Signe", "Ines", "Tyra", "Nora", "Stella", "Selma", "Astrid", "Leah", "Vera"]
FIRST_NAMES_BOYS = ["Noah", "William", "Hugo", "Liam", "Lucas", "Oliver", "Elias", "Vincent", "Leo", "Alexander", "Adam", "Nils", "Ludvig", "Theo", "Olle", "Arvid", "Viggo", "Malte", "Sixten", "Gustav"]
ADULT_WOMEN = ["Anna", "Karin", "Maria", "Sara", "Emma", "Johanna", "Linda", "Frida", "Malin", "Helena", "Sofia", "Jenny", "Camilla", "Therese", "Lena"]
ADULT_MEN = ["Johan", "Erik", "Anders", "Fredrik", "Mikael", "Daniel", "Andreas", "Peter", "Magnus", "Henrik", "Jonas", "Martin", "Niklas", "Stefan", "Tobias"]
SURNAMES = ["Lindqvist", "Berg", "Nyberg", "Holm", "Sandberg", "Ekström", "Forsberg", "Lundgren", "Åberg", "Wikström", "Hedlund", "Sjöberg", "Blom", "Engström", "Falk", "Strand", "Norling", "Dahl", "Björk", "Löfgren", "Hägg", "Ljung", "Rask", "Vall"]

SCHOOL_CLASSES = ["FA", "1A", "2A", "3A", "4A", "5A", "6A", "7A", "8A", "9A"]
PRESCHOOL_GROUPS = ["Blåklockan", "Smörblomman"]
PUPILS_PER_CLASS = 5


@dataclass
class DemoLogin:
    username: str
    password: str
    who: str


@dataclass
class DemoWorld:
    org: Organisation
    school: Unit
    preschool: Unit
    classes: dict[str, Group]
    preschool_groups: dict[str, Group]
    pupils: list[Pupil] = field(default_factory=list)
    guardians: list[User] = field(default_factory=list)
    students: list[User] = field(default_factory=list)
    staff: dict[str, User] = field(default_factory=dict)
    # Named people the README and tests talk about: "fritids_and_preschool_guardian",
    # "shared_custody_a", "shared_custody_b", "no_mobile_guardian", "student", "administrator"…
    people: dict[str, User] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(0))


class _Numbers:
    """Deterministic, unique test personnummer."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.serial = 900

    def make(self, rng: random.Random, year: int) -> str:
        while True:
            month = rng.randint(1, 12)
            day = rng.randint(1, 28)
            self.serial = 900 + (self.serial - 899) % 100
            pnr = with_check_digit(f"{year:04d}{month:02d}{day:02d}", f"{self.serial:03d}")
            if pnr not in self.used:
                self.used.add(pnr)
                return pnr


def seed_demo(db: Session, clock: Clock, settings: Settings, seed: int = 2026) -> DemoWorld:
    rng = random.Random(seed)
    numbers = _Numbers()
    password_hash = hash_password(settings, DEMO_PASSWORD)

    org = school.add_organisation(db, "Ekbacka kommun")
    ekbacka = school.add_unit(db, org, "Ekbackaskolan", UnitKind.SCHOOL, has_fritids=True)
    larkan = school.add_unit(db, org, "Förskolan Lärkan", UnitKind.PRESCHOOL)
    classes = {name: school.add_group(db, ekbacka, name) for name in SCHOOL_CLASSES}
    pgroups = {name: school.add_group(db, larkan, name) for name in PRESCHOOL_GROUPS}
    world = DemoWorld(org=org, school=ekbacka, preschool=larkan, classes=classes, preschool_groups=pgroups, rng=rng)

    def login_for(user: User, username: str, who: str) -> None:
        user.username = username
        user.password_hash = password_hash
        world.logins.append(DemoLogin(username, DEMO_PASSWORD, who))

    # --- staff (~10) --------------------------------------------------------------------------
    def staff(username: str, first: str, last: str, unit: Unit, role: StaffRole, group: Group | None = None, subject: str | None = None, who: str | None = None) -> User:
        user = world.staff.get(username)
        if user is None:
            user = school.add_user(db, clock, UserKind.STAFF, first, last, personnummer=numbers.make(rng, rng.randint(1965, 1995)),
                                   email=f"{username}@ekbacka.example.org", language="sv")
            world.staff[username] = user
            if who:
                login_for(user, username, who)
        school.assign_staff(db, user, unit, role, group, subject)
        return user

    world.people["administrator"] = staff("rektor.holm", "Birgitta", "Holm", ekbacka, StaffRole.ADMINISTRATOR, who="Staff: principal and administrator, Ekbackaskolan")
    staff("rektor.holm", "Birgitta", "Holm", larkan, StaffRole.ADMINISTRATOR)
    teachers = [
        ("lisa.ek", "Lisa", "Ek", ["FA", "1A"], "Svenska"),
        ("omar.haddad", "Omar", "Haddad", ["2A", "3A"], "Matematik"),
        ("karl.sund", "Karl", "Sund", ["4A", "5A"], "Svenska"),
        ("mira.lund", "Mira", "Lund", ["6A", "7A"], "Engelska"),
        ("petra.vik", "Petra", "Vik", ["8A", "9A"], "Matematik"),
        ("jonas.alm", "Jonas", "Alm", ["6A", "7A", "8A", "9A"], "NO"),
    ]
    for i, (username, first, last, groups, subject) in enumerate(teachers):
        for j, gname in enumerate(groups):
            role = StaffRole.MENTOR if j < 2 and i < 5 else StaffRole.TEACHER
            user = staff(username, first, last, ekbacka, role, classes[gname], subject, who="Staff: teacher, Ekbackaskolan" if username == "karl.sund" else None)
            if role == StaffRole.MENTOR:
                school.assign_staff(db, user, ekbacka, StaffRole.TEACHER, classes[gname], subject)
    world.people["teacher"] = world.staff["karl.sund"]
    staff("fritids.nora", "Nora", "Falk", ekbacka, StaffRole.FRITIDS, who="Staff: fritids, Ekbackaskolan")
    staff("ida.ros", "Ida", "Ros", larkan, StaffRole.PRESCHOOL_TEACHER, pgroups["Blåklockan"], who="Staff: preschool teacher, Förskolan Lärkan")
    staff("ali.berg", "Ali", "Bergström", larkan, StaffRole.PRESCHOOL_TEACHER, pgroups["Smörblomman"])

    # --- pupils --------------------------------------------------------------------------------
    def new_pupil(group: Group, surname: str, birth_year: int, in_fritids: bool = False) -> Pupil:
        first = rng.choice(FIRST_NAMES_GIRLS if rng.random() < 0.5 else FIRST_NAMES_BOYS)
        pupil = school.add_pupil(db, clock, group, first, surname, numbers.make(rng, birth_year), in_fritids)
        world.pupils.append(pupil)
        return pupil

    def new_guardian(surname: str, woman: bool, *, phone: bool = True, language: str = "sv", first: str | None = None) -> User:
        first = first or rng.choice(ADULT_WOMEN if woman else ADULT_MEN)
        n = len(world.guardians) + 1
        user = school.add_user(
            db, clock, UserKind.GUARDIAN, first, surname, personnummer=numbers.make(rng, rng.randint(1975, 1992)),
            email=f"{first.lower()}.{_ascii(surname)}{n}@example.org",
            phone=f"+4670{rng.randint(1000000, 9999999)}" if phone else None, language=language,
        )
        world.guardians.append(user)
        return user

    year_of_class = {name: 2020 - i for i, name in enumerate(SCHOOL_CLASSES)}  # FA born 2020 … 9A born 2011
    surnames = list(SURNAMES)
    rng.shuffle(surnames)

    # Featured families first, so their logins are stable.
    # 1. A guardian with a school child in fritids (2A) and a preschool child.
    anna = new_guardian("Lindqvist", True, first="Anna")
    login_for(anna, "anna.lindqvist", "Guardian: a school child in fritids (2A) and a preschool child")
    for child in (new_pupil(classes["2A"], "Lindqvist", year_of_class["2A"], in_fritids=True), new_pupil(pgroups["Blåklockan"], "Lindqvist", 2022)):
        school.link_guardian(db, anna, child)
    world.people["fritids_and_preschool_guardian"] = anna
    # 2. Shared custody: two guardians on one child (3A, in fritids).
    karin, johan = new_guardian("Berg", True, first="Karin"), new_guardian("Berg", False, first="Johan")
    login_for(karin, "karin.berg", "Guardian: shared custody of a child in 3A (with johan.berg)")
    login_for(johan, "johan.berg", "Guardian: shared custody of a child in 3A (with karin.berg)")
    shared = new_pupil(classes["3A"], "Berg", year_of_class["3A"], in_fritids=True)
    school.link_guardian(db, karin, shared)
    school.link_guardian(db, johan, shared)
    world.people["shared_custody_a"], world.people["shared_custody_b"] = karin, johan
    # 3. A guardian without a mobile number (child in 5A), who reads in English.
    mats = new_guardian("Wikström", False, phone=False, language="en", first="Mats")
    login_for(mats, "mats.wikstrom", "Guardian: no mobile number, English, child in 5A")
    school.link_guardian(db, mats, new_pupil(classes["5A"], "Wikström", year_of_class["5A"]))
    world.people["no_mobile_guardian"] = mats
    # 4. A student with a login (8A), and their guardian.
    elsa_pupil = new_pupil(classes["8A"], "Nyberg", year_of_class["8A"])
    elsa_pupil.first_name = "Elsa"
    student = school.add_user(db, clock, UserKind.STUDENT, "Elsa", "Nyberg", personnummer=elsa_pupil.personnummer, pupil=elsa_pupil)
    login_for(student, "elsa.nyberg", "Student: 8A (cannot report absence, book talks or register leisure time)")
    world.students.append(student)
    world.people["student"] = student
    eva = new_guardian("Nyberg", True)
    school.link_guardian(db, eva, elsa_pupil)

    # Everyone else: fill each class and preschool group to its size.
    def fill(group: Group, birth_year: int, fritids_share: float) -> None:
        while sum(1 for p in world.pupils if p.group_id == group.id) < PUPILS_PER_CLASS:
            surname = surnames[len(world.guardians) % len(surnames)]
            child = new_pupil(group, surname, birth_year, in_fritids=rng.random() < fritids_share)
            first = new_guardian(surname, rng.random() < 0.5)
            school.link_guardian(db, first, child)
            if rng.random() < 0.6:
                school.link_guardian(db, new_guardian(surname, rng.random() < 0.5), child)

    for name, group in classes.items():
        fill(group, year_of_class[name], 0.7 if name in ("FA", "1A", "2A", "3A") else 0.0)
    for group in pgroups.values():
        fill(group, 2022, 0.0)
    db.flush()

    from server.app import demo_modules

    for module in demo_modules():
        importlib.import_module(module).seed(db, clock, settings, world)
    db.flush()
    return world


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe"))
