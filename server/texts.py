"""The one catalog of texts the server makes for people — notification titles (the bell, device
pushes), emails and SMS — in Swedish and English.

A notification or outbox row stores a key and its parameters; the text is rendered in the
recipient's language when it is read (the feed) or sent (the outbox worker), so an English user
reads English even for items created before they switched (R80). `tests/server/test_texts.py`
fails on a key missing in either language or with different placeholders.

Parameter values are plain strings or numbers, or one of two markers rendered per language:
`date_param(day)` (a weekday and date, e.g. "måndag 30 november") and `text_param(key)` (another
catalog text, e.g. a fallback school name).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date

LANGUAGES = ("sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    # --- emails and SMS (the outbox) -------------------------------------------------------
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
    "absence_sms.body": {
        "sv": "{school}: {child} har registrerats med ogiltig frånvaro {day}. Se Skolhub för detaljer eller kontakta skolan.",
        "en": "{school}: {child} has been registered with unexcused absence on {day}. See Skolhub for details or contact the school.",
    },
    # Shown in the BankID app while identifying (userVisibleData).
    "bankid.user_visible_data": {"sv": "Skolhub: identifiering", "en": "Skolhub: identification"},
    # A unit without a name in an email ("{unit} har skapat ett konto åt dig").
    "unit.fallback": {"sv": "Skolan", "en": "The school"},
    # --- notification titles (the bell and device pushes): "notice.<type>" ------------------
    "notice.invalid_absence": {
        "sv": "Ogiltig frånvaro {day}",
        "en": "Unexcused absence on {day}",
    },
    "notice.invalid_absence_multiple": {
        "sv": "Ogiltig frånvaro från flera lektioner {day}",
        "en": "Unexcused absence from several lessons on {day}",
    },
    "notice.message_received": {
        "sv": "Nytt meddelande från {author}: {subject}",
        "en": "New message from {author}: {subject}",
    },
    "notice.talk_times_published": {
        "sv": "Boka tid för samtal: {title}",
        "en": "Book a time for a talk: {title}",
    },
    # A publication's own title is the notice (the app shows the area's name beside it).
    "notice.news_published": {"sv": "{title}", "en": "{title}"},
    "notice.file_published": {"sv": "{title}", "en": "{title}"},
    "notice.link_published": {"sv": "{title}", "en": "{title}"},
    "notice.blog_post_published": {"sv": "{title}", "en": "{title}"},
    "notice.calendar_entry_published": {"sv": "{title}", "en": "{title}"},
    "notice.survey_published": {"sv": "Ny enkät: {title}", "en": "New survey: {title}"},
    "notice.plan_published": {"sv": "{subject}: {title}", "en": "{subject}: {title}"},
    # R5: the protected boxes' notifications say only that something was published — never
    # the subject, the term or the title; those are read inside the box after BankID.
    "notice.assessment_published": {
        "sv": "Ny bedömning har publicerats",
        "en": "A new assessment has been published",
    },
    "notice.portfolio_published": {
        "sv": "Ny dokumentation har publicerats",
        "en": "New documentation has been published",
    },
    "notice.iup_published": {
        "sv": "Ny dokumentation har publicerats",
        "en": "New documentation has been published",
    },
}


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else "sv"


def day_label(day: date, language: str | None) -> str:
    """A weekday and date in the language ("måndag 30 november", "Monday 30 November")."""
    return format_date(day, "EEEE d MMMM", locale="en_GB" if language_of(language) == "en" else "sv_SE")


def date_param(day: date) -> dict[str, str]:
    return {"date": day.isoformat()}


def text_param(key: str) -> dict[str, str]:
    if key not in TEXTS:
        raise KeyError(key)
    return {"text": key}


def _value(value: Any, language: str) -> Any:
    if isinstance(value, Mapping):
        if "date" in value:
            return day_label(date.fromisoformat(str(value["date"])), language)
        if "text" in value:
            return render(str(value["text"]), {}, language)
    return value


def render(key: str, params: Mapping[str, Any] | None, language: str | None) -> str:
    """The text `key` with `params`, in `language` (sv when unknown). A key not in the
    catalog raises KeyError: callers use keys from here only."""
    lang = language_of(language)
    template = TEXTS[key][lang]
    return template.format(**{name: _value(v, lang) for name, v in (params or {}).items()})


def text(key: str, language: str | None, **values: object) -> str:
    return render(key, values, language)


def has(key: str) -> bool:
    return key in TEXTS


def dump_params(params: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(params or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_params(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    loaded = json.loads(raw)
    return loaded if isinstance(loaded, dict) else {}
