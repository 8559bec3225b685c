"""The automatic accessibility check of the browser tests (issue 16, WCAG 2.1 AA).

After a screen is shown, walk Chromium's accessibility tree — what a screen reader gets — through
CDP `Accessibility.getFullAXTree`, and fail on:

- an interactive node (button, link, text field, checkbox, radio, switch, tab, …) without a name
  (WCAG 4.1.2);
- an image without a text alternative (1.1.1);
- a screen without a heading and without a dialog (1.3.1, 2.4.6: every screen names itself
  with `heading()`, a dialog with its title);
- a text field that is empty while the screen shows text in it (1.3.1, 4.1.2): Flutter web
  exposes selectable text (`ft.Text(selectable=True)`) as a `<textarea>` whose value stays empty,
  so a screen reader hears "edit text" and nothing of the words. Seen in real trees (Flet 1.0.5,
  Chromium): a Flutter text *input* always carries `aria-invalid`, selectable text never does, and
  a disabled or read-only field cannot be typed in — an empty field of either kind is text shown
  as an empty field.

Not failed, but noted in the report: an editable field whose value Flutter puts into the DOM only
once it is focused (a prefilled input reads empty in a screen reader's browse mode until then;
an engine behaviour the app cannot change).

`assert_accessible(page, "screen name")` raises AssertionError with a readable report of every
offending node; `tests/e2e/conftest.py` runs it before every screenshot of an app page, so each
screen the suite saves is checked at phone and desktop size without a test asking for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTERACTIVE_ROLES = frozenset({
    "button", "link", "checkbox", "radio", "switch", "textbox", "searchbox", "combobox", "listbox", "option",
    "menuitem", "menuitemcheckbox", "menuitemradio", "slider", "spinbutton", "tab", "treeitem", "PopUpButton",
    "ToggleButton", "MenuListPopup",
})
IMAGE_ROLES = frozenset({"image", "img", "graphics-document", "graphics-symbol"})
TEXT_FIELD_ROLES = frozenset({"textbox", "searchbox"})


@dataclass
class Problem:
    rule: str
    role: str
    where: str
    detail: str = ""

    def line(self) -> str:
        return f"  - {self.rule}: {self.role} {self.where}{' — ' + self.detail if self.detail else ''}"


@dataclass
class Report:
    screen: str
    viewport: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0

    def text(self) -> str:
        head = f"accessibility check of screen {self.screen!r} at {self.viewport}: {len(self.problems)} problem(s) in {self.checked} nodes"
        lines = [head, *(p.line() for p in self.problems)]
        if self.notes:
            lines.append("  notes (not failed):")
            lines.extend(f"  · {n}" for n in self.notes)
        return "\n".join(lines)


def _value(node: dict[str, Any], key: str) -> Any:
    return (node.get(key) or {}).get("value")


def _props(node: dict[str, Any]) -> dict[str, Any]:
    return {p["name"]: (p.get("value") or {}).get("value") for p in node.get("properties", [])}


class _Dom:
    """Attributes of the DOM element behind an AX node (ids and identifiers to find it by)."""

    def __init__(self, cdp: Any) -> None:
        self.cdp = cdp
        self._cache: dict[int, dict[str, str]] = {}

    def attributes(self, backend_id: int | None) -> dict[str, str]:
        if backend_id is None:
            return {}
        if backend_id not in self._cache:
            try:
                described = self.cdp.send("DOM.describeNode", {"backendNodeId": backend_id})["node"]
                flat = described.get("attributes", [])
                attrs = dict(zip(flat[::2], flat[1::2], strict=False))
                attrs["#tag"] = described.get("localName", "")
            except Exception:
                attrs = {}
            self._cache[backend_id] = attrs
        return self._cache[backend_id]

    def _call(self, backend_id: int | None, function: str) -> str:
        if backend_id is None:
            return ""
        try:
            obj = self.cdp.send("DOM.resolveNode", {"backendNodeId": backend_id})["object"]
            got = self.cdp.send("Runtime.callFunctionOn", {"objectId": obj["objectId"], "functionDeclaration": function, "returnByValue": True})
            return str(got["result"].get("value") or "")
        except Exception:
            return ""

    def value(self, backend_id: int | None) -> str:
        return self._call(backend_id, "function() { return this.value || ''; }")

    def enclosing_identifier(self, backend_id: int | None) -> str:
        return self._call(backend_id, "function() { const e = this.parentElement && this.parentElement.closest('[flt-semantics-identifier]');"
                                      " return e ? e.getAttribute('flt-semantics-identifier') : ''; }")


def _where(node: dict[str, Any], parents: dict[str, dict[str, Any]], dom: _Dom, by_id: dict[str, dict[str, Any]] | None = None) -> str:
    attrs = dom.attributes(node.get("backendDOMNodeId"))
    bits = []
    if attrs.get("flt-semantics-identifier"):
        bits.append(f"identifier={attrs['flt-semantics-identifier']!r}")
    if attrs.get("id"):
        bits.append(f"#{attrs['id']}")
    # The nearest element with a test identifier, and the nearest named node, say where it is.
    if not attrs.get("flt-semantics-identifier"):
        enclosing = dom.enclosing_identifier(node.get("backendDOMNodeId"))
        if enclosing:
            bits.append(f"in identifier={enclosing!r}")
    up = parents.get(node["nodeId"])
    if up is not None and by_id is not None:  # the text just before it on the screen
        siblings = up.get("childIds", [])
        for sibling_id in reversed(siblings[: siblings.index(node["nodeId"])] if node["nodeId"] in siblings else []):
            sibling = by_id.get(sibling_id)
            if sibling is not None and not sibling.get("ignored") and _value(sibling, "name"):
                bits.append(f"after {_value(sibling, 'role')} {str(_value(sibling, 'name'))[:50]!r}")
                break
    while up is not None:
        name = _value(up, "name")
        if name and not up.get("ignored"):
            bits.append(f"inside {_value(up, 'role')} {str(name)[:60]!r}")
            break
        up = parents.get(up["nodeId"])
    return "(" + ", ".join(bits) + ")" if bits else ""


def check_tree(nodes: list[dict[str, Any]], dom: _Dom, screen: str, viewport: str) -> Report:
    report = Report(screen, viewport)
    by_id = {n["nodeId"]: n for n in nodes}
    parents: dict[str, dict[str, Any]] = {}
    for n in nodes:
        for child in n.get("childIds", []):
            parents[child] = n
    for node in nodes:
        if node.get("ignored"):
            continue
        report.checked += 1
        role = str(_value(node, "role") or "")
        name = str(_value(node, "name") or "").strip()
        props = _props(node)
        if role in TEXT_FIELD_ROLES:
            attrs = dom.attributes(node.get("backendDOMNodeId"))
            value = str(_value(node, "value") or "") or dom.value(node.get("backendDOMNodeId"))
            if not value:
                not_an_input = "aria-invalid" not in attrs and attrs.get("#tag") in ("textarea", "input")
                if props.get("disabled") or props.get("readonly") or not_an_input:
                    report.problems.append(Problem(
                        "text shown as an empty text field", role, _where(node, parents, dom, by_id),
                        f"named {name!r}, its words are not in the tree (selectable text? expose it as text)" if name
                        else "no name and no value: a screen reader hears an empty field",
                    ))
                    continue
        if role in INTERACTIVE_ROLES and not name:
            report.problems.append(Problem("interactive node without a name", role, _where(node, parents, dom, by_id),
                                           "focusable" if props.get("focusable") else ""))
        elif role in IMAGE_ROLES and not name:
            report.problems.append(Problem("image without a text alternative", role, _where(node, parents, dom, by_id)))
    roles = {str(_value(n, "role") or "") for n in nodes if not n.get("ignored")}
    if not roles & {"heading", "dialog", "alertdialog"}:
        report.problems.append(Problem("screen without a heading", "screen", "", "mark its title with heading() (Semantics header=True)"))
    return report


def accessibility_report(page: Any, screen: str) -> Report:
    """The report for what `page` shows now (turns Flutter's semantics tree on if it is off)."""
    placeholder = page.locator("flt-semantics-placeholder")
    if placeholder.count():
        placeholder.dispatch_event("click")
        page.wait_for_timeout(300)
    size = page.viewport_size or {}
    viewport = f"{size.get('width', '?')}×{size.get('height', '?')}"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.getDocument", {"depth": 0})
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        dom = _Dom(cdp)
        report = check_tree(nodes, dom, screen, viewport)
        for node in nodes:  # note prefilled inputs that read empty until focused
            if node.get("ignored") or _value(node, "role") not in TEXT_FIELD_ROLES:
                continue
            attrs = dom.attributes(node.get("backendDOMNodeId"))
            if "aria-invalid" in attrs and not (_value(node, "value") or dom.value(node.get("backendDOMNodeId"))):
                report.notes.append(f"text field {str(_value(node, 'name') or '')[:40]!r} exposes no value until focused (if it is prefilled)")
    finally:
        cdp.detach()
    return report


def assert_accessible(page: Any, screen: str) -> Report:
    report = accessibility_report(page, screen)
    if report.problems:
        raise AssertionError(report.text())
    return report


def tree_text(page: Any) -> str:
    """The accessibility tree as a screen reader gets it, one node a line (for before/after files)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    lines: list[str] = []

    def walk(node_id: str, depth: int) -> None:
        node = by_id[node_id]
        shown = not node.get("ignored") and _value(node, "role") not in ("InlineTextBox", "none") and not (
            _value(node, "role") == "generic" and not _value(node, "name"))
        if shown:
            props = {k: v for k, v in _props(node).items() if k in ("level", "checked", "disabled", "readonly", "focusable")}
            value = _value(node, "value")
            lines.append("  " * depth + f"{_value(node, 'role')} {str(_value(node, 'name') or '')!r}"
                         + (f" value={value!r}" if value else "") + (f" {props}" if props else ""))
        for child in node.get("childIds", []):
            if child in by_id:
                walk(child, depth + (1 if shown else 0))

    walk(nodes[0]["nodeId"], 0)
    return "\n".join(lines) + "\n"
