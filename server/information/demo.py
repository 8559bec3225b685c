"""Demo content for Information: news, files and links at Ekbackaskolan and Förskolan Lärkan."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.clock import Clock
from server.config import Settings
from server.information import service
from server.publishing import demo_clock, demo_upload, mark_demo_history_read
from server.storage.demo_files import simple_pdf

ALL_CLASSES = ["FA", "1A", "2A", "3A", "4A", "5A", "6A", "7A", "8A", "9A"]

SCHOOL_NEWS = [
    # (days ago, author, classes, title, body)
    (17, "rektor.holm", ALL_CLASSES, "Reflexer på väg till skolan",
     "Nu är morgnarna mörka. Se till att barnen har reflexväst eller reflexer på väg till och från skolan. "
     "Vi delar ut reflexer i matsalen hela veckan – fråga i kassan om ni behöver fler."),
    (13, "karl.sund", ["5A"], "Bokcirkel i 5A",
     "Vi har startat bokcirklar i klassen. Varje elev har fått en bok att läsa hemma, ungefär 20 sidor i veckan. "
     "Fråga gärna ditt barn vad boken handlar om!"),
    (11, "lisa.ek", ["FA", "1A"], "Vi lär oss bokstäver",
     "Varje vecka arbetar vi med en ny bokstav. Den här veckan är det S. Leta gärna efter saker hemma som börjar på S."),
    (9, "omar.haddad", ["2A", "3A"], "Matteveckan",
     "Den här veckan arbetar vi extra med huvudräkning. Öva gärna multiplikationstabellen hemma – fem minuter om dagen räcker långt."),
    (6, "rektor.holm", ALL_CLASSES, "Luciafirande i aulan",
     "Välkommen att se vårt luciatåg i aulan. Klass 3A och 4A går i tåget. Vårdnadshavare är välkomna; vi bjuder på glögg och pepparkakor."),
    (5, "omar.haddad", ["3A"], "Pepparkaksbak i 3A",
     "På fredag bakar vi pepparkakor i hemkunskapssalen. Meddela mentor om ditt barn inte tål gluten eller mjölk, så ordnar vi ett alternativ."),
    (4, "petra.vik", ["8A", "9A"], "Nationella prov i matematik",
     "Datumen för vårens nationella prov i matematik finns nu i kalendern. Vi övar på gamla prov under lektionerna. Hör av er om ni har frågor."),
    (3, "omar.haddad", ["2A"], "Utflykt till Ekbacksskogen",
     "På torsdag går 2A till skogen. Ta med matsäck, vattenflaska och kläder efter väder. Vi är tillbaka till lunch."),
    (2, "karl.sund", ["5A"], "Glöm inte gympakläderna",
     "Flera elever har glömt ombyte till idrotten. Idrott är på tisdagar och torsdagar – packa gärna väskan kvällen innan."),
    (1, "jonas.alm", ["8A"], "Studiebesök på reningsverket",
     "Nästa vecka åker 8A på studiebesök till Ekbacka reningsverk som en del av NO-arbetet om vatten. Bussen går från skolan kl 8.30."),
]

PRESCHOOL_NEWS = [
    (14, "rektor.holm", ["Blåklockan", "Smörblomman"], "Planeringsdag i januari",
     "Förskolan har planeringsdag första måndagen efter nyår och är då stängd. Meddela oss senast den 15 december om ni behöver barnomsorg."),
    (8, "ida.ros", ["Blåklockan"], "Märk kläderna",
     "Vi hittar många omärkta vantar och mössor. Skriv gärna barnets namn i kläderna, så hamnar de rätt."),
    (5, "ali.berg", ["Smörblomman"], "Skogsutflykter på onsdagar",
     "Varje onsdag går Smörblomman till skogen. Klä barnen efter väder och skicka med extra strumpor."),
    (2, "ida.ros", ["Blåklockan"], "Luciafika",
     "Barnen övar på sånger inför luciafikat. Ni är välkomna att vara med – tid finns i kalendern."),
]


def seed(db: Session, clock: Clock, settings: Settings, world) -> None:  # type: ignore[no-untyped-def]
    staff = world.staff
    for days, author, classes, title, body in SCHOOL_NEWS:
        service.publish_news(db, demo_clock(clock, days, 7, 45), staff[author], [world.classes[c].id for c in classes], title, body)
    for days, author, groups, title, body in PRESCHOOL_NEWS:
        service.publish_news(db, demo_clock(clock, days, 9, 10), staff[author], [world.preschool_groups[g].id for g in groups], title, body)

    files = [
        (world.school, "rektor.holm", 20, "Läsårstider 2026/2027", "Terminsstart, lov och studiedagar.", "Läsårstider 2026-2027.pdf",
         simple_pdf("Läsårstider 2026/2027 – Ekbackaskolan", [
             "Höstterminen börjar måndag 17 augusti och slutar fredag 18 december.",
             "Höstlov: vecka 44. Studiedagar: 9 oktober och 11 december.",
             "Vårterminen börjar måndag 11 januari och slutar fredag 11 juni.",
             "Sportlov: vecka 8. Påsklov: vecka 14. Lovdagar: 14 maj.",
             "Fritids har öppet på studiedagar och lov för inskrivna barn.",
         ])),
        (world.school, "rektor.holm", 18, "Ordningsregler", "Skolans gemensamma regler, framtagna med elevrådet.", "Ordningsregler Ekbackaskolan.pdf",
         simple_pdf("Ordningsregler för Ekbackaskolan", [
             "1. Vi är vänliga mot varandra och tar avstånd från kränkningar.",
             "2. Vi kommer i tid och har med oss det vi behöver.",
             "3. Mobiltelefoner lämnas i mentorns skåp under skoldagen.",
             "4. Vi är rädda om skolans och andras saker.",
             "5. Vi håller oss på skolgården under raster.",
         ])),
        (world.school, "omar.haddad", 7, "Packlista för friluftsdagen", "Bra att ha med till friluftsdagen.", "Packlista friluftsdag.txt",
         "Packlista friluftsdag\n\n- Matsäck och vattenflaska\n- Sittunderlag\n- Kläder efter väder, gärna i lager\n- Extra strumpor\n- Reflexväst\n".encode()),
        (world.preschool, "rektor.holm", 21, "Välkommen till Förskolan Lärkan", "Information till nya familjer.", "Välkommen till Lärkan.pdf",
         simple_pdf("Välkommen till Förskolan Lärkan", [
             "Förskolan är öppen 6.30–18.00 på vardagar.",
             "Lämna och hämta alltid personligen till en pedagog.",
             "Registrera barnets tider i Skolhub senast dagen innan.",
             "Ta med: extrakläder, regnkläder, stövlar och en gosedjur om barnet vill.",
         ])),
        (world.preschool, "rektor.holm", 15, "Frånvaro och ledighet", "Så meddelar ni frånvaro och ledighet.", "Frånvaro och ledighet.pdf",
         simple_pdf("Frånvaro och ledighet – Förskolan Lärkan", [
             "Anmäl frånvaro i Skolhub samma dag före kl 8.00.",
             "Ledighet anmäls i god tid, gärna med kommentaren \"ledig\".",
             "Skriv aldrig hälsouppgifter i kommentaren.",
         ])),
    ]
    for unit, author, days, title, description, name, data in files:
        service.publish_file(db, settings, demo_clock(clock, days, 10), staff[author], unit.id, title, description, demo_upload(name, data))

    links = [
        (world.school, 19, "Veckans skolmat", "https://ekbacka.kommun.example/skolmat", "Matsedeln för Ekbackaskolan."),
        (world.school, 19, "Skolverket – för vårdnadshavare", "https://www.skolverket.se/", "Om skolans uppdrag, betyg och rättigheter."),
        (world.school, 12, "Ansök om fritidsplats", "https://ekbacka.kommun.example/fritids", "E-tjänst för plats på fritids."),
        (world.preschool, 20, "Förskolans läroplan", "https://www.skolverket.se/", "Läroplan för förskolan, Lpfö 18."),
        (world.preschool, 10, "Ekbacka kommun – förskola", "https://ekbacka.kommun.example/forskola", "Köer, avgifter och blanketter."),
    ]
    for unit, days, title, url, description in links:
        service.publish_link(db, demo_clock(clock, days, 11), staff["rektor.holm"], unit.id, title, url, description)

    mark_demo_history_read(db, clock, "information")
