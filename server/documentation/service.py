"""R54: teachers publish Portfolio entries (per pupil or group, with files) and the IUP per term;
guardians and the student read them after BankID (R5)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from server.access import require_staff_of_unit
from server.accounts.models import User
from server.assessments.service import (
    PUBLISHERS,
    check_term,
    notified_count,
    require_school_unit,
    school_pupil,
    term_sort_key,
)
from server.clock import Clock
from server.config import Settings
from server.db import insert_ignoring_conflicts
from server.documentation.models import IupPlan, PortfolioEntry, PortfolioFile
from server.domain_errors import bad_request, not_found
from server.notifications.fanout import notify, pupils_by_id, pupils_of_groups
from server.school.models import Group, PupilGroup, Unit, UnitKind

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "text/plain",
    "audio/mpeg",
    "audio/mp4",
    "video/mp4",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
}


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data[:8192].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= min(len(data), 8192) - 3  # a character cut at the end of the sample
    return True


def sniff(data: bytes, declared: str) -> str | None:
    """The content type the file's own bytes show (magic numbers), among ALLOWED_TYPES; None if
    they show none of them. The client's declared type only picks between look-alikes (audio or
    video MP4); it is never trusted on its own."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "audio/mp4" if declared == "audio/mp4" else "video/mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        if data[30:38] == b"mimetype" and data[38:77] == b"application/vnd.oasis.opendocument.text":
            return "application/vnd.oasis.opendocument.text"
        if b"word/" in data[:65536]:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return None
    if declared == "text/plain" and _is_text(data):  # text has no magic number
        return "text/plain"
    return None


@dataclass
class Upload:
    filename: str
    content_type: str
    data: bytes


def _safe_name(name: str) -> str:
    base = Path(name or "fil").name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "fil"
    return cleaned[:200]


def portfolio_dir(settings: Settings) -> Path:
    return Path(settings.upload_dir) / "portfolio"


def publish_portfolio(
    db: Session,
    settings: Settings,
    clock: Clock,
    staff: User,
    *,
    title: str,
    body: str,
    pupil_id: int | None,
    group_id: int | None,
    files: list[Upload],
) -> tuple[PortfolioEntry, int]:
    if (pupil_id is None) == (group_id is None):
        raise bad_request("pupil_or_group", "Publish to one pupil or to one group.", "pupil_id")
    if pupil_id is not None:
        pupil = school_pupil(db, pupil_id)
        require_staff_of_unit(db, staff, pupil.unit_id, PUBLISHERS)
        require_school_unit(db, pupil)
        unit_id = pupil.unit_id
    else:
        group = db.get(Group, group_id)
        if group is None:
            raise not_found("group")
        require_staff_of_unit(db, staff, group.unit_id, PUBLISHERS)
        unit = db.get(Unit, group.unit_id)
        if unit is None or unit.kind != UnitKind.SCHOOL:
            raise bad_request(
                "school_only",
                "Assessments and documentation are for school pupils only.",
                "group_id",
            )
        unit_id = group.unit_id
    title = title.strip()
    if not title:
        raise bad_request("title_required", "Give the entry a title.", "title")
    if len(files) > MAX_FILES:
        raise bad_request("too_many_files", f"At most {MAX_FILES} files per entry.", "files")
    for upload in files:
        # The stored (and later served) type is what the bytes are, not what the client said.
        upload.content_type = sniff(upload.data, upload.content_type) or ""
        if upload.content_type not in ALLOWED_TYPES:
            raise bad_request(
                "file_type_not_allowed",
                "Images, PDF, text, audio, video or documents only.",
                "files",
            )
        if len(upload.data) > MAX_FILE_BYTES:
            raise bad_request("file_too_large", "A file can be at most 10 MB.", "files")
    entry = PortfolioEntry(
        unit_id=unit_id,
        pupil_id=pupil_id,
        group_id=group_id,
        title=title,
        body=body.strip(),
        published_by=staff.id,
        published_at=clock.now(),
    )
    db.add(entry)
    db.flush()
    folder = portfolio_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for upload in files:
        key = secrets.token_hex(20)
        (folder / key).write_bytes(upload.data)
        db.add(
            PortfolioFile(
                entry_id=entry.id,
                filename=_safe_name(upload.filename),
                content_type=upload.content_type,
                size=len(upload.data),
                storage_key=key,
            )
        )
    pupils = pupils_by_id([pupil_id]) if pupil_id is not None else pupils_of_groups([group_id])  # type: ignore[list-item]
    notify(
        db,
        clock,
        pupils,
        area="documentation",
        type="portfolio_published",
        # R5: nothing of the entry (not even its title) before BankID.
        item_key=f"portfolio:{entry.id}",
        link="/children/{pupil_id}/documentation/portfolio",
    )
    notified = notified_count(db, f"portfolio:{entry.id}")
    db.flush()
    return entry, notified


