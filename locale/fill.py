"""Fill English translations into locale/en/LC_MESSAGES/django.po from a JSON object.

Usage: python locale/fill.py translations.json   (keys: Chinese msgids, values: English;
[singular, plural] for plural entries)
Then `make messages` (or compilemessages) rebuilds the .mo that is committed beside the .po.
Untranslated entries fall back to the Chinese source text at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import polib

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "django.po"
# The JavaScript pages' strings (frontend/static/js/i18n.js), filled from the same JSON.
JS_PO = PO.with_name("djangojs.po")


def main(path: str) -> None:
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    fill(PO, table)
    if JS_PO.exists():
        fill(JS_PO, table)


def fill(path: Path, table: dict[str, Any]) -> None:
    po = polib.pofile(str(path))
    filled = 0
    for entry in po:
        if entry.msgid in table:
            value = table[entry.msgid]
            if entry.msgid_plural:  # [singular, plural]; a plain string serves both forms
                forms = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = value
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            filled += 1
    po.save()
    po.save_as_mofile(str(path.with_suffix(".mo")))
    missing = [e.msgid for e in po if not (e.msgstr or any((e.msgstr_plural or {}).values()))]
    print(f"{path.name}: filled {filled}; untranslated {len(missing)}")
    for msgid in missing[:50]:
        print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
