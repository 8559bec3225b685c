"""What the content screens (Information, Kalender, Blogg, Planeringar, the schedule's printing)
share: their ContentService, saving a downloaded file on the device, opening a link outside
the app, and a tappable card a screen reader can read."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import flet as ft

from components.theme import PURPLE, PURPLE_LIGHT
from services.content import ContentService, Downloaded
from services.state import AppState, Loaded

log = logging.getLogger("skolhub.app.content")


def content_service(state: AppState) -> ContentService:
    """One ContentService per app state (it keeps the blog images it has fetched)."""
    service = getattr(state, "_content_service", None)
    if service is None:
        service = ContentService(state)
        state._content_service = service  # type: ignore[attr-defined]
    return service


def after_open(state: AppState) -> Callable[[Loaded[Any]], Awaitable[None]]:
    """`after=` for a detail screen's data hook: the server marked the item read when it sent
    it, so fetch the lower bell and box counts (not when the copy came from the cache)."""

    async def run(loaded: Loaded[Any]) -> None:
        if loaded.value is not None and not loaded.offline:
            await content_service(state).after_open()

    return run


async def save_download(downloaded: Downloaded) -> str | None:
    """Hand the file to the device under its real name: in the browser a download, on a phone
    the system's save sheet, on a desktop a save dialog. Answers the saved path where the
    platform tells it (desktop), else None."""
    picker = _page_service("_skolhub_file_picker", ft.FilePicker)
    return await picker.save_file(file_name=downloaded.file_name, src_bytes=downloaded.data)


async def open_outside(url: str) -> None:
    """A link opens outside the app: the phone's browser, a new browser tab."""
    launcher = _page_service("_skolhub_url_launcher", ft.UrlLauncher)
    await launcher.launch_url(url, mode=ft.LaunchMode.EXTERNAL_APPLICATION)


async def copy_text(text: str) -> None:
    await _page_service("_skolhub_clipboard", ft.Clipboard).set(text)


def _page_service(name: str, kind: type[Any]) -> Any:
    """One service of a kind per page (constructing a service registers it with the page, so a
    new one per tap would pile up for the whole session)."""
    page = ft.context.page
    service = getattr(page, name, None)
    if service is None:
        service = kind()
        try:
            setattr(page, name, service)
        except (AttributeError, TypeError):
            log.debug("page keeps no attribute %s; a new service each time", name)
    return service


def item_card(
    controls: Sequence[ft.Control],
    *,
    label: str,
    identifier: str,
    on_click: Callable[[Any], Awaitable[None]] | None = None,
    highlight: bool = False,
) -> ft.Control:
    """A list item; tappable when `on_click` is given (then a button for screen readers, named
    by `label`)."""
    body = ft.Container(
        content=ft.Column(list(controls), spacing=4, tight=True),
        padding=12,
        border_radius=8,
        bgcolor=PURPLE_LIGHT if highlight else "#F7F4FA",
        border=ft.Border.all(1, "#E0D6EA"),
        on_click=on_click,
        ink=on_click is not None,
        expand=True,
    )
    # In a Row the card takes the whole width of the list, whatever its text.
    return ft.Semantics(identifier=identifier, label=label if on_click else None, button=on_click is not None,
                        container=True, content=ft.Row([body]))


def meta(text: str) -> ft.Control:
    return ft.Text(text, size=13, color="#5F5669")


def chip(text: str, *, color: str = PURPLE) -> ft.Control:
    return ft.Container(
        content=ft.Text(text, size=12, color=ft.Colors.WHITE, weight=ft.FontWeight.W_600),
        bgcolor=color, border_radius=12, padding=ft.Padding.symmetric(horizontal=8, vertical=2),
    )


def human_size(size: int, gettext: Callable[[str], str]) -> str:
    if size >= 1024 * 1024:
        return gettext("{n} MB").format(n=f"{size / (1024 * 1024):.1f}")
    if size >= 1024:
        return gettext("{n} kB").format(n=max(1, round(size / 1024)))
    return gettext("{n} bytes").format(n=size)
