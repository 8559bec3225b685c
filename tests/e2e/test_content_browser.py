"""The content screens in Chromium against the demo: Information (R50, R51) — open a news item,
the box count drops, a file downloads with its real name and bytes; Kalender (R55) — open an
entry, answer a survey, then "Besvarad"; Blogg (R56, R57) — a school guardian is not offered the
comment field, at the preschool the guardian comments; Planeringar (R53) — a plan and its
attachment; Schema (R35) — a lesson's detail and "Skriv ut" yielding the week's PDF.

The tests run in file order as one guardian (anna.lindqvist: a 2A pupil in fritids and a
preschool child) and save each screen at phone and desktop size in tests/e2e/screenshots/."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.stack import Stack
from tests.e2e.ui import DEMO_PASSWORD, TIMEOUT, UI

pytestmark = pytest.mark.e2e
GUARDIAN = "anna.lindqvist"
OPENED: dict[str, dict] = {}  # what an earlier test opened, for the offline test at the end


@pytest.fixture(scope="module")
def api(stack: Stack):  # type: ignore[no-untyped-def]
    """The guardian's own session on the API, to compare what the app shows with the server."""
    with httpx.Client(base_url=stack.api_url + "/api/v1", timeout=30) as client:
        token = client.post("/auth/login", json={"username": GUARDIAN, "password": DEMO_PASSWORD}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def children(stack: Stack) -> dict[str, tuple[int, str]]:
    rows = stack.sql(
        "SELECT p.id, p.first_name || ' ' || p.last_name, un.kind FROM pupil p JOIN guardianship g ON g.pupil_id = p.id "
        "JOIN user_account u ON u.id = g.guardian_id JOIN unit un ON un.id = p.unit_id WHERE u.username = ?", GUARDIAN,
    )
    return {kind: (pid, name) for pid, name, kind in rows}


def bell_count(ui: UI) -> int:
    match = re.search(r"(\d+) nya?", ui.said("bell"))
    return int(match.group(1)) if match else 0


def box_count(ui: UI, key: str) -> int:
    said = ui.said(f"box-{key}")
    match = re.search(r"(\d+) (?:nya?|new)", said)
    return int(match.group(1)) if match else 0


def choose_child(ui: UI, pupil_id: int, name: str) -> None:
    ui.tap("logo")
    ui.tap("profile", until=ui.heading("Byt barn"))
    ui.tap(f"child-{pupil_id}", until=ui.heading(name))


def tab(ui: UI, name: str) -> None:
    """Select a tab. After a screenshot at desktop size the semantics nodes of the top bar can
    overlap the tabs for a moment, so the click goes to the tab's node itself."""
    target = ui.page.get_by_role("tab", name=name, exact=True)
    for _ in range(3):
        target.dispatch_event("click")
        try:
            expect(target).to_have_attribute("aria-selected", "true", timeout=5000)
            return
        except AssertionError:
            time.sleep(0.5)
    expect(target).to_have_attribute("aria-selected", "true")


def back(ui: UI, until) -> None:  # type: ignore[no-untyped-def]
    ui.tap("back", until=until)


def test_login_as_the_guardian(ui: UI) -> None:
    ui.stack.sql("UPDATE user_account SET language = 'sv' WHERE username = ?", GUARDIAN)  # an earlier file chose English
    ui.open_logged_out(ui.stack.app_url + "/login")
    ui.login(GUARDIAN, DEMO_PASSWORD)
    pid, name = children(ui.stack)["school"]
    choose_child(ui, pid, name)
    ui.page.locator('[flt-semantics-identifier="box-information"]').wait_for(timeout=TIMEOUT)


def test_opening_a_new_news_item_lowers_the_information_box_R50_R51(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["school"]
    time.sleep(1.5)  # the fresh counts replace the cached ones
    before, bell_before = box_count(ui, "information"), bell_count(ui)
    assert before >= 1, "the demo has a new Information item for the 2A pupil"
    news = api.get(f"/children/{pid}/information/news").json()["items"]
    unread_keys = {row[0] for row in ui.stack.sql(
        "SELECT n.item_key FROM notification n JOIN user_account u ON u.id = n.user_id "
        "WHERE u.username = ? AND n.pupil_id = ? AND n.area = 'information' AND n.read_at IS NULL", GUARDIAN, pid)}
    new_item = next(n for n in news if f"news:{n['id']}" in unread_keys)

    ui.tap("box-information", until=ui.heading("Information"))
    ui.page.locator(f'[flt-semantics-identifier="news-{new_item["id"]}"]').wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("information-news")
    ui.tap(f"news-{new_item['id']}", until=ui.heading(new_item["title"]))
    ui.text(new_item["body"][:40])
    ui.shoot("information-news-item")
    OPENED["news"] = new_item
    ui.tap("logo", until=ui.heading(name))
    deadline = time.monotonic() + 20
    while box_count(ui, "information") != before - 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert box_count(ui, "information") == before - 1
    # The bell's item for it is read and seen too (an earlier file may have emptied the bell).
    assert ui.stack.sql(
        "SELECT n.read_at IS NOT NULL AND n.seen_at IS NOT NULL FROM notification n JOIN user_account u ON u.id = n.user_id "
        "WHERE u.username = ? AND n.pupil_id = ? AND n.item_key = ?", GUARDIAN, pid, f"news:{new_item['id']}") == [(1,)]
    assert bell_count(ui) < bell_before or bell_before == 0


def test_a_file_downloads_with_its_real_name_and_bytes_R50(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, _name = children(ui.stack)["school"]
    files = api.get(f"/children/{pid}/information/files").json()["items"]
    item = next(f for f in files if f["file_name"].endswith(".txt"))
    expected = api.get(item["download_url"].removeprefix("/api/v1")).content

    ui.tap("box-information", until=ui.heading("Information"))
    tab(ui, "Filer")
    ui.page.locator(f'[flt-semantics-identifier="file-{item["id"]}"]').wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("information-files")
    with ui.page.expect_download(timeout=TIMEOUT) as info:
        ui.tap(f"file-download-{item['id']}")
    download = info.value
    assert download.suggested_filename == item["file_name"]
    assert Path(download.path()).read_bytes() == expected
    ui.text(f"Hämtad: {item['file_name']}")

    tab(ui, "Länkar")
    link = api.get(f"/children/{pid}/information/links").json()["items"][0]
    ui.page.locator(f'[flt-semantics-identifier="link-{link["id"]}"]').wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("information-links")
    asked: list[str] = []  # the browser tries the address (the test browser reaches nothing outside 127.0.0.1)

    def record(request) -> None:  # type: ignore[no-untyped-def]
        asked.append(request.url)

    ui.page.context.on("request", record)
    with ui.page.context.expect_page(timeout=TIMEOUT) as opened:
        ui.tap(f"link-{link['id']}")
    deadline = time.monotonic() + 10
    while link["url"].rstrip("/") not in [u.rstrip("/") for u in asked] and time.monotonic() < deadline:
        time.sleep(0.2)
    ui.page.context.remove_listener("request", record)
    assert link["url"].rstrip("/") in [u.rstrip("/") for u in asked], "the link opens outside the app, in a new tab"
    assert opened.value != ui.page
    opened.value.close()


def test_a_calendar_entry_opens_and_a_survey_is_answered_once_R55(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["school"]
    ui.tap("logo", until=ui.heading(name))
    ui.tap("box-calendar", until=ui.heading("Kalender"))
    today = ui.page.evaluate("() => new Date().toISOString().slice(0, 10)")
    month_start = today[:8] + "01"
    listing = api.get(f"/children/{pid}/calendar", params={"from": month_start, "to": today[:8] + "28"}).json()["items"]
    survey = next(e for e in listing if e["kind"] == "survey" and e["answerable"] and e["group_name"] == "2A")
    other = next(e for e in listing if e["kind"] != "survey")
    ui.page.locator(f'[flt-semantics-identifier="entry-{survey["id"]}"]').wait_for(timeout=TIMEOUT)
    assert "Enkät" in ui.said(f"entry-{survey['id']}")
    time.sleep(0.5)
    ui.shoot("calendar")

    ui.tap(f"entry-{other['id']}", until=ui.heading(other["title"]))
    ui.shoot("calendar-entry")
    back(ui, ui.heading("Kalender"))
    ui.tap(f"entry-{survey['id']}", until=ui.heading(survey["title"]))
    questions = sorted(survey["questions"], key=lambda q: q["position"])
    for q in questions:
        if q["kind"] == "choice":
            ui.page.get_by_role("radio", name=q["options"][0], exact=True).click()
        else:
            ui.fill(f"{questions.index(q) + 1}. {q['text']}", "Vi kommer gärna!")
    ui.shoot("calendar-survey")
    ui.button("Skicka svar")
    ui.page.locator('[flt-semantics-identifier="survey-answered"]').wait_for(timeout=TIMEOUT)
    assert "Besvarad" in ui.said("survey-answered")
    ui.shoot("calendar-survey-answered")
    answered = api.get(f"/calendar/entries/{survey['id']}", params={"pupil_id": pid}).json()
    assert answered["answered"] is True and answered["answerable"] is False


def test_the_calendar_feed_url_is_shown_to_copy_and_can_be_renewed_B1(ui: UI) -> None:
    back(ui, ui.heading("Kalender"))
    ui.button("Prenumerera på kalendern")
    first = ui.said("feed-url")
    assert re.search(r"/calendar\.ics\?token=", first)
    url = re.search(r"http\S+calendar\.ics\?token=\S+", first).group(0)  # type: ignore[union-attr]
    assert httpx.get(url).status_code == 200
    ui.shoot("calendar-feed")
    ui.button("Förnya länken")
    ui.text("En ny länk är skapad; den gamla fungerar inte längre.")
    assert httpx.get(url).status_code == 404


def test_a_school_guardian_reads_the_blog_without_a_comment_field_R56_R57(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["school"]
    ui.tap("logo", until=ui.heading(name))
    ui.tap("box-blog", until=ui.heading("Blogg"))
    post = api.get(f"/children/{pid}/blog").json()["items"][0]
    assert post["may_comment"] is False
    ui.page.locator(f'[flt-semantics-identifier="post-{post["id"]}"]').wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("blog")
    ui.tap(f"post-{post['id']}", until=ui.heading(post["title"]))
    ui.heading("Kommentarer").wait_for(timeout=TIMEOUT)
    time.sleep(1)
    assert ui.page.get_by_role("textbox", name="Skriv en kommentar").count() == 0
    ui.shoot("blog-post-school")


def test_a_preschool_guardian_comments_on_the_preschool_blog_R57(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["preschool"]
    choose_child(ui, pid, name)
    ui.tap("box-blog", until=ui.heading("Blogg"))
    post = next(p for p in api.get(f"/children/{pid}/blog").json()["items"] if p["images"])
    assert post["may_comment"] is True
    ui.tap(f"post-{post['id']}", until=ui.heading(post["title"]))
    ui.page.locator(f'[flt-semantics-identifier="image-{post["images"][0]["id"]}"]').wait_for(timeout=TIMEOUT)
    ui.fill("Skriv en kommentar", "Tack för bilderna!")

    def sent() -> bool:
        return "Tack för bilderna!" in [c["body"] for c in api.get(f"/children/{pid}/blog/{post['id']}").json()["comments"]]

    shown = ui.page.locator('[flt-semantics-identifier^="comment-"]', has_text="Tack för bilderna!").first
    for _ in range(3):  # a redraw under the pointer can swallow the tap; never send twice
        if not sent():
            ui.button("Skicka kommentar")
        try:
            shown.wait_for(timeout=8000)
            break
        except PlaywrightTimeout:
            continue
    shown.wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("blog-post-preschool-commented")
    comments = api.get(f"/children/{pid}/blog/{post['id']}").json()["comments"]
    assert [c["body"] for c in comments].count("Tack för bilderna!") == 1


def test_a_plan_opens_with_its_attachment_R53(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["school"]
    choose_child(ui, pid, name)
    ui.tap("box-planning", until=ui.heading("Planeringar"))
    plan = next(p for p in api.get(f"/children/{pid}/planning").json()["items"] if p["attachments"])
    ui.page.locator(f'[flt-semantics-identifier="plan-{plan["id"]}"]').wait_for(timeout=TIMEOUT)
    time.sleep(0.5)
    ui.shoot("planning")
    ui.tap(f"plan-{plan['id']}", until=ui.heading(plan["title"]))
    attachment = plan["attachments"][0]
    with ui.page.expect_download(timeout=TIMEOUT) as info:
        ui.tap(f"attachment-download-{attachment['id']}")
    assert info.value.suggested_filename == attachment["file_name"]
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    ui.shoot("planning-plan")


def test_a_lesson_shows_its_detail_and_the_week_prints_as_pdf_R35(ui: UI, api) -> None:  # type: ignore[no-untyped-def]
    pid, name = children(ui.stack)["school"]
    ui.tap("logo", until=ui.heading(name))
    ui.tap("box-schedule", until=ui.heading("Schema"))
    week = api.get(f"/children/{pid}/schedule").json()
    lessons = [lesson for day in week["days"] for lesson in day["lessons"]]
    assert lessons, "the demo week has lessons"
    lesson = lessons[0]
    ui.tap(f"lesson-{lesson['id']}", until=ui.page.locator('[flt-semantics-identifier="lesson-detail"]'))
    said = " ".join([ui.said("lesson-detail"), *(ui.said(f"lesson-detail-{i}") for i in range(4))])
    for piece in (lesson["subject"], f"{lesson['start']}–{lesson['end']}", *(t["name"] for t in lesson["teachers"])):
        assert piece in said, piece
    if lesson["room"]:
        assert lesson["room"] in said
    ui.shoot("schedule-lesson")
    ui.button("Stäng")
    expect(ui.page.locator('[flt-semantics-identifier="lesson-detail"]')).to_have_count(0)

    with ui.page.expect_download(timeout=TIMEOUT) as info:
        ui.tap("schedule-print")
    download = info.value
    assert download.suggested_filename == f"schema-{week['week']}.pdf"
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    for subject in {lesson["subject"] for lesson in lessons}:
        assert subject in " ".join(text.split()), subject
    ui.shoot("schedule-printed")


def test_a_content_notification_opens_its_item_R51(ui: UI) -> None:
    pid, name = children(ui.stack)["school"]
    rows = ui.stack.sql(
        "SELECT n.id, n.title, n.link FROM notification n JOIN user_account u ON u.id = n.user_id "
        "WHERE u.username = ? AND n.pupil_id = ? AND n.area IN ('calendar', 'blog', 'planning', 'information') "
        "ORDER BY n.created_at DESC, n.id DESC", GUARDIAN, pid)
    notification_id, _title, link = next(r for r in rows if re.search(r"/(calendar|blog|planning|information/news)/\d+$", r[2]))
    # The item's own title: a notification may say more ("Ny enkät: …" for a survey).
    area, item_id = re.search(r"/(calendar|blog|planning|information/news)/(\d+)$", link).groups()  # type: ignore[union-attr]
    table = {"calendar": "calendar_entry", "blog": "blog_post", "planning": "plan", "information/news": "news_item"}[area]
    title = ui.stack.sql(f"SELECT title FROM {table} WHERE id = ?", int(item_id))[0][0]
    ui.tap("logo", until=ui.heading(name))
    ui.tap("bell", until=ui.heading("Notiser"))
    ui.tap(f"notification-{notification_id}", until=ui.heading(title))
    time.sleep(0.5)
    ui.shoot("notification-opened-item")
    ui.tap("logo", until=ui.heading(name))


def test_offline_the_content_is_read_from_the_cache_with_when_it_was_fetched_R81(ui: UI) -> None:
    pid, name = children(ui.stack)["school"]
    news = OPENED["news"]
    ui.tap("logo", until=ui.heading(name))
    ui.stack.stop_server()
    try:
        ui.tap("box-information", until=ui.page.locator('[flt-semantics-identifier="offline-banner"]').first)
        assert re.search(r"Offline – senast uppdaterad \d+", ui.said("offline-banner"))
        ui.page.locator(f'[flt-semantics-identifier="news-{news["id"]}"]').wait_for(timeout=TIMEOUT)
        ui.tap(f"news-{news['id']}", until=ui.heading(news["title"]))
        ui.text(news["body"][:40])
        assert "senast uppdaterad" in ui.said("offline-banner")
        ui.shoot("offline-information-news-item")
        ui.tap("back", until=ui.heading("Information"))
        ui.tap("logo", until=ui.heading(name))
        ui.tap("box-calendar", until=ui.heading("Kalender"))
        ui.page.locator('[flt-semantics-identifier^="entry-"]').first.wait_for(timeout=TIMEOUT)
        ui.shoot("offline-calendar")
    finally:
        ui.stack.start_server()
