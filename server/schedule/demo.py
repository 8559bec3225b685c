"""Demo schedule: Ekbacka kommun's terms and breaks, and a realistic weekly timetable for every
class of Ekbackaskolan, taught by the demo teachers, with a few cancelled and moved lessons
around "today"."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from server.clock import Clock, local_today
from server.config import Settings
from server.schedule import service as schedule
from server.schedule.models import Lesson, Term

if TYPE_CHECKING:
    from server.demo import DemoWorld

TERMS = [
    ("HT 2026", date(2026, 8, 17), date(2026, 12, 18)),
    ("VT 2027", date(2027, 1, 7), date(2027, 6, 11)),
]
# The invented municipality's breaks (its own decision, so data, not code).
BREAKS = [
    ("Höstlov", date(2026, 10, 26), date(2026, 10, 30)),  # v. 44
    ("Jullov", date(2026, 12, 21), date(2027, 1, 6)),
    ("Sportlov", date(2027, 2, 22), date(2027, 2, 26)),  # v. 8
    ("Påsklov", date(2027, 3, 29), date(2027, 4, 2)),  # v. 13
]

SLOTS_YOUNG = [("08:15", "09:00"), ("09:10", "10:00"), ("10:20", "11:10"), ("12:10", "13:00")]
SLOTS_MIDDLE = SLOTS_YOUNG + [("13:10", "14:00")]
SLOTS_OLD = [
    ("08:10", "09:00"),
    ("09:10", "10:00"),
    ("10:20", "11:10"),
    ("12:10", "13:00"),
    ("13:10", "14:00"),
    ("14:15", "15:00"),
]

SUBJECTS_YOUNG = (
    ["Svenska"] * 5
    + ["Matematik"] * 4
    + [
        "Engelska",
        "Bild",
        "Musik",
        "Idrott och hälsa",
        "Idrott och hälsa",
        "NO",
        "NO",
        "SO",
        "SO",
        "Slöjd",
        "Svenska",
        "Matematik",
        "Engelska",
        "Bild",
    ]
)
SUBJECTS_MIDDLE = (
    ["Svenska"] * 5
    + ["Matematik"] * 5
    + ["Engelska"] * 3
    + [
        "Idrott och hälsa",
        "Idrott och hälsa",
        "Bild",
        "Musik",
        "Slöjd",
        "Slöjd",
        "Biologi",
        "Fysik",
        "Kemi",
        "Teknik",
        "Historia",
        "Geografi",
        "Religion",
        "Samhällskunskap",
        "Hem- och konsumentkunskap",
    ]
)
SUBJECTS_OLD = (
    ["Svenska"] * 4
    + ["Matematik"] * 4
    + ["Engelska"] * 3
    + ["Spanska"] * 2
    + [
        "Idrott och hälsa",
        "Idrott och hälsa",
        "Bild",
        "Musik",
        "Slöjd",
        "Hem- och konsumentkunskap",
        "Biologi",
        "Biologi",
        "Fysik",
        "Fysik",
        "Kemi",
        "Kemi",
        "Teknik",
        "Historia",
        "Historia",
        "Geografi",
        "Religion",
        "Samhällskunskap",
        "Samhällskunskap",
    ]
)

MAIN_TEACHER = {
    "FA": "lisa.ek",
    "1A": "lisa.ek",
    "2A": "omar.haddad",
    "3A": "omar.haddad",
    "4A": "karl.sund",
    "5A": "karl.sund",
    "6A": "mira.lund",
    "7A": "mira.lund",
    "8A": "petra.vik",
    "9A": "petra.vik",
}
SCIENCE = {"NO", "Biologi", "Fysik", "Kemi", "Teknik"}
ROOMS = {
    "Idrott och hälsa": "Gymnastiksalen",
    "Slöjd": "Slöjdsalen",
    "Bild": "Bildsalen",
    "Musik": "Musiksalen",
    "Hem- och konsumentkunskap": "Hemkunskapssalen",
}


def _grade(class_name: str) -> int:
    return 0 if class_name == "FA" else int(class_name[:-1])


def _teacher(world: DemoWorld, class_name: str, subject: str) -> int:
    grade = _grade(class_name)
    username = MAIN_TEACHER[class_name]
    if grade >= 6 and subject in SCIENCE:
        username = "jonas.alm"
    elif grade >= 6 and subject in ("Engelska", "Spanska"):
        username = "mira.lund"
    elif grade >= 8 and subject == "Matematik":
        username = "petra.vik"
    return world.staff[username].id


def _room(class_name: str, subject: str, home_room: str) -> str:
    if _grade(class_name) >= 6 and subject in SCIENCE:
        return "NO-salen"
    return ROOMS.get(subject, home_room)


def seed(db: Session, clock: Clock, settings: Settings, world: DemoWorld) -> None:
    rng = world.rng
    today = local_today(clock)
    terms = [schedule.add_term(db, world.school, name, start, end) for name, start, end in TERMS]
    if today < TERMS[0][1] or today > TERMS[-1][2]:
        # Demo run outside the invented school year: a term around today so the demo has lessons.
        terms.append(
            schedule.add_term(
                db,
                world.school,
                "Demotermin",
                today - timedelta(days=70),
                today + timedelta(days=70),
            )
        )
    for name, start, end in BREAKS:
        schedule.add_break(db, name, start, end, organisation_id=world.org.id)

    lessons: dict[str, list[Lesson]] = {}
    for index, (class_name, group) in enumerate(world.classes.items()):
        grade = _grade(class_name)
        slots = SLOTS_YOUNG if grade <= 3 else SLOTS_MIDDLE if grade <= 6 else SLOTS_OLD
        pool = SUBJECTS_YOUNG if grade <= 3 else SUBJECTS_MIDDLE if grade <= 6 else SUBJECTS_OLD
        home_room = f"A{index + 1:02d}"
        subjects = list(pool)
        while len(subjects) < 5 * len(slots):
            subjects += pool
        rng.shuffle(subjects)
        week = subjects[: 5 * len(slots)]
        for term in terms:
            for n, subject in enumerate(week):
                weekday, slot = divmod(n, len(slots))
                begins, ends = slots[slot]
                lesson = schedule.add_lesson(
                    db,
                    term,
                    group,
                    weekday + 1,
                    time.fromisoformat(begins),
                    time.fromisoformat(ends),
                    subject,
                    _room(class_name, subject, home_room),
                    [_teacher(world, class_name, subject)],
                )
                lessons.setdefault(class_name, []).append(lesson)
    _exceptions(db, world, lessons, _current_term(terms, today), today)


def _current_term(terms: list[Term], today: date) -> Term:
    for term in terms:
        if term.start_date <= today <= term.end_date:
            return term
    return terms[-1]


def _exceptions(
    db: Session, world: DemoWorld, lessons: dict[str, list[Lesson]], term: Term, today: date
) -> None:
    """A couple of cancelled and moved lessons, this week and next (the "changed" count)."""
    monday = today - timedelta(days=today.isoweekday() - 1)
    of_term = {
        name: [le for le in found if le.term_id == term.id] for name, found in lessons.items()
    }

    def first(class_name: str, weekday: int, week_offset: int) -> tuple[Lesson, date] | None:
        day = monday + timedelta(days=7 * week_offset + weekday - 1)
        candidates = [le for le in of_term.get(class_name, []) if le.weekday == weekday]
        if not candidates or not term.start_date <= day <= term.end_date:
            return None
        return sorted(candidates, key=lambda le: le.start_time)[-1], day

    if found := first("3A", 3, 0):
        schedule.cancel_lesson(db, found[0], found[1], note="Läraren är på fortbildning")
    if found := first("8A", 2, 0):
        schedule.move_lesson(db, found[0], found[1], room="Aulan", note="Flyttad till aulan")
    if found := first("2A", 4, 1):
        schedule.cancel_lesson(db, found[0], found[1], note="Utflykt till museet — ingen lektion")
    if found := first("5A", 5, 0):
        schedule.move_lesson(
            db,
            found[0],
            found[1],
            new_date=found[1] - timedelta(days=1),
            start=time(14, 10),
            end=time(15, 0),
            note="Flyttad till torsdag eftermiddag",
        )
