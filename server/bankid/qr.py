"""Animated QR content: a new code every second, computed on the server so that the
qrStartSecret never leaves it."""

from __future__ import annotations

import hashlib
import hmac


def qr_auth_code(qr_start_secret: str, seconds: int) -> str:
    return hmac.new(qr_start_secret.encode(), str(seconds).encode(), hashlib.sha256).hexdigest()


def qr_content(qr_start_token: str, qr_start_secret: str, seconds: int) -> str:
    """`bankid.<qrStartToken>.<seconds since the auth answer>.<HMAC-SHA256 hex>`."""
    seconds = max(0, int(seconds))
    return f"bankid.{qr_start_token}.{seconds}.{qr_auth_code(qr_start_secret, seconds)}"


def parse_qr(content: str) -> tuple[str, int, str] | None:
    """(qrStartToken, seconds, code) from scanned QR content, or None if it is not BankID's."""
    parts = content.strip().split(".")
    if len(parts) != 4 or parts[0] != "bankid" or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2]), parts[3].lower()
