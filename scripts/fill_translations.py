"""Fill the English catalogue from the JSON mappings in coordinator/translations/en_source/
({vietnamese msgid: english}, one file per domain), then compile the .mo.

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
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
