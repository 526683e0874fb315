"""Codes said in words (issue 25.8): the audit log, the background-job page and the schedule show what
happened in the reader's language, times in the office's zone, never ``pack.approved``, ``final: False``,
Python lists, UTC ISO times, ``fanout.run``, ``urgent``, ``FREQ=WEEKLY;BYDAY=TU``, SEQUENCE or reminder
offsets in minutes."""
from __future__ import annotations

import html
import re

import pytest

from coordinator.core import audit
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.mail import fanout
from coordinator.schedule import operations as schedule
from coordinator.schedule.recurrence import describe_rule
from coordinator.web import wording
from tests.support import domain
from tests.support.clock import iso_local, working_tuesday

RAW = re.compile(r"pack\.approved|final: |\[\d|'\w+'|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|FREQ=|SEQUENCE|fanout\.run")


def _text(page: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def logged_in(client, auth, admin):
    auth.login(admin.email)
    return client


def test_the_audit_log_says_what_happened_in_words(logged_in, office, admin):
    pack_like = ("pack", 987654)  # gone since: shown by its kind and number
    audit.record("pack.approved", pack_like, office_id=office.id,
                 data={"version": 2, "approvals": 1, "needed": 2, "final": False})
    audit.record("pack.release_scheduled", pack_like, office_id=office.id, data={"due_at": "2026-12-08T08:00:00+00:00"})
    audit.record("user.role_changed", admin, data={"from": "coordinator", "to": "spokesperson"})
    audit.record("list.members_added", ("distribution_list", 5), office_id=office.id, data={"journalist_ids": [3, 4]})
    audit.record("something.new_kind", ("briefing", 7), office_id=office.id, data={"odd_key": True})
    db.session.commit()

    page = logged_in.get("/admin/audit").get_data(as_text=True)
    seen = _text(page)
    assert "Phê duyệt gói tài liệu" in seen and "Gói tài liệu số 987654" in seen
    assert "Lần duyệt cuối Không" in seen.replace(":", "")
    assert "Số lượt cần 2" in seen.replace(":", "")
    assert "Hẹn giờ phát hành gói tài liệu" in seen and "08/12/2026 15:00" in seen  # 08:00 UTC, office in Hanoi
    assert "Đổi vai trò cán bộ" in seen and "Điều phối → Người phát ngôn" in seen
    assert f"Tài khoản cán bộ “{admin.email}”" in seen  # a row that exists is named
    assert "Nhà báo 3, 4" in seen.replace(":", "")
    assert "something · new kind" in seen and "Odd key Có" in seen.replace(":", "")  # unknown: readable
    assert not RAW.search(seen), RAW.search(seen)

    logged_in.post("/language/en", data={"next": "/"})
    english = _text(logged_in.get("/admin/audit").get_data(as_text=True))
    assert "Approve a pack" in english and "Pack no. 987654" in english and "Distribution list no. 5" in english
    assert "Office “Văn phòng UBND tỉnh Quảng Ninh”" in english
    assert "Final approval" in english and "Change a staff member's role" in english
    assert not RAW.search(english), RAW.search(english)


def test_the_job_page_names_the_work_and_its_lane(logged_in, office):
    people = domain.journalists(office, 2)
    domain.adhoc(office, people, crisis=True)  # a crisis: its events wait on the urgent lane
    db.session.commit()
    assert db.session.query(OutboxEvent).filter_by(office_id=office.id).count() >= 1
    seen = _text(logged_in.get("/admin/jobs?state=all").get_data(as_text=True))
    assert "Mời dự buổi họp báo mới" in seen
    assert "hàng đợi Khẩn" in seen and "hàng đợi Hàng loạt" in seen
    assert "briefing.created" not in seen and "hàng đợi urgent" not in seen
    logged_in.post("/language/en", data={"next": "/"})
    english = _text(logged_in.get("/admin/jobs?state=all").get_data(as_text=True))
    assert "Invite to a new briefing" in english and "queue Urgent" in english


def test_a_fan_out_job_is_a_mailing(logged_in, office):
    people = domain.journalists(office, 1)
    briefing = domain.adhoc(office, people)
    fanout.plan("invite", {"target": "briefing", "id": briefing.id, "sequence": briefing.sequence},
                office_id=office.id, key="invite:test", label=briefing.title, purpose="invite", briefing_id=briefing.id)
    db.session.commit()
    seen = _text(logged_in.get("/admin/jobs?state=all").get_data(as_text=True))
    assert "Gửi thư hàng loạt" in seen and "fanout.run" not in seen


def test_a_series_page_says_its_rule_and_reminders_in_words(logged_in, office):
    series = schedule.create_series(office, {
        "title": "Họp báo định kỳ", "dtstart": iso_local(working_tuesday(weeks=2)), "timezone": "Asia/Ho_Chi_Minh",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "holiday_policy": "skip", "venue": "Hội trường",
        "reminders": [1440, 60], "audience": {}})
    db.session.commit()
    page = logged_in.get(f"/schedule/series/{series.id}")
    assert page.status_code == 200
    seen = _text(page.get_data(as_text=True))
    assert "Hằng tuần vào Thứ Ba" in seen
    assert "1 ngày trước, 1 giờ trước" in seen
    assert "FREQ=" not in seen and "SEQUENCE" not in seen and "RRULE" not in seen and "1440" not in seen
    logged_in.post("/language/en", data={"next": "/"})
    english = _text(logged_in.get(f"/schedule/series/{series.id}").get_data(as_text=True))
    assert "Weekly on Tuesday" in english and "1 day before, 1 hour before" in english


@pytest.mark.parametrize(("minutes", "words"), [
    (30, "30 phút"), (60, "1 giờ"), (90, "1 giờ và 30 phút"), (1440, "1 ngày"), (1500, "1 ngày và 1 giờ"),
    (2 * 1440 + 61, "2 ngày, 1 giờ và 1 phút"), (0, "0 phút"),
])
def test_minutes_before_in_words(app, minutes, words):
    with app.test_request_context():
        assert wording.minutes_before(minutes) == words


def test_rules_that_had_no_words(app):
    with app.test_request_context():
        assert describe_rule("FREQ=MONTHLY;BYMONTHDAY=15") == "Hằng tháng vào ngày 15"
        assert describe_rule("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2") == "Hằng tháng vào Thứ Ba thứ hai"
        assert describe_rule("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1") == "Hằng năm vào ngày 1, trong tháng 1"
        assert "FREQ=" not in describe_rule("FREQ=WEEKLY;BYDAY=TU;WKST=MO")


def test_every_audited_action_has_words():
    """Each action the code writes to the audit log is said in words on the audit page (issue 25.8): a new
    ``audit.record("x.y", ...)`` without an entry in ``ACTIONS`` showed as "x · y"."""
    import re
    from pathlib import Path

    from coordinator.web.wording import ACTIONS

    root = Path(__file__).resolve().parent.parent / "coordinator"
    written = {match for path in root.rglob("*.py")
               for match in re.findall(r'audit\.record\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text())}
    written |= {"tone.accepted", "tone.corrected"}  # audit.record(f"tone.{label_source}")
    assert len(written) > 50
    assert sorted(written - set(ACTIONS)) == []
