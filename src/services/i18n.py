"""Swedish (default) and English: gettext catalogs in locales/, dates and ISO weeks via babel.

Each app session owns an I18n object, so one web server can serve a Swedish and an English
user at once. Catalogs are compiled from the .po files (kept in git) whenever a .mo is missing
or older than its .po, so the compiled catalogs always match the sources.
"""

from __future__ import annotations

import gettext
import logging
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger("skolhub.app.i18n")

DOMAIN = "skolhub"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
SCHOOL_TZ = ZoneInfo("Europe/Stockholm")


def locales_dir() -> Path:
    env = os.environ.get("SKOLHUB_LOCALES_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "locales", here.parent / "locales"):
        if candidate.is_dir():
            return candidate
    return here.parent.parent / "locales"


def compile_catalogs(root: Path | None = None, force: bool = False) -> list[Path]:
    """Compile every locales/<lang>/LC_MESSAGES/skolhub.po whose .mo is missing or stale."""
    root = root or locales_dir()
    written = []
    for po_path in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def normalize_language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


class I18n:
    def __init__(self, language: str = DEFAULT_LANGUAGE, root: Path | None = None) -> None:
        self.root = root or locales_dir()
        try:
            compile_catalogs(self.root)
        except OSError:  # a read-only install ships compiled catalogs
            log.debug("could not compile catalogs in %s", self.root)
        self._translations: dict[str, gettext.NullTranslations] = {}
        self.language = DEFAULT_LANGUAGE
        self.set_language(language)

    def set_language(self, language: str | None) -> None:
        self.language = normalize_language(language)

    def _catalog(self, language: str) -> gettext.NullTranslations:
        if language not in self._translations:
            self._translations[language] = gettext.translation(DOMAIN, localedir=str(self.root), languages=[language], fallback=True)
        return self._translations[language]

    def gettext(self, message: str) -> str:
        return self._catalog(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog(self.language).ngettext(singular, plural, n)

    # --- dates (R80) -------------------------------------------------------------------------

    @property
    def locale(self) -> Locale:
        return Locale.parse(BABEL_LOCALES[self.language])

    def weekday(self, day: date) -> str:
        return format_date(day, "EEEE", locale=self.locale)

    def date_long(self, day: date) -> str:
        """"måndag 30 november 2026" / "Monday 30 November 2026"."""
        return format_date(day, "EEEE d MMMM y", locale=self.locale)

    def date_short(self, day: date) -> str:
        return format_date(day, "EEE d MMM", locale=self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(moment, "HH:mm", tzinfo=SCHOOL_TZ, locale=self.locale)

    def datetime(self, moment: datetime) -> str:
        return format_datetime(moment, "d MMM y HH:mm", tzinfo=SCHOOL_TZ, locale=self.locale)

    def week_label(self, day: date) -> str:
        """ISO week number: "v. 48" in Swedish, "week 48" in English."""
        return self.gettext("w. {week}").format(week=day.isocalendar().week)
