"""A box whose own screen this app version does not have yet: its name and its new items
(from the bell's list). Its route is in routes.py; the box's own screen replaces it there."""

from __future__ import annotations

import flet as ft

from components.data import use_loaded
from components.scaffold import heading, scaffold, subheading
from components.store import use_store
from services.areas import area_title
from services.models import NotificationPage


@ft.component
def AreaScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    area = (ft.use_view_path() or "/").strip("/").split("/")[0]
    data = use_loaded("notifications", "/notifications", NotificationPage, pupil=True,
                      params={"pupil_id": "{pupil_id}", "limit": 50})
    child = state.selected_child
    items = [n for n in (data.value.items if data.value else []) if n.area == area]
    controls: list[ft.Control] = [heading(area_title(area, state.i18n, child.unit_kind if child else "school"))]
    if items:
        controls.append(subheading(_("New items")))
        for item in items:
            controls.append(ft.ListTile(title=ft.Text(item.title), subtitle=ft.Text(state.i18n.datetime(item.created_at))))
    elif data.loading:
        controls.append(ft.ProgressRing(semantics_label=_("Loading")))
    else:
        controls.append(ft.Text(_("Nothing new here.")))
    return scaffold(controls, data=data)
