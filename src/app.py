"""The app's root component: the Store handed down by context, and the Router with a real
view stack (manage_views=True: back arrow, browser back, Android back gesture)."""

from __future__ import annotations

import flet as ft

from components.store import Store, StoreContext
from routes import AppRouter


@ft.component
def App(store: Store) -> list[ft.View]:
    # `store` is observable: App redraws when the session starts or ends, and the Router then
    # switches between the logged-in and logged-out route tables at the same address.
    return StoreContext(store, lambda: AppRouter(store.state.logged_in))
