"""Gateways: a real one per channel (SMTP, a 46elks-style HTTP SMS API) and local sinks that
write each message to a folder for the demo and the tests."""

from __future__ import annotations

import json
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import httpx

from server.config import Settings
from server.outbox.models import Channel, OutboxMessage


class SendError(Exception):
    """A failure worth retrying later."""


class Adapter(Protocol):
    def send(self, message: OutboxMessage) -> str | None:
        """Send; return the gateway's id for the message, if it gives one."""


class EmailSink:
    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, message: OutboxMessage) -> str | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        email = _email(message, self.sender)
        target = self.folder / f"{message.id:08d}.eml"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(bytes(email))
        tmp.replace(target)  # atomic: a reader never sees half a message
        return target.name


class SmtpAdapter:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: OutboxMessage) -> str | None:
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password)
                smtp.send_message(_email(message, s.email_from))
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(type(exc).__name__) from exc
        return None


class SmsSink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: OutboxMessage) -> str | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message.id:08d}.json"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"to": message.recipient, "message": message.body}, ensure_ascii=False))
        tmp.replace(target)
        return f"sink-{message.id}"


class ElksSmsGateway:
    """46elks-style API: form POST with basic auth; delivery reports come back to `whendelivered`."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=30)

    def send(self, message: OutboxMessage) -> str | None:
        s = self.settings
        data = {
            "from": s.sms_sender,
            "to": message.recipient,
            "message": message.body,
            "whendelivered": delivery_report_url(s),
        }
        try:
            response = self.client.post(s.elks_url, data=data, auth=(s.elks_username, s.elks_password))
        except httpx.HTTPError as exc:
            raise SendError(type(exc).__name__) from exc
        if response.status_code >= 400:
            raise SendError(f"gateway answered {response.status_code}")
        try:
            return str(response.json().get("id"))
        except ValueError:
            return None


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject or ""
    email["Message-ID"] = f"<outbox-{message.id}@skolhub>"
    email.set_content(message.body)
    return email


def adapters_from_settings(settings: Settings) -> dict[str, Adapter]:
    email: Adapter = (
        SmtpAdapter(settings) if settings.email_adapter == "smtp" else EmailSink(settings.email_sink_dir, settings.email_from)
    )
    sms: Adapter = ElksSmsGateway(settings) if settings.sms_adapter == "elks" else SmsSink(settings.sms_sink_dir)
    return {Channel.EMAIL.value: email, Channel.SMS.value: sms}


def delivery_report_url(settings: Settings) -> str:
    """The callback URL for delivery reports, with the configured credentials in it (the
    gateway sends them back as HTTP basic auth; server/outbox/routes.py checks them)."""
    base = f"{settings.public_base_url.rstrip('/')}/api/v1/sms/delivery-reports"
    if not settings.sms_report_secret:
        return base
    scheme, _, rest = base.partition("://")
    user = quote(settings.sms_report_username, safe="")
    secret = quote(settings.sms_report_secret, safe="")
    return f"{scheme}://{user}:{secret}@{rest}"
