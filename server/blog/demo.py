"""Demo content for the blog: posts with pictures per group; at school students and staff
comment, at preschool guardians and staff (R57)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.blog import service
from server.clock import Clock, FixedClock
from server.config import Settings
from server.publishing import demo_clock, demo_upload, mark_demo_history_read
from server.school.models import Guardianship, Pupil
from server.storage.demo_files import simple_png

AUTUMN = ((214, 134, 52), (120, 72, 30))
FOREST = ((120, 170, 110), (40, 80, 45))
SKY = ((150, 190, 230), (230, 235, 240))
GINGER = ((196, 120, 60), (150, 80, 40))
LAB = ((90, 110, 150), (30, 35, 60))

SCHOOL_POSTS = [
    # (days ago, author, class, title, body, pictures, [(commenter, text)])
    (12, "omar.haddad", "2A", "Höstpromenad i Ekbacksskogen",
     "Idag gick vi till skogen och samlade löv i alla färger. Vi sorterade dem efter form och färg och pratade om varför träden fäller sina löv.",
     [("Löven.png", AUTUMN), ("Skogen.png", FOREST)], [("fritids.nora", "Vilken fin dag ni fick! Vi fortsätter med lövtavlor på fritids.")]),
    (9, "karl.sund", "5A", "Bokcirkelns första träff",
     "Eleverna har träffats i sina bokcirklar för första gången och pratat om bokens början. Alla grupper har valt en ordförande som leder samtalet.",
     [], []),
    (6, "jonas.alm", "8A", "Labb: vi bygger elektriska kretsar",
     "I NO har vi byggt serie- och parallellkopplingar och mätt ström och spänning. Nästa vecka skriver vi labbrapporter.",
     [("Kretsen.png", LAB), ("Mätningen.png", SKY)],
     [("student", "Det var jätteroligt att få lampan att lysa!"), ("jonas.alm", "Bra jobbat allihop, snygga kopplingar!")]),
    (5, "omar.haddad", "2A", "Vi räknar med kastanjer",
     "Kastanjerna från promenaden blev perfekta att räkna med. Vi gjorde grupper om fem och tio och övade på att räkna hoppande.",
     [("Kastanjer.png", GINGER)], []),
    (3, "lisa.ek", "FA", "Bokstaven S",
     "Den här veckan har vi letat efter saker som börjar på S: sol, sax, stol och snigel. Vi har också skrivit S i sand.",
     [("Sanden.png", SKY)], []),
    (1, "petra.vik", "8A", "Inför provet i algebra",
     "Vi har repeterat ekvationer och uttryck. Glöm inte att öva på uppgifterna på sidan 112 inför provet.",
     [], [("student", "Kommer det frågor om parenteser?"), ("petra.vik", "Ja, några stycken – titta på exempel 4 och 5.")]),
]

PRESCHOOL_POSTS = [
    (11, "ida.ros", "Blåklockan", "Höstlöv och lera",
     "Vi har varit ute hela förmiddagen och byggt en lerkaka-bageri vid sandlådan. Barnen var noga med att alla skulle få smaka!",
     [("Leran.png", AUTUMN)], [("guardian", "Det förklarar de leriga byxorna. Så härligt!")]),
    (6, "ali.berg", "Smörblomman", "Vi har byggt en koja",
     "Smörblomman har byggt en koja av grenar i skogsdungen. Nu har vi en egen plats att äta frukt på när vi är ute.",
     [("Kojan.png", FOREST)], [("guardian", "Han har pratat om kojan varje kväll!"), ("ali.berg", "Vad roligt att höra!")]),
    (4, "ida.ros", "Blåklockan", "Pepparkaksbak",
     "Idag bakade Blåklockan pepparkakor. Barnen kavlade, stack ut figurer och pyntade med kristyr. Det doftade jul i hela huset.",
     [("Pepparkakorna.png", GINGER), ("Kavlingen.png", AUTUMN)],
     [("anna", "Åh vad mysigt, hon pratade om det hela kvällen!"), ("ida.ros", "Tack! Vi bakar igen nästa vecka.")]),
]


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.staff

    def guardian_in(group_id: int, index: int) -> User:
        ids = list(db.scalars(
            select(Guardianship.guardian_id).join(Pupil, Pupil.id == Guardianship.pupil_id)
            .where(Pupil.group_id == group_id).order_by(Guardianship.guardian_id)
        ))
        user = db.get(User, ids[index % len(ids)])
        assert user is not None
        return user

    def publish(days: int, author: str, group, title: str, body: str, pictures, comments) -> None:  # type: ignore[no-untyped-def]
        when = demo_clock(clock, days, 13, 30)
        uploads = [demo_upload(name, simple_png(320, 240, top, bottom)) for name, (top, bottom) in pictures]
        post = service.publish_post(db, settings, when, staff[author], group.id, title, body, uploads)
        for i, (who, text) in enumerate(comments):
            if who == "student":
                commenter = world.people["student"]
            elif who == "anna":
                commenter = world.people["fritids_and_preschool_guardian"]
            elif who == "guardian":
                commenter = guardian_in(group.id, i + 1)
            else:
                commenter = staff[who]
            at = FixedClock(min(when.now() + timedelta(hours=2 + i), clock.now() - timedelta(minutes=1)))
            service.add_comment(db, at, commenter, post.id, text)

    for days, author, cls, title, body, pictures, comments in SCHOOL_POSTS:
        publish(days, author, world.classes[cls], title, body, pictures, comments)
    for days, author, group, title, body, pictures, comments in PRESCHOOL_POSTS:
        publish(days, author, world.preschool_groups[group], title, body, pictures, comments)

    mark_demo_history_read(db, clock, "blog")
