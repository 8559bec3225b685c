"""The BankID step-up for the protected boxes (R5), as BankID's guidelines for relying parties
describe it, and the hook that loads a protected box.

    box = use_protected("assessments", protected.assessments)   # BankIdRequired → box.need_bankid
    if box.need_bankid: controls.append(BankIdGate(box.opened))

Phone (a narrow window, or Android/iOS): "Öppna BankID-appen" launches BankID with the order's
autostart token and polls; "BankID på annan enhet" switches to the QR. Desktop: the animated QR
(a new frame each second, from the content the server computes) and "BankID på den här datorn".
While polling, BankID's recommended message (RFA) for the status; "Avbryt" cancels the order on
the server. Success opens the box at once; failure says what happened and offers a new try. The
logic is services/bankid.py; this file only draws it."""

from __future__ import annotations

import asyncio
import base64
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import flet as ft

from components.data import message
from components.store import use_store
from components.theme import PURPLE
from services.api import ApiError, ServerUnreachable, SessionExpired
from services.bankid import BankIdFlow, Phase, VerificationWindow, qr_png
from services.errors import error_message
from services.protected import BankIdRequired
from services.state import AppState

log = logging.getLogger("skolhub.app.bankid")

T = TypeVar("T")
QR_SIZE = 232

# One verification window per app session (AppState): it outlives the screens.
_WINDOWS: weakref.WeakKeyDictionary[AppState, VerificationWindow] = weakref.WeakKeyDictionary()


def window_of(state: AppState) -> VerificationWindow:
    window = _WINDOWS.get(state)
    if window is None:
        window = _WINDOWS[state] = VerificationWindow()
    return window


def is_phone(page: ft.Page, wide: bool) -> bool:
    return page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS) or not wide


def _nothing() -> None:
    return None


# --- loading a protected box --------------------------------------------------------------------


@dataclass
class Protected(Generic[T]):
    value: T | None = None
    loading: bool = True
    need_bankid: bool = False
    error: str | None = None
    _reload: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def reload(self) -> None:
        if self._reload is not None:
            await self._reload()

    async def opened(self) -> None:
        """BankID done: load the box at once."""
        await self.reload()


def use_protected(key: str, loader: Callable[[Any, int], Awaitable[T]]) -> Protected[T]:
    """A protected box's content for the selected child: fetched fresh every time and never
    cached on the device; BankIdRequired sets `need_bankid`. When the verification window
    ends while the box is open, the content is dropped and BankID is asked for again."""
    store = use_store()
    state = store.state
    pupil_id = state.selected_child_id
    ident = (state.user.id if state.user else None, key, pupil_id)
    ref = ft.use_ref(None)
    _version, set_version = ft.use_state(0)
    if ref.current is None or ref.current[0] != ident:
        ref.current = (ident, Protected())
    box: Protected[T] = ref.current[1]
    window = window_of(state)

    def redraw() -> None:
        if ref.current is not None and ref.current[1] is box:
            set_version(lambda v: v + 1)

    async def fetch() -> None:
        if pupil_id is None:
            box.loading = False
            _ = state.i18n.gettext
            box.error = _("Choose a child first.")
            redraw()
            return
        box.loading = True
        redraw()
        try:
            box.value = await loader(state.api, pupil_id)
            box.need_bankid, box.error = False, None
        except BankIdRequired:
            window.close()
            box.value, box.need_bankid, box.error = None, True, None
        except SessionExpired:
            await store.session_ended()
            return
        except (ApiError, ServerUnreachable) as exc:
            box.error = error_message(exc, state.i18n)
        finally:
            box.loading = False
        redraw()

    async def close_at_window_end() -> None:
        # The box stays open for the verification window; after it, ask again.
        while True:
            await asyncio.sleep(5)
            if box.value is not None and window.until is not None and not window.is_open(state.now()):
                window.close()
                box.value, box.need_bankid = None, True
                redraw()

    box._reload = fetch
    ft.use_effect(fetch, dependencies=[ident])
    ft.use_effect(close_at_window_end, dependencies=[ident], cleanup=_nothing)  # cancelled on leaving
    return box


# --- the BankID panel ---------------------------------------------------------------------------


