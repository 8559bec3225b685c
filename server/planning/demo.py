"""Demo content for planning (school only): teachers' plans in a few subjects, some with a PDF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from server.clock import Clock, local_today
from server.config import Settings
from server.planning import service
from server.planning.schemas import PlanIn
from server.publishing import demo_clock, demo_upload, mark_demo_history_read
from server.storage.demo_files import simple_pdf

PLANS = [
    # (days ago, author, class, subject, title, body, weeks before/after today, attachment lines or None)
    (20, "omar.haddad", "2A", "Matematik", "Multiplikation och division",
     "Mål: eleven ska kunna multiplikationstabellerna 2–5 och förstå division som delning.\n\n"
     "Vecka 1–2: upprepad addition och multiplikation med konkret material.\n"
     "Vecka 3–4: tabellerna 2, 3, 4 och 5.\nVecka 5: division som delning och innehållsdivision.\n\n"
     "Bedömning: muntliga genomgångar och ett kort skriftligt förhör.",
     (2, 3), ["Vecka 1–2: upprepad addition", "Vecka 3–4: tabellerna 2–5", "Vecka 5: division", "Förhör i slutet av perioden"]),
    (18, "omar.haddad", "3A", "Matematik", "Geometri – former och mönster",
     "Vi undersöker två- och tredimensionella former, symmetri och mönster. Vi mäter omkrets och bygger egna figurer.",
     (1, 4), None),
    (16, "karl.sund", "4A", "Svenska", "Sagor och berättelser",
     "Vi läser folksagor och konstsagor, jämför dem och skriver egna sagor med tydlig början, mitt och slut.",
     (2, 4), None),
    (14, "karl.sund", "5A", "Svenska", "Bokcirkel och bokrecension",
     "Eleverna läser en bok i bokcirkel, samtalar om den i grupp och skriver en recension.\n\n"
     "Kunskapskrav i fokus: läsförståelse, samtal om texter och att skriva en argumenterande text.",
     (2, 3), ["Läsplan: 20 sidor i veckan", "Samtal i bokcirkeln varje fredag", "Recensionen lämnas in sista veckan"]),
    (10, "mira.lund", "6A", "Engelska", "Christmas around the world",
     "We read about how Christmas and other winter holidays are celebrated around the world and present one tradition in pairs.",
     (1, 3), None),
    (9, "jonas.alm", "8A", "NO", "Elektricitet och kretsar",
     "Vi arbetar med ström, spänning och resistans, serie- och parallellkoppling och elsäkerhet. Laborationer varje vecka.",
     (1, 3), ["Lektion 1–2: ström och spänning", "Lektion 3–4: kopplingar och mätningar", "Lektion 5: labbrapport", "Lektion 6: elsäkerhet i hemmet"]),
    (8, "petra.vik", "8A", "Matematik", "Algebra och ekvationer",
     "Uttryck, förenkling och ekvationslösning. Vi avslutar området med ett skriftligt prov.",
     (1, 2), None),
    (5, "petra.vik", "9A", "Matematik", "Inför nationella provet",
     "Repetition av taluppfattning, algebra, geometri och statistik. Vi arbetar med gamla nationella prov.",
     (0, 8), None),
]


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    today = local_today(clock)
    monday = today - timedelta(days=today.weekday())
    for days, author, cls, subject, title, body, (weeks_back, weeks_ahead), attachment in PLANS:
        when = demo_clock(clock, days, 16)
        user = world.staff[author]
        plan = service.publish_plan(db, when, user, PlanIn(
            group_id=world.classes[cls].id, subject=subject, title=title, body=body,
            period_start=monday - timedelta(weeks=weeks_back), period_end=monday + timedelta(weeks=weeks_ahead, days=4),
        ))
        if attachment:
            pdf = simple_pdf(f"{subject} {cls}: {title}", attachment)
            service.add_attachment(db, settings, when, user, plan.id, demo_upload(f"Planering {title}.pdf", pdf))
    mark_demo_history_read(db, clock, "planning")
