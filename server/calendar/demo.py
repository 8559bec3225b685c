"""Demo content for the calendar: a few weeks of entries at Ekbackaskolan and Förskolan Lärkan,
with surveys (one for 2A, one for the whole school, one for the preschool)."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.calendar import service
from server.calendar.models import EntryKind
from server.calendar.schemas import AnswerItem, EntryIn, QuestionIn
from server.clock import Clock, local_today
from server.config import Settings
from server.publishing import demo_clock, mark_demo_history_read
from server.school.models import Guardianship, Pupil


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    today = local_today(clock)
    # This school week's Monday; at a weekend, the coming one.
    monday = today - timedelta(days=today.weekday()) if today.weekday() < 5 else today + timedelta(days=7 - today.weekday())
    staff = world.staff
    student = world.people["student"]
    elsa = db.get(Pupil, student.pupil_id)

    def entry(author: str, published_days_ago: int, *, kind: EntryKind, title: str, day: int, description: str = "",
              unit=None, group=None, pupil=None, end_day: int | None = None, start: time | None = None, end: time | None = None,  # type: ignore[no-untyped-def]
              questions: list[QuestionIn] | None = None):
        data = EntryIn(
            unit_id=unit.id if unit is not None else None, group_id=group.id if group is not None else None,
            pupil_id=pupil.id if pupil is not None else None, kind=kind, title=title, description=description,
            start_date=monday + timedelta(days=day), end_date=monday + timedelta(days=end_day) if end_day is not None else None,
            start_time=start, end_time=end, questions=questions or [],
        )
        return service.publish_entry(db, demo_clock(clock, published_days_ago, 14), staff[author], data)

    school, preschool, c = world.school, world.preschool, world.classes
    entry("rektor.holm", 12, kind=EntryKind.ACTIVITY, title="Brandövning", day=-4, unit=school, start=time(10, 0), end=time(10, 30),
          description="Vi övar utrymning. Eleverna går till återsamlingsplatsen vid fotbollsplanen.")
    entry("petra.vik", 9, kind=EntryKind.TEST, title="Prov i matematik: algebra", day=1, group=c["8A"], start=time(9, 0), end=time(10, 0),
          description="Provet omfattar kapitel 3. Miniräknare och linjal behövs.")
    entry("omar.haddad", 6, kind=EntryKind.HOMEWORK, title="Läxa: multiplikationstabellen 2–5", day=2, group=c["2A"],
          description="Öva tabellerna muntligt hemma. Förhör på fredag.")
    entry("petra.vik", 5, kind=EntryKind.ACTIVITY, title="Extra matematikstöd", day=2, pupil=elsa, start=time(14, 0), end=time(14, 45),
          description="Vi går igenom ekvationer tillsammans i sal B12.")
    entry("omar.haddad", 3, kind=EntryKind.ACTIVITY, title="Utflykt till Ekbacksskogen", day=3, group=c["2A"], start=time(8, 30), end=time(11, 30),
          description="Matsäck, vattenflaska och kläder efter väder.")
    entry("rektor.holm", 6, kind=EntryKind.ACTIVITY, title="Luciafirande i aulan", day=4, unit=school, start=time(8, 15), end=time(9, 0),
          description="Klass 3A och 4A går i luciatåget. Vårdnadshavare är välkomna.")
    entry("omar.haddad", 4, kind=EntryKind.TEST, title="Glosförhör", day=8, group=c["3A"], description="Ord från läseboken sidan 40–45.")
    entry("rektor.holm", 10, kind=EntryKind.INFORMATION, title="Skolfotografering", day=8, unit=school, start=time(8, 30), end=time(12, 0),
          description="Klassfoton och porträtt. Beställning sker via fotografens webbplats efteråt.")
    entry("jonas.alm", 1, kind=EntryKind.ACTIVITY, title="Studiebesök på reningsverket", day=9, group=c["8A"], start=time(8, 30), end=time(12, 0))
    entry("jonas.alm", 2, kind=EntryKind.HOMEWORK, title="Lämna in labbrapporten", day=10, group=c["8A"],
          description="Labbrapporten om elektriska kretsar lämnas in digitalt senast kl 16.")
    entry("rektor.holm", 15, kind=EntryKind.INFORMATION, title="Studiedag – eleverna är lediga", day=11, unit=school,
          description="Fritids har öppet för inskrivna barn.")
    entry("karl.sund", 2, kind=EntryKind.ACTIVITY, title="Vinteraktivitetsdag", day=14, group=c["5A"],
          description="Pulka och skridskor om vädret tillåter. Varma kläder och matsäck.")
    entry("rektor.holm", 14, kind=EntryKind.ACTIVITY, title="Julavslutning i Ekbacka kyrka", day=15, unit=school, start=time(9, 0), end=time(10, 0))
    entry("rektor.holm", 14, kind=EntryKind.INFORMATION, title="Jullov", day=16, end_day=30, unit=school,
          description="Fritids har öppet för inskrivna barn, utom röda dagar.")

    julfika = entry("omar.haddad", 2, kind=EntryKind.SURVEY, title="Enkät: julfika i 2A", day=0, end_day=9, group=c["2A"],
                    description="Vi planerar en julfika för klassen. Svara senast fredag nästa vecka.",
                    questions=[
                        QuestionIn(text="Kommer ni på julfikat?", kind="choice", options=["Ja", "Nej", "Vet inte än"]),
                        QuestionIn(text="Kan ni bidra med något?", kind="choice", options=["Kaffebröd", "Frukt", "Saft", "Nej tack"]),
                        QuestionIn(text="Övriga synpunkter", kind="text"),
                    ])
    entry("rektor.holm", 1, kind=EntryKind.SURVEY, title="Enkät om skolmaten", day=0, end_day=11, unit=school,
          description="Elevrådet och köket vill veta vad ni tycker om maten.",
          questions=[
              QuestionIn(text="Hur nöjd är du med skolmaten?", kind="choice", options=["Mycket nöjd", "Ganska nöjd", "Inte så nöjd", "Inte alls nöjd"]),
              QuestionIn(text="Vilken rätt vill du äta oftare?", kind="text"),
          ])

    lark, groups = preschool, world.preschool_groups
    entry("ida.ros", 7, kind=EntryKind.ACTIVITY, title="Luciafika med föräldrar", day=3, unit=lark, start=time(15, 0), end=time(16, 30),
          description="Barnen sjunger och vi bjuder på lussekatter.")
    entry("ida.ros", 3, kind=EntryKind.ACTIVITY, title="Skogsdag", day=7, group=groups["Blåklockan"], description="Ta med sittunderlag och extra vantar.")
    entry("ali.berg", 4, kind=EntryKind.ACTIVITY, title="Teater på förskolan", day=9, group=groups["Smörblomman"], start=time(9, 30), end=time(10, 15))
    entry("rektor.holm", 14, kind=EntryKind.INFORMATION, title="Planeringsdag – förskolan stängd", day=35, unit=lark)
    vacation = entry("rektor.holm", 5, kind=EntryKind.SURVEY, title="Enkät: barnomsorg under jullovet", day=0, end_day=10, unit=lark,
                     description="Vi behöver veta hur många barn som kommer mellan jul och nyår för att planera bemanningen.",
                     questions=[
                         QuestionIn(text="Behöver ni barnomsorg mellan jul och nyår?", kind="choice", options=["Ja, hela perioden", "Ja, vissa dagar", "Nej"]),
                         QuestionIn(text="Vilka dagar? Skriv \"-\" om ni inte behöver.", kind="text"),
                     ])

    # Some families have already answered; the featured demo logins have not, so they can try.
    featured = {u.id for u in world.people.values()}
    for survey, group_ids, answers in (
        (julfika, [c["2A"].id], [["Ja", "Kaffebröd", "Vi ser fram emot det!"], ["Ja", "Frukt", "-"], ["Nej", "Nej tack", "Tyvärr bortresta."]]),
        (vacation, [g.id for g in groups.values()], [["Nej", "-"], ["Ja, vissa dagar", "28 och 29 december"], ["Nej", "-"]]),
    ):
        rows = db.execute(
            select(Guardianship.guardian_id, Pupil.id).join(Pupil, Pupil.id == Guardianship.pupil_id)
            .where(Pupil.group_id.in_(group_ids)).order_by(Pupil.id, Guardianship.guardian_id)
        ).all()
        respondents = [(g, p) for g, p in rows if g not in featured][: len(answers)]
        questions = service.questions_of(db, [survey.id])[survey.id]
        for (guardian_id, pupil_id), values in zip(respondents, answers, strict=False):
            guardian = db.get(User, guardian_id)
            assert guardian is not None
            service.answer_survey(
                db, demo_clock(clock, 0, 7, 0), guardian, survey.id, pupil_id,
                [AnswerItem(question_id=q.id, value=v) for q, v in zip(questions, values, strict=True)],
            )

    mark_demo_history_read(db, clock, "calendar")
