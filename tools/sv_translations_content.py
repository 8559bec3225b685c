"""Swedish texts of the content screens (Information, Kalender, Blogg, Planeringar, lesson
details and printing), keyed by the English msgid; tools/fill_catalogs.py merges this file."""

SV = {
    # services/content.py
    "Answer every question in the survey.": "Svara på alla frågor i enkäten.",
    "The answer is too long.": "Svaret är för långt.",
    "Choose one of the question's options.": "Välj ett av frågans alternativ.",
    "The survey is closed; its last day has passed.": "Enkäten är stängd; sista svarsdagen har passerat.",
    "You have already answered this survey for this child.": "Du har redan svarat på enkäten för det här barnet.",
    "You cannot comment on this blog.": "Du kan inte kommentera den här bloggen.",
    "Write a comment first.": "Skriv en kommentar först.",
    "The comment is too long (at most 2000 characters).": "Kommentaren är för lång (högst 2000 tecken).",
    "The file is too large.": "Filen är för stor.",
    "Choose a child first.": "Välj ett barn först.",
}

EN_OVERRIDES: dict[str, str] = {}
