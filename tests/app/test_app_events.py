"""A value typed or ticked is never lost to a redraw (the fritids week form lost "Måndag start"
in Chromium about every other run; the repeat checkbox's tap seemed "swallowed").

Flet applies the client's new value to the control at once (UPDATE_CONTROL_PROPS) but runs the
on_change handler in a task of its own (CONTROL_EVENT). A redraw scheduled in between (a count
from the sync, a fetch finishing) replaces the control with a freshly rendered one that still
holds the state's old value, and the event is then dispatched to that one. The app's handlers
read the event's data (`components.forms.typed` / `checked`), which is what the user did.

These tests run that order of messages through Flet's real Session in-process."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

from components.forms import checked, tab_index, text_field, typed

SRC = Path(__file__).resolve().parents[2] / "src"


class Recording(Connection):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def send_message(self, message: Any) -> None:
        self.messages.append(message)


class Form:
    """A screen with a text field (the app's `text_field`), a checkbox, and something else that
    redraws it (as the sync's counts do)."""

    def __init__(self, read_from_control: bool = False) -> None:
        self.read_from_control = read_from_control
        self.state: dict[str, Any] = {}
        self.redraw: Any = None

    def component(self):  # type: ignore[no-untyped-def]
        form = self

        @ft.component
        def Screen() -> ft.View:
            start, set_start = ft.use_state("")
            repeat, set_repeat = ft.use_state(False)
            tick, set_tick = ft.use_state(0)
            form.state.update(start=start, repeat=repeat)
            form.redraw = lambda: set_tick(lambda t: t + 1)

            def on_start(value: str) -> None:
                set_start(value)

            def on_repeat(e: Any) -> None:
                set_repeat(bool(e.control.value) if form.read_from_control else checked(e))

            field = text_field("start", "Måndag start", start, on_start)
            if form.read_from_control:
                field.on_change = lambda e: on_start(e.control.value or "")
            return ft.View(route="/", controls=[
                field,
                ft.Checkbox(label="Upprepa registreringarna för denna vecka", value=repeat, on_change=on_repeat),
                ft.Text(str(tick)),
            ])

        return Screen


async def session_with(form: Form) -> Session:
    conn = Recording()
    conn.pubsubhub = PubSubHub()
    conn.loop = asyncio.get_running_loop()
    session = Session(conn)
    _context_page.set(session.page)
    session.page.render_views(form.component())
    session.get_page_patch()  # the client registers: the tree is indexed
    await asyncio.sleep(0.05)
    return session


def control_of(session: Session, kind: type) -> Any:
    return next(c for c in list(session.index.values()) if isinstance(c, kind))


async def user_sets(session: Session, form: Form, kind: type, value: Any) -> None:
    """What the Flutter client sends when the user types or taps, with a redraw in between."""
    control = control_of(session, kind)
    session.apply_patch(control._i, {"value": value})  # UPDATE_CONTROL_PROPS, applied at once
    form.redraw()  # something else redraws the screen before the event's task runs
    await asyncio.sleep(0.05)
    await session.dispatch_event(control._i, "change", value)  # CONTROL_EVENT
    await asyncio.sleep(0.05)


@pytest.mark.parametrize("kind, value, key", [(ft.TextField, "09:00", "start"), (ft.Checkbox, True, "repeat")])
async def test_a_value_set_just_before_a_redraw_is_kept(kind: type, value: Any, key: str) -> None:
    form = Form()
    session = await session_with(form)
    await user_sets(session, form, kind, value)
    assert form.state[key] == value
    assert control_of(session, kind).value == value  # and the screen shows it again


async def test_reading_the_control_instead_of_the_event_would_lose_it() -> None:
    """The race these handlers are written for is real in the installed Flet (if this starts
    failing after an upgrade, Flet fixed it and `typed`/`checked` are merely belt and braces)."""
    form = Form(read_from_control=True)
    session = await session_with(form)
    await user_sets(session, form, ft.TextField, "09:00")
    await user_sets(session, form, ft.Checkbox, True)
    assert form.state == {"start": "", "repeat": False}


class Event:
    def __init__(self, data: Any, value: Any) -> None:
        self.data = data
        self.control = type("C", (), {"value": value, "selected_index": value})()


def test_typed_and_checked_take_the_events_data_and_fall_back_to_the_control() -> None:
    assert typed(Event("09:00", "")) == "09:00"
    assert typed(Event("", "old")) == ""  # a field emptied by the user stays empty
    assert typed(Event(None, "sv")) == "sv"
    assert typed(Event(None, None)) == ""
    assert checked(Event(True, False)) is True
    assert checked(Event(False, True)) is False
    assert checked(Event("true", False)) is True
    assert checked(Event(None, True)) is True
    assert tab_index(Event(2, 0)) == 2
    assert tab_index(Event(None, 1)) == 1


# Reading what the user did from the control, in a handler (forms.py's helpers fall back to it).
FROM_CONTROL = re.compile(r'\be\.control\.(value|selected_index)\b|getattr\(e\.control,\s*"(value|selected_index)"')


def test_no_handler_in_the_app_reads_the_value_from_the_control() -> None:
    offenders = [f"{path.relative_to(SRC)}:{n}" for path in SRC.rglob("*.py") if path != SRC / "components" / "forms.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if FROM_CONTROL.search(line)]
    assert offenders == [], "read the event's data with components.forms.typed/checked/tab_index: " + ", ".join(offenders)
