"""Building domain objects for tests through the services (so validation and events run as in use)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from coordinator.contacts import operations as contacts
from coordinator.extensions import db
from coordinator.schedule import operations as schedule

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def outlet(office, name: str = "Báo Quảng Ninh", kind: str = "newspaper", level: str = "provincial"):
    existing = contacts.find_outlet_by_name(office.id, name)
    if existing is not None:
        return existing
    row = contacts.create_outlet(office.id, {"name": name, "kind": kind, "level": level,
                                             "website": "https://baoquangninh.vn"})
    db.session.commit()
    return row


def journalists(office, count: int, *, language: str = "vi", prefix: str = "pv", beats=None):
    out = outlet(office)
    rows = []
    for n in range(count):
        data = {"full_name": f"Nguyễn Thị Hạnh {prefix}{n}", "email": f"{prefix}{n}@baoquangninh.vn",
                "outlet_id": out.id, "language": language}
        if beats:
            data["beats"] = beats
        rows.append(contacts.create_journalist(office.id, data))
    db.session.commit()
    return rows


def local(dt: datetime) -> str:
    """A UTC-aware time as the local naive ISO string the API takes."""
    return dt.astimezone(VN).replace(tzinfo=None).isoformat(timespec="minutes")


def adhoc(office, people, *, start: datetime | None = None, crisis: bool = False, **extra):
    start = start or datetime.now(VN) + timedelta(hours=2)
    data = {"title": extra.pop("title", "Họp báo về tình hình mưa lũ"), "dtstart": local(start),
            "duration_minutes": 60, "venue": "Hội trường UBND tỉnh, 1 đường Hạ Long",
            "audience": {"journalist_ids": [j.id for j in people]}, **extra}
    briefing = schedule.create_briefing(office, data, crisis=crisis)
    db.session.commit()
    return briefing


def weekly_series(office, people, *, lead_days: int = 7, start: datetime | None = None, **extra):
    """Every Tuesday at 15:00 from ``start`` (default: the coming Tuesday)."""
    if start is None:
        today = datetime.now(VN).date()
        days = (1 - today.weekday()) % 7 or 7
        first = today + timedelta(days=days)
        start = datetime(first.year, first.month, first.day, 15, 0)
    data = {"title": extra.pop("title", "Họp báo định kỳ"), "dtstart": start.replace(tzinfo=None).isoformat(),
            "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "skip_public_holidays": True, "venue": "Trung tâm Truyền thông tỉnh", "invite_lead_days": lead_days,
            "audience": {"journalist_ids": [j.id for j in people]}, **extra}
    series = schedule.create_series(office, data)
    db.session.commit()
    return series


def run_fan_outs() -> int:
    """Run every unfinished fan-out here, in this process (a test that patches something in-process
    cannot use a worker). Commits what was planned first. Returns how many ran."""
    from coordinator.mail import fanout
    from coordinator.mail.models import FanOut

    db.session.commit()
    ids = list(db.session.scalars(db.select(FanOut.id).where(FanOut.finished_at.is_(None)).order_by(FanOut.id)))
    for fan_id in ids:
        fanout.run(fan_id)
        db.session.commit()
    return len(ids)
