"""Information (R50, R51): tabs for news (the child's groups), files (the whole school or
preschool) and links. A news item opens in full at /information/:id, which marks it read
so the box count and the bell go down; a file downloads under its real name; a link opens
outside the app. Everything is cached for reading offline."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import tab_index
from components.scaffold import heading, scaffold
from components.store import go, use_store
from services.api import ApiError, ServerUnreachable
from services.content import FileList, InfoFile, InfoLink, LinkList, NewsItem, NewsList, content_error_message
from views.content_common import after_open, content_service, human_size, item_card, meta, open_outside, save_download

TABS = ("news", "files", "links")


@ft.component
def InformationScreen() -> ft.View:
    store = use_store()
    _ = store.state.i18n.gettext
    tab, set_tab = ft.use_state(0)

    def changed(e: ft.Event[ft.Tabs]) -> None:
        set_tab(tab_index(e))

    tabs = ft.Tabs(
        length=len(TABS), selected_index=tab, on_change=changed,
        content=ft.TabBar(tabs=[ft.Tab(label=_("News")), ft.Tab(label=_("Files")), ft.Tab(label=_("Links"))], scrollable=False),
    )
    body = NewsTab() if tab == 0 else FilesTab() if tab == 1 else LinksTab()
    service = content_service(store.state)
    shown = (service.peek_news, service.peek_files, service.peek_links)[tab]()  # for "senast uppdaterad" offline
    return scaffold([heading(_("Information")), tabs, body], fetched_at=shown.fetched_at)


@ft.component
def NewsTab() -> ft.Control:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("information:news", "/children/{pupil_id}/information/news", NewsList, pupil=True)
    empty = data_states(data, _, identifier="news-empty")
    if empty is not None:
        return ft.Column(empty)
    if not data.value.items:
        return message(_("No news for this child right now."), "news-empty")

    def opener(item: NewsItem):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/information/{item.id}")

        return handler

    cards = []
    for item in data.value.items:
        excerpt = item.body if len(item.body) <= 160 else item.body[:157].rstrip() + "…"
        when = state.i18n.date_long(item.published_at.date())
        cards.append(item_card(
            [ft.Text(item.title, weight=ft.FontWeight.W_600, size=16), meta(" · ".join(p for p in (when, ", ".join(item.group_names)) if p)),
             ft.Text(excerpt)],
            label=_("News: {title}, {when}. Open").format(title=item.title, when=when), identifier=f"news-{item.id}",
            on_click=opener(item),
        ))
    return ft.Column(cards, spacing=10)


@ft.component
def FilesTab() -> ft.Control:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("information:files", "/children/{pupil_id}/information/files", FileList, pupil=True)
    status, set_status = ft.use_state(("", False))
    empty = data_states(data, _, identifier="files-empty")
    if empty is not None:
        return ft.Column(empty)
    if not data.value.items:
        return message(_("No files from the school right now."), "files-empty")

    def downloader(item: InfoFile):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            try:
                downloaded = await content_service(state).download_file(item)
                await save_download(downloaded)
                set_status((_("Downloaded: {name}").format(name=downloaded.file_name), False))
            except (ApiError, ServerUnreachable) as exc:
                set_status((content_error_message(exc, state.i18n), True))

        return handler

    controls: list[ft.Control] = []
    if status[0]:
        controls.append(message(status[0], "files-status", error=status[1]))
    for item in data.value.items:
        controls.append(item_card(
            [
                ft.Text(item.title, weight=ft.FontWeight.W_600, size=16),
                *([ft.Text(item.description)] if item.description else []),
                meta(f"{item.file_name} · {human_size(item.size, _)} · {state.i18n.date_long(item.published_at.date())}"),
                ft.Row([ft.Semantics(identifier=f"file-download-{item.id}", content=ft.FilledTonalButton(
                    content=ft.Text(_("Download")), icon=ft.Icons.DOWNLOAD, on_click=downloader(item),
                    tooltip=_("Download {name}").format(name=item.file_name),
                ))]),
            ],
            label=item.title, identifier=f"file-{item.id}",
        ))
    return ft.Column(controls, spacing=10)


@ft.component
def LinksTab() -> ft.Control:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded("information:links", "/children/{pupil_id}/information/links", LinkList, pupil=True)
    empty = data_states(data, _, identifier="links-empty")
    if empty is not None:
        return ft.Column(empty)
    if not data.value.items:
        return message(_("No links from the school right now."), "links-empty")

    def opener(link: InfoLink):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await open_outside(link.url)

        return handler

    cards = []
    for link in data.value.items:
        cards.append(item_card(
            [ft.Row([ft.Icon(ft.Icons.OPEN_IN_NEW, size=18), ft.Text(link.title, weight=ft.FontWeight.W_600, size=16)], wrap=True),
             *([ft.Text(link.description)] if link.description else []), meta(link.url)],
            label=_("Link: {title}. Opens outside the app").format(title=link.title), identifier=f"link-{link.id}",
            on_click=opener(link),
        ))
    return ft.Column(cards, spacing=10)


@ft.component
def NewsScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    news_id = ft.use_route_params().get("id", "")
    data = use_loaded(f"information:news:{news_id}", f"/children/{{pupil_id}}/information/news/{news_id}", NewsItem,
                      pupil=True, after=after_open(state))
    controls: list[ft.Control] = []
    empty = data_states(data, _, identifier="news-item-empty", unavailable=_("This news item cannot be found."),
                        nothing_saved=_("This news item is not saved on this device."))
    if empty is not None:
        controls = [heading(_("Information")), *empty]
    else:
        item = data.value
        byline = " · ".join(p for p in (item.author, state.i18n.datetime(item.published_at), ", ".join(item.group_names)) if p)
        controls = [heading(item.title), meta(byline), ft.Text(item.body)]
        if item.updated_at:
            controls.append(meta(_("Updated {when}").format(when=state.i18n.datetime(item.updated_at))))
    return scaffold(controls, data=data)


