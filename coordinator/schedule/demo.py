"""Demo schedule for ``flask demo-data``: a weekly Tuesday 15:00 briefing skipping holidays, a monthly
meeting with all press agencies, and a year of past ad hoc briefings."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.schedule import operations as ops

PAST_TOPICS = (
    "Tình hình kinh tế – xã hội quý", "Phòng chống bão và mưa lũ", "Thu hút đầu tư vào khu kinh tế",
    "Du lịch vịnh Hạ Long mùa cao điểm", "Cải cách hành chính và chuyển đổi số", "An toàn thực phẩm dịp Tết",
    "Giải phóng mặt bằng các dự án giao thông", "Phòng chống dịch bệnh", "Kết quả tuyển sinh đầu cấp",
    "Bảo vệ môi trường vùng than",
)


def load_schedule_demo(office_id: int) -> str:
    office = db.session.get(Office, office_id)
    tz = ZoneInfo(office.timezone)
    today = clock.today(tz)
    # the weekly series started about a year ago, on a Tuesday
    start = today - timedelta(days=364)
    start += timedelta(days=(1 - start.weekday()) % 7)
    from coordinator.contacts.models import Beat, DistributionList

    beats = [b.slug for b in db.session.scalars(select(Beat).where(Beat.office_id == office_id).limit(3))]
    lists = [dl.id for dl in db.session.scalars(select(DistributionList).where(
        DistributionList.office_id == office_id).limit(1))]
    weekly = ops.create_series(office, {
        "title": "Họp báo định kỳ", "description": "Họp báo định kỳ thông tin tình hình kinh tế – xã hội của tỉnh.",
        "dtstart": datetime.combine(start, time(15, 0)).isoformat(timespec="minutes"),
        "timezone": office.timezone, "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "holiday_policy": "skip", "venue": "Hội trường Trung tâm Truyền thông tỉnh, TP Hạ Long",
        "online_url": "https://truc-tuyen.quangninh.gov.vn/hop-bao-dinh-ky", "invite_lead_days": 5,
        "audience": {"list_ids": lists, "beats": beats}})
    first_monday = today.replace(day=1) - timedelta(days=330)
    monthly = ops.create_series(office, {
        "title": "Gặp mặt báo chí hằng tháng", "dtstart": datetime.combine(first_monday, time(9, 0)).isoformat(
            timespec="minutes"), "timezone": office.timezone, "duration_minutes": 120,
        "rrule": "FREQ=MONTHLY;BYDAY=1MO", "holiday_policy": "move_next_working_day",
        "venue": "Phòng họp số 1, UBND tỉnh", "invite_lead_days": 10, "audience": {"list_ids": lists}})
    count = _past_adhoc_briefings(office, beats, today)
    # mark past occurrences as held
    from coordinator.schedule.models import Briefing

    now = clock.now()
    for row in db.session.scalars(select(Briefing).where(Briefing.office_id == office_id, Briefing.end < now,
                                                         Briefing.status == "scheduled")):
        row.status = "held"
    db.session.flush()
    return (f"Lịch: “{weekly.title}” (Thứ Ba 15:00), “{monthly.title}” (Thứ Hai đầu tháng), "
            f"{count} buổi họp báo đột xuất đã qua.")


def _past_adhoc_briefings(office: Office, beats: list[str], today: date) -> int:
    """A year of past ad hoc briefings, every 2 to 4 weeks (a weekend moved to the Monday), so the last 90
    days always hold three or more; each for the first beat. Returns how many."""
    rng = random.Random(2026)
    count = 0
    day = today - timedelta(days=360)
    while True:
        day += timedelta(days=rng.randint(15, 28))
        day += timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
        if day >= today - timedelta(days=2):
            return count
        ops.create_briefing(office, {
            "title": f"Họp báo: {rng.choice(PAST_TOPICS)}",
            "dtstart": datetime.combine(day, time(rng.choice((9, 10, 14)), 0)).isoformat(timespec="minutes"),
            "timezone": office.timezone, "duration_minutes": 60, "venue": "UBND tỉnh Quảng Ninh",
            "audience": {"beats": beats[:1]}, "spokespeople": "Phó Chủ tịch UBND tỉnh"})
        count += 1
