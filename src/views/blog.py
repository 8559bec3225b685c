"""Blogg (R56, R57): posts with images, newest first, from one of the child's groups or all of
them; a post opens at /blog/:id (marking it read) with its comments. The comment field shows
only where the server says this user may comment (at school students and staff, at preschool
guardians and staff); the server refuses anyone else whatever an app sends."""

from __future__ import annotations

import flet as ft

from components.data import data_states, message, use_loaded
from components.forms import typed
from components.scaffold import heading, scaffold, subheading
from components.store import go, use_store
from services.api import ApiError, ServerUnreachable
from services.content import BlogFeed, BlogImage, BlogPost, ContentInputError, ContentService, content_error_message
from views.content_common import after_open, content_service, item_card, meta


@ft.component
def BlogScreen() -> ft.View:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    everything = use_loaded("blog:all", "/children/{pupil_id}/blog", BlogFeed, pupil=True)
    group, set_group = ft.use_state(None)
    controls: list[ft.Control] = [heading(_("Blog"))]
    empty = data_states(everything, _, identifier="blog-empty")
    if empty is not None:
        return scaffold(controls + empty, data=everything)
    groups = ContentService.blog_groups(everything.value)
    if len(groups) > 1:
        def chooser(group_id: int | None):  # type: ignore[no-untyped-def]
            def handler(e: object) -> None:
                set_group(group_id)

            return handler

        chips = [ft.Chip(label=ft.Text(_("All blogs")), selected=group is None, on_select=chooser(None))]
        chips += [ft.Chip(label=ft.Text(name), selected=group == gid, on_select=chooser(gid)) for gid, name in groups]
        controls.append(ft.Semantics(identifier="blog-groups", content=ft.Row(chips, wrap=True, spacing=8)))
    if group is None:
        controls.append(post_list(everything.value, state))
    else:
        controls.append(GroupBlog(group_id=group))
    return scaffold(controls, data=everything)


@ft.component
def GroupBlog(group_id: int) -> ft.Control:
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data = use_loaded(f"blog:{group_id}", "/children/{pupil_id}/blog", BlogFeed, pupil=True, params={"group_id": group_id})
    empty = data_states(data, _, identifier="blog-group-empty")
    if empty is not None:
        return ft.Column(empty)
    return post_list(data.value, state)


def post_list(feed: BlogFeed, state) -> ft.Control:  # type: ignore[no-untyped-def]
    _ = state.i18n.gettext
    if not feed.items:
        return message(_("No blog posts yet."), "blog-empty")

    def opener(post: BlogPost):  # type: ignore[no-untyped-def]
        async def handler(e: object) -> None:
            await go(f"/blog/{post.id}")

        return handler

    cards = []
    for post in feed.items:
        excerpt = post.body if len(post.body) <= 200 else post.body[:197].rstrip() + "…"
        when = state.i18n.date_long(post.published_at.date())
        extra = []
        if post.images:
            extra.append(state.i18n.ngettext("{n} image", "{n} images", len(post.images)).format(n=len(post.images)))
        if post.comments:
            extra.append(state.i18n.ngettext("{n} comment", "{n} comments", len(post.comments)).format(n=len(post.comments)))
        cards.append(item_card(
            [ft.Text(post.title, weight=ft.FontWeight.W_600, size=16),
             meta(" · ".join(p for p in (post.group_name, post.author, when) if p)), ft.Text(excerpt),
             *([meta(" · ".join(extra))] if extra else [])],
            label=_("Blog post: {title}, {group}, {when}. Open").format(title=post.title, group=post.group_name, when=when),
            identifier=f"post-{post.id}", on_click=opener(post),
        ))
    return ft.Column(cards, spacing=10)


@ft.component
def BlogImageView(image: BlogImage) -> ft.Control:
    """A blog image: fetched with the session's token, shown once it is here."""
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    data, set_data = ft.use_state(None)
    failed, set_failed = ft.use_state(False)

    async def fetch() -> None:
        try:
            set_data(await content_service(state).image(image))
        except (ApiError, ServerUnreachable):
            set_failed(True)

    ft.use_effect(fetch, dependencies=[image.url])
    label = image.caption or image.file_name
    if data is None:
        return ft.Text(_("The image cannot be shown now.") if failed else _("Loading image…"), italic=True, size=13)
    return ft.Column(horizontal_alignment=ft.CrossAxisAlignment.START, controls=[
        ft.Semantics(identifier=f"image-{image.id}", label=_("Image: {name}").format(name=label), image=True,
                     content=ft.Image(src=data, fit=ft.BoxFit.CONTAIN, border_radius=8, height=260, exclude_from_semantics=True)),
        *([meta(image.caption)] if image.caption else []),
    ], spacing=4)


@ft.component
def BlogPostScreen() -> ft.View:
    store = use_store()
    state = store.state
    i18n = state.i18n
    _ = i18n.gettext
    post_id = ft.use_route_params().get("id", "")
    data = use_loaded(f"blog:post:{post_id}", f"/children/{{pupil_id}}/blog/{post_id}", BlogPost, pupil=True, after=after_open(state))
    empty = data_states(data, _, identifier="post-empty", unavailable=_("This blog post cannot be found."),
                        nothing_saved=_("This blog post is not saved on this device."))
    if empty is not None:
        return scaffold([heading(_("Blog")), *empty], data=data)
    post = data.value
    controls: list[ft.Control] = [
        heading(post.title),
        meta(" · ".join(p for p in (post.group_name, post.author, i18n.datetime(post.published_at)) if p)),
        ft.Text(post.body),
    ]
    controls += [BlogImageView(image=image) for image in post.images]
    controls.append(subheading(_("Comments")))
    if not post.comments:
        controls.append(ft.Text(_("No comments yet."), italic=True))
    for comment in post.comments:
        controls.append(ft.Semantics(identifier=f"comment-{comment.id}", container=True, content=ft.Container(
            content=ft.Column([meta(f"{comment.author or '–'} · {i18n.datetime(comment.created_at)}"), ft.Text(comment.body)],
                              spacing=2),
            padding=10, border_radius=8, bgcolor="#F4F0F8",
        )))
    if post.may_comment:
        controls.append(CommentForm(post=post, reload=data.reload))
    return scaffold(controls, data=data)


@ft.component
def CommentForm(post: BlogPost, reload) -> ft.Control:  # type: ignore[no-untyped-def]
    store = use_store()
    state = store.state
    _ = state.i18n.gettext
    text, set_text = ft.use_state("")
    error, set_error = ft.use_state("")
    sending, set_sending = ft.use_state(False)

    def type_comment(e: ft.Event[ft.TextField]) -> None:
        set_text(typed(e))

    async def send(e: object) -> None:
        if state.offline:
            set_error(_("The comment can be sent when the server can be reached again."))
            return
        set_sending(True)
        set_error("")
        try:
            await content_service(state).comment(post, text)
            set_text("")
            await reload()
        except (ApiError, ServerUnreachable, ContentInputError) as exc:
            set_error(content_error_message(exc, state.i18n))
        finally:
            set_sending(False)

    return ft.Column([
        ft.TextField(label=_("Write a comment"), value=text, on_change=type_comment, multiline=True, min_lines=2, max_lines=6, max_length=2000),
        *([message(error, "comment-error", error=True)] if error else []),
        ft.Row([ft.FilledButton(content=ft.Text(_("Send comment")), icon=ft.Icons.SEND, on_click=send, disabled=sending)]),
    ], spacing=8)
