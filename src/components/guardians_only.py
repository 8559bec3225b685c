"""Screens only a guardian has (R30, R40, R70): a student who reaches one by its address sees
why instead of a form the server would refuse. The server refuses it anyway
(`students_cannot_*`, server/access.py)."""

from __future__ import annotations

from typing import Any

import flet as ft

from components.data import message
from components.scaffold import heading, scaffold
from services.areas import area_title


def refused_for_students(state: Any, area: str) -> ft.View | None:
    """The screen to show instead when the signed-in user is a student; None for a guardian.
    Called first in a screen, before its hooks: a user's kind does not change while the
    screen is on the stack (logging out replaces every view)."""
    if state.user is None or state.user.kind != "student":
        return None
    _ = state.i18n.gettext
    why = {
        "absence": _("Only a guardian can report absence."),
        "talks": _("Only a guardian can book development talks."),
        "leisure": _("Only a guardian can register leisure times."),
    }[area]
    return scaffold([heading(area_title(area, state.i18n)), message(why, f"{area}-not-allowed")])
