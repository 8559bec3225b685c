"""Relying-party client for the BankID RP API v6.0 (`auth`, `collect`, `cancel`).

POST JSON over mutual TLS: the RP certificate (PKCS#12 or PEM) authenticates us, and only
the configured CA is trusted for the server (a pinned CA, not the system store). The base URL
chooses production, BankID's test environment or the Skolhub simulator; plain HTTP is only
accepted towards a loopback address (a simulator on this machine)."""

from __future__ import annotations

import ipaddress
import os
import ssl
import tempfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from server.config import Settings

PRODUCTION_URL = "https://appapi2.bankid.com/rp/v6.0"
TEST_URL = "https://appapi2.test.bankid.com/rp/v6.0"

# Documented error codes of the RP API (the body is {"errorCode", "details"}).
ERROR_CODES = {
    "alreadyInProgress",
    "invalidParameters",
    "unauthorized",
    "notFound",
    "methodNotAllowed",
    "requestTimeout",
    "unsupportedMediaType",
    "internalError",
    "maintenance",
    "tooManyRequests",
}
# Worth retrying later: the service is busy or down, not our request wrong.
TRANSIENT = {"requestTimeout", "internalError", "maintenance", "tooManyRequests", "unavailable"}


class BankIdError(Exception):
    """An error answer from the RP API, or `unavailable` when it could not be reached."""

    def __init__(self, error_code: str, details: str = "", http_status: int | None = None) -> None:
        super().__init__(f"{error_code}: {details}")
        self.error_code = error_code
        self.details = details
        self.http_status = http_status

    @property
    def transient(self) -> bool:
        return self.error_code in TRANSIENT


@dataclass
class AuthAnswer:
    order_ref: str
    auto_start_token: str
    qr_start_token: str
    qr_start_secret: str


@dataclass
class CollectAnswer:
    order_ref: str
    status: str  # pending | failed | complete (anything else is treated as pending by callers)
    hint_code: str | None = None
    completion_data: dict[str, Any] = field(default_factory=dict)

    @property
    def personal_number(self) -> str | None:
        user = self.completion_data.get("user") or {}
        value = user.get("personalNumber")
        return str(value) if value else None


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_ssl_context(
    ca_cert: str | None, client_cert: str | None, client_key: str | None, password: str | None
) -> ssl.SSLContext:
    """Trust only `ca_cert` (when given) and present the RP certificate (.p12/.pfx or PEM)."""
    context = (
        ssl.create_default_context(cafile=ca_cert) if ca_cert else ssl.create_default_context()
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client_cert:
        if client_cert.lower().endswith((".p12", ".pfx")):
            _load_pkcs12(context, client_cert, password)
        else:
            context.load_cert_chain(
                client_cert, keyfile=client_key or None, password=password or None
            )
    return context


def _load_pkcs12(context: ssl.SSLContext, path: str, password: str | None) -> None:
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        Encoding,
        PrivateFormat,
        pkcs12,
    )

    with open(path, "rb") as fh:
        key, cert, extra = pkcs12.load_key_and_certificates(
            fh.read(), password.encode() if password else None
        )
    if key is None or cert is None:
        raise ValueError("the PKCS#12 file holds no key and certificate")
    # ssl only loads PEM files: write them to a private temporary directory, load, remove.
    passphrase = os.urandom(24).hex().encode()
    with tempfile.TemporaryDirectory(prefix="skolhub-rp-") as tmp:
        cert_path, key_path = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        with open(os.open(cert_path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as out:
            out.write(cert.public_bytes(Encoding.PEM))
            for other in extra or []:
                out.write(other.public_bytes(Encoding.PEM))
        with open(os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as out:
            out.write(
                key.private_bytes(
                    Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase)
                )
            )
        context.load_cert_chain(cert_path, key_path, password=passphrase)


class RpClient:
    def __init__(
        self,
        base_url: str,
        *,
        ca_cert: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        client_cert_password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        scheme = urlsplit(self.base_url).scheme
        if scheme == "http":
            if not _is_loopback(self.base_url):
                raise ValueError(
                    "BankID needs HTTPS with a client certificate; plain HTTP only to a local simulator"
                )
            verify: ssl.SSLContext | bool = False
        elif scheme == "https":
            verify = build_ssl_context(ca_cert, client_cert, client_key, client_cert_password)
        else:
            raise ValueError(f"unsupported BankID base URL: {base_url!r}")
        self._http = httpx.Client(
            verify=verify, timeout=timeout, headers={"Content-Type": "application/json"}
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> RpClient:
        return cls(
            settings.bankid_base_url,
            ca_cert=str(settings.bankid_ca_cert) if settings.bankid_ca_cert else None,
            client_cert=str(settings.bankid_client_cert) if settings.bankid_client_cert else None,
            client_key=str(settings.bankid_client_key) if settings.bankid_client_key else None,
            client_cert_password=settings.bankid_client_cert_password or None,
            timeout=settings.bankid_timeout_seconds,
        )

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._http.post(f"{self.base_url}/{path}", json=body)
        except httpx.TimeoutException as exc:
            raise BankIdError("requestTimeout", "no answer from BankID in time") from exc
        except httpx.HTTPError as exc:  # connection refused, TLS handshake refused, …
            raise BankIdError("unavailable", type(exc).__name__) from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict):
            return data
        if isinstance(data, dict) and isinstance(data.get("errorCode"), str):
            raise BankIdError(data["errorCode"], str(data.get("details", "")), response.status_code)
        by_status = {
            400: "invalidParameters",
            401: "unauthorized",
            403: "unauthorized",
            404: "notFound",
            405: "methodNotAllowed",
            408: "requestTimeout",
            415: "unsupportedMediaType",
            429: "tooManyRequests",
            500: "internalError",
            503: "maintenance",
        }
        raise BankIdError(
            by_status.get(response.status_code, "internalError"),
            f"HTTP {response.status_code}",
            response.status_code,
        )

    def auth(
        self,
        end_user_ip: str,
        *,
        personal_number: str | None = None,
        user_visible_data: str | None = None,
    ) -> AuthAnswer:
        import base64

        body: dict[str, Any] = {"endUserIp": end_user_ip}
        if personal_number:
            body["requirement"] = {"personalNumber": personal_number}
        if user_visible_data:
            body["userVisibleData"] = base64.b64encode(user_visible_data.encode()).decode()
            body["userVisibleDataFormat"] = "simpleMarkdownV1"
        data = self._post("auth", body)
        try:
            return AuthAnswer(
                str(data["orderRef"]),
                str(data["autoStartToken"]),
                str(data["qrStartToken"]),
                str(data["qrStartSecret"]),
            )
        except KeyError as exc:
            raise BankIdError("internalError", "incomplete auth answer") from exc

    def collect(self, order_ref: str) -> CollectAnswer:
        data = self._post("collect", {"orderRef": order_ref})
        return CollectAnswer(
            order_ref=str(data.get("orderRef", order_ref)),
            status=str(data.get("status", "pending")),
            hint_code=data.get("hintCode"),
            completion_data=data.get("completionData") or {},
        )

    def cancel(self, order_ref: str) -> None:
        self._post("cancel", {"orderRef": order_ref})
