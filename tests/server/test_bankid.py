"""R5: BankID step-up (and login) over real HTTP against the simulator; the animated QR; the
RP client's mutual TLS with a pinned CA; the simulator's protocol."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.bankid import rfa
from server.bankid.qr import qr_auth_code, qr_content
from server.bankid.rp import BankIdError, RpClient
from server.config import Settings
from tests.server.bankid_sim import (
    ServerThread,
    Sim,
    make_pki,
    poll,
    running_simulator,
    start,
    tls_server_options,
    verify_with_bankid,
)

VERIFICATION_MINUTES = 30


@pytest.fixture
def sim(clock):  # type: ignore[no-untyped-def]
    yield from running_simulator(clock)


@pytest.fixture
def settings(settings: Settings, sim: Sim) -> Settings:
    return settings.model_copy(
        update={"bankid_base_url": sim.rp_url, "bankid_verification_minutes": VERIFICATION_MINUTES}
    )


@pytest.fixture
def family(make):  # type: ignore[no-untyped-def]
    school = make.school()
    child = make.pupil(school.group)
    guardian = make.guardian(child)
    return child, guardian, make.headers(guardian)


def test_qr_content_matches_bankids_published_test_vector() -> None:
    token, secret = "67df3917-fa0d-44e5-b327-edcc928297f8", "d28db9a7-4cde-429e-a983-359be676944c"
    assert (
        qr_auth_code(secret, 0)
        == "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
    )
    assert (
        qr_content(token, secret, 0)
        == f"bankid.{token}.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
    )


def test_step_up_with_own_personnummer_opens_the_protected_boxes(
    client, clock, sim, family
) -> None:  # type: ignore[no-untyped-def]
    child, guardian, headers = family
    refused = client.get(f"/api/v1/children/{child.id}/assessments", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "bankid_required"

    started = start(client, headers)
    assert started.status_code == 201
    body = started.json()
    assert set(body) == {"order_id", "auto_start_token", "qr", "poll_after_ms", "rfa"}
    assert body["poll_after_ms"] == 2000 and body["rfa"]["code"] == "RFA1"
    # The QR content is computed by the server; the secret itself never reaches the app.
    secret = sim.simulator.pending_orders()[0].qr_start_secret
    assert secret not in started.text
    assert body["qr"].startswith("bankid.") and body["qr"].split(".")[2] == "0"

    status = poll(client, clock, body["order_id"], headers)
    assert (
        status["status"] == "pending"
        and status["hint_code"] == "outstandingTransaction"
        and status["rfa"]["code"] == "RFA1"
    )
    assert status["qr"].split(".")[2] == "2" and secret not in str(status)
    order_ref = sim.scan(status["qr"])  # "the BankID app" reads the animated QR
    status = poll(client, clock, body["order_id"], headers)
    assert status["hint_code"] == "userSign" and status["rfa"]["code"] == "RFA9"
    assert status["rfa"]["sv"].startswith("Skriv in din säkerhetskod")

    sim.complete(order_ref, guardian.personnummer)
    status = poll(client, clock, body["order_id"], headers)
    assert status["status"] == "complete" and status["qr"] is None
    assert status["verified_until"] is not None
    allowed = client.get(f"/api/v1/children/{child.id}/assessments", headers=headers)
    assert allowed.status_code == 200 and allowed.json() == []


def test_someone_elses_personnummer_gives_no_access(client, clock, sim, family, make) -> None:  # type: ignore[no-untyped-def]
    child, _guardian, headers = family
    stranger = make.guardian(make.pupil(make.school("Annan skola").group))
    order_id = start(client, headers).json()["order_id"]
    order_ref = sim.simulator.pending_orders()[0].order_ref
    sim.complete(order_ref, stranger.personnummer)
    status = poll(client, clock, order_id, headers)
    assert status["status"] == "failed" and status["error_code"] == "bankid_personnummer_mismatch"
    assert (
        status["rfa"]["code"] == "bankid_personnummer_mismatch"
        and "kontakta skolan" in status["rfa"]["sv"]
    )
    assert status["verified_until"] is None
    assert (
        client.get(f"/api/v1/children/{child.id}/assessments", headers=headers).json()["error"][
            "code"
        ]
        == "bankid_required"
    )


def test_user_cancelling_in_the_bankid_app_gives_rfa6_and_no_access(
    client, clock, sim, family
) -> None:  # type: ignore[no-untyped-def]
    child, _guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    assert (
        sim.control(
            f"/sim/orders/{sim.simulator.pending_orders()[0].order_ref}/user-cancel"
        ).status_code
        == 200
    )
    status = poll(client, clock, order_id, headers)
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == (
        "failed",
        "userCancel",
        "RFA6",
    )
    assert status["rfa"] == {"code": "RFA6", "sv": "Åtgärden avbruten.", "en": "Action cancelled."}
    assert (
        client.get(f"/api/v1/children/{child.id}/documentation/iup", headers=headers).status_code
        == 403
    )


def test_an_untouched_order_expires_after_about_three_minutes(client, clock, sim, family) -> None:  # type: ignore[no-untyped-def]
    child, _guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    assert poll(client, clock, order_id, headers)["status"] == "pending"
    clock.advance(seconds=175)
    assert poll(client, clock, order_id, headers)["status"] == "pending"
    status = poll(client, clock, order_id, headers)  # 3 min 1 s after the order
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == (
        "failed",
        "expiredTransaction",
        "RFA8",
    )
    assert (
        client.get(f"/api/v1/children/{child.id}/assessments", headers=headers).status_code == 403
    )


def test_a_second_order_for_the_same_personnummer_is_already_in_progress(
    client, clock, sim, family
) -> None:  # type: ignore[no-untyped-def]
    _child, _guardian, headers = family
    first = start(client, headers).json()["order_id"]
    second = start(client, headers)
    assert (
        second.status_code == 409 and second.json()["error"]["code"] == "bankid_already_in_progress"
    )
    assert second.json()["error"]["message"] == rfa.RFA["RFA4"].en
    # As at BankID, the order already in progress is cancelled too.
    status = poll(client, clock, first, headers)
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == (
        "failed",
        "cancelled",
        "RFA3",
    )
    assert start(client, headers).status_code == 201


@pytest.mark.parametrize("hint", ["someHintFromTheFuture"])
def test_unknown_hint_codes_get_the_generic_messages(client, clock, sim, family, hint: str) -> None:  # type: ignore[no-untyped-def]
    _child, _guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    ref = sim.simulator.pending_orders()[0].order_ref
    sim.control(f"/sim/orders/{ref}/hint", {"hintCode": hint})
    status = poll(client, clock, order_id, headers)
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == (
        "pending",
        hint,
        "RFA21",
    )
    sim.control(f"/sim/orders/{ref}/fail", {"hintCode": hint})
    status = poll(client, clock, order_id, headers)
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == (
        "failed",
        hint,
        "RFA22",
    )


@pytest.mark.parametrize(
    ("hint", "code"),
    [
        ("expiredTransaction", "RFA8"),
        ("certificateErr", "RFA16"),
        ("userCancel", "RFA6"),
        ("cancelled", "RFA3"),
        ("startFailed", "RFA17"),
        ("userDeclinedCall", "RFA3"),
        ("notSupportedByUserApp", "RFA3"),
        ("transactionRiskBlocked", "RFA22"),
    ],
)
def test_every_documented_failure_hint_code_has_its_message(
    client, clock, sim, family, hint: str, code: str
) -> None:  # type: ignore[no-untyped-def]
    _child, _guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    sim.control(
        f"/sim/orders/{sim.simulator.pending_orders()[0].order_ref}/fail", {"hintCode": hint}
    )
    status = poll(client, clock, order_id, headers)
    assert (status["status"], status["hint_code"], status["rfa"]["code"]) == ("failed", hint, code)


def test_pending_hint_codes_map_to_bankids_recommended_messages() -> None:
    assert rfa.for_pending("outstandingTransaction", on_this_device=True).code == "RFA13"
    assert rfa.for_pending("outstandingTransaction", on_this_device=False).code == "RFA1"
    assert rfa.for_pending("noClient", on_this_device=True).code == "RFA1"
    assert rfa.for_pending("started", on_this_device=True).code == "RFA14"
    assert rfa.for_pending("started", on_this_device=False).code == "RFA15"
    assert rfa.for_pending("userSign", on_this_device=False).code == "RFA9"
    assert rfa.for_pending("userCallConfirm", on_this_device=False).code == "RFA9"
    assert rfa.for_pending("userMrtd", on_this_device=False).code == "RFA23"
    assert rfa.for_pending("newPendingCode", on_this_device=False).code == "RFA21"
    for code in [
        "RFA1",
        "RFA3",
        "RFA4",
        "RFA5",
        "RFA6",
        "RFA8",
        "RFA9",
        "RFA13",
        "RFA14",
        "RFA15",
        "RFA16",
        "RFA17",
        "RFA18",
        "RFA19",
        "RFA20",
        "RFA21",
        "RFA22",
        "RFA23",
    ]:
        assert rfa.RFA[code].sv and rfa.RFA[code].en


def test_verification_lasts_the_configured_time(client, clock, sim, family) -> None:  # type: ignore[no-untyped-def]
    child, guardian, headers = family
    verify_with_bankid(client, clock, sim, headers, guardian.personnummer)
    clock.advance(minutes=VERIFICATION_MINUTES - 1)
    assert (
        client.get(f"/api/v1/children/{child.id}/assessments", headers=headers).status_code == 200
    )
    clock.advance(minutes=1, seconds=1)
    refused = client.get(f"/api/v1/children/{child.id}/assessments", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "bankid_required"
    # Another session of the same user was never verified.
    assert (
        client.get(
            f"/api/v1/children/{child.id}/assessments",
            headers={"Authorization": headers["Authorization"] + "x"},
        ).status_code
        == 401
    )


def test_verification_belongs_to_the_session_that_identified(
    client, clock, sim, family, make
) -> None:  # type: ignore[no-untyped-def]
    child, guardian, headers = family
    other_session = make.headers(guardian)
    verify_with_bankid(client, clock, sim, headers, guardian.personnummer)
    assert (
        client.get(f"/api/v1/children/{child.id}/assessments", headers=other_session).status_code
        == 403
    )


def test_polling_collects_at_most_every_two_seconds(client, clock, sim, family) -> None:  # type: ignore[no-untyped-def]
    _child, guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    assert poll(client, clock, order_id, headers)["status"] == "pending"
    sim.complete(sim.simulator.pending_orders()[0].order_ref, guardian.personnummer)
    clock.advance(seconds=1)
    again = client.get(f"/api/v1/bankid/orders/{order_id}", headers=headers).json()
    assert again["status"] == "pending"  # answered from the database, BankID not asked
    clock.advance(seconds=1)
    assert (
        client.get(f"/api/v1/bankid/orders/{order_id}", headers=headers).json()["status"]
        == "complete"
    )


def test_cancel_from_the_app_cancels_the_order_at_bankid(client, clock, sim, family) -> None:  # type: ignore[no-untyped-def]
    child, _guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    cancelled = client.post(f"/api/v1/bankid/orders/{order_id}/cancel", headers=headers)
    assert (
        cancelled.status_code == 200
        and cancelled.json()["status"] == "failed"
        and cancelled.json()["rfa"]["code"] == "RFA6"
    )
    assert sim.simulator.pending_orders() == []
    assert poll(client, clock, order_id, headers)["status"] == "failed"
    assert (
        client.get(f"/api/v1/children/{child.id}/assessments", headers=headers).status_code == 403
    )


def test_a_step_up_order_is_only_visible_to_its_user(client, clock, sim, family, make) -> None:  # type: ignore[no-untyped-def]
    _child, _guardian, headers = family
    other = make.headers(make.guardian(make.pupil(make.school("B").group)))
    order_id = start(client, headers).json()["order_id"]
    assert client.get(f"/api/v1/bankid/orders/{order_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/bankid/orders/{order_id}").status_code == 404
    assert client.post(f"/api/v1/bankid/orders/{order_id}/cancel", headers=other).status_code == 404


def test_step_up_needs_a_signed_in_session(client, sim) -> None:  # type: ignore[no-untyped-def]
    response = start(client, None, "step_up")
    assert response.status_code == 401


def test_login_with_bankid_instead_of_password(client, clock, sim, make) -> None:  # type: ignore[no-untyped-def]
    school = make.school()
    pupil = make.pupil(school.group)
    student = make.student(pupil)
    started = start(client, None, "login", on_this_device=True)
    assert started.status_code == 201 and started.json()["rfa"]["code"] == "RFA13"
    order_id = started.json()["order_id"]
    order_ref = sim.control(
        "/sim/autostart", {"autoStartToken": started.json()["auto_start_token"]}
    ).json()["orderRef"]
    sim.complete(order_ref, student.personnummer)
    status = poll(client, clock, order_id)
    assert status["status"] == "complete"
    session = status["session"]
    assert session["user"]["id"] == student.id and session["token"]
    headers = {"Authorization": f"Bearer {session['token']}"}
    assert client.get("/api/v1/me", headers=headers).json()["id"] == student.id
    # A BankID login is BankID-verified at once.
    assert (
        client.get(f"/api/v1/children/{pupil.id}/assessments", headers=headers).status_code == 200
    )
    # The session token is handed out once.
    assert poll(client, clock, order_id)["session"] is None


def test_login_for_a_personnummer_without_account_is_refused(client, clock, sim) -> None:  # type: ignore[no-untyped-def]
    order_id = start(client, None, "login").json()["order_id"]
    sim.complete(sim.simulator.pending_orders()[0].order_ref, "197001019995")
    status = poll(client, clock, order_id)
    assert (status["status"], status["error_code"], status["session"]) == (
        "failed",
        "bankid_no_account",
        None,
    )


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        ("maintenance", 503, "bankid_unavailable"),
        ("internalError", 503, "bankid_unavailable"),
        ("requestTimeout", 503, "bankid_unavailable"),
        ("tooManyRequests", 503, "bankid_unavailable"),
        ("invalidParameters", 502, "bankid_error"),
        ("unauthorized", 502, "bankid_error"),
        ("notFound", 502, "bankid_error"),
        ("alreadyInProgress", 409, "bankid_already_in_progress"),
    ],
)
def test_error_answers_when_starting(
    client, sim, family, error: str, status: int, code: str
) -> None:  # type: ignore[no-untyped-def]
    _child, _guardian, headers = family
    sim.control("/sim/next-error", {"errorCode": error, "endpoint": "auth"})
    response = start(client, headers)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_a_transient_collect_error_keeps_the_order_pending(client, clock, sim, family) -> None:  # type: ignore[no-untyped-def]
    _child, guardian, headers = family
    order_id = start(client, headers).json()["order_id"]
    sim.complete(sim.simulator.pending_orders()[0].order_ref, guardian.personnummer)
    sim.control("/sim/next-error", {"errorCode": "maintenance", "endpoint": "collect"})
    assert poll(client, clock, order_id, headers)["status"] == "pending"
    assert poll(client, clock, order_id, headers)["status"] == "complete"


def test_the_simulator_answers_like_bankid(sim: Sim, clock) -> None:  # type: ignore[no-untyped-def]
    rp = f"{sim.rp_url}"
    bad = sim.http.post(f"{rp}/collect", json={"orderRef": "nope"})
    assert bad.status_code == 400 and bad.json() == {
        "errorCode": "invalidParameters",
        "details": "No such order",
    }
    wrong_type = sim.http.post(
        f"{rp}/auth",
        content=b"endUserIp=1.2.3.4",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (
        wrong_type.status_code == 415 and wrong_type.json()["errorCode"] == "unsupportedMediaType"
    )
    assert sim.http.get(f"{rp}/auth").json()["errorCode"] == "methodNotAllowed"
    assert (
        sim.http.post(f"{rp}/auth", json={"endUserIp": "not an ip"}).json()["errorCode"]
        == "invalidParameters"
    )
    order = sim.http.post(f"{rp}/auth", json={"endUserIp": "192.0.2.1"}).json()
    assert set(order) == {"orderRef", "autoStartToken", "qrStartToken", "qrStartSecret"}
    sim.complete(order["orderRef"], "198001019993")
    done = sim.http.post(f"{rp}/collect", json={"orderRef": order["orderRef"]}).json()
    assert (
        done["status"] == "complete"
        and done["completionData"]["user"]["personalNumber"] == "198001019993"
    )
    assert {"device", "bankIdIssueDate", "signature", "ocspResponse"} <= set(done["completionData"])
    clock.advance(minutes=5)  # still collectable a while after completion…
    assert sim.http.post(f"{rp}/collect", json={"orderRef": order["orderRef"]}).status_code == 200
    clock.advance(minutes=10)  # …but not for ever
    assert (
        sim.http.post(f"{rp}/collect", json={"orderRef": order["orderRef"]}).json()["errorCode"]
        == "invalidParameters"
    )


def test_the_simulator_refuses_a_forged_or_stale_qr(sim: Sim, clock) -> None:  # type: ignore[no-untyped-def]
    order = sim.http.post(f"{sim.rp_url}/auth", json={"endUserIp": "192.0.2.1"}).json()
    forged = qr_content(order["qrStartToken"], "not-the-secret", 0)
    assert sim.control("/sim/scan", {"qr": forged}).json()["details"] == "The QR code is not valid."
    clock.advance(seconds=60)
    stale = qr_content(order["qrStartToken"], order["qrStartSecret"], 0)
    assert sim.control("/sim/scan", {"qr": stale}).json()["details"] == "The QR code is too old."
    assert (
        sim.control(
            "/sim/scan", {"qr": qr_content(order["qrStartToken"], order["qrStartSecret"], 60)}
        ).status_code
        == 200
    )


def test_the_demo_page_lists_pending_orders_and_identifies(sim: Sim) -> None:
    order = sim.http.post(f"{sim.rp_url}/auth", json={"endUserIp": "192.0.2.1"}).json()
    page = sim.http.get(f"{sim.base_url}/")
    assert page.status_code == 200 and order["orderRef"] in page.text and "Identifiera" in page.text
    done = sim.http.post(
        f"{sim.base_url}/app/action",
        data={
            "order_ref": order["orderRef"],
            "action": "identify",
            "typed_personnummer": "19800101-9993",
        },
    )
    assert done.status_code == 303
    collected = sim.http.post(f"{sim.rp_url}/collect", json={"orderRef": order["orderRef"]}).json()
    assert collected["completionData"]["user"]["personalNumber"] == "198001019993"


def test_plain_http_is_only_allowed_to_a_local_simulator() -> None:
    with pytest.raises(ValueError):
        RpClient("http://appapi2.bankid.com/rp/v6.0")
    RpClient("http://127.0.0.1:9/rp/v6.0").close()


def test_mutual_tls_with_pinned_ca_end_to_end(tmp_path, clock, engine, settings, make) -> None:  # type: ignore[no-untyped-def]
    from server.bankid.simulator import create_simulator_app

    pki = make_pki(tmp_path)
    sim_app = create_simulator_app(clock)
    with ServerThread(sim_app, **tls_server_options(pki)) as server:
        base = f"https://127.0.0.1:{server.port}/rp/v6.0"
        tls_settings = settings.model_copy(
            update={
                "bankid_base_url": base,
                "bankid_ca_cert": pki.ca_cert,
                "bankid_client_cert": pki.client_p12,
                "bankid_client_cert_password": pki.client_p12_password,
            }
        )
        school = make.school()
        child = make.pupil(school.group)
        guardian = make.guardian(child)
        headers = make.headers(guardian)
        with TestClient(create_app(tls_settings, clock, engine)) as tls_client:
            started = start(tls_client, headers)
            assert started.status_code == 201, started.text
            order_ref = sim_app.state.simulator.scan(started.json()["qr"])
            sim_app.state.simulator.complete(order_ref, guardian.personnummer)
            assert (
                poll(tls_client, clock, started.json()["order_id"], headers)["status"] == "complete"
            )
            assert (
                tls_client.get(
                    f"/api/v1/children/{child.id}/assessments", headers=headers
                ).status_code
                == 200
            )

        # PEM client certificate and key work as well.
        pem = RpClient(
            base,
            ca_cert=str(pki.ca_cert),
            client_cert=str(pki.client_cert_pem),
            client_key=str(pki.client_key_pem),
        )
        assert pem.auth("192.0.2.1").order_ref
        pem.close()
        # Without a client certificate the simulator refuses the TLS handshake.
        anonymous = RpClient(base, ca_cert=str(pki.ca_cert))
        with pytest.raises(BankIdError) as refused:
            anonymous.auth("192.0.2.1")
        assert refused.value.error_code == "unavailable"
        anonymous.close()
        # A server certificate from another CA than the pinned one is not trusted.
        wrong_pin = RpClient(
            base,
            ca_cert=str(pki.other_ca_cert),
            client_cert=str(pki.client_p12),
            client_cert_password=pki.client_p12_password,
        )
        with pytest.raises(BankIdError):
            wrong_pin.auth("192.0.2.1")
        wrong_pin.close()
        with httpx.Client(
            verify=False
        ) as raw:  # and no answer leaks to a client without a certificate
            with pytest.raises(httpx.HTTPError):
                raw.post(f"{base}/auth", json={"endUserIp": "192.0.2.1"})


async def test_simultaneous_polls_finish_a_login_once(aclient, clock, sim, make) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from sqlalchemy import func, select

    from server.accounts.models import AuthSession

    guardian = make.guardian(make.pupil(make.school().group))
    started = await aclient.post("/api/v1/bankid/orders", json={"purpose": "login"})
    order_id = started.json()["order_id"]
    await asyncio.to_thread(
        sim.complete, sim.simulator.pending_orders()[0].order_ref, guardian.personnummer
    )
    clock.advance(seconds=2)
    answers = await asyncio.gather(
        *[aclient.get(f"/api/v1/bankid/orders/{order_id}") for _ in range(6)]
    )
    assert all(a.status_code == 200 for a in answers)
    assert sum(1 for a in answers if a.json()["session"]) <= 1
    clock.advance(seconds=2)
    final = (await aclient.get(f"/api/v1/bankid/orders/{order_id}")).json()
    assert final["status"] == "complete"
    with make.sessionmaker() as db:
        assert (
            db.scalar(
                select(func.count()).select_from(AuthSession).where(AuthSession.method == "bankid")
            )
            == 1
        )
