import pytest

from server.personnummer import InvalidPersonnummer, is_valid, masked, normalize, with_check_digit


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("19811218-9876", "198112189876"),
        ("811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("20150312-1236", "201503121236"),
        ("121212+1212", "191212121212"),  # '+' marks 100 years or older
        ("701063-2391", "197010632391"),  # coordination number: day + 60
    ],
)
def test_valid_personnummer_normalise_to_twelve_digits(given, canonical):
    from datetime import date

    assert normalize(given, date(2026, 11, 29)) == canonical


@pytest.mark.parametrize("bad", ["19811218-9875", "811318-9876", "abc", "1981121898", "19810230-1234", ""])
def test_invalid_personnummer_are_refused(bad):
    with pytest.raises(InvalidPersonnummer):
        normalize(bad)
    assert not is_valid(bad)


def test_generated_test_numbers_are_valid_and_masked_in_logs():
    pnr = with_check_digit("20160101", "981")
    assert is_valid(pnr)
    assert masked(pnr) == "20160101-****"
