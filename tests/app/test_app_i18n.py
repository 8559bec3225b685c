"""R80 and the i18n rule: every text of the app has a Swedish translation; dates and ISO weeks
in the chosen language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.i18n import I18n, compile_catalogs, locales_dir

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def _source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "src"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(language: str):
    with (locales_dir() / language / "LC_MESSAGES" / "skolhub.po").open("rb") as f:
        return read_po(f, locale=language)


def test_every_text_in_the_app_has_a_swedish_translation():
    catalog = _catalog("sv")
    missing = []
    for msgid in sorted(_source_messages()):
        message = catalog.get(msgid)
        strings = message.string if message else None
        if isinstance(strings, tuple):
            ok = all(strings)
        else:
            ok = bool(strings)
        if message is None or not ok or message.fuzzy:
            missing.append(msgid)
    assert not missing, f"Swedish translation missing for: {missing}"


def test_every_text_is_in_the_english_catalog_too():
    catalog = _catalog("en")
    assert not [m for m in _source_messages() if catalog.get(m) is None]


def test_compiled_catalogs_match_the_po_files(tmp_path):
    import shutil

    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy, ignore=shutil.ignore_patterns("*.mo"))
    written = compile_catalogs(copy)
    assert {p.parent.parent.name for p in written} == {"sv", "en"}
    i18n = I18n("sv", root=copy)
    assert i18n.gettext("Log in") == "Logga in"
    assert compile_catalogs(copy) == []  # up to date: nothing rewritten


def test_swedish_is_the_default_and_the_guide_labels_are_used():
    i18n = I18n()
    assert i18n.language == "sv"
    labels = [i18n.gettext(t) for t in ("Log in", "Username", "Password", "Messages", "Settings", "My profile", "Log out")]
    assert labels == ["Logga in", "Användarnamn", "Lösenord", "Meddelanden", "Inställningar", "Min profil", "Logga ut"]
    i18n.set_language("en")
    assert i18n.gettext("My profile") == "My profile"
    i18n.set_language("de")
    assert i18n.language == "sv"


def test_dates_weekdays_and_iso_week_numbers_follow_the_language_R80():
    i18n = I18n("sv")
    monday = date(2026, 11, 23)
    assert i18n.week_label(monday) == "v. 48"
    assert i18n.date_long(monday) == "måndag 23 november 2026"
    assert i18n.weekday(date(2026, 11, 30)) == "måndag"
    i18n.set_language("en")
    assert i18n.week_label(monday) == "week 48"
    assert i18n.date_long(monday) == "Monday 23 November 2026"
    # times are shown in the school's time zone
    assert i18n.time(datetime(2026, 11, 30, 6, 30, tzinfo=UTC)) == "07:30"


def test_plural_counts_of_new_items():
    i18n = I18n("sv")
    assert i18n.ngettext("{n} new", "{n} new", 1).format(n=1) == "1 ny"
    assert i18n.ngettext("{n} new", "{n} new", 3).format(n=3) == "3 nya"
