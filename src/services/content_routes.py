"""Which app screen a content notification opens (R51): the item itself where it has a screen
of its own, e.g. the server's "/children/7/information/news/12" → "/information/12" (routes.py)."""

from __future__ import annotations

import re

_ITEM = re.compile(r"^/children/\d+/(information/news|calendar|blog|planning)/(\d+)$")
_AREA = re.compile(r"^/children/\d+/(information|calendar|blog|planning)(?:/.*)?$")


def content_route(link: str | None) -> str | None:
    """The app route for a content item's server link, or None when it is not a content link."""
    path = (link or "").strip().split("?", 1)[0].rstrip("/")
    item = _ITEM.match(path)
    if item:
        area = item.group(1).split("/", 1)[0]  # a news item is /information/<id>
        return f"/{area}/{item.group(2)}"
    area = _AREA.match(path)
    if area:
        return f"/{area.group(1)}"
    return None
