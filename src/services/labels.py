"""Counts as a screen reader and a guardian read them (issue 16): through ngettext, so Swedish
says "1 oläst" and "2 olästa", and each box says what its number counts.

Most boxes count new items (unread notifications, server/home); the talks box counts the talk
series still to book (R30) and the schedule box the changed lessons, so their words say so."""

from __future__ import annotations

from services.i18n import I18n


def bell_label(i18n: I18n, count: int) -> str:
    """The bell's accessible name (R8)."""
    if count <= 0:
        return i18n.gettext("Notifications")
    return i18n.ngettext("Notifications: {n} new", "Notifications: {n} new", count).format(n=count)


def envelope_label(i18n: I18n, count: int) -> str:
    """The envelope's accessible name (R9): "Meddelanden: 1 oläst" / "Meddelanden: 2 olästa"."""
    if count <= 0:
        return i18n.gettext("Messages")
    return i18n.ngettext("Messages: {n} unread", "Messages: {n} unread", count).format(n=count)


def box_badge(i18n: I18n, key: str, count: int) -> str:
    """The words on a home box's badge: what its number counts, in the right plural form."""
    if key == "talks":
        return i18n.ngettext("{n} to book", "{n} to book", count).format(n=count)
    if key == "schedule":
        return i18n.ngettext("{n} change", "{n} changes", count).format(n=count)
    return i18n.ngettext("{n} new", "{n} new", count).format(n=count)


def box_label(i18n: I18n, key: str, title: str, count: int) -> str:
    """A home box's accessible name: its title, and its count when there is one."""
    return f"{title}, {box_badge(i18n, key, count)}" if count > 0 else title
