"""Issue 19.7–19.10 pages in a real browser, desktop and 390 px, Vietnamese and English: the pack form's
embargo choice and the pack page's embargo in words (moved and held), the "record a past briefing" page and
its briefing, attendance across a series, the public newsroom's calendar links. Nothing scrolls sideways."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import horizontal_overflow
from tests.support import domain

pytestmark = pytest.mark.browser


def _seed(office, admin):
    from sqlalchemy import select

    from coordinator.attendance import operations as attendance
    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation
    from coordinator.invitations.operations import sync_invitations
    from coordinator.schedule import operations as schedule
    from coordinator.schedule.models import Briefing
    from tests.support import packs as files
    from tests.support.clock import local_today

    people = domain.journalists(office, 3)
    today = local_today()
    series = domain.weekly_series(office, people, title="Giao ban báo chí hằng tuần với các cơ quan báo chí",
                                  start=datetime.combine(today - timedelta(days=30), time(15, 0)),
                                  skip_public_holidays=False)
    sync_invitations(series)
    for invitation in db.session.scalars(select(Invitation)):
        invitation.rsvp = "accepted"
    db.session.commit()
    held = list(db.session.scalars(select(Briefing).where(Briefing.series_id == series.id,
                                                          Briefing.start <= datetime.now(UTC))))
    for briefing in held:
        attendance.check_in(briefing, people[0], user_id=None)
    attendance.check_in(held[0], people[1], user_id=None)
    recorded = schedule.create_briefing(office, {
        "title": "Họp báo tháng trước (theo sổ ký tên)",
        "dtstart": domain.local(datetime.now(UTC) - timedelta(days=25)),
        "duration_minutes": 60, "venue": "Hội trường UBND tỉnh", "record_past": True,
        "audience": {"journalist_ids": [p.id for p in people]}})
    db.session.commit()
    upcoming = domain.adhoc(office, people, title="Họp báo về dự án cảng biển Hòn Gai",
                            start=(datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0))
    follows = files.make_pack(office, admin, briefing=upcoming, title="Thông cáo về dự án cảng biển",
                              embargo_mode="briefing", embargo_offset_minutes=30)
    held_pack = files.make_pack(office, admin, briefing=upcoming, title="Phụ lục số liệu",
                                embargo_mode="briefing")
    return {"series": series, "recorded": recorded, "upcoming": upcoming, "follows": follows,
            "held_pack": held_pack}


def _check(visitor, path: str, name: str, *, expect_text: str | None = None) -> None:
    visitor.goto(path, name)
    if expect_text:
        expect(visitor.page.get_by_text(expect_text).first).to_be_visible()
    assert horizontal_overflow(visitor.page) is None, (path, horizontal_overflow(visitor.page))


def test_calendar_pages_at_desktop_and_phone_in_both_languages(visitor, live_server, admin, office, new_context):
    made = _seed(office, admin)
    visitor.login(admin.email)
    cookies = visitor.page.context.cookies()
    pages = [
        (f"/packs/{made['follows'].id}", "goi-tai-lieu-theo-buoi-hop", "Cấm đăng tải đến 30 phút sau"),
        (f"/packs/{made['follows'].id}/edit", "sua-tai-lieu", "Theo giờ bắt đầu của buổi họp báo"),
        ("/schedule/briefings/record", "ghi-lai-buoi-hop", "Ghi lại buổi họp báo đã diễn ra"),
        (f"/schedule/briefings/{made['recorded'].id}", "buoi-hop-ghi-lai", "Ghi lại sau buổi họp"),
        (f"/reports/attendance?series_id={made['series'].id}&by=journalist", "bao-cao-theo-chuoi",
         "buổi đã diễn ra trong khoảng này"),
        (f"/newsroom/{office.slug}", "phong-tin", "Theo dõi lịch họp báo:"),
    ]
    english = {"goi-tai-lieu-theo-buoi-hop": "Embargoed until 30 minutes after",
               "sua-tai-lieu": "The briefing's start time",
               "ghi-lai-buoi-hop": "Record a past briefing", "buoi-hop-ghi-lai": "Recorded afterwards",
               "bao-cao-theo-chuoi": "briefings held in this period", "phong-tin": "Follow the briefing calendar:"}
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "390")):
        context = new_context(viewport=viewport)
        context.add_cookies(cookies)
        page = context.new_page()
        viewer = type(visitor)(page, live_server, visitor.shots)
        for path, name, text in pages:
            _check(viewer, path, f"{name}-{label}-vi", expect_text=text)
            joiner = "&" if "?" in path else "?"
            _check(viewer, f"{path}{joiner}lang=en", f"{name}-{label}-en", expect_text=english[name])
    # Cancelled: the embargo of the packs that follow the briefing is held, and the page says so.
    from coordinator.extensions import db
    from coordinator.schedule import operations as schedule

    schedule.update_briefing(made["upcoming"], {"status": "cancelled"})
    db.session.commit()
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "390")):
        page = new_context(viewport=viewport)
        page.add_cookies(cookies)
        viewer = type(visitor)(page.new_page(), live_server, visitor.shots)
        _check(viewer, f"/packs/{made['held_pack'].id}", f"tai-lieu-bi-giu-{label}",
               expect_text="Lệnh cấm đang được giữ")
