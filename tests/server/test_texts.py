"""The one catalog of server-made texts (server/texts.py): every key in Swedish and English with
the same placeholders, and every key the server's code uses is in it."""

from __future__ import annotations

import ast
import string
from datetime import date
from pathlib import Path

import pytest

from server.texts import LANGUAGES, TEXTS, date_param, render, text_param

SERVER = Path(__file__).resolve().parents[2] / "server"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_is_in_both_languages_with_the_same_placeholders(key):
    variants = TEXTS[key]
    assert set(variants) == set(LANGUAGES), f"{key} lacks {set(LANGUAGES) - set(variants)}"
    assert all(variants[lang].strip() for lang in LANGUAGES), f"{key} has an empty text"
    assert placeholders(variants["sv"]) == placeholders(variants["en"]), key


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def used_keys() -> set[str]:
    """Keys named by the server's calls: notify(type=…) / notify_users(type=…) → "notice.<type>",
    text_key=… on notifications, enqueue(text_key=…) → "<key>.body", text(…)/render(…)/text_param(…)."""
    keys: set[str] = set()
    for path in SERVER.rglob("*.py"):
        if "migrations" in path.parts or path.name == "texts.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if name in ("notify", "notify_users"):
                if "text_key" in kw:
                    keys.update(_constants(kw["text_key"]))
                elif "type" in kw:
                    keys.update(f"notice.{t}" for t in _constants(kw["type"]))
            elif name == "enqueue" and "text_key" in kw:
                keys.update(f"{k}.body" for k in _constants(kw["text_key"]))
            elif name in ("text", "render", "text_param") and node.args:
                keys.update(_constants(node.args[0]))
    return keys


def test_every_key_the_server_uses_is_in_the_catalog():
    used = used_keys()
    assert {"notice.assessment_published", "notice.invalid_absence", "activation.body", "absence_sms.body"} <= used
    assert sorted(used - set(TEXTS)) == []


def test_parameters_are_rendered_per_language():
    params = {"school": "Ekskolan", "child": "Alva", "day": date_param(date(2026, 11, 30))}
    assert render("absence_sms.body", params, "en").startswith("Ekskolan: Alva has been registered with unexcused absence on Monday 30 November.")
    assert "måndag 30 november" in render("absence_sms.body", params, "sv")
    assert render("activation.body", {"name": "A", "unit": text_param("unit.fallback"), "days": 7, "link": "L"}, "en").startswith(
        "Hello A,\n\nThe school has created"
    )
    assert render("notice.assessment_published", {}, None) == "Ny bedömning har publicerats"  # Swedish by default
    with pytest.raises(KeyError):
        render("notice.no_such_text", {}, "sv")
