"""Keep secrets out of access logs: paths and query strings can carry tokens.

The iCalendar feed's private token travels in the query string (phone calendars send no
headers) and one-time links (activation, password reset) carry theirs in the path. The server
installs this filter on uvicorn's access log, so none of them is ever written."""

from __future__ import annotations

import logging
import re

PATTERNS = [
    (re.compile(r"([?&]token=)[^&\s\"]+"), r"\1[redacted]"),
    (re.compile(r"(/(?:activations|password-resets)/)[^/?\s\"]+"), r"\1[redacted]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access_log.filters):
        access_log.addFilter(RedactTokens())
