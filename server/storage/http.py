"""The HTTP side of stored files: an upload from the request, a stored file as a download."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from fastapi import UploadFile
from fastapi.responses import FileResponse

from server.config import Settings
from server.domain_errors import not_found
from server.storage.models import StoredFile
from server.storage.service import Upload


def upload_of(upload: UploadFile) -> Upload:
    return Upload(upload.file, upload.filename, upload.size, upload.content_type)


def file_response(settings: Settings, stored: StoredFile, *, inline: bool = False) -> FileResponse:
    path = Path(settings.upload_dir) / stored.storage_name
    if not path.is_file():
        raise not_found("file")
    ascii_name = stored.display_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.display_name, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return FileResponse(os.fspath(path), media_type=stored.content_type, headers=headers, stat_result=None)
