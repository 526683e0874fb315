"""A briefing's and a pack's mailings as their pages show them: preparing from the moment of saving,
sending with counts, failures and retries, done, or waiting for the time the mail goes out; the card
alone is served for the pages that refresh it (static/js/progress.js, exercised in the browser suite)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coordinator.contacts import operations as contacts
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.mail import fanout
from coordinator.mail.models import FanOut
from coordinator.packs import operations as packs
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support import packs as pack_files
from tests.support.clock import TUESDAY, local_now, next_weekday
from tests.support.processes import run_burst_worker


def card(html: str) -> str:
    match = re.search(r'<section class="card progress-card".*?</section>', html, re.S)
    assert match, "the page has a mailing card"
    return match.group(0)


def state_of(html: str) -> tuple[str, str]:
    found = re.search(r'data-running="(\d)"\s+data-state="(\w+)"', card(html))
    return found.group(2), found.group(1)


def count(html: str, name: str) -> list[int]:
    return [int(n) for n in re.findall(rf'data-count="{name}">(\d+)<', html)]


def test_a_crisis_shows_its_mail_from_saving_to_done(client, auth, admin, office, app_env):
    people = domain.journalists(office, 5)
    reporters = contacts.create_list(office.id, {"name": "Phóng viên thường trú", "member_ids": [p.id for p in people]})
    db.session.commit()
    start = local_now() + timedelta(hours=1)
    auth.login(admin.email)
    data = {"title": "Họp báo khẩn về sạt lở đất", "start_date": start.strftime("%Y-%m-%d"),
            "start_time": start.strftime("%H:%M"), "duration_minutes": "60", "venue": "Phòng họp số 1",
            "list_ids": [str(reporters.id)]}
    asked = client.post("/schedule/crisis", data=data).get_data(as_text=True)
    data["confirm_audience"] = re.search(r'name="confirm_audience" value="(\w+)"', asked).group(1)
    saved = client.post("/schedule/crisis", data=data, follow_redirects=True)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    page = saved.get_data(as_text=True)
    assert "Họp báo khẩn về sạt lở đất" in page
    # Before any worker has looked: preparing, and the page polls.
    assert state_of(page) == ("preparing", "1")
    assert "thư sẽ đi trong giây lát" in card(page)
    briefing_id = int(re.search(r"/schedule/briefings/(\d+)/progress", page).group(1))
    invitations_page = client.get(f"/schedule/briefings/{briefing_id}/invitations").get_data(as_text=True)
    assert state_of(invitations_page) == ("preparing", "1")
    assert "data-reload-when-done" in card(invitations_page)
    assert "theo thời gian đã đặt cho chuỗi" not in invitations_page  # not a series
    assert "Đang lập danh sách khách mời" in invitations_page

    run_burst_worker(app_env)

    fragment = client.get(f"/schedule/briefings/{briefing_id}/progress")
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith("<section") and "<html" not in html  # the card alone
    assert state_of(html) == ("done", "0")
    assert count(html, "sent") == [5] and count(html, "pending") == [0]
    assert "Thư mời" in html and "Đã gửi xong" in html
    after = client.get(f"/schedule/briefings/{briefing_id}/invitations").get_data(as_text=True)
    assert after.count("Đã gửi</span>") >= 5 and "Chưa gửi</span>" not in after

    # Planned again while it ran (a worker starting runs the safety net beside the event, and the run then
    # makes one more pass): the card still counts the whole audience, not the nobody left to send to.
    fan = db.session.scalar(select(FanOut).where(FanOut.briefing_id == briefing_id))
    fanout.plan(fan.kind, dict(fan.spec), office_id=fan.office_id, key=fan.key, label=fan.label,
                purpose=fan.purpose, urgent=True, briefing_id=briefing_id)
    db.session.commit()
    run_burst_worker(app_env)
    again = client.get(f"/schedule/briefings/{briefing_id}/progress").get_data(as_text=True)
    assert state_of(again) == ("done", "0")
    assert count(again, "sent") == [5] and count(again, "total") == [5] and count(again, "pending") == [0]


def test_failures_and_retries_are_shown_while_sending(client, auth, admin, office, app_env):
    briefing = domain.adhoc(office, domain.journalists(office, 4))
    run_burst_worker(app_env)
    fan = db.session.scalar(select(FanOut).where(FanOut.briefing_id == briefing.id))
    # As a run leaves it when one address bounced for good and one is to be tried again.
    fan.finished_at, fan.sent, fan.failed, fan.pending = None, 2, 1, 1
    db.session.commit()
    auth.login(admin.email)
    html = client.get(f"/schedule/briefings/{briefing.id}/progress").get_data(as_text=True)
    assert state_of(html) == ("sending", "1")
    assert "1 thư thất bại" in html and "Đang thử gửi lại" in html
    assert count(html, "sent") == [2] and count(html, "failed") == [1] and count(html, "pending") == [1]
    client.post("/language/en", data={"next": "/"})
    english = client.get(f"/schedule/briefings/{briefing.id}/progress").get_data(as_text=True)
    assert "1 failed" in english and "Retrying" in english and "Sending" in english


def test_a_series_waits_for_its_invitation_time(client, auth, admin, office, app_env):
    start = next_weekday(TUESDAY, after_days=10)
    series = domain.weekly_series(office, domain.journalists(office, 2), lead_days=2, start=start)
    run_burst_worker(app_env)
    first = db.session.scalar(select(Briefing).where(Briefing.series_id == series.id).order_by(Briefing.start))
    auth.login(admin.email)
    html = client.get(f"/schedule/briefings/{first.id}").get_data(as_text=True)
    assert state_of(html) == ("waiting", "0")
    due = (start - timedelta(days=2)).strftime("%d/%m/%Y, %H:%M")
    assert "Thư mời sẽ được gửi lúc" in card(html) and due in card(html)
    assert db.session.scalar(select(FanOut).where(FanOut.series_id == series.id)) is None


def test_a_pack_shows_its_release_time_then_its_mailing(client, auth, office, make_user, app_env):
    coordinator = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    spokesperson = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    briefing = domain.adhoc(office, domain.journalists(office, 3))
    later = pack_files.approved_pack(office, coordinator, spokesperson, briefing=briefing,
                                     release_at=domain.local(clock.now() + timedelta(days=2)))
    auth.login(coordinator.email)
    html = client.get(f"/packs/{later.id}").get_data(as_text=True)
    assert state_of(html) == ("waiting", "0") and "Tài liệu sẽ được gửi lúc" in card(html)
    assert "pack:" not in card(html)  # no internal keys on the page

    now = pack_files.approved_pack(office, coordinator, spokesperson, briefing=briefing, title="Phát hành ngay")
    html = client.get(f"/packs/{now.id}/progress").get_data(as_text=True)
    assert state_of(html) == ("preparing", "1")
    run_burst_worker(app_env)
    html = client.get(f"/packs/{now.id}/progress").get_data(as_text=True)
    assert state_of(html) == ("done", "0") and count(html, "sent") == [3]
    assert "Phát hành: Phát hành ngay" in html
    assert packs.latest_version(now).status == "released"
