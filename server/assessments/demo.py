"""Demo assessments: ämnesomdömen for the school pupils (grades 1–9), last term and this one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.assessments.models import Assessment
from server.clock import Clock, local_today
from server.config import Settings

SUBJECTS = ["Svenska", "Matematik", "Engelska", "NO", "SO", "Idrott och hälsa"]
TEACHER_OF_CLASS = {
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
COMMENTS = {
    "insufficient": "{name} behöver mer stöd för att nå kunskapskraven. Vi lägger upp en plan tillsammans.",
    "acceptable": "{name} visar godtagbara kunskaper. Fortsätt att träna regelbundet, särskilt på att förklara hur du tänker.",
    "good": "{name} arbetar fokuserat och visar goda kunskaper. Nästa steg är att utveckla resonemangen ännu mer.",
    "very_good": "{name} visar mycket goda kunskaper och tar gärna egna initiativ. Fortsätt utmana dig själv!",
}


def current_terms(clock: Clock) -> tuple[str, str]:
    """(previous term, current term), e.g. ("VT2026", "HT2026") in November 2026."""
    today = local_today(clock)
    if today.month >= 8:
        return f"VT{today.year}", f"HT{today.year}"
    return f"HT{today.year - 1}", f"VT{today.year}"


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    rng = world.rng
    previous, current = current_terms(clock)
    class_of = {g.id: name for name, g in world.classes.items()}
    now = clock.now()
    for pupil in world.pupils:
        cls = class_of.get(pupil.group_id or -1)
        if cls is None or cls == "FA":  # preschool groups and förskoleklass get no ämnesomdöme
            continue
        teacher = world.staff[TEACHER_OF_CLASS[cls]]
        for term in (previous, current):
            subjects = SUBJECTS if term == previous else SUBJECTS[:3]
            for subject in subjects:
                level = rng.choices(
                    ["insufficient", "acceptable", "good", "very_good"], weights=[1, 4, 5, 3]
                )[0]
                db.add(
                    Assessment(
                        pupil_id=pupil.id,
                        subject=subject,
                        term=term,
                        level=level,
                        comment=COMMENTS[level].format(name=pupil.first_name),
                        published_by=teacher.id,
                        published_at=now,
                        version=1,
                    )
                )
    db.flush()
