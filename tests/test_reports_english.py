"""English readers: report exports, chart downloads, pack form choices, file refusals and the journalist's
own check-in page speak English (Vietnamese stays the default, tested elsewhere)."""
from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from coordinator.attendance import operations as ops
from coordinator.extensions import db
from coordinator.invitations.tokens import invitation_token
from coordinator.packs import sniff
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, invitation, now_minus


def test_exports_and_pages_follow_the_readers_language(client, auth, office, make_user):
    people = domain.journalists(office, 2, language="en")
    briefing = briefing_with_invitations(office, people, start=now_minus(60 * 24 * 3), title="Họp báo")
    ops.check_in(briefing, people[0], method="staff")
    db.session.commit()
    auth.login(make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn").email)
    xlsx = client.get("/reports/export/attendance.xlsx?lang=en")
    assert 'filename="report-attendance-' in xlsx.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert workbook.worksheets[0].title == "By press outlet"
    assert [c.value for c in workbook.worksheets[0][1]][:3] == ["Press outlet", "Invited", "Accepted"]
    csv_text = client.get("/reports/export/coverage.csv?lang=en").data.decode("utf-8")
    assert "Press outlet,Total,Positive,Neutral,Negative,Broadcast" in csv_text
    svg = client.get("/reports/charts/trend.svg?lang=en")
    assert 'filename="chart-trend.svg"' in svg.headers["Content-Disposition"]
    assert "Attendance trend by month" in svg.data.decode()
    auth.logout()
    page = client.get(f"/i/{invitation_token(invitation(briefing, people[1]))}/checkin").get_data(as_text=True)
    assert 'lang="en"' in page


def test_pack_form_and_file_refusals_in_english(client, auth, office, make_user):
    auth.login(make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn").email)
    form = client.get("/packs/new?lang=en").get_data(as_text=True)
    assert 'value="vi">Vietnamese</option>' in form and 'value="en">English</option>' in form
    refused = client.post("/packs/new?lang=en", data={
        "title": "x", "language": "vi", "files": [(io.BytesIO(b"PK\x03\x04broken"), "a.docx")]},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "The ZIP/Office file is damaged and cannot be read." in refused.get_data(as_text=True)


def test_sniff_errors_are_translated(app):
    with force_locale("en"), pytest.raises(sniff.SniffError, match="does not match its extension .docx"):
        sniff.check(b"%PDF-1.7\n", "docx")
    with force_locale("vi"), pytest.raises(sniff.SniffError, match="không khớp với phần mở rộng .docx"):
        sniff.check(b"%PDF-1.7\n", "docx")
