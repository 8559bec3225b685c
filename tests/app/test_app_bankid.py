"""The app's BankID flow (src/services/bankid.py) and the protected boxes (src/services/protected.py)
against the real server in-process and the BankID simulator on a loopback port (R5, R52, R54)."""

from __future__ import annotations

import pytest
import segno
from sqlalchemy import select

from server.bankid.models import BankIdOrder
from server.bankid.qr import qr_content
from server.config import Settings
from server.school.models import StaffRole
from services import protected
from services.api import ApiClient
from services.bankid import BankIdFlow, Phase, VerificationWindow, phone_launch_url, qr_png
from services.notifier import RecordingNotifier
from tests.server.bankid_sim import Sim, running_simulator
from tests.server.factories import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def sim(clock):  # type: ignore[no-untyped-def]
    yield from running_simulator(clock)


@pytest.fixture
def settings(settings: Settings, sim: Sim) -> Settings:
    return settings.model_copy(update={"bankid_base_url": sim.rp_url})


@pytest.fixture
def world(make, server):  # type: ignore[no-untyped-def]
    school = make.school()
    pupil = make.pupil(school.group, first="Elsa")
    guardian = make.guardian(pupil, first="Karin")
    other = make.guardian(make.pupil(school.group, first="Noah"), first="Per")
    teacher = make.staff(school.unit, StaffRole.MENTOR, school.group, first="Tore", last="Lärare")
    return school, pupil, guardian, other, teacher


@pytest.fixture
async def api(net, make, world):  # type: ignore[no-untyped-def]
    client = ApiClient("http://testserver", token=make.token(world[2]), transport=net, retries=0)
    yield client
    await client.aclose()


