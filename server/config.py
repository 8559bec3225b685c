"""Settings from environment variables (prefix SKOLHUB_), so one image serves every deployment."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKOLHUB_", extra="ignore")

    database_url: str = "sqlite:///./skolhub.db"
    # Public address of the server and of the app, used in links that leave the system.
    public_base_url: str = "http://127.0.0.1:8000"
    app_base_url: str = "http://127.0.0.1:8550"

    session_ttl_hours: int = 24 * 30
    activation_valid_days: int = 14
    password_reset_valid_minutes: int = 60

    # Login throttling: failures inside the window before further attempts are refused.
    throttle_window_minutes: int = 15
    throttle_account_failures: int = 5
    throttle_address_failures: int = 20
    # Behind a reverse proxy: take the client address and scheme from X-Forwarded-For/-Proto,
    # but only from these proxy addresses. Off: forwarded headers are ignored entirely.
    trust_forwarded_for: bool = False
    # Password-reset requests per identifier and per client address inside the window.
    reset_window_minutes: int = 60
    reset_identifier_limit: int = 3
    reset_address_limit: int = 20
    forwarded_allow_ips: str = "127.0.0.1"

    # argon2id cost; tests lower it, production keeps the RFC 9106 low-memory profile.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

    idempotency_ttl_hours: int = 24
    idempotency_lease_seconds: int = 120  # a pending key whose request died is free again after this
    housekeeping_minutes: int = 10  # how often the worker removes expired records

    # Requests admitted into the application at once per process (server/limits.py); the
    # thread pool is sized above it and the connection pool keeps as many connections open.
    max_requests_in_flight: int = 32

    # Outbox adapters: "sink" writes to a folder (demo, tests), "smtp" / "elks" are real gateways.
    email_adapter: str = "sink"
    email_sink_dir: Path = Path("./var/outbox/email")
    email_from: str = "Skolhub <no-reply@skolhub.invalid>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True

    sms_adapter: str = "sink"
    sms_sink_dir: Path = Path("./var/outbox/sms")
    sms_sender: str = "Skolhub"
    elks_url: str = "https://api.46elks.com/a1/sms"
    elks_username: str = ""
    elks_password: str = ""
    # Delivery reports (POST /sms/delivery-reports) are accepted only with HTTP basic auth
    # sms_report_username / sms_report_secret; the gateway is given them inside the callback
    # URL (https://user:secret@host/…, which 46elks sends as basic auth). Empty: refused.
    sms_report_username: str = "skolhub"
    sms_report_secret: str = ""

    outbox_max_attempts: int = 8
    outbox_lease_seconds: int = 120

    upload_dir: Path = Path("./var/uploads")

    # Pin "now" (ISO 8601 with offset) for benchmarks and rehearsals; never set in production.
    fixed_now: datetime | None = None
    # Start the clock at this instant (ISO 8601 with offset) and let it run: a rehearsal or a
    # browser test on a chosen school day (server, seed-demo and worker alike); never in production.
    clock_start: datetime | None = None
    # BankID (R5). The RP API base URL: production "https://appapi2.bankid.com/rp/v6.0", BankID's
    # test environment "https://appapi2.test.bankid.com/rp/v6.0", or a simulator, e.g.
    # "http://127.0.0.1:8000/bankid-sim/rp/v6.0" (plain HTTP only to a loopback address).
    bankid_base_url: str = "https://appapi2.test.bankid.com/rp/v6.0"
    bankid_client_cert: Path | None = None  # RP certificate: .p12/.pfx, or PEM (with bankid_client_key)
    bankid_client_cert_password: str = ""
    bankid_client_key: Path | None = None
    bankid_ca_cert: Path | None = None  # the pinned CA of the BankID server certificate
    bankid_timeout_seconds: float = 10.0
    bankid_verification_minutes: int = 30  # how long a BankID identification opens the protected boxes
    bankid_poll_seconds: float = 2.0  # collect at most this often per order
    bankid_order_lifetime_seconds: int = 200  # give up on an order BankID no longer answers for
    # Serve the simulator at /bankid-sim inside this server (the demo).
    bankid_simulator_mounted: bool = False
    # Largest accepted upload (information files, blog images, plan attachments).
    upload_max_bytes: int = 20 * 1024 * 1024
    # Request bodies (server/limits.py): JSON and forms; the routes that take files (0 = the
    # upload limit + 1 MiB for the form around it, for all files of one request together).
    request_max_bytes: int = 512 * 1024
    upload_request_max_bytes: int = 0
    # A body must be complete this long after the request line (slow clients get 408).
    body_read_timeout_seconds: float = 15.0
    upload_read_timeout_seconds: float = 300.0
