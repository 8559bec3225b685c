"""Swedish for the BankID flow and the protected boxes Bedömningar and Dokumentation (issue 12).
The labels follow BankID's guidelines for relying parties and the school's guide."""

SV = {
    # The BankID flow (R5)
    "Identify with BankID": "Legitimera med BankID",
    "Open the BankID app": "Öppna BankID-appen",
    "BankID on another device": "BankID på annan enhet",
    "BankID on this computer": "BankID på den här datorn",
    "Cancel": "Avbryt",
    "Try again": "Försök igen",
    "Loading": "Laddar",
    "Choose a child first.": "Välj ett barn först.",
    "{box} needs BankID: to protect your child's information, it opens only after you have identified "
    "yourself with BankID. The identification is valid for a while; after that you are asked again.":
        "{box} kräver BankID: för att skydda ditt barns uppgifter öppnas den först när du har legitimerat dig "
        "med BankID. Legitimeringen gäller en stund; sedan får du legitimera dig igen.",
    "If you don't have BankID, contact the school.": "Om du inte har BankID, kontakta skolan.",
    "QR code for BankID. Open the BankID app on your phone and scan it.":
        "QR-kod för BankID. Öppna BankID-appen i din telefon och läs av den.",
    "Open the BankID app and choose the QR-code symbol to scan the code.":
        "Öppna BankID-appen och välj QR-symbolen för att läsa av koden.",
    # Bedömningar (R52)
    "Assessments": "Bedömningar",
    "Subject assessments": "Ämnesomdöme",
    "No assessments have been published yet.": "Inga bedömningar har publicerats ännu.",
    "Autumn term {year}": "Höstterminen {year}",
    "Spring term {year}": "Vårterminen {year}",
    "Published {when}": "Publicerad {when}",
    "by {teacher}": "av {teacher}",
    # Dokumentation (R54)
    "Documentation": "Dokumentation",
    "Portfolio": "Portfolio",
    "IUP": "IUP",
    "IUP, {term}": "IUP, {term}",
    "Nothing has been documented in the portfolio yet.": "Inget har dokumenterats i portfolion ännu.",
    "No IUP has been published yet.": "Ingen IUP har publicerats ännu.",
    "For the whole class {group}": "För hela klassen {group}",
    "Download {name} ({size})": "Ladda ner {name} ({size})",
    "Downloaded {name}.": "{name} är nedladdad.",
    "No text or files.": "Ingen text eller filer.",
    "Goals": "Mål",
    "What the school does": "Skolans insatser",
    "What the pupil does": "Elevens insatser",
    "What the guardians do": "Vårdnadshavarnas insatser",
}
