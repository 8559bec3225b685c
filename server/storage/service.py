"""Receiving and serving uploaded files safely.

- The stored name is random; the client's file name is only cleaned into a display name.
- The content type comes from an allow-list keyed by the file's extension, and the first bytes
  must match it (a ".pdf" that is not a PDF is refused), so what we serve is what we checked.
- Size is counted while copying; past `settings.upload_max_bytes` the copy stops: 413.
- Downloads (server/storage/http.py) carry `X-Content-Type-Options: nosniff` and an RFC 6266
  Content-Disposition.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from server.clock import Clock
from server.config import Settings
from server.domain_errors import DomainError, TooLarge, UnsupportedType, bad_request
from server.storage.models import StoredFile

CHUNK = 64 * 1024

# extension → (content type, magic prefixes; empty = text that must be UTF-8 without NUL)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    "rtf": ("application/rtf", (b"{\\rtf",)),
    "txt": ("text/plain; charset=utf-8", ()),
    "csv": ("text/csv; charset=utf-8", ()),
}
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp"})
MAX_NAME = 120


def safe_display_name(raw: str | None) -> str:
    """The last path component, NFC, without control or reserved characters, at most 120 chars."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name or "fil"


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _unsupported(images_only: bool) -> DomainError:
    allowed = "PNG, JPEG, GIF or WebP images" if images_only else "PDF, images, Office/OpenDocument files or text"
    return UnsupportedType("unsupported_file_type", f"This kind of file cannot be uploaded; use {allowed}.", fields=[{"field": "file", "code": "unsupported_file_type", "message": allowed}])


def _check_content(ext: str, head: bytes, images_only: bool) -> str:
    if ext not in ALLOWED or (images_only and ext not in IMAGE_EXTENSIONS):
        raise _unsupported(images_only)
    content_type, magics = ALLOWED[ext]
    if magics:
        if not any(head.startswith(m) for m in magics) or (ext == "webp" and head[8:12] != b"WEBP"):
            raise _unsupported(images_only)
    else:
        if b"\x00" in head:
            raise _unsupported(images_only)
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sniffed chunk is fine.
            if exc.start < len(head) - 3:
                raise _unsupported(images_only) from exc
    return content_type


def _too_large(settings: Settings) -> DomainError:
    mb = settings.upload_max_bytes // (1024 * 1024)
    return TooLarge("file_too_large", f"The file is larger than the limit of {mb} MB.", fields=[{"field": "file", "code": "file_too_large", "message": f"max {settings.upload_max_bytes} bytes"}])


def store_stream(
    db: Session, settings: Settings, clock: Clock, source: BinaryIO, raw_name: str | None, *, unit_id: int,
    uploaded_by: int | None, images_only: bool = False,
) -> StoredFile:
    """Copy `source` into upload_dir under a random name, checking type and size as it goes."""
    display_name = safe_display_name(raw_name)
    head = source.read(CHUNK)
    if not head:
        raise bad_request("empty_file", "The file is empty.", "file")
    content_type = _check_content(_extension(display_name), head, images_only)
    directory = Path(settings.upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16)
    path = directory / storage_name
    size = 0
    try:
        with open(path, "xb") as target:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > settings.upload_max_bytes:
                    raise _too_large(settings)
                target.write(chunk)
                chunk = source.read(CHUNK)
        stored = StoredFile(
            unit_id=unit_id, storage_name=storage_name, display_name=display_name, content_type=content_type,
            size=size, uploaded_by=uploaded_by, created_at=clock.now(),
        )
        db.add(stored)
        db.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return stored


@dataclass(frozen=True)
class Upload:
    """A file as it came in, without the web framework: the route builds it from the request
    (server/storage/http.py upload_of), the demo seed from bytes (Upload.of_bytes)."""

    file: BinaryIO
    filename: str | None
    size: int | None = None  # when the request said it
    content_type: str | None = None  # what the client claimed; the stored type comes from the checks

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> Upload:
        return cls(io.BytesIO(data), name, len(data))


def store_upload(
    db: Session, settings: Settings, clock: Clock, upload: Upload, *, unit_id: int, uploaded_by: int | None,
    images_only: bool = False,
) -> StoredFile:
    if upload.size is not None and upload.size > settings.upload_max_bytes:
        raise _too_large(settings)
    return store_stream(db, settings, clock, upload.file, upload.filename, unit_id=unit_id, uploaded_by=uploaded_by, images_only=images_only)


def remove_stored(db: Session, settings: Settings, stored: StoredFile) -> None:
    path = Path(settings.upload_dir) / stored.storage_name
    db.delete(stored)
    db.flush()
    path.unlink(missing_ok=True)


def remove_linked_file(db: Session, settings: Settings, link: Any) -> None:
    """Delete a row that links an item to a stored file (a blog image, a plan attachment) and
    the stored file with it."""
    stored = db.get(StoredFile, link.stored_file_id)
    db.delete(link)
    db.flush()
    if stored is not None:
        remove_stored(db, settings, stored)