@ft.component
def BankIdGate(on_opened: Callable[[], Awaitable[None]], box_name: str) -> ft.Control:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    language = state.i18n.language
    page = ft.context.page
    phone = is_phone(page, store.wide)
    flow_ref = ft.use_ref(None)
    if flow_ref.current is None:
        flow_ref.current = BankIdFlow(state.api, window=window_of(state), now=state.now)
    flow: BankIdFlow = flow_ref.current
    _version, set_version = ft.use_state(0)

    def redraw() -> None:
        set_version(lambda v: v + 1)

    async def poll_loop() -> None:
        if not flow.pending:
            return
        await flow.run(on_change=redraw)
        redraw()
        if flow.phase == Phase.COMPLETE:
            # Its own task: opening the box unmounts this panel, which cancels this loop.
            page.run_task(on_opened)

    async def cancel_on_leave() -> None:
        if flow.pending:
            await flow.cancel()

    # One polling task per order: a new order (start, switch, try again) starts a new loop and
    # the old one ends by itself (flow.run stops when the order is no longer its own).
    ft.use_effect(poll_loop, dependencies=[flow.order_id], cleanup=_nothing)  # a cleanup: unmounting cancels the loop
    # Leaving the screen while an order is pending cancels it on the server (and so ends the loop).
    ft.use_effect(_nothing, dependencies=[], cleanup=cancel_on_leave)

    async def launch(url: str | None) -> None:
        if url:
            try:
                await ft.UrlLauncher().launch_url(url)
            except Exception:  # no handler for bankid:// on this computer: the QR still works
                log.info("could not launch the BankID app")

    async def start_here(e: object) -> None:
        """Phone: "Öppna BankID-appen" — an order for this device, then launch the BankID app."""
        if flow.pending and flow.on_this_device:
            await launch(flow.launch_url(phone=True))
            return
        await (flow.switch(on_this_device=True) if flow.pending else flow.start(on_this_device=True))
        redraw()
        await launch(flow.launch_url(phone=phone))

    async def prepare_here(e: object) -> None:
        """Phone "Legitimera med BankID": an order for this device; "Öppna BankID-appen" launches it."""
        await flow.start(on_this_device=True)
        redraw()

    async def start_qr(e: object) -> None:
        """Desktop "Legitimera med BankID", phone "BankID på annan enhet": the QR."""
        await (flow.switch(on_this_device=False) if flow.pending else flow.start(on_this_device=False))
        redraw()

    async def cancel(e: object) -> None:
        await flow.cancel()
        redraw()

    async def again(e: object) -> None:
        if phone and flow.on_this_device:
            await prepare_here(e)
        else:
            await start_qr(e)

    def button(label: str, handler: Any, ident: str, *, primary: bool = False, icon: Any = None) -> ft.Control:
        kind = ft.FilledButton if primary else ft.OutlinedButton
        return ft.Semantics(
            identifier=ident, button=True,
            content=kind(content=ft.Text(label), icon=icon, on_click=handler,
                         style=ft.ButtonStyle(bgcolor=PURPLE) if primary else None),
        )

    controls: list[ft.Control] = []
    if flow.phase == Phase.IDLE:
        controls.append(ft.Text(
            _("{box} needs BankID: to protect your child's information, it opens only after you have identified "
              "yourself with BankID. The identification is valid for a while; after that you are asked again.").format(box=box_name)
        ))
        controls.append(ft.Text(_("If you don't have BankID, contact the school."), italic=True))
        if phone:
            controls.append(button(_("Identify with BankID"), prepare_here, "bankid-start", primary=True, icon=ft.Icons.LOCK_OPEN))
        else:
            controls.append(button(_("Identify with BankID"), start_qr, "bankid-start", primary=True, icon=ft.Icons.LOCK_OPEN))
    elif flow.phase == Phase.PENDING:
        controls.append(message(flow.message(language), "bankid-message"))
        if flow.showing_qr and flow.qr:
            png = qr_png(flow.qr)
            controls.append(ft.Semantics(
                identifier="bankid-qr", image=True,
                label=_("QR code for BankID. Open the BankID app on your phone and scan it."),
                content=ft.Container(
                    content=ft.Image(src=base64.b64encode(png).decode(), width=QR_SIZE, height=QR_SIZE,
                                     gapless_playback=True, fit=ft.BoxFit.CONTAIN, exclude_from_semantics=True),
                    bgcolor=ft.Colors.WHITE, padding=4,
                ),
            ))
            controls.append(ft.Text(_("Open the BankID app and choose the QR-code symbol to scan the code."), size=13))
        buttons: list[ft.Control] = []
        if phone:
            buttons.append(button(_("Open the BankID app"), start_here, "bankid-open-app", primary=True))
            if flow.on_this_device:
                buttons.append(button(_("BankID on another device"), start_qr, "bankid-other-device"))
        elif not flow.on_this_device:
            buttons.append(button(_("BankID on this computer"), start_here, "bankid-this-device"))
        else:
            buttons.append(button(_("BankID on another device"), start_qr, "bankid-other-device"))
        buttons.append(button(_("Cancel"), cancel, "bankid-cancel"))
        controls.append(ft.Row(buttons, wrap=True, spacing=10, run_spacing=10))
    elif flow.phase == Phase.FAILED:
        controls.append(message(flow.message(language), "bankid-message", error=True))
        controls.append(button(_("Try again"), again, "bankid-again", primary=True, icon=ft.Icons.REFRESH))
    else:
        controls.append(message(flow.message(language), "bankid-message"))
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    return ft.Container(
        content=ft.Column(controls, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.START),
        padding=16, border=ft.Border.all(1, PURPLE), border_radius=12,
    )
