"""Form pieces: controlled text fields (the value lives in the screen's state, so a redraw —
a count from the sync, a language switch — never loses what was typed) and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft


def typed(e: Any) -> str:
    """The text an on_change event carries. Read from the event, never from `e.control`: Flet
    dispatches the event in a task of its own after it applied the client's new value to the
    control, so a redraw in between (a count from the sync, a fetch finishing) can replace the
    control with a freshly rendered one that still holds the old value, and the keystroke would
    be lost (tests/app/test_app_events.py)."""
    if isinstance(e.data, str):
        return e.data
    value = getattr(e.control, "value", None)
    return value if isinstance(value, str) else ""


def checked(e: Any) -> bool:
    """Whether an on_change event of a checkbox or switch turned it on (from the event, as
    `typed`)."""
    if isinstance(e.data, bool):
        return e.data
    if isinstance(e.data, str) and e.data.lower() in ("true", "false"):
        return e.data.lower() == "true"
    return bool(getattr(e.control, "value", False))


def tab_index(e: Any) -> int:
    """The tab an on_change event of Tabs chose (from the event, as `typed`)."""
    if isinstance(e.data, int) and not isinstance(e.data, bool):
        return e.data
    return int(getattr(e.control, "selected_index", 0) or 0)


def use_field(initial: str = "") -> tuple[str, Callable[[str], None]]:
    """A text field's value as component state: `value, set_value = use_field()`."""
    return ft.use_state(initial)


def text_field(
    identifier: str,
    label: str,
    value: str,
    on_value: Callable[[str], None],
    *,
    password: bool = False,
    keyboard: ft.KeyboardType | None = None,
    on_submit: Callable[..., Any] | None = None,
) -> ft.TextField:
    return ft.TextField(
        label=label,
        value=value,
        on_change=lambda e: on_value(typed(e)),
        on_submit=on_submit,
        password=password,
        can_reveal_password=False,  # its eye button has no label a screen reader can read
        keyboard_type=keyboard or ft.KeyboardType.TEXT,
        autocorrect=False,
        enable_suggestions=not password,
        width=420,
        data=identifier,
    )


def language_switch(current: str, on_change) -> ft.Control:  # type: ignore[no-untyped-def]
    """Svenska / English, each named in its own language so anyone can find theirs."""
    return ft.Semantics(
        identifier="language",
        container=True,
        content=ft.RadioGroup(
            value=current,
            on_change=on_change,
            content=ft.Row([ft.Radio(value="sv", label="Svenska"), ft.Radio(value="en", label="English")]),
        ),
    )
