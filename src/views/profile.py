"""R10: My profile — the guardian's and the selected child's names, switching child, and the
way to change username or password (R6)."""

from __future__ import annotations

import flet as ft

from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from components.theme import PURPLE


@ft.component
def ProfileScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    me = state.me

    def to(path: str):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(path)

        return handler

    def select(pupil_id: int):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            state.select_child(pupil_id)
            await go("/")

        return handler

    async def logout(e: object) -> None:
        await store.logout()

    controls: list[ft.Control] = [heading(_("My profile"))]
    if me is None:
        return scaffold([*controls, ft.ProgressRing(semantics_label=_("Loading"))])
    controls.append(ft.Semantics(identifier="profile-name", content=ft.Text(me.full_name, size=18)))
    child = state.selected_child
    if child is not None:
        controls.append(ft.Text(_("Selected child: {name}").format(name=child.full_name)))
    if len(state.children) > 1:
        controls.append(subheading(_("Switch child")))
        for c in state.children:
            selected = c.id == state.selected_child_id
            controls.append(
                ft.Semantics(
                    identifier=f"child-{c.id}",
                    button=True,
                    selected=selected,
                    content=ft.ListTile(
                        leading=ft.Icon(ft.Icons.CHECK_CIRCLE if selected else ft.Icons.CIRCLE_OUTLINED, color=PURPLE),
                        title=ft.Text(c.full_name),
                        subtitle=ft.Text(c.unit_name + (f", {c.group_name}" if c.group_name else "")),
                        on_click=select(c.id),
                    ),
                )
            )
    controls += [
        subheading(_("Account")),
        ft.Text(_("Username: {username}").format(username=me.username or "")),
        ft.Row(
            [
                ft.OutlinedButton(content=ft.Text(_("Change username")), on_click=to("/profile/username")),
                ft.OutlinedButton(content=ft.Text(_("Change password")), on_click=to("/profile/password")),
            ],
            wrap=True,
        ),
        ft.Row(
            [
                ft.TextButton(content=ft.Text(_("Settings")), icon=ft.Icons.SETTINGS, on_click=to("/settings")),
                ft.TextButton(content=ft.Text(_("Log out")), icon=ft.Icons.LOGOUT, on_click=logout),
            ],
            wrap=True,
        ),
    ]
    return scaffold(controls)
