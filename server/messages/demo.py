"""Demo: a few weeks of messages, so the Messages box shows real conversations.

Featured logins get threads they can open: anna.lindqvist (2A + preschool), karin.berg and
johan.berg (shared custody, 3A), mats.wikstrom (5A, English), elsa.nyberg (student, 8A); karl.sund
and omar.haddad have guardian messages in their inboxes. Some replies are left unread. Staff get
no email notices for these back-dated messages (the demo worker would otherwise send them all
at start); new messages written in the demo do send them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.clock import SCHOOL_TZ, Clock, FixedClock, local_today
from server.config import Settings
from server.messages import service
from server.messages.models import MessageThread, ThreadParticipant
from server.school.models import Guardianship, Pupil

LETTERS = [
    ("Utflykt till Naturhistoriska riksmuseet", "Hej alla vårdnadshavare!\n\nPå torsdag åker klassen till Naturhistoriska riksmuseet. "
     "Vi samlas vid skolan 8.15 och är tillbaka ca 14.30. Ta med matsäck, vattenflaska och kläder efter väder.\n\nVänliga hälsningar"),
    ("Läxor vecka 48", "Hej!\n\nDenna vecka tränar vi på multiplikationstabellerna 6–9 och läser kapitel 4 i läseboken. "
     "Läxförhör på fredag.\n\nHälsningar"),
    ("Föräldramöte", "Välkomna på föräldramöte i klassrummet tisdag kl. 18.00. Vi går igenom terminens planering och "
     "klassresan i vår. Kaffe och bulle finns.\n\nHälsningar"),
]


def _clock_at(days_ago: int, hour: int, minute: int, today_clock: Clock) -> FixedClock:
    day = local_today(today_clock) - timedelta(days=days_ago)
    return FixedClock(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SCHOOL_TZ))


def _child_of(db: Session, guardian: User, unit_id: int) -> Pupil:
    pupil = db.scalar(
        select(Pupil).join(Guardianship, Guardianship.pupil_id == Pupil.id)
        .where(Guardianship.guardian_id == guardian.id, Pupil.unit_id == unit_id).order_by(Pupil.id)
    )
    assert pupil is not None
    return pupil


def _read(db: Session, user: User, thread_id: int) -> None:
    thread = db.get(MessageThread, thread_id)
    assert thread is not None
    participant = db.get(ThreadParticipant, (thread_id, user.id))
    assert participant is not None
    participant.last_read_message_id = thread.last_message_id


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.staff
    anna, karin, johan = world.people["fritids_and_preschool_guardian"], world.people["shared_custody_a"], world.people["shared_custody_b"]
    mats, elsa = world.people["no_mobile_guardian"], world.people["student"]
    classes = world.classes

    def at(days_ago: int, hour: int = 9, minute: int = 0) -> FixedClock:
        return _clock_at(days_ago, hour, minute, clock)

    # Group letters: one thread per household (2A, 4A, 5A).
    for days_ago, (author, group, letter) in zip(
        (19, 12, 5), ((staff["omar.haddad"], classes["2A"], LETTERS[2]), (staff["karl.sund"], classes["4A"], LETTERS[0]), (staff["karl.sund"], classes["5A"], LETTERS[1])),
        strict=True,
    ):
        pupils = list(db.scalars(select(Pupil).where(Pupil.group_id == group.id).order_by(Pupil.id)))
        service.staff_letter(db, at(days_ago, 15, 30), settings, author, pupils, *letter)

    # Anna asks the 2A mentor about fritids pick-up; the mentor answers (unread for Anna).
    school_child = _child_of(db, anna, world.school.id)
    thread = service.start_thread(db, at(16, 7, 40), settings, anna, school_child, [staff["omar.haddad"].id, staff["fritids.nora"].id],
                                  "Hämtning på fredag", "Hej! Morfar hämtar på fredag kl. 15.00. Han heter Gösta och har med sig legitimation.", email_staff=False)
    service.reply(db, at(16, 11, 5), settings, staff["fritids.nora"], thread.id, "Tack för informationen, vi noterar det på fritids!", email_staff=False)
    _read(db, anna, thread.id)
    thread = service.start_thread(db, at(3, 20, 15), settings, anna, school_child, [staff["omar.haddad"].id],
                                  "Matteboken", "Hej Omar! Matteboken verkar ha blivit kvar i skolan. Kan hen ta hem den i morgon?", email_staff=False)
    service.reply(db, at(2, 8, 10), settings, staff["omar.haddad"], thread.id, "Hej Anna! Den låg i bänken, jag påminner om den i dag.", email_staff=False)

    # Preschool: a note from the preschool teacher to Anna.
    small_child = _child_of(db, anna, world.preschool.id)
    service.staff_letter(db, at(8, 13, 0), settings, staff["ida.ros"], [small_child], "Ombyteskläder",
                         "Hej! Det är dags att fylla på med ombyteskläder i facket — gärna regnbyxor och extra strumpor.")

    # Shared custody: Karin writes to the 3A mentor; both guardians' own threads stay their own.
    shared_child = _child_of(db, karin, world.school.id)
    thread = service.start_thread(db, at(10, 19, 30), settings, karin, shared_child, [staff["omar.haddad"].id],
                                  "Läxhjälp", "Hej! Finns det läxhjälp efter skolan den här terminen?", email_staff=False)
    service.reply(db, at(9, 12, 0), settings, staff["omar.haddad"], thread.id, "Hej Karin! Ja, tisdagar och torsdagar 14.30–15.30 i biblioteket.", email_staff=False)
    _read(db, karin, thread.id)
    service.start_thread(db, at(1, 7, 5), settings, johan, shared_child, [staff["omar.haddad"].id],
                         "Tandläkare", "Hej! Barnet går till tandläkaren i morgon kl. 10 och kommer till skolan efteråt.", email_staff=False)

    # Mats (reads in English) asks the 5A mentor; the reply is unread.
    mats_child = _child_of(db, mats, world.school.id)
    thread = service.start_thread(db, at(6, 18, 0), settings, mats, mats_child, [staff["karl.sund"].id],
                                  "Swimming lessons", "Hello! Does my child need to bring anything for the swimming lessons next week?", email_staff=False)
    service.reply(db, at(5, 10, 20), settings, staff["karl.sund"], thread.id, "Hello Mats! Swimwear, a towel and a padlock for the locker. Thanks!", email_staff=False)

    # The student writes to her mentor herself (R1: same message functions as guardians).
    elsa_pupil = db.get(Pupil, elsa.pupil_id)
    assert elsa_pupil is not None
    thread = service.start_thread(db, at(4, 16, 45), settings, elsa, elsa_pupil, [staff["petra.vik"].id],
                                  "Inlämning", "Hej Petra! Kan jag lämna in matteuppgiften på måndag i stället? Jag var sjuk i onsdags.", email_staff=False)
    service.reply(db, at(4, 19, 0), settings, staff["petra.vik"], thread.id, "Hej Elsa! Ja, det går bra. Krya på dig!", email_staff=False)
    db.flush()
