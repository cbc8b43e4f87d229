"""English mode shows every message in English: each entry of the committed catalogs
(`make messages` extracts them from the code) has a translation that is not fuzzy, and the
compiled .mo that Django reads says the same as the .po. An entry left empty falls back to the
Chinese source at run time (one did: the live host's "database unavailable" error)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_is_translated_and_compiled(domain: str) -> None:
    po = polib.pofile(str(LOCALE / f"{domain}.po"))
    missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or entry.fuzzy)]
    assert missing == []
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(LOCALE / f"{domain}.mo"))}
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if (found := compiled.get((entry.msgctxt, entry.msgid))) is None
        or (found.msgstr, found.msgstr_plural) != (entry.msgstr, entry.msgstr_plural)
    ]
    assert stale == [], "run `make messages` (compilemessages) after editing the .po"