def secret_of(server, order_id: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with server.state.sessionmaker() as db:
        order = db.scalar(select(BankIdOrder).where(BankIdOrder.public_id == order_id))
        return order.qr_start_token, order.qr_start_secret


def staff_post(server, make, teacher, path, **kwargs):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(server) as c:
        response = c.post(f"/api/v1{path}", headers=make.headers(teacher), **kwargs)
        assert response.status_code == 201, response.text
        return response.json()


def flow_for(api, clock) -> BankIdFlow:  # type: ignore[no-untyped-def]
    return BankIdFlow(api, window=VerificationWindow(), now=clock.now)


async def test_the_qr_is_each_seconds_content_from_the_server_and_identifying_opens_the_boxes(
    api, server, clock, sim, make, world
):  # type: ignore[no-untyped-def]
    _school, pupil, guardian, _other, teacher = world
    staff_post(server, make, teacher, "/staff/assessments",
               json={"pupil_id": pupil.id, "subject": "Matematik", "term": "VT2026", "level": "good", "comment": "Bra"})
    clock.advance(seconds=60)
    staff_post(server, make, teacher, "/staff/assessments",
               json={"pupil_id": pupil.id, "subject": "Svenska", "term": "VT2026", "level": "very_good", "comment": "Läser mycket"})
    clock.advance(seconds=60)
    staff_post(server, make, teacher, "/staff/assessments",
               json={"pupil_id": pupil.id, "subject": "Matematik", "term": "HT2026", "level": "very_good", "comment": "Ännu bättre"})
    with pytest.raises(protected.BankIdRequired):
        await protected.assessments(api, pupil.id)

    flow = flow_for(api, clock)
    assert await flow.start(on_this_device=False) == Phase.PENDING
    token, secret = secret_of(server, flow.order_id)
    assert secret and secret not in repr(flow.__dict__)  # the qrStartSecret never reaches the app
    assert flow.showing_qr and flow.qr == qr_content(token, secret, 0)
    assert flow.rfa.code == "RFA1" and flow.message("sv") == "Starta BankID-appen." and flow.message("en") == "Start your BankID app."
    assert flow.next_poll_in() == 1.0
    frames = [flow.qr]
    for second in (1, 2, 3):
        clock.advance(seconds=1)
        assert await flow.poll() == Phase.PENDING
        assert flow.qr == qr_content(token, secret, second)
        frames.append(flow.qr)
    assert len(set(frames)) == 4  # a new frame every second
    assert qr_png(frames[-1]) != qr_png(frames[-2]) and qr_png(frames[-1]).startswith(b"\x89PNG")
    assert segno.make_qr(frames[-1], error="l").designator  # a real QR symbol for that content

    order_ref = sim.scan(flow.qr)
    clock.advance(seconds=2)
    await flow.poll()
    assert flow.hint_code == "userSign" and flow.rfa.code == "RFA9"
    sim.complete(order_ref, guardian.personnummer)
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.COMPLETE
    assert flow.rfa.code == "bankid_complete" and not flow.showing_qr
    assert flow.window.is_open(clock.now()) and flow.window.seconds_left(clock.now()) == pytest.approx(30 * 60, abs=5)

    groups = protected.by_subject(await protected.assessments(api, pupil.id))
    assert [(g.subject, [a.term for a in g.assessments]) for g in groups] == [("Matematik", ["HT2026", "VT2026"]), ("Svenska", ["VT2026"])]
    assert (groups[0].latest.level_text("sv"), groups[0].latest.level_text("en")) == ("Mycket goda kunskaper", "Very good knowledge")
    # After the window the server asks again, and so does the app.
    clock.advance(minutes=31)
    assert not flow.window.is_open(clock.now())
    with pytest.raises(protected.BankIdRequired):
        await protected.assessments(api, pupil.id)


async def test_cancel_in_the_bankid_app_shows_rfa6_and_avbryt_cancels_the_order_on_the_server(
    api, server, clock, sim, world
):  # type: ignore[no-untyped-def]
    flow = flow_for(api, clock)
    await flow.start(on_this_device=False)
    order_ref = sim.scan(flow.qr)
    sim.control(f"/sim/orders/{order_ref}/user-cancel")
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.FAILED
    assert flow.hint_code == "userCancel" and flow.rfa.code == "RFA6" and flow.message("sv") == "Åtgärden avbruten."
    assert not flow.window.is_open(clock.now())

    # "Försök igen", then "Avbryt" in the app.
    await flow.start(on_this_device=False)
    order_id = flow.order_id
    assert await flow.cancel() == Phase.FAILED and flow.rfa.code == "RFA6"
    with server.state.sessionmaker() as db:
        order = db.scalar(select(BankIdOrder).where(BankIdOrder.public_id == order_id))
        assert order.status == "failed" and order.error_code == "rp_cancelled" and order.qr_start_secret == ""
    assert not [o for o in sim.simulator.pending_orders() if o.order_ref == order.order_ref]


async def test_someone_elses_bankid_is_refused_with_a_clear_message(api, clock, sim, world):  # type: ignore[no-untyped-def]
    _school, pupil, _guardian, other, _teacher = world
    flow = flow_for(api, clock)
    await flow.start(on_this_device=False)
    sim.complete(sim.scan(flow.qr), other.personnummer)
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.FAILED
    assert flow.error_code == "bankid_personnummer_mismatch"
    assert flow.message("sv").startswith("Det BankID du använde tillhör inte det här kontot.")
    assert "does not belong to this account" in flow.message("en")
    with pytest.raises(protected.BankIdRequired):
        await protected.portfolio(api, pupil.id)


async def test_on_a_phone_the_bankid_app_is_launched_with_the_autostart_token_and_another_device_switches_to_the_qr(
    api, server, clock, sim, world
):  # type: ignore[no-untyped-def]
    _school, _pupil, guardian, _other, _teacher = world
    flow = flow_for(api, clock)
    await flow.start(on_this_device=True)
    assert not flow.showing_qr and flow.next_poll_in() == 2.0
    url = flow.launch_url(phone=True)
    assert url == phone_launch_url(flow.auto_start_token) == f"https://app.bankid.com/?autostarttoken={flow.auto_start_token}&redirect=null"
    assert flow.launch_url(phone=False) == f"bankid:///?autostarttoken={flow.auto_start_token}&redirect=null"
    clock.advance(seconds=2)
    await flow.poll()
    assert flow.rfa.code == "RFA13" and flow.message("sv") == "Försöker starta BankID-appen."
    first = flow.order_id
    # "BankID på annan enhet": the first order is cancelled, a new one shows the QR.
    await flow.switch(on_this_device=False)
    assert flow.order_id != first and flow.showing_qr
    with server.state.sessionmaker() as db:
        assert db.scalar(select(BankIdOrder.status).where(BankIdOrder.public_id == first)) == "failed"
    # Opening the BankID app with the token (the simulator plays the app) completes it.
    await flow.switch(on_this_device=True)
    order_ref = sim.simulator.open_autostart(flow.auto_start_token)
    sim.complete(order_ref, guardian.personnummer)
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.COMPLETE


async def test_an_expired_order_says_so_and_offers_a_new_try(api, clock, sim, world):  # type: ignore[no-untyped-def]
    flow = flow_for(api, clock)
    await flow.start(on_this_device=False)
    sim.simulator.expire(sim.scan(flow.qr))
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.FAILED and flow.rfa.code == "RFA8"
    assert await flow.start(on_this_device=False) == Phase.PENDING


async def test_run_polls_every_second_while_the_qr_is_shown_until_done(api, clock, sim, world):  # type: ignore[no-untyped-def]
    _school, _pupil, guardian, _other, _teacher = world
    flow = flow_for(api, clock)
    await flow.start(on_this_device=False)
    waits: list[float] = []
    shown: list[str | None] = []

    async def tick(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds=seconds)
        if len(waits) == 3:
            sim.complete(sim.scan(flow.qr), guardian.personnummer)

    assert await flow.run(on_change=lambda: shown.append(flow.qr), sleep=tick) == Phase.COMPLETE
    assert waits[:3] == [1.0, 1.0, 1.0] and len(set(shown[:3])) == 3 and shown[-1] is None


async def test_documentation_portfolio_files_download_with_their_names_and_iup(api, server, clock, sim, make, world):  # type: ignore[no-untyped-def]
    school, pupil, guardian, _other, teacher = world
    staff_post(server, make, teacher, "/staff/documentation/portfolio",
               data={"title": "Utflykt till skogen", "body": "Vi undersökte djur.", "group_id": str(school.group.id)},
               files=[("files", ("skogen i höst.png", PNG, "image/png"))])
    clock.advance(seconds=10)
    staff_post(server, make, teacher, "/staff/documentation/portfolio", data={"title": "Min bästa text", "pupil_id": str(pupil.id)})
    for term in ("VT2026", "HT2026"):
        staff_post(server, make, teacher, "/staff/documentation/iup", json={"pupil_id": pupil.id, "term": term, "goals": f"Mål {term}"})
    flow = flow_for(api, clock)
    await flow.start(on_this_device=False)
    sim.complete(sim.scan(flow.qr), guardian.personnummer)
    clock.advance(seconds=2)
    assert await flow.poll() == Phase.COMPLETE

    entries = protected.newest_first(await protected.portfolio(api, pupil.id))
    assert [e.title for e in entries] == ["Min bästa text", "Utflykt till skogen"]
    file = entries[1].files[0]
    got = await protected.download(api, file)
    assert (got.filename, got.content_type, got.data) == ("skogen i höst.png", "image/png", PNG)
    assert [p.term for p in await protected.iup(api, pupil.id)] == ["HT2026", "VT2026"]


async def test_the_device_push_for_a_protected_publication_names_nothing_of_it(state, server, make, world):  # type: ignore[no-untyped-def]
    """R5, R82: the sync loop's device notification shows the neutral title only."""
    from services.sync import NotificationSync

    _school, pupil, guardian, _other, teacher = world

    await state.login(guardian.username, PASSWORD)
    shown = RecordingNotifier()
    sync = NotificationSync(state, shown)
    await sync.run_once()  # the first round only records what is there
    staff_post(server, make, teacher, "/staff/assessments",
               json={"pupil_id": pupil.id, "subject": "Hemkunskap", "term": "VT2026", "level": "good", "comment": "Soppa"})
    staff_post(server, make, teacher, "/staff/documentation/iup", json={"pupil_id": pupil.id, "term": "HT2026", "goals": "Läsa"})
    await sync.run_once()
    assert sorted(shown.shown) == [("Bedömningar", "Ny bedömning har publicerats"), ("Dokumentation", "Ny dokumentation har publicerats")]
