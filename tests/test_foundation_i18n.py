"""Vietnamese first, English second; times in the office's zone, written the Vietnamese way."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from coordinator import BASE_DIR
from coordinator.core.i18n import format_local


def test_vietnamese_datetime_format(app):
    moment = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    with force_locale("vi"):
        assert format_local(moment, "Asia/Ho_Chi_Minh") == "Thứ Ba, 24/11/2026, 15:00"
    with force_locale("en"):
        assert format_local(moment, "Asia/Ho_Chi_Minh") == "Tuesday, 24/11/2026, 15:00"


def test_office_timezone_is_used(app):
    moment = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    with force_locale("vi"):
        assert format_local(moment, "Europe/Paris").endswith("09:00")


def test_english_catalogue_is_complete_and_compiled():
    po_path = BASE_DIR / "coordinator/translations/en/LC_MESSAGES/messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == [], f"untranslated: {untranslated[:20]}"
    assert Path(po_path.with_suffix(".mo")).stat().st_mtime >= po_path.stat().st_mtime - 1


def test_every_ui_string_is_in_the_catalogue():
    """What `make translations` would extract now is already in the catalogue (nobody forgot it)."""
    from babel.messages.extract import extract_from_dir

    po_path = BASE_DIR / "coordinator/translations/en/LC_MESSAGES/messages.po"
    with po_path.open("rb") as handle:
        known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id}  # plurals: (one, many)
    method_map = [("coordinator/**.py", "python"), ("jobs/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    missing = set()
    for _, _, message, _, _ in extract_from_dir(str(BASE_DIR), method_map, keywords=keywords,
                                                   directory_filter=lambda d: not Path(d).name.startswith(".")):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and msgid not in known:
            missing.add(msgid)
    assert not missing, f"run `make translations` and translate: {sorted(missing)[:20]}"
