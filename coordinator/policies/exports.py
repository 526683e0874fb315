"""The year's plan and results as a report to the provincial leadership: XLSX (one sheet per table)
and PDF (fpdf2 with the bundled DejaVu font, every Vietnamese glyph), both built from ``progress``."""
from __future__ import annotations

from flask_babel import gettext as _

from coordinator.attendance.exports import PDF_MIMETYPE, XLSX_MIMETYPE, Table, to_pdf, to_xlsx
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.policies import progress as progress_mod
from coordinator.policies.models import CommunicationPlan
from coordinator.policies.operations import STAGE_LABELS

__all__ = ["PDF_MIMETYPE", "XLSX_MIMETYPE", "export", "tables"]


def _summary(data: dict) -> Table:
    year = data["totals"]["year"]
    c = data["consultation"]
    rows = [
        [_("Chính sách trong kế hoạch"), len(data["policies"])],
        [_("Buổi họp báo: kế hoạch / đã lên lịch / đã tổ chức"),
         f"{year['briefings_planned']} / {year['briefings_scheduled']} / {year['briefings_held']}"],
        [_("Bộ tài liệu: kế hoạch / đã phát hành"), f"{year['packs_planned']} / {year['packs_released']}"],
        [_("Nhà báo được mời / tham dự / tải tài liệu"),
         f"{year['invited']} / {year['attended']} / {year['downloaded']}"],
        [_("Nhà báo tiếp cận được"), year["journalists_reached"]],
        [_("Cơ quan báo chí tiếp cận được"), year["outlets_reached"]],
        [_("Câu hỏi: đã hỏi / đã trả lời"), f"{year['questions_asked']} / {year['questions_answered']}"],
        [_("Tin bài: tổng (tích cực / trung lập / tiêu cực)"),
         f"{year['coverage']} ({year['coverage_positive']} / {year['coverage_neutral']} / "
         f"{year['coverage_negative']})"],
        [_("Góp ý dự thảo: tổng / tiếp thu / đã trả lời / không tiếp thu / chờ xử lý"),
         f"{c['total']} / {c['accepted']} / {c['answered']} / {c['declined']} / {c['pending']}"],
        [_("Việc cần chú ý"), len(data["needs_attention"])],
    ]
    return Table(_("Số liệu tổng hợp"), [_("Chỉ tiêu"), _("Kết quả")], rows, widths=[3, 2])


def _per_policy(data: dict) -> Table:
    headers = [_("Chính sách"), _("Giai đoạn"), _("Số văn bản"), _("Phụ trách"), _("Họp báo KH"),
               _("Họp báo đã tổ chức"), _("Tài liệu KH"), _("Tài liệu phát hành"), _("Nhà báo tiếp cận"),
               _("Cơ quan báo chí"), _("Câu hỏi"), _("Đã trả lời"), _("Tin bài"), _("Tiêu cực"), _("Góp ý")]
    rows = []
    for row in data["policies"]:
        y = row["year"]
        rows.append([row["name"], str(STAGE_LABELS.get(row["stage"], row["stage"])), row["document_number"] or "",
                     row["responsible"] or "", y["briefings_planned"], y["briefings_held"], y["packs_planned"],
                     y["packs_released"], y["journalists_reached"], y["outlets_reached"], y["questions_asked"],
                     y["questions_answered"], y["coverage"], y["coverage_negative"], row["comments"]["total"]])
    return Table(_("Kết quả theo chính sách"), headers, rows, widths=[5, 2, 3, 3] + [1] * 11)


def _per_quarter(data: dict) -> Table:
    headers = [_("Chính sách"), _("Quý"), _("Họp báo KH"), _("Đã lên lịch"), _("Đã tổ chức"), _("Tài liệu KH"),
               _("Tài liệu phát hành"), _("Được mời"), _("Tham dự"), _("Tải tài liệu"), _("Câu hỏi"),
               _("Đã trả lời"), _("Tin bài"), _("Tích cực"), _("Trung lập"), _("Tiêu cực")]
    rows = []
    for row in data["policies"]:
        for q in row["quarters"]:
            rows.append([row["name"], f"Q{q['quarter']}", q["briefings_planned"], q["briefings_scheduled"],
                         q["briefings_held"], q["packs_planned"], q["packs_released"], q["invited"], q["attended"],
                         q["downloaded"], q["questions_asked"], q["questions_answered"], q["coverage"],
                         q["coverage_positive"], q["coverage_neutral"], q["coverage_negative"]])
    return Table(_("Theo quý"), headers, rows, widths=[5, 1] + [1] * 14)


def _attention(data: dict) -> Table:
    rows = [[item["name"], item["message"]] for item in data["needs_attention"]]
    return Table(_("Việc cần chú ý"), [_("Chính sách"), _("Vấn đề")], rows, widths=[2, 3])


def _consultation(data: dict) -> Table:
    rows = [[p["name"], p["total"], p["accepted"], p["answered"], p["declined"], p["pending"],
             " · ".join(p["highlights"])] for p in data["consultation"]["policies"]]
    return Table(_("Lấy ý kiến dự thảo"), [_("Chính sách"), _("Tổng"), _("Tiếp thu"), _("Đã trả lời"),
                                            _("Không tiếp thu"), _("Chờ xử lý"), _("Ý kiến tiêu biểu")], rows,
                 widths=[3, 1, 1, 1, 1, 1, 6])


def tables(data: dict) -> list[Table]:
    return [_summary(data), _per_policy(data), _per_quarter(data), _attention(data), _consultation(data)]


def export(plan: CommunicationPlan, fmt: str) -> tuple[bytes, str, str]:
    """(body, mimetype, filename) of the plan's report in ``xlsx`` or ``pdf``."""
    data = progress_mod.progress(plan)
    office = db.session.get(Office, plan.office_id)
    filename = f"ke-hoach-truyen-thong-{plan.year}.{fmt}"
    if fmt == "xlsx":
        return to_xlsx(tables(data)), XLSX_MIMETYPE, filename
    title = _("Báo cáo kết quả truyền thông chính sách năm %(y)s", y=plan.year)
    subtitle = _("%(office)s · Kính gửi: Lãnh đạo UBND tỉnh · Kỳ báo cáo: 01/01/%(y)s – 31/12/%(y)s · "
                 "Số liệu đến ngày %(d)s · Kế hoạch: %(title)s",
                 office=office.name, y=plan.year, d=_vn_day(data["as_of"]), title=plan.title)
    return to_pdf(title, subtitle, tables(data)), PDF_MIMETYPE, filename


def _vn_day(iso_day: str) -> str:
    y, m, d = iso_day.split("-")
    return f"{d}/{m}/{y}"
