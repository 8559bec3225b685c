"""R7: the start page — the selected child's boxes, with counts of new items."""

from __future__ import annotations

import flet as ft

from components.box_card import box_card
from components.data import data_states, message, use_loaded
from components.scaffold import heading, scaffold
from components.schoolday import BookedTalkLine
from components.store import go, use_store
from services.areas import area_title, box_path
from services.labels import box_badge
from services.models import Home


@ft.component
def HomeScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    data = use_loaded("home", "/children/{pupil_id}/home", Home, pupil=True, after=state.after_home)
    child = state.selected_child
    if child is None:
        return scaffold([heading(_("Start page")), ft.Text(_("There is no child linked to your account. Contact the school."))],
                        data=data, back=False)
    controls: list[ft.Control] = [
        heading(child.full_name),
        ft.Text(child.unit_name + (f", {child.group_name}" if child.group_name else "")),
        ft.Text(i18n.date_long(state.today()) + " · " + i18n.week_label(state.today()), italic=True),
    ]
    empty = data_states(data, _, identifier="home-empty",
                        unavailable=_("The start page's boxes are not available from the school's server yet."),
                        nothing_saved=_("The boxes cannot be shown now: nothing is saved on this device yet."))
    if empty is not None:
        controls += empty
    elif not data.value.boxes:
        controls.append(message(_("There is nothing to show for this child yet."), "home-empty"))
    else:
        cards = []
        for box in data.value.boxes:
            new_label = box_badge(i18n, box.key, box.count)
            cards.append(box_card(box.key, area_title(box.key, i18n, child.unit_kind), box.count, new_label, _opener(box_path(box.key))))
        if any(box.key == "talks" for box in data.value.boxes):
            controls.append(BookedTalkLine())  # the booked development talk, if any, above the boxes (issue 10)
        controls.append(ft.ResponsiveRow(cards, spacing=12, run_spacing=12))
    return scaffold(controls, data=data, fetched_at=state.peek_me_fetched_at(), back=False)


def _opener(path: str):  # type: ignore[no-untyped-def]
    async def handler(e: object) -> None:
        await go(path)

    return handler
