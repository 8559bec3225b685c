"""Fill the catalogs after `pybabel update`: Swedish from tools/sv_translations.py and every
tools/sv_translations_<area>.py beside it (only empty entries), English as the msgid itself (or
an EN_OVERRIDES entry). One file per app area keeps parallel work from colliding in one dict.
Run: python tools/fill_catalogs.py"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import importlib  # noqa: E402

from sv_translations import EN_OVERRIDES, SV  # noqa: E402

for _extra in sorted((ROOT / "tools").glob("sv_translations_*.py")):
    _module = importlib.import_module(_extra.stem)
    SV.update(getattr(_module, "SV", {}))
    EN_OVERRIDES.update(getattr(_module, "EN_OVERRIDES", {}))


def fill(language: str) -> int:
    path = ROOT / "locales" / language / "LC_MESSAGES" / "skolhub.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id
        if language == "sv":
            wanted = SV.get(key)
        else:
            wanted = EN_OVERRIDES.get(key, key) if isinstance(key, str) else key
        if wanted is None:
            continue
        current = message.string
        empty = not current or (isinstance(current, tuple) and not all(current))
        if empty or language == "en":
            message.string = wanted
            message.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False)
    return filled


if __name__ == "__main__":
    for lang in ("sv", "en"):
        print(lang, fill(lang))
