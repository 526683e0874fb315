"""Demo packs: a released pack of a past briefing with a correction, a standalone press release, and
one released to the press under embargo for the next briefing. Statuses are set directly (no mail
goes out for demo data)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack
from coordinator.schedule.models import Briefing
from coordinator.users.models import User


def demo_pdf(title: str) -> bytes:
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _released(pack: Pack, when) -> None:
    pack.status = "released"
    pack.approved_at = pack.release_due_at = pack.released_at = when
    pack.submission_round = 1


def load_packs_demo(office_id: int) -> str:
    office = db.session.get(Office, office_id)
    if db.session.scalar(select(Pack.id).where(Pack.office_id == office_id).limit(1)) is not None:
        return "Tài liệu mẫu: đã có."
    coordinator = db.session.scalar(select(User).where(User.office_id == office_id, User.role == "coordinator"))
    now = clock.now()
    past = db.session.scalar(select(Briefing).where(Briefing.office_id == office_id, Briefing.end < now)
                             .order_by(Briefing.start.desc()))
    upcoming = db.session.scalar(select(Briefing).where(Briefing.office_id == office_id, Briefing.start > now,
                                                        Briefing.status != "cancelled").order_by(Briefing.start))
    first = ops.create_pack(office, coordinator, {
        "title": "Thông cáo báo chí: Kết quả phát triển kinh tế – xã hội quý III",
        "summary": "Tăng trưởng GRDP quý III đạt 10,2%; thu ngân sách vượt kế hoạch.",
        "body": "<p>Trong quý III, kinh tế tỉnh tiếp tục tăng trưởng khá.</p><ul><li>GRDP tăng 10,2%</li>"
                "<li>Thu hút 1,2 tỷ USD vốn FDI</li></ul>"},
        [ops.Upload("Báo cáo quý III.pdf", demo_pdf("Bao cao quy III"))], briefing=past)
    _released(first, (past.end if past else now) - timedelta(minutes=30))
    correction = ops.new_version(first, coordinator)
    correction.summary = "Tăng trưởng GRDP quý III đạt 10,4% (đính chính số liệu); thu ngân sách vượt kế hoạch."
    _released(correction, (past.end if past else now) + timedelta(days=1))
    standalone = ops.create_pack(office, coordinator, {
        "title": "Thông cáo: Khuyến cáo phòng chống bão số 3",
        "summary": "Các địa phương ven biển chủ động sơ tán người dân khỏi khu vực nguy hiểm."},
        [ops.Upload("Khuyến cáo bão số 3.pdf", demo_pdf("Khuyen cao bao so 3"))])
    _released(standalone, now - timedelta(days=3))
    if upcoming is not None:
        embargoed = ops.create_pack(office, coordinator, {
            "title": "Tài liệu họp báo: Đề án phát triển du lịch Hạ Long 2030",
            "summary": "Tài liệu gửi trước cho phóng viên; cấm đăng tải trước giờ họp báo.",
            "embargo_until": upcoming.start, "send_under_embargo": True},
            [ops.Upload("Đề án du lịch 2030.pdf", demo_pdf("De an du lich 2030"))], briefing=upcoming)
        _released(embargoed, now - timedelta(hours=1))
    db.session.flush()
    return "Tài liệu mẫu: 3–4 bộ tài liệu (một bản đính chính, một bản cấm đăng đến giờ họp)."
