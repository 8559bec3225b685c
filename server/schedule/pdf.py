"""A printable week (R35: "the schedule can be printed"), one A4 landscape page per pupil."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from server.schedule.schemas import WeekOut

WEEKDAYS = {
    "sv": ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
LABELS = {
    "sv": {
        "title": "Schema v. {week} — {name}",
        "cancelled": "Inställd",
        "moved": "Flyttad",
        "empty": "Inga lektioner",
    },
    "en": {
        "title": "Schedule week {week} — {name}",
        "cancelled": "Cancelled",
        "moved": "Moved",
        "empty": "No lessons",
    },
}


def week_pdf(week: WeekOut, pupil_name: str, language: str) -> bytes:
    lang = language if language in LABELS else "sv"
    labels = LABELS[lang]
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=labels["title"].format(week=week.week.split("-W")[1], name=pupil_name),
        author="Skolhub",
    )
    header = [
        Paragraph(f"<b>{WEEKDAYS[lang][d.weekday - 1]}</b><br/>{d.date.isoformat()}", cell)
        for d in week.days
    ]
    column = []
    for day in week.days:
        parts: list[str] = []
        if day.no_school:
            parts.append(f"<i>{escape(day.no_school.name)}</i>")
        for lesson in day.lessons:
            teachers = ", ".join(t.name for t in lesson.teachers)
            status = f" <b>({labels[lesson.status]})</b>" if lesson.status != "scheduled" else ""
            room = f", {escape(lesson.room)}" if lesson.room else ""
            parts.append(
                f"<b>{lesson.start}–{lesson.end}</b> {escape(lesson.subject)}{status}"
                f"<br/>{escape(teachers)}{room}"
            )
        if not parts:
            parts.append(labels["empty"])
        column.append(Paragraph("<br/><br/>".join(parts), cell))
    width = (doc.width) / max(len(week.days), 1)
    table = Table([header, column], colWidths=[width] * len(week.days))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ece6f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    title = Paragraph(
        escape(labels["title"].format(week=week.week.split("-W")[1], name=pupil_name)),
        styles["Title"],
    )
    doc.build([title, table])
    return buffer.getvalue()
