"""Contract: Information (R50, R51), Kalender with surveys (R55), Blogg (R56, R57), Planeringar
(R53) and the schedule's lesson detail and printing (R35) through the app's ContentService
against the real server in-process. Staff publish through the server's own staff API."""

from __future__ import annotations

import io
from datetime import date

import httpx
import pytest
from pypdf import PdfReader

from services.api import ApiError
from services.content import (
    ContentInputError,
    ContentService,
    content_error_message,
    entries_by_day,
    filename_from_disposition,
    month_range,
    shift_month,
)
from services.i18n import I18n
from services.token_store import StoredSession
from tests.app.conftest import SERVER_URL
from tests.server import schedule_setup as s
from tests.server.content_world import PDF, PNG, build

API = f"{SERVER_URL}/api/v1"


async def sign_in(state, make, user) -> ContentService:
    """The app resumes a real session the server issued for `user` (as after a login)."""
    state.token_store.save(StoredSession(SERVER_URL, make.token(user), user.id))
    assert await state.resume()
    return ContentService(state)


class Staff:
    """A staff member publishing through the server's staff API (same in-process server)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, make, user) -> None:
        self.http = httpx.AsyncClient(transport=transport, base_url=API, headers=make.headers(user))

    async def post(self, path: str, **kwargs):  # type: ignore[no-untyped-def]
        response = await self.http.post(path, **kwargs)
        assert response.status_code == 201, response.text
        return response.json()

    async def aclose(self) -> None:
        await self.http.aclose()


@pytest.fixture
def world(make):
    return build(make)


@pytest.fixture
async def teacher(transport, make, world):
    staff = Staff(transport, make, world.teacher)
    yield staff
    await staff.aclose()


@pytest.fixture
async def preschool_teacher(transport, make, world):
    staff = Staff(transport, make, world.preschool_teacher)
    yield staff
    await staff.aclose()


def box(home, key: str) -> int | None:
    return next((b.count for b in home.boxes if b.key == key), None)


# --- Information (R50, R51) ----------------------------------------------------------------------

async def test_news_files_and_links_of_the_childs_school_R50(state, make, world, teacher):
    news = await teacher.post("/staff/information/news", json={"group_ids": [world.class_4a.id], "title": "Utflykt", "body": "Vi går till skogen på torsdag."})
    await teacher.post("/staff/information/news", json={"group_ids": [world.class_5b.id], "title": "Bara för 5B", "body": "Inte för 4A."})
    await teacher.post("/staff/information/files", data={"unit_id": str(world.school.id), "title": "Läsårstider", "description": "Lov och studiedagar"},
                       files={"file": ("Läsårstider 2026–2027.pdf", PDF, "application/pdf")})
    await teacher.post("/staff/information/links", json={"unit_id": world.school.id, "title": "Skolmaten", "url": "https://example.org/mat"})
    content = await sign_in(state, make, world.guardian)

    listed = (await content.load_news()).value
    assert [n.title for n in listed.items] == ["Utflykt"]  # only the child's class
    opened = (await content.open_news(news["id"])).value
    assert opened.body == "Vi går till skogen på torsdag." and opened.group_names == ["4A"]

    files = (await content.load_files()).value.items
    assert [(f.title, f.file_name, f.size) for f in files] == [("Läsårstider", "Läsårstider 2026–2027.pdf", len(PDF))]
    links = (await content.load_links()).value.items
    assert [(link.title, link.url) for link in links] == [("Skolmaten", "https://example.org/mat")]


async def test_a_file_downloads_with_its_real_name_and_bytes_R50(state, make, world, teacher):
    await teacher.post("/staff/information/files", data={"unit_id": str(world.school.id), "title": "Packlista"},
                       files={"file": ("Packlista för friluftsdagen.txt", "Matsäck\nVattenflaska\n".encode(), "text/plain")})
    content = await sign_in(state, make, world.guardian)
    item = (await content.load_files()).value.items[0]
    downloaded = await content.download_file(item)
    assert downloaded.file_name == "Packlista för friluftsdagen.txt"
    assert downloaded.data == "Matsäck\nVattenflaska\n".encode()
    assert downloaded.content_type.startswith("text/plain")


async def test_opening_a_new_news_item_lowers_the_information_box_and_the_bell_R51(state, make, world, teacher):
    first = await teacher.post("/staff/information/news", json={"group_ids": [world.class_4a.id], "title": "Lucia", "body": "I aulan."})
    await teacher.post("/staff/information/news", json={"group_ids": [world.class_4a.id], "title": "Gympakläder", "body": "Tisdagar."})
    content = await sign_in(state, make, world.guardian)
    home = (await state.load_home()).value
    assert box(home, "information") == 2
    await state.refresh_counts()
    bell_before = state.notification_count
    assert bell_before == 2

    await content.open_news(first["id"])  # after_open() refreshes the bell and the home
    assert state.notification_count == bell_before - 1
    assert box(state.peek_home().value, "information") == 1
    await content.open_news(first["id"])  # opening it again changes nothing
    assert box((await state.load_home()).value, "information") == 1


async def test_information_is_read_offline_from_the_cache_with_its_time(state, make, world, teacher, net):
    await teacher.post("/staff/information/news", json={"group_ids": [world.class_4a.id], "title": "Lucia", "body": "I aulan."})
    content = await sign_in(state, make, world.guardian)
    fresh = await content.load_news()
    net.down = True
    offline = await content.load_news()
    assert offline.offline and offline.from_cache and offline.fetched_at == fresh.fetched_at
    assert [n.title for n in offline.value.items] == ["Lucia"]
    assert content.peek_news().value.items[0].title == "Lucia"


# --- Kalender (R55) ------------------------------------------------------------------------------

async def _survey(teacher, world):  # type: ignore[no-untyped-def]
    return await teacher.post("/staff/calendar/entries", json={
        "group_id": world.class_4a.id, "kind": "survey", "title": "Enkät: julfika", "start_date": "2026-12-01", "end_date": "2026-12-10",
        "questions": [{"text": "Kommer ni?", "kind": "choice", "options": ["Ja", "Nej"]}, {"text": "Övrigt", "kind": "text"}],
    })


async def test_the_month_is_a_list_by_day_with_each_entrys_type_R55(state, make, world, teacher):
    for body in (
        {"group_id": world.class_4a.id, "kind": "test", "title": "Prov i matematik", "start_date": "2026-12-03", "start_time": "09:00", "end_time": "10:00"},
        {"group_id": world.class_4a.id, "kind": "homework", "title": "Läxa: glosor", "start_date": "2026-12-03"},
        {"unit_id": world.school.id, "kind": "information", "title": "Jullov", "start_date": "2026-12-21", "end_date": "2027-01-06"},
        {"unit_id": world.school.id, "kind": "activity", "title": "Höstmys", "start_date": "2026-11-27", "end_date": "2026-12-01"},
        {"group_id": world.class_5b.id, "kind": "activity", "title": "Bara 5B", "start_date": "2026-12-04"},
    ):
        await teacher.post("/staff/calendar/entries", json=body)
    await _survey(teacher, world)
    content = await sign_in(state, make, world.guardian)

    december = (await content.load_calendar(date(2026, 12, 17))).value
    assert (december.from_date, december.to_date) == month_range(date(2026, 12, 1)) == (date(2026, 12, 1), date(2026, 12, 31))
    days = [(day, [(e.kind, e.title) for e in entries]) for day, entries in entries_by_day(december)]
    assert days == [
        (date(2026, 12, 1), [("survey", "Enkät: julfika"), ("activity", "Höstmys")]),  # Höstmys began in November: shown on the first day
        (date(2026, 12, 3), [("homework", "Läxa: glosor"), ("test", "Prov i matematik")]),  # all-day first, then by time
        (date(2026, 12, 21), [("information", "Jullov")]),  # a break shows once, with its dates
    ]
    assert content.peek_calendar(date(2026, 12, 1)).value.items == december.items
    assert shift_month(date(2026, 12, 1), 1) == date(2027, 1, 1) and shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)


async def test_a_survey_is_answered_once_then_shows_answered_R55(state, make, world, teacher, net):
    survey = await _survey(teacher, world)
    content = await sign_in(state, make, world.guardian)
    entry = (await content.open_entry(survey["id"])).value
    assert entry.is_survey and entry.answered is False and entry.answerable is True
    choice, text = sorted(entry.questions, key=lambda q: q.position)
    assert (choice.kind, choice.options, text.kind) == ("choice", ["Ja", "Nej"], "text")

    with pytest.raises(ContentInputError) as missing:
        await content.answer_survey(entry, {choice.id: "Ja"})
    assert missing.value.code == "answers_missing" and missing.value.field == f"q{text.id}"
    with pytest.raises(ContentInputError) as wrong:
        await content.answer_survey(entry, {choice.id: "Kanske", text.id: "-"})
    assert wrong.value.code == "invalid_option"
    assert content_error_message(wrong.value, I18n("sv")) != content_error_message(wrong.value, I18n("en"))

    answered = await content.answer_survey(entry, {choice.id: "Ja", text.id: "  Vi tar med frukt  "})
    assert answered.answered is True and answered.answerable is False
    posts = [r for r in net.requests if r.method == "POST" and r.url.path.endswith(f"/calendar/surveys/{entry.id}/answers")]
    assert len(posts) == 1 and posts[0].headers.get("Idempotency-Key")

    # A second answer (another tab with the old screen) is refused by the server: it stays answered.
    with pytest.raises(ApiError) as again:
        await state.api.request("POST", f"/calendar/surveys/{entry.id}/answers", create=True,
                                json={"pupil_id": world.pupil.id, "answers": [{"question_id": choice.id, "value": "Nej"}, {"question_id": text.id, "value": "x"}]})
    assert again.value.code == "survey_already_answered"
    assert (await content.answer_survey(entry, {choice.id: "Nej", text.id: "x"})).answered is True
    results = await teacher.http.get(f"/staff/calendar/surveys/{entry.id}/answers")
    assert [r["answers"] for r in results.json()["responses"]] == [{str(choice.id): "Ja", str(text.id): "Vi tar med frukt"}]

    listed = (await content.load_calendar(date(2026, 12, 1))).value
    assert [(e.answered, e.answerable) for e in listed.items if e.id == entry.id] == [(True, False)]


async def test_the_childs_private_ical_feed_is_shown_and_can_be_renewed_B1(state, make, world, teacher, transport):
    await teacher.post("/staff/calendar/entries", json={"group_id": world.class_4a.id, "kind": "activity", "title": "Skridskor", "start_date": "2026-12-02"})
    content = await sign_in(state, make, world.guardian)
    assert content.peek_feed() is None
    feed = await content.calendar_feed()
    assert feed.url.startswith(f"{API}/children/{world.pupil.id}/calendar.ics?token=")
    assert feed.webcal_url == "webcal://" + feed.url.split("://", 1)[1]
    assert await content.calendar_feed() == feed == content.peek_feed()  # shown again, not silently renewed

    async with httpx.AsyncClient(transport=transport) as anonymous:  # a phone calendar: no session, only the token
        ics = await anonymous.get(feed.url)
        assert ics.status_code == 200 and "SUMMARY:Skridskor" in ics.text
        renewed = await content.calendar_feed(renew=True)
        assert renewed.url != feed.url and content.peek_feed() == renewed
        assert (await anonymous.get(feed.url)).status_code == 404
        assert (await anonymous.get(renewed.url)).status_code == 200


# --- Blogg (R56, R57) ----------------------------------------------------------------------------

async def test_blog_posts_with_images_newest_first_and_by_group_R56(state, make, world, teacher, clock):
    from datetime import timedelta

    language = make.group(world.school, "Spanska")
    from server.school.models import PupilGroup

    make._save(lambda db: db.add(PupilGroup(pupil_id=world.pupil.id, group_id=language.id)))
    await teacher.post("/staff/blog/posts", data={"group_id": str(world.class_4a.id), "title": "Höstpromenad", "body": "Vi samlade löv."},
                       files=[("images", ("löv.png", PNG, "image/png"))])
    clock.advance(timedelta(minutes=5))
    await teacher.post("/staff/blog/posts", data={"group_id": str(language.id), "title": "¡Hola!", "body": "Vi lärde oss hälsa."})
    content = await sign_in(state, make, world.guardian)

    feed = (await content.load_blog()).value
    assert [p.title for p in feed.items] == ["¡Hola!", "Höstpromenad"]
    assert ContentService.blog_groups(feed) == [(world.class_4a.id, "4A"), (language.id, "Spanska")]
    only_4a = (await content.load_blog(world.class_4a.id)).value
    assert [p.title for p in only_4a.items] == ["Höstpromenad"]
    image = only_4a.items[0].images[0]
    assert image.file_name == "löv.png"
    assert await content.image(image) == PNG
    assert content.peek_blog(world.class_4a.id).value.items[0].id == only_4a.items[0].id


async def test_a_school_guardian_is_not_offered_comments_and_a_student_comments_R57(state, make, world, teacher):
    post = await teacher.post("/staff/blog/posts", data={"group_id": str(world.class_4a.id), "title": "Höstpromenad", "body": "Vi samlade löv."})
    content = await sign_in(state, make, world.guardian)
    as_guardian = (await content.open_post(post["id"])).value
    assert as_guardian.may_comment is False
    with pytest.raises(ContentInputError) as refused:
        await content.comment(as_guardian, "Vad fint!")
    assert refused.value.code == "blog_comment_not_allowed"
    with pytest.raises(ApiError) as server_says:  # the server refuses it too, whatever an app sends
        await state.api.request("POST", f"/blog/posts/{post['id']}/comments", json={"body": "Vad fint!"}, create=True)
    assert server_says.value.code == "blog_comment_not_allowed"

    await state.logout()
    student = await sign_in(state, make, world.student)
    as_student = (await student.open_post(post["id"])).value
    assert as_student.may_comment is True
    with pytest.raises(ContentInputError) as empty:
        await student.comment(as_student, "   ")
    assert empty.value.code == "comment_empty"
    commented = await student.comment(as_student, "Det var roligt!")
    assert [(c.author_kind, c.body) for c in commented.comments] == [("student", "Det var roligt!")]


async def test_a_preschool_guardian_comments_on_the_preschool_blog_R57(state, make, world, preschool_teacher):
    post = await preschool_teacher.post("/staff/blog/posts", data={"group_id": str(world.preschool_group.id), "title": "Pepparkaksbak", "body": "Det doftade jul."})
    content = await sign_in(state, make, world.preschool_guardian)
    opened = (await content.open_post(post["id"])).value
    assert opened.may_comment is True
    commented = await content.comment(opened, "Så mysigt!")
    assert [(c.author_kind, c.body) for c in commented.comments] == [("guardian", "Så mysigt!")]
    assert (await content.load_blog()).value.items[0].comments[0].body == "Så mysigt!"


# --- Planeringar (R53) ---------------------------------------------------------------------------

async def test_the_childs_plans_with_their_attachments_R53(state, make, world, teacher):
    plan = await teacher.post("/staff/planning/plans", json={
        "group_id": world.class_4a.id, "subject": "Matematik", "title": "Multiplikation", "body": "Tabellerna 2–5.",
        "period_start": "2026-11-23", "period_end": "2026-12-18",
    })
    await teacher.post(f"/staff/planning/plans/{plan['id']}/attachments", files={"file": ("Planering multiplikation.pdf", PDF, "application/pdf")})
    await teacher.post("/staff/planning/plans", json={"group_id": world.class_5b.id, "subject": "Svenska", "title": "Sagor", "body": "Inte 4A."})
    content = await sign_in(state, make, world.guardian)
    home = (await state.load_home()).value
    assert box(home, "planning") == 1

    plans = (await content.load_plans()).value
    assert plans.subjects == ["Matematik"] and [p.title for p in plans.items] == ["Multiplikation"]
    opened = (await content.open_plan(plan["id"])).value
    assert (opened.period_start, opened.period_end) == (date(2026, 11, 23), date(2026, 12, 18))
    attachment = opened.attachments[0]
    downloaded = await content.download_attachment(attachment)
    assert (downloaded.file_name, downloaded.data) == ("Planering multiplikation.pdf", PDF)
    assert box(state.peek_home().value, "planning") == 0


# --- Schema (R35) --------------------------------------------------------------------------------

async def test_a_lessons_detail_and_the_printed_week_R35(state, make):
    tt = s.timetable(make)
    child = s.pupil_in(make, tt)
    guardian = make.guardian(child)
    s.cancel(make, tt.lessons["ma"], date(2026, 11, 30), note="Läraren är sjuk")
    content = await sign_in(state, make, guardian)
    week = (await state.load_schedule("2026-W49")).value
    monday = week.days[0].lessons
    maths = ContentService.lesson(week, next(lesson.id for lesson in monday if lesson.subject == "Matematik"))
    assert (maths.start, maths.end, maths.room, [t.name for t in maths.teachers]) == ("09:10", "10:00", "B14", ["Lisa Ek"])
    assert (maths.status, maths.note) == ("cancelled", "Läraren är sjuk")
    assert ContentService.lesson(week, "no-such-lesson") is None

    printed = await content.schedule_pdf("2026-W49")
    assert printed.file_name == "schema-2026-W49.pdf" and printed.content_type == "application/pdf"
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(printed.data)).pages)
    for subject in ("Svenska", "Matematik", "Engelska", "Idrott och hälsa", "NO"):
        assert subject in text


def test_a_downloads_name_comes_from_content_disposition_without_folders():
    header = "attachment; filename=\"L_s_rstider.pdf\"; filename*=UTF-8''L%C3%A4s%C3%A5rstider%202026.pdf"
    assert filename_from_disposition(header, "x.pdf") == "Läsårstider 2026.pdf"
    assert filename_from_disposition('inline; filename="schema-2026-W49.pdf"', "x.pdf") == "schema-2026-W49.pdf"
    assert filename_from_disposition("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd", "x.pdf") == "passwd"
    assert filename_from_disposition(None, "fallback.pdf") == "fallback.pdf"


def test_a_content_notification_opens_its_item_R51():
    from services.content_routes import content_route

    assert content_route("/children/7/information/news/12") == "/information/12"
    assert content_route("/children/7/calendar/3") == "/calendar/3"
    assert content_route("/children/7/blog/9?x=1") == "/blog/9"
    assert content_route("/children/7/planning/4") == "/planning/4"
    assert content_route("/children/7/information/files/2") == "/information"
    assert content_route("/children/7/information/links") == "/information"
    assert content_route("/messages/threads/5") is None
    assert content_route(None) is None

    from services.models import Notification
    from services.state import route_for_notification

    news = Notification(id=1, pupil_id=7, area="information", type="news_published", title="Lucia",
                        link="/children/7/information/news/12", created_at="2026-11-30T07:00:00Z")
    assert route_for_notification(news) == "/information/12"
