"""Fill the English catalogue from the JSON mappings in coordinator/translations/en_source/
({vietnamese msgid: english}, one file per domain), then compile the .mo. A message with a plural
(``ngettext``) is keyed by its singular and mapped to ``[english singular, english plural]``.

``make translations`` extracts and updates the catalogue first, then runs this.
Prints the msgids still untranslated (as JSON strings, ready to paste into a mapping).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "coordinator/translations/en/LC_MESSAGES/messages.po"


def main() -> int:
    mapping: dict[str, str] = {}
    for source in sorted((ROOT / "coordinator/translations/en_source").glob("*.json")):
        mapping.update(json.loads(source.read_text()))
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in mapping:
            english = mapping[key]
            if isinstance(message.id, tuple) != isinstance(english, list):
                raise SystemExit(f"{key!r}: a plural message maps to [singular, plural], any other to a string")
            message.string = tuple(english) if isinstance(english, list) else english
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(key)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
