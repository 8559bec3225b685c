"""Texts the server sends to people (email, SMS), in the recipient's language (sv default)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "activation.subject": {
        "sv": "Aktivera ditt konto i Skolhub",
        "en": "Activate your Skolhub account",
    },
    "activation.body": {
        "sv": (
            "Hej {name}!\n\n{unit} har skapat ett konto åt dig i Skolhub.\n"
            "Välj användarnamn och lösenord via länken nedan. Länken gäller i {days} dagar och kan bara användas en gång.\n\n"
            "{link}\n\nOm länken har slutat gälla, kontakta skolan så skickar de en ny.\n"
        ),
        "en": (
            "Hello {name},\n\n{unit} has created a Skolhub account for you.\n"
            "Choose your username and password through the link below. The link is valid for {days} days and works once.\n\n"
            "{link}\n\nIf the link has expired, contact the school and they will send a new one.\n"
        ),
    },
    "reset.subject": {"sv": "Återställ ditt lösenord i Skolhub", "en": "Reset your Skolhub password"},
    "reset.body": {
        "sv": (
            "Hej {name}!\n\nNågon (förhoppningsvis du) bad om att få återställa lösenordet. "
            "Välj ett nytt lösenord via länken nedan. Den gäller i {minutes} minuter och kan bara användas en gång.\n\n{link}\n\n"
            "Om du inte bad om detta kan du bortse från meddelandet.\n"
        ),
        "en": (
            "Hello {name},\n\nSomeone (hopefully you) asked to reset your password. "
            "Choose a new password through the link below. It is valid for {minutes} minutes and works once.\n\n{link}\n\n"
            "If you did not ask for this, you can ignore this email.\n"
        ),
    },
    # R23: only that there is a message — never its title, body or the child's name.
    "message_notice.subject": {"sv": "Du har fått ett meddelande i Skolhub", "en": "You have a new message in Skolhub"},
    "message_notice.body": {
        "sv": "Hej {name}!\n\nDu har fått ett nytt meddelande i Skolhub. Logga in för att läsa det:\n\n{link}\n",
        "en": "Hello {name},\n\nYou have a new message in Skolhub. Sign in to read it:\n\n{link}\n",
    },
    # R44: no personnummer, only the child's first name, the day and the school.
    "absence.sms": {
        "sv": "{school}: {child} har registrerats med ogiltig frånvaro {day}. Se Skolhub för detaljer eller kontakta skolan.",
        "en": "{school}: {child} has been registered with unexcused absence on {day}. See Skolhub for details or contact the school.",
    },
    "absence.notice.first": {
        "sv": "Ogiltig frånvaro {day}",
        "en": "Unexcused absence on {day}",
    },
    "absence.notice.multiple": {
        "sv": "Ogiltig frånvaro från flera lektioner {day}",
        "en": "Unexcused absence from several lessons on {day}",
    },
}


def text(key: str, language: str | None, **values: object) -> str:
    variants = TEXTS[key]
    template = variants.get(language or "sv") or variants["sv"]
    return template.format(**values)
