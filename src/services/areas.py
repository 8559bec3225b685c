"""The home boxes and notification areas: their names in the user's language (R7, R14)."""

from __future__ import annotations

from services.i18n import I18n

BOX_KEYS = ("schedule", "absence", "talks", "leisure", "information", "calendar", "blog", "planning", "assessments", "documentation")


def box_path(key: str) -> str:
    """Where a home box (or a notification of its area) opens: /schedule, /absence, … (routes.py)."""
    return f"/{key}" if key in BOX_KEYS else "/"


def area_title(key: str, i18n: I18n, unit_kind: str = "school") -> str:
    _ = i18n.gettext
    titles = {
        "schedule": _("Schedule"),
        "absence": _("Absence"),
        "talks": _("Development talks"),
        "leisure": _("Time registration") if unit_kind == "preschool" else _("Leisure-time schedule"),
        "information": _("Information"),
        "calendar": _("Calendar"),
        "blog": _("Blog"),
        "planning": _("Planning"),
        "assessments": _("Assessments"),
        "documentation": _("Documentation"),
        "messages": _("Messages"),
    }
    return titles.get(key, key)
