"""Test helpers for BankID: the simulator as a real HTTP(S) server on a loopback port, throwaway
certificates for mutual TLS, and the whole step-up flow driven like a person would."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from server.bankid.simulator import BankIdSimulator, create_simulator_app
from server.clock import Clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving `app` in a background thread on a free loopback port."""

    def __init__(self, app: Any, **ssl_options: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            **ssl_options,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the simulator did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Sim:
    """A running simulator: its RP base URL, the simulator object, and a client for its controls."""

    base_url: str
    simulator: BankIdSimulator
    http: httpx.Client

    @property
    def rp_url(self) -> str:
        return f"{self.base_url}/rp/v6.0"

    def scan(self, qr: str) -> str:
        response = self.http.post(f"{self.base_url}/sim/scan", json={"qr": qr})
        assert response.status_code == 200, response.text
        return str(response.json()["orderRef"])

    def complete(self, order_ref: str, personal_number: str) -> None:
        response = self.http.post(
            f"{self.base_url}/sim/orders/{order_ref}/complete",
            json={"personalNumber": personal_number},
        )
        assert response.status_code == 200, response.text

    def control(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(f"{self.base_url}{path}", json=body or {})


def running_simulator(clock: Clock) -> Iterator[Sim]:
    """For a `sim` fixture: `yield from running_simulator(clock)`."""
    app = create_simulator_app(clock)
    with ServerThread(app) as server, httpx.Client(timeout=10) as http:
        yield Sim(f"http://127.0.0.1:{server.port}", app.state.simulator, http)


# --- throwaway PKI --------------------------------------------------------------------------------


@dataclass
class Pki:
    ca_cert: Path
    server_cert: Path
    server_key: Path
    client_p12: Path
    client_p12_password: str
    client_cert_pem: Path
    client_key_pem: Path
    other_ca_cert: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    server: bool = False,
    client: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if client:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(folder: Path) -> Pki:
    pem = serialization.Encoding.PEM
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("Test BankID CA", ca_key, _name("Test BankID CA"), ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _cert("127.0.0.1", server_key, ca.subject, ca_key, ca=False, server=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _cert("Skolhub RP test", client_key, ca.subject, ca_key, ca=False, client=True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _cert("Some other CA", other_key, _name("Some other CA"), other_key, ca=True)
    password = "qwerty123"
    files = {
        "ca.pem": ca.public_bytes(pem),
        "server.pem": server.public_bytes(pem),
        "server.key": server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        "client.p12": pkcs12.serialize_key_and_certificates(
            b"rp",
            client_key,
            client,
            None,
            serialization.BestAvailableEncryption(password.encode()),
        ),
        "client.pem": client.public_bytes(pem),
        "client.key": client_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        "other-ca.pem": other.public_bytes(pem),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Pki(
        folder / "ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "client.p12",
        password,
        folder / "client.pem",
        folder / "client.key",
        folder / "other-ca.pem",
    )


def tls_server_options(pki: Pki) -> dict[str, Any]:
    return {
        "ssl_certfile": str(pki.server_cert),
        "ssl_keyfile": str(pki.server_key),
        "ssl_ca_certs": str(pki.ca_cert),
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
    }


# --- the flow, as the app drives it -------------------------------------------------------------


def start(
    client: Any,
    headers: dict[str, str] | None = None,
    purpose: str = "step_up",
    on_this_device: bool = False,
) -> httpx.Response:
    return client.post(
        "/api/v1/bankid/orders",
        json={"purpose": purpose, "on_this_device": on_this_device},
        headers=headers or {},
    )


def poll(
    client: Any, clock: Any, order_id: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """One poll, 2 s after the previous one (the app's cadence)."""
    clock.advance(seconds=2)
    response = client.get(f"/api/v1/bankid/orders/{order_id}", headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def verify_with_bankid(
    client: Any, clock: Any, sim: Sim, headers: dict[str, str], personnummer: str
) -> dict[str, Any]:
    """The whole step-up: start, scan the QR with "the BankID app", identify, poll to completion."""
    started = start(client, headers)
    assert started.status_code == 201, started.text
    order_ref = sim.scan(started.json()["qr"])
    sim.complete(order_ref, personnummer)
    status = poll(client, clock, started.json()["order_id"], headers)
    assert status["status"] == "complete", status
    return status
