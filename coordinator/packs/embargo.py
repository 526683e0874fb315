"""An embargo that follows its briefing: lifted at the briefing's start plus N minutes, moved when the
briefing moves, held (with no end) while it is cancelled or gone, said in words in the office's zone.
Functions flush, never commit."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import audit, clock, events
from coordinator.core.errors import ValidationError
from coordinator.core.i18n import format_local
from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.packs.reading import embargo_active
from coordinator.schedule.models import Briefing

EMBARGO_MODES = ("fixed", "briefing")
MAX_EMBARGO_OFFSET = 7 * 24 * 60


def clean_embargo_mode(data: dict, out: dict, errors: dict) -> None:
    """``embargo_mode``: ``fixed`` (``embargo_until``, or none) or ``briefing`` (lifted at the briefing's start
    plus ``embargo_offset_minutes``, 0 by default). An offset alone means ``briefing``; a fixed time alone on
    a pack that followed its briefing makes it fixed again."""
    mode = data.get("embargo_mode")
    raw_offset = data.get("embargo_offset_minutes")
    if mode in (None, "") and raw_offset not in (None, ""):
        mode = "briefing"
    if mode in (None, ""):
        if "embargo_until" in data:
            out["embargo_offset_minutes"] = None
            out["embargo_held_at"] = None
        return
    if mode not in EMBARGO_MODES:
        errors["embargo_mode"] = _("Cách đặt lệnh cấm phải là fixed (giờ cố định) hoặc briefing (theo buổi họp báo).")
        return
    if mode == "fixed":
        out["embargo_offset_minutes"] = None
        out["embargo_held_at"] = None
        return
    try:
        offset = 0 if raw_offset in (None, "") else int(str(raw_offset).strip())
        if isinstance(raw_offset, bool) or not 0 <= offset <= MAX_EMBARGO_OFFSET:
            raise ValueError
    except (TypeError, ValueError):
        errors["embargo_offset_minutes"] = _("Số phút sau giờ bắt đầu phải là số nguyên từ 0 đến %(max)s.",
                                             max=MAX_EMBARGO_OFFSET)
        return
    if out.get("embargo_until") is not None:
        errors["embargo_until"] = _("Lệnh cấm theo buổi họp báo không có giờ cố định: để trống ô này.")
        return
    out.pop("embargo_until", None)
    out["embargo_offset_minutes"] = offset



def check_follows(pack: Pack, briefing: Briefing | None) -> None:
    if pack.embargo_follows_briefing and briefing is None:
        raise ValidationError({"embargo_mode": _("Lệnh cấm theo buổi họp báo cần tài liệu gắn với một buổi họp báo.")})


def sync_embargo(pack: Pack, briefing: Briefing | None, now: datetime | None = None) -> str | None:
    """Bring an embargo that follows its briefing in step with it: lifted at the start plus the offset, held
    while the briefing is cancelled (or gone). Returns what changed: ``moved``, ``held``, ``resumed`` or None."""
    if not pack.embargo_follows_briefing:
        return None
    if briefing is None or briefing.status == "cancelled":
        if pack.embargo_held_at is not None:
            return None
        pack.embargo_held_at = now or clock.now()
        return "held"
    lift = briefing.start + timedelta(minutes=pack.embargo_offset_minutes)
    change = None
    if pack.embargo_held_at is not None:
        pack.embargo_held_at = None
        change = "resumed"
    if pack.embargo_until != lift:
        pack.embargo_until = lift
        change = change or "moved"
    return change


def follow_briefing(briefing: Briefing) -> list[Pack]:
    """A briefing moved, was cancelled or restored: the embargoes that follow it move, hold or resume with
    it (packs already public stay so), a scheduled release is set again, and the spokespeople are told
    (after the commit, by the ``pack.embargo_changed`` event). Flushes, never commits."""
    from coordinator.packs.operations import latest_version, schedule_release

    now = clock.now()
    changed = []
    for pack in db.session.scalars(select(Pack).where(Pack.briefing_id == briefing.id,
                                                      Pack.embargo_offset_minutes.is_not(None))
                                   .order_by(Pack.id)):
        if pack.superseded_at is not None or (pack.status == "released" and not embargo_active(pack, now)):
            continue
        before = pack.embargo_until
        change = sync_embargo(pack, briefing, now)
        if change is None:
            continue
        pack.updated_at = now
        audit.record("pack.embargo_followed", pack, data={
            "change": change, "briefing_id": briefing.id, "before": before.isoformat() if before else None,
            "embargo_until": pack.embargo_until.isoformat() if pack.embargo_until else None})
        if pack.status == "approved":
            schedule_release(pack)
        if latest_version(pack).id == pack.id:
            events.emit("pack.embargo_changed", office_id=pack.office_id, payload={
                "pack_id": pack.id, "change": change, "briefing_id": briefing.id,
                "embargo_until": pack.embargo_until.isoformat() if pack.embargo_until else None})
        changed.append(pack)
    db.session.flush()
    return changed


def embargo_words(pack: Pack, tz: str) -> str:
    """The embargo said in words, in the office's zone: a fixed time, or the briefing's start (plus minutes)
    with the time that makes, or held because the briefing was cancelled."""
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    if pack.embargo_follows_briefing:
        title = briefing.effective_title if briefing is not None else ""
        if pack.embargo_held_at is not None or briefing is None or briefing.status == "cancelled":
            return _("Lệnh cấm đang được giữ: buổi họp báo “%(title)s” đã bị huỷ. Tài liệu không được phát hành "
                     "cho đến khi buổi họp được khôi phục hoặc chọn giờ cố định.", title=title)
        start = format_local(briefing.start, tz)
        if pack.embargo_offset_minutes:
            return _("Cấm đăng tải đến %(minutes)s phút sau khi buổi họp báo “%(title)s” bắt đầu (%(start)s), "
                     "tức %(when)s; dời theo buổi họp nếu buổi họp đổi giờ.", minutes=pack.embargo_offset_minutes,
                     title=title, start=start, when=format_local(pack.embargo_until, tz))
        return _("Cấm đăng tải đến khi buổi họp báo “%(title)s” bắt đầu, %(when)s; dời theo buổi họp nếu buổi "
                 "họp đổi giờ.", title=title, when=start)
    if pack.embargo_until is not None:
        return _("Cấm đăng tải đến %(when)s (giờ cố định).", when=format_local(pack.embargo_until, tz))
    return _("Không có lệnh cấm đăng tải.")
