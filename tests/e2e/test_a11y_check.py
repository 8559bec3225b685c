"""The accessibility check itself (tests/e2e/a11y.py) must be able to fail: fed a page with an
unnamed button, an image without a text alternative and text shown as empty text fields, it
names each of them; a page without them passes. Chromium only, no server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.a11y import accessibility_report, assert_accessible, tree_text
from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

GOOD = """<main><h1>Meddelanden</h1>
<button>Tillbaka</button>
<div role="button" tabindex="0" aria-label="Notiser: 2 nya"></div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Skolhub">
<label>Användarnamn <input aria-invalid="false" type="text"></label>
<input aria-invalid="false" aria-label="E-postadress" value="anna@example.org">
<p>Hej! Matteboken ska med på fredag.</p></main>"""

BAD = """<main><div>Matteboken</div>
<div role="group" aria-label="Notiser: 5 nya"><div role="button" tabindex="0" flt-semantics-identifier="bell"></div></div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logo-image">
<textarea disabled id="message-body"></textarea>
<flt-semantics flt-semantics-identifier="address"><textarea aria-label="Adress"></textarea></flt-semantics>
<input aria-invalid="false" aria-label="Användarnamn"></main>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 390, "height": 844})
        browser.close()


def test_an_unnamed_button_an_image_without_alt_and_empty_text_fields_fail_with_a_readable_report(page) -> None:  # type: ignore[no-untyped-def]
    page.set_content(BAD)
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page, "bad-screen")
    report = str(failed.value)
    print(report)
    assert "screen 'bad-screen' at 390×844: 5 problem(s)" in report
    assert "screen without a heading" in report
    assert "interactive node without a name: button (identifier='bell', inside group 'Notiser: 5 nya')" in report
    assert "image without a text alternative: image (#logo-image" in report
    assert "text shown as an empty text field: textbox (#message-body" in report
    assert "text shown as an empty text field: textbox (in identifier='address', after group 'Notiser: 5 nya') — named 'Adress'" in report
    assert "Användarnamn" not in report.split("notes")[0]  # an empty input to type in is fine


def test_a_page_whose_controls_and_images_are_named_passes(page) -> None:  # type: ignore[no-untyped-def]
    page.set_content(GOOD)
    report = assert_accessible(page, "good-screen")
    assert report.problems == [] and report.checked > 5
    assert accessibility_report(page, "good-screen").problems == []
    tree = tree_text(page)
    assert "heading 'Meddelanden' {'level': 1}" in tree and "textbox 'E-postadress' value='anna@example.org'" in tree
