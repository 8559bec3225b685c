"""Unit tests of the app's small rules that need no server: weeks, addresses, push choices,
counts per child, error texts, the token file."""

from __future__ import annotations

import os
from datetime import date

from services.api import ApiError, ServerUnreachable
from services.errors import error_message
from services.i18n import I18n
from services.models import Address, NotificationCounts, Push
from services.state import iso_week, week_monday
from services.token_store import FALLBACK_FILE_NAME, FileTokenStore, StoredSession


def test_iso_weeks_round_trip_across_the_new_year():
    assert iso_week(date(2026, 11, 30)) == "2026-W49"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert week_monday("2026-W53") == date(2026, 12, 28)
    assert week_monday("2026-W49") == date(2026, 11, 30)


def test_the_address_is_shown_as_lines():
    address = Address(care_of="Svensson", street="Ekvägen 3", street2=None, postcode="123 45", city="Ekbacka")
    assert address.lines() == ["c/o Svensson", "Ekvägen 3", "123 45 Ekbacka"]


def test_push_choices_default_to_on_for_unknown_areas():
    push = Push(blog=False)
    assert not push.allows("blog") and push.allows("messages") and push.allows("something_new")


def test_the_bell_counts_per_selected_child():
    counts = NotificationCounts(total=5, by_pupil={"3": 2, "4": 3})
    assert counts.for_pupil(3) == 2 and counts.for_pupil(9) == 0 and counts.for_pupil(None) == 5


def test_unknown_error_codes_fall_back_to_a_translated_sentence():
    sv, en = I18n("sv"), I18n("en")
    assert error_message(ApiError(418, "teapot"), sv) == "Något gick fel. Försök igen."
    assert error_message(ApiError(401, "whatever"), en) == "Your session has ended. Log in again."
    assert error_message(ServerUnreachable("x"), en).startswith("The server cannot be reached")


def test_the_token_file_is_clearly_named_private_and_per_server(tmp_path):
    store = FileTokenStore(tmp_path)
    store.save(StoredSession("http://a", "tok-a", 1))
    store.save(StoredSession("http://b", "tok-b", 2))
    assert store.path.name == FALLBACK_FILE_NAME
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert store.load("http://a").token == "tok-a"
    store.clear("http://a")
    assert store.load("http://a") is None and store.load("http://b").user_id == 2
