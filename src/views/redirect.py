"""An address that only leads on: /login while logged in, /home from earlier versions."""

from __future__ import annotations

import flet as ft

from components.scaffold import scaffold
from components.store import go


@ft.component
def RedirectHome() -> ft.View:
    async def leave() -> None:
        await go("/")

    ft.use_effect(leave, [])
    return scaffold([ft.ProgressRing()], bar=False)
