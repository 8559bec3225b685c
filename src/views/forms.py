"""Small helpers for forms: labelled text fields and a busy-aware submit."""

from __future__ import annotations

import flet as ft


def text_field(identifier: str, *, password: bool = False, value: str = "", keyboard: ft.KeyboardType | None = None) -> ft.TextField:
    return ft.TextField(
        value=value,
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
