"""The audit log page filters by who, what and when, and exports the filtered rows as CSV, formula-safe
(issue 21.6); another office's rows never show."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from coordinator.core import audit
from coordinator.core.audit import AuditLog
from coordinator.extensions import db


def _add(action, actor, office, when, data=None):
    row = audit.record(action, ("office", office.id), office_id=office.id, actor_user_id=actor.id,
                       actor_label=actor.email, data=data)
    row.created_at = when
    return row


def _setup(office, other_office, admin, make_user):
    colleague = make_user(office, "coordinator", email="dieu.phoi@quangninh.gov.vn")
    outsider = make_user(other_office, "admin", email="admin@ha-noi.gov.vn")
    db.session.execute(db.delete(AuditLog))
    # 2026-03-01 23:30 in Hà Nội is 16:30 UTC; 2026-03-02 00:30 there is 17:30 UTC on the 1st.
    _add("briefing.created", admin, office, datetime(2026, 3, 1, 16, 30, tzinfo=UTC), {"title": "=HYPERLINK(1)"})
    _add("briefing.created", colleague, office, datetime(2026, 3, 1, 17, 30, tzinfo=UTC), {"title": "Họp báo quý"})
    _add("pack.approved", colleague, office, datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    _add("briefing.created", outsider, other_office, datetime(2026, 3, 1, 17, 0, tzinfo=UTC), {"title": "Hà Nội"})
    db.session.commit()
    return colleague, outsider


def _actions(response) -> list[str]:
    html = response.get_data(as_text=True)
    import re

    return re.findall(r'data-action="([^"]+)"', html)


def test_filters_by_who_what_and_when(client, auth, office, other_office, admin, make_user):
    colleague, outsider = _setup(office, other_office, admin, make_user)
    auth.login(admin.email)
    everything = client.get("/admin/audit")
    assert everything.status_code == 200
    assert len(_actions(everything)) >= 3 and "Hà Nội" not in everything.get_data(as_text=True)

    by_colleague = client.get(f"/admin/audit?actor={colleague.id}")
    assert sorted(_actions(by_colleague)) == ["briefing.created", "pack.approved"]
    assert _actions(client.get("/admin/audit?action=pack.approved")) == ["pack.approved"]
    # Days are the office's days (Asia/Ho_Chi_Minh): 16:30 UTC on the 1st is 23:30 on the 1st there.
    first = client.get("/admin/audit?from=2026-03-01&to=2026-03-01&action=briefing.created")
    assert _actions(first) == ["briefing.created"]
    assert "HYPERLINK" in first.get_data(as_text=True)
    second = client.get("/admin/audit?from=2026-03-02&to=2026-03-02")
    assert _actions(second) == ["briefing.created"] and "Họp báo quý" in second.get_data(as_text=True)
    combined = client.get(f"/admin/audit?actor={colleague.id}&action=briefing.created&from=2026-03-02")
    assert _actions(combined) == ["briefing.created"]
    # Another office's user is not a filter here.
    assert client.get(f"/admin/audit?actor={outsider.id}").status_code == 400


def test_bad_filters_answer_400_with_the_reason(client, auth, office, admin):
    auth.login(admin.email)
    bad_day = client.get("/admin/audit?from=2026-02-30")
    assert bad_day.status_code == 400 and "Ngày không hợp lệ" in bad_day.get_data(as_text=True)
    backwards = client.get("/admin/audit?from=2026-03-05&to=2026-03-01")
    assert backwards.status_code == 400 and "Ngày kết thúc phải sau ngày bắt đầu" in backwards.get_data(as_text=True)
    assert client.get("/admin/audit?actor=abc").status_code == 400


def test_csv_export_holds_the_filtered_rows_formula_safe(client, auth, office, other_office, admin, make_user):
    colleague, _ = _setup(office, other_office, admin, make_user)
    auth.login(admin.email)
    response = client.get("/admin/audit?action=briefing.created&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[0] == "Thời gian" and "Mã thao tác" in header
    assert len(body) == 2 and {row[3] for row in body} == {"briefing.created"}
    assert {row[1] for row in body} == {admin.email, colleague.email}
    assert "Hà Nội" not in text  # the other office's row
    assert body[0][0] == "2026-03-02T00:30:00+07:00"  # newest first, in the office's zone
    dangerous = next(row for row in body if row[1] == admin.email)
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)
    assert "HYPERLINK" in dangerous[7] and dangerous[8].startswith("{")
    # A value someone else typed (a journalist's address, a title) that a spreadsheet would run.
    audit.record("journalist.preferences", ("journalist", 1), office_id=office.id, actor_label="=2+3",
                 data={"language": "+vi"})
    db.session.commit()
    exported = client.get("/admin/audit?action=journalist.preferences&format=csv").get_data().decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(exported)))[1]
    assert row[1] == "'=2+3" and row[3] == "journalist.preferences"
    only_pack = client.get(f"/admin/audit?actor={colleague.id}&action=pack.approved&format=csv")
    assert len(list(csv.reader(io.StringIO(only_pack.get_data().decode("utf-8-sig"))))) == 2


def test_only_admins_see_the_log(client, auth, office, make_user):
    viewer = make_user(office, "viewer", email="xem@quangninh.gov.vn")
    auth.login(viewer.email)
    assert client.get("/admin/audit?format=csv").status_code == 403
