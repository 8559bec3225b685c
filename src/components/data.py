"""One data hook for every screen: cache first, then fresh from the server (R81).

    data = use_loaded("inbox", "/messages/inbox", ThreadList)
    data = use_loaded("home", "/children/{pupil_id}/home", Home, pupil=True, after=state.after_home)
    ...
    await data.reload()          # after a mutation (returns when the fresh copy is shown)

`data_states(data, _)` gives the standard controls for loading / error / not available /
nothing saved yet, with a retry button; a screen renders its value only when it has one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import flet as ft
from pydantic import BaseModel

from components.store import use_store
from services.api import ApiError, SessionExpired
from services.errors import error_message
from services.state import Loaded

log = logging.getLogger("skolhub.app.data")

T = TypeVar("T", bound=BaseModel)
After = Callable[[Loaded[Any]], Awaitable[None] | None]


@dataclass
class Data(Generic[T]):
    """What a screen shows. `value` may be the cached copy (then `from_cache`); `loading` is
    True while a fetch runs; `error` is a translated sentence when the server refused."""

    ident: tuple[Any, ...]
    value: T | None = None
    fetched_at: datetime | None = None
    offline: bool = False
    unavailable: bool = False
    from_cache: bool = False
    loading: bool = True
    error: str | None = None
    _reload: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def reload(self) -> None:
        """Fetch again (after a mutation, or the retry button); redraws the screen."""
        if self._reload is not None:
            await self._reload()

    def apply(self, loaded: Loaded[T]) -> None:
        self.value, self.fetched_at = loaded.value, loaded.fetched_at
        self.offline, self.unavailable, self.from_cache = loaded.offline, loaded.unavailable, loaded.from_cache


def use_loaded(
    key: str,
    path: str,
    model: type[T],
    *,
    pupil: bool = False,
    params: dict[str, Any] | None = None,
    after: After | None = None,
) -> Data[T]:
    """The screen's data: the cached copy at once, then the server's. `pupil=True` scopes it
    to the selected child: "{pupil_id}" in key/path/params is filled in, the cache is per child,
    and switching child loads that child's copy. `after(loaded)` runs after each fetch (e.g.
    counts). A session the server has ended sends the user to the login form."""
    store = use_store()
    state = store.state
    pupil_id = state.selected_child_id if pupil else None
    user_id = state.user.id if state.user else None

    def fill(text: str) -> str:
        return text.replace("{pupil_id}", str(pupil_id)) if pupil else text

    key, path = fill(key), fill(path)
    params = {k: (pupil_id if v == "{pupil_id}" else v) for k, v in (params or {}).items()}
    ident = (user_id, key, path, pupil_id, tuple(sorted(params.items())))
    ref = ft.use_ref(None)
    _version, set_version = ft.use_state(0)

    if ref.current is None or ref.current.ident != ident:
        data: Data[T] = Data(ident)
        if user_id is not None and not (pupil and pupil_id is None):
            data.apply(state.peek(key, model, pupil_id))
        else:
            data.unavailable = pupil and pupil_id is None
            data.loading = user_id is not None and not data.unavailable
        ref.current = data
    data = ref.current

    async def fetch() -> None:
        if data.unavailable and pupil and pupil_id is None or user_id is None:
            data.loading = False
            return
        data.loading = True
        set_version(lambda v: v + 1)
        try:
            loaded = await state.load(key, path, model, pupil_id=pupil_id, params=params)
            data.apply(loaded)
            data.error = None
            if after is not None:
                result = after(loaded)
                if asyncio.iscoroutine(result):
                    await result
        except SessionExpired:
            await store.session_ended()
            return
        except ApiError as exc:
            data.error = error_message(exc, state.i18n)
        finally:
            data.loading = False
        if ref.current is data:
            set_version(lambda v: v + 1)

    data._reload = fetch
    ft.use_effect(fetch, dependencies=[ident])
    return data


def data_states(data: Data[Any], gettext: Callable[[str], str], *, unavailable: str | None = None,
                nothing_saved: str | None = None, identifier: str = "data-empty") -> list[ft.Control] | None:
    """Controls for a screen that has no value to show (None when it has one): a progress ring
    while loading, the server's refusal with a retry button, "not available", "nothing saved"."""
    _ = gettext
    if data.value is not None:
        return None
    if data.loading:
        return [ft.ProgressRing(semantics_label=_("Loading"))]
    if data.error:
        return [message(data.error, identifier, error=True), retry_button(data, _)]
    if data.unavailable:
        return [message(unavailable or _("This is not available from the school's server yet."), identifier)]
    return [message(nothing_saved or _("Nothing saved on this device yet."), identifier), retry_button(data, _)]


def retry_button(data: Data[Any], gettext: Callable[[str], str]) -> ft.Control:
    async def retry(e: object) -> None:
        await data.reload()

    return ft.TextButton(content=ft.Text(gettext("Try again")), icon=ft.Icons.REFRESH, on_click=retry)


def message(text: str, identifier: str, *, error: bool = False) -> ft.Control:
    """A live-region text (errors, confirmations) a screen reader announces."""
    from components.theme import ERROR

    return ft.Semantics(identifier=identifier, live_region=True, content=ft.Text(text, color=ERROR if error else None))
