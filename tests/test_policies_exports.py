"""The year's report to the provincial leadership: XLSX opened with openpyxl, PDF text read back."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from coordinator.extensions import db
from coordinator.policies import operations as ops
from tests.support import domain
from tests.support import policies as support
from tests.support.clock import local_today


def _plan(office):
    """This year's plan (the office's local year), with a briefing and its coverage in January of that year."""
    year = local_today().year
    policy_row = support.policy(office, "Hỗ trợ người dân vùng bị ảnh hưởng mưa lũ", stage="issued",
                                document_number=f"15/{year}/NQ-HĐND", owner_department="Sở Lao động")
    drafting = support.policy(office, "=HYPERLINK(\"http://evil\") Quy định giá vé", consultation_open=True)
    b = support.briefing(office, datetime(year, 1, 10, 3, tzinfo=UTC))
    assert ops.link(policy_row, "briefing", b.id)
    out = domain.outlet(office)
    support.coverage(office, out, date(year, 1, 11), tone="negative", briefing_row=b)
    support.coverage(office, out, date(year, 1, 12), tone="positive", briefing_row=b)
    support.comment(drafting, "Đề nghị công khai giá vé tại bến tàu.", status="accepted")
    support.comment(drafting, status="pending")
    plan = ops.create_plan(office.id, {"year": year, "responsible": "Phòng Báo chí"})
    ops.add_item(plan, {"policy_id": policy_row.id, "planned_briefings": [1, 1, 1, 1], "responsible": "Sở LĐTBXH"})
    ops.add_item(plan, {"policy_id": drafting.id})
    db.session.commit()
    return plan


def test_xlsx_report(api, office):
    plan = _plan(office)
    response = api.get(f"/api/v1/plans/{plan.id}/export?format=xlsx")
    assert response.status_code == 200
    assert f"ke-hoach-truyen-thong-{plan.year}.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Số liệu tổng hợp", "Kết quả theo chính sách", "Theo quý", "Việc cần chú ý",
                               "Lấy ý kiến dự thảo"]
    summary = {row[0]: row[1] for row in book["Số liệu tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Chính sách trong kế hoạch"] == 2
    assert summary["Tin bài: tổng (tích cực / trung lập / tiêu cực)"] == "2 (1 / 0 / 1)"
    assert summary["Góp ý dự thảo: tổng / tiếp thu / đã trả lời / không tiếp thu / chờ xử lý"] == "2 / 1 / 0 / 0 / 1"
    rows = list(book["Kết quả theo chính sách"].iter_rows(values_only=True))
    assert rows[0][0] == "Chính sách"
    flood = next(r for r in rows if r[0] == "Hỗ trợ người dân vùng bị ảnh hưởng mưa lũ")
    assert flood[1:5] == ("Đã ban hành", f"15/{plan.year}/NQ-HĐND", "Sở LĐTBXH", 4)
    assert flood[12:14] == (2, 1)  # coverage, negative
    assert any(r[0] == "'=HYPERLINK(\"http://evil\") Quy định giá vé" for r in rows)  # formula neutralised
    assert len(list(book["Theo quý"].iter_rows(min_row=2))) == 8
    attention = [r[1] for r in book["Việc cần chú ý"].iter_rows(min_row=2, values_only=True)]
    assert "Đang dự thảo, lấy ý kiến nhưng chưa có buổi họp báo nào." in attention
    consultation = list(book["Lấy ý kiến dự thảo"].iter_rows(min_row=2, values_only=True))
    assert consultation[0][1] == 2 and "công khai giá vé" in consultation[0][6]


def test_pdf_report_reads_back_in_vietnamese(client, auth, admin, office):
    plan = _plan(office)
    auth.login(admin.email)
    response = client.get(f"/policies/plans/{plan.id}/export.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = support.pdf_text(response.data)
    for expected in (f"Báo cáo kết quả truyền thông chính sách năm {plan.year}", "Lãnh đạo UBND tỉnh",
                     f"01/01/{plan.year}", "Số liệu tổng hợp", "Kết quả theo chính sách",
                     "Hỗ trợ người dân vùng bị ảnh hưởng mưa lũ", f"15/{plan.year}/NQ-HĐND", "Việc cần chú ý",
                     "Đang dự thảo, lấy ý kiến nhưng chưa có buổi họp báo nào.", "Lấy ý kiến dự thảo",
                     "Đề nghị công khai giá vé tại bến tàu."):
        assert expected in text, expected
    assert client.get(f"/policies/plans/{plan.id}/export.xlsx").status_code == 200
    assert client.get(f"/policies/plans/{plan.id}/export.doc").status_code == 404


def test_pdf_report_in_english(client, auth, admin, office):
    plan = _plan(office)
    auth.login(admin.email)
    text = support.pdf_text(client.get(f"/policies/plans/{plan.id}/export.pdf?lang=en").data)
    assert "policy communication" in text.lower() and "Needs attention" in text
