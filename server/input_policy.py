"""One input policy for every route, applied as an application-wide dependency.

- Text: no NUL, no other control characters (tab, line feed and carriage return are text) and
  no lone surrogates, in any JSON string or key, form field, query or path parameter:
  `422 invalid_text`. (PostgreSQL cannot store NUL or a lone surrogate; other control
  characters have no place in school text and can corrupt logs and exports.)
- Ids and numbers: an integer path parameter outside the database's 32-bit range is a
  resource that cannot exist (`404`); such an integer in a query, form or JSON body is
  `422 out_of_range`.
- Dates: a value written as an ISO date, date-time or week (`2026-12-01`, `2026-W49`, …)
  must have a year in 1900–2199 (`422 date_out_of_range`), so date arithmetic near year 9999
  never overflows.
Lengths are bounded by the body limit (server/limits.py) and each schema's `max_length`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from server import route_table
from server.errors import ApiError, not_found

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
YEAR_MIN, YEAR_MAX = 1900, 2199
_ISO_DATE_LIKE = re.compile(r"^[+-]?(\d{4,})-(?:W\d{1,2}(?:-?\d)?|\d{2}-\d{2}(?:[T ].*)?)$", re.DOTALL)
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def bad_character(value: str) -> bool:
    for ch in value:
        if ch in _ALLOWED_CONTROLS:
            continue
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF:
            return True
    return False


def _invalid_text(field: str) -> ApiError:
    message = "The text contains characters that are not allowed (control characters)."
    return ApiError(422, "invalid_text", message, fields=[{"field": field, "code": "invalid_text", "message": message}])


def _out_of_range(field: str) -> ApiError:
    message = "The number is out of range."
    return ApiError(422, "out_of_range", message, fields=[{"field": field, "code": "out_of_range", "message": message}])


def _date_out_of_range(field: str) -> ApiError:
    message = f"The date must be in the years {YEAR_MIN}–{YEAR_MAX}."
    return ApiError(422, "date_out_of_range", message, fields=[{"field": field, "code": "date_out_of_range", "message": message}])


def check_string(value: str, field: str) -> None:
    if bad_character(value):
        raise _invalid_text(field)
    match = _ISO_DATE_LIKE.match(value)
    if match and not YEAR_MIN <= int(match.group(1)) <= YEAR_MAX:
        raise _date_out_of_range(field)


def check_scalar(value: str, field: str) -> None:
    """A query or form value: text rules, and a whole-number value within 32 bits."""
    check_string(value, field)
    stripped = value.strip()
    if stripped.lstrip("+-").isdigit() and stripped.isascii() and not INT_MIN <= int(stripped) <= INT_MAX:
        raise _out_of_range(field)


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if path else str(key), key
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{i}" if path else str(i))
    else:
        yield path or "body", value


def check_json(document: Any) -> None:
    for field, value in _walk(document, ""):
        if isinstance(value, str):
            check_string(value, field)
        elif isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
            raise _out_of_range(field)


async def enforce_input_policy(request: Request) -> None:
    operation = route_table.find(request.app, request.method, request.scope["path"])
    int_params = operation.int_path_params if operation else frozenset()
    for name, value in request.path_params.items():
        if not isinstance(value, str):
            continue
        check_string(value, name)
        if name in int_params:
            digits = value.strip()
            if digits.lstrip("+-").isdigit() and not INT_MIN <= int(digits) <= INT_MAX:
                raise not_found()
    for name, value in request.query_params.multi_items():
        check_string(name, name)
        check_scalar(value, name)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form()
        for name, item in form.multi_items():
            check_string(name, name)
            if isinstance(item, UploadFile):
                if item.filename is not None and bad_character(item.filename):
                    raise _invalid_text(name)
            else:
                check_scalar(item, name)
        return
    body = await request.body()
    if not body or ("json" not in content_type and content_type != ""):
        return
    try:
        document = json.loads(body)
    except ValueError:
        return  # the route's own validation answers malformed JSON
    check_json(document)