def portfolio_for_pupil(db: Session, pupil_id: int) -> list[PortfolioEntry]:
    groups = select(PupilGroup.group_id).where(PupilGroup.pupil_id == pupil_id)
    return list(
        db.scalars(
            select(PortfolioEntry)
            .where(or_(PortfolioEntry.pupil_id == pupil_id, PortfolioEntry.group_id.in_(groups)))
            .order_by(PortfolioEntry.published_at.desc(), PortfolioEntry.id.desc())
        )
    )


def files_of(db: Session, entry_ids: list[int]) -> dict[int, list[PortfolioFile]]:
    out: dict[int, list[PortfolioFile]] = {i: [] for i in entry_ids}
    if entry_ids:
        for f in db.scalars(
            select(PortfolioFile)
            .where(PortfolioFile.entry_id.in_(entry_ids))
            .order_by(PortfolioFile.id)
        ):
            out[f.entry_id].append(f)
    return out


def file_for_pupil(db: Session, pupil_id: int, entry_id: int, file_id: int) -> PortfolioFile:
    entry = next((e for e in portfolio_for_pupil(db, pupil_id) if e.id == entry_id), None)
    file = db.get(PortfolioFile, file_id)
    if entry is None or file is None or file.entry_id != entry.id:
        raise not_found("file")
    return file


def publish_iup(
    db: Session,
    clock: Clock,
    staff: User,
    *,
    pupil_id: int,
    term: str,
    goals: str,
    school_actions: str,
    pupil_actions: str,
    guardian_actions: str,
) -> tuple[IupPlan, int]:
    pupil = school_pupil(db, pupil_id)
    require_staff_of_unit(db, staff, pupil.unit_id, PUBLISHERS)
    require_school_unit(db, pupil)
    term = check_term(term)
    now = clock.now()
    values = {
        "goals": goals.strip(),
        "school_actions": school_actions.strip(),
        "pupil_actions": pupil_actions.strip(),
        "guardian_actions": guardian_actions.strip(),
        "published_by": staff.id,
        "published_at": now,
    }
    if not insert_ignoring_conflicts(
        db,
        IupPlan,
        {"pupil_id": pupil.id, "term": term, "version": 1, **values},
        ["pupil_id", "term"],
    ):
        db.execute(
            update(IupPlan)
            .where(IupPlan.pupil_id == pupil.id, IupPlan.term == term)
            .values(version=IupPlan.version + 1, **values)
        )
    plan = db.scalar(
        select(IupPlan)
        .where(IupPlan.pupil_id == pupil.id, IupPlan.term == term)
        .execution_options(populate_existing=True)
    )
    assert plan is not None
    notify(
        db,
        clock,
        pupils_by_id([pupil.id]),
        area="documentation",
        type="iup_published",
        # R5: nothing of the plan (not even the term) before BankID.
        item_key=f"iup:{plan.id}:{plan.version}",
        link="/children/{pupil_id}/documentation/iup",
    )
    notified = notified_count(db, f"iup:{plan.id}:{plan.version}")
    db.flush()
    return plan, notified


def iup_for_pupil(db: Session, pupil_id: int) -> list[IupPlan]:
    plans = list(db.scalars(select(IupPlan).where(IupPlan.pupil_id == pupil_id)))
    plans.sort(key=lambda p: term_sort_key(p.term), reverse=True)
    return plans
