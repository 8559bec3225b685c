"""Uploaded files (information files, blog images, plan attachments): metadata in the database,
bytes on disk under `settings.upload_dir` with a generated name (never the client's path)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class StoredFile(Base):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    # Random name inside upload_dir; the only name that ever touches the file system.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    # The cleaned display name offered on download (no path, no control characters).
    display_name: Mapped[str] = mapped_column(String(150))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
