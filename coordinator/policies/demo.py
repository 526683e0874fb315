"""Demo policies for ``flask demo-data``: the current year's communication plan with five policies at
different stages, linked to demo briefings, packs and coverage, and a few consultation comments (idempotent)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from coordinator.attendance.models import Coverage
from coordinator.contacts.models import Beat, DistributionList, Journalist
from coordinator.contacts.operations import office_today
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.packs.models import Pack
from coordinator.policies.models import (
    CommunicationPlan,
    PlanItem,
    Policy,
    PolicyBriefing,
    PolicyComment,
    PolicyCoverage,
    PolicyPack,
)
from coordinator.schedule.models import Briefing

POLICIES = (
    # name, description, beat keyword, department, stage, document number, consultation, citizens, plan;
    # years in names and numbers are the demo's current year ({year}), so the demo never looks stale
    ("Quy định giá dịch vụ tham quan vịnh Hạ Long",
     "Khung giá vé tham quan, dịch vụ tàu và lưu trú trên vịnh; công khai giá và xử lý vi phạm.",
     "du lịch", "Sở Du lịch", "drafting", None, True, True, ([0, 0, 1, 1], [0, 0, 1, 1])),
    ("Hỗ trợ người dân vùng bị ảnh hưởng mưa lũ",
     "Mức hỗ trợ nhà ở, sinh kế và học phí cho hộ gia đình bị thiệt hại do mưa lũ.",
     "xã hội", "Sở Lao động – Thương binh và Xã hội", "issued", "15/{year}/NQ-HĐND", False, False,
     ([1, 2, 1, 1], [1, 1, 1, 1])),
    ("Chuyển đổi số cấp xã, phường",
     "Hồ sơ điện tử, thanh toán không dùng tiền mặt và dịch vụ công trực tuyến toàn trình tại xã, phường.",
     "công nghệ", "Sở Thông tin và Truyền thông", "in_force", "08/{year}/QĐ-UBND", False, False,
     ([1, 1, 1, 1], [1, 1, 0, 1])),
    ("Cắt giảm thủ tục hành chính đầu tư",
     "Rút ngắn thời gian cấp chủ trương đầu tư và giấy phép xây dựng; đang rà soát sau một năm thực hiện.",
     "kinh tế", "Sở Kế hoạch và Đầu tư", "under_review", "21/{last_year}/QĐ-UBND", False, False,
     ([0, 1, 0, 1], [0, 1, 0, 1])),
    ("Tuyển sinh lớp 10 năm học {next_year}–{year_after}",
     "Phương thức tuyển sinh, môn thi và chỉ tiêu vào lớp 10 công lập.",
     "giáo dục", "Sở Giáo dục và Đào tạo", "drafting", None, True, False, ([0, 0, 0, 2], [0, 0, 0, 1])),
)
COMMENTS = (
    (0, "Đề nghị niêm yết giá vé bằng cả tiếng Anh và tiếng Trung tại các bến tàu.", "accepted", None),
    (0, "Giá dịch vụ lưu trú qua đêm trên vịnh nên có mức trần theo mùa để tránh tăng giá dịp lễ.", "answered",
     "Dự thảo đã bổ sung mức trần cho mùa cao điểm (Điều 5)."),
    (0, "Cần có đường dây nóng tiếp nhận phản ánh về giá của du khách.", "pending", None),
    (0, "Không nên thu thêm phí môi trường vì giá vé đã cao.", "declined", None),
    (4, "Đề nghị công bố sớm môn thi thứ ba để học sinh có thời gian chuẩn bị.", "pending", None),
    (4, "Nên giữ phương thức xét tuyển kết hợp cho các trường vùng khó khăn.", "pending", None),
)


NEW_YEAR_GRACE_DAYS = 45


def _local_day(briefing: Briefing) -> date:
    return briefing.start.astimezone(ZoneInfo(briefing.timezone)).date()


def _days_ago_within(year: int, days: int) -> datetime:
    """A demo comment's time, ``days`` before now, inside the plan's year (it counts only its own year's)."""
    return min(clock.now(), datetime(year, 12, 31, 3, tzinfo=UTC)) - timedelta(days=days)


def load_policies_demo(office_id: int) -> str:
    if db.session.scalar(select(func.count(Policy.id)).where(Policy.office_id == office_id)):
        return "  Chính sách: đã có, không thay đổi."
    today = office_today(office_id)
    # The plan of the year with something to show: in the first weeks of January the new year has held no
    # briefing yet, so the demo shows the plan of the year just ended.
    year = (today - timedelta(days=NEW_YEAR_GRACE_DAYS)).year
    policies = _plan_with_policies(office_id, year, today)
    now = clock.now()
    _links(office_id, year, policies, now)
    _comments(office_id, year, policies, now)
    db.session.flush()
    return f"  Chính sách: {len(policies)} chính sách, kế hoạch năm {year}, {len(COMMENTS)} góp ý dự thảo."


def _plan_with_policies(office_id: int, year: int, today: date) -> list[Policy]:
    """The year's plan and its policies (``POLICIES``), each at its stage with the dates it reached them."""
    beats = list(db.session.scalars(select(Beat).where(Beat.office_id == office_id)))
    lists = list(db.session.scalars(select(DistributionList.id).where(DistributionList.office_id == office_id)))
    plan = CommunicationPlan(office_id=office_id, year=year, title=f"Kế hoạch truyền thông chính sách năm {year}",
                             responsible="Văn phòng UBND tỉnh – Phòng Báo chí",
                             notes="Triển khai theo chỉ đạo của UBND tỉnh về công tác truyền thông chính sách.")
    db.session.add(plan)
    policies = []
    for index, (name, description, beat_word, department, stage, number, consult, citizens, planned) in \
            enumerate(POLICIES):
        years = {"year": year, "last_year": year - 1, "next_year": year + 1, "year_after": year + 2}
        name, number = name.format(**years), number.format(**years) if number else None
        beat = next((b for b in beats if beat_word in b.name.lower()), None)
        start = date(year, 1 + index * 2, 10)
        policy = Policy(office_id=office_id, name=name, description=description, beat_id=beat.id if beat else None,
                        owner_department=department, stage=stage, document_number=number,
                        consultation_open=consult, citizen_comments=citizens,
                        drafting_on=start if stage == "drafting" else start - timedelta(days=200))
        if stage in ("issued", "in_force", "under_review"):
            policy.issued_on = min(start, today)
        if stage in ("in_force", "under_review"):
            policy.in_force_on = min(start + timedelta(days=15), today)
        if stage == "under_review":
            policy.under_review_on = min(start + timedelta(days=60), today)
        db.session.add(policy)
        db.session.flush()
        policies.append(policy)
        db.session.add(PlanItem(office_id=office_id, plan=plan, policy_id=policy.id, planned_briefings=planned[0],
                                planned_packs=planned[1], responsible=department,
                                audience={"beat_ids": [beat.id] if beat else [], "list_ids": lists[index % 2:][:1]
                                          if lists else []}))
    db.session.flush()
    return policies


def _links(office_id: int, year: int, policies: list[Policy], now: datetime) -> None:
    """Past briefings of the year go to the issued / in-force / under-review policies in turn; one upcoming
    briefing to the admissions policy; the tourism policy has none yet (it shows under "needs attention")."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    briefings = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled", Briefing.start >= now - timedelta(days=400))
        .order_by(Briefing.start)))
    past = [b for b in briefings if b.end < now and first <= _local_day(b) <= last]
    for number, briefing in enumerate(past[::3]):
        db.session.add(PolicyBriefing(policy_id=policies[1 + number % 3].id, briefing_id=briefing.id))
    upcoming = [b for b in briefings if b.start > now]
    if upcoming:
        db.session.add(PolicyBriefing(policy_id=policies[4].id, briefing_id=upcoming[0].id))
    packs = list(db.session.scalars(select(Pack).where(Pack.office_id == office_id, Pack.status == "released",
                                                       Pack.briefing_id.is_(None)).order_by(Pack.id)))
    for number, pack in enumerate(packs[:3]):
        db.session.add(PolicyPack(policy_id=policies[1 + number % 3].id, pack_id=pack.id))
    loose = list(db.session.scalars(select(Coverage).where(Coverage.office_id == office_id,
                                                           Coverage.briefing_id.is_(None)).order_by(Coverage.id)
                                    .limit(4)))
    for item in loose:
        db.session.add(PolicyCoverage(policy_id=policies[0].id, coverage_id=item.id))


def _comments(office_id: int, year: int, policies: list[Policy], now: datetime) -> None:
    """``COMMENTS``: every other one from a citizen, the rest from the office's first active journalist."""
    journalist = db.session.scalar(select(Journalist).where(Journalist.office_id == office_id,
                                                            Journalist.status == "active").order_by(Journalist.id))
    for number, (index, text, status, reply) in enumerate(COMMENTS):
        citizen = number % 2 == 1 or journalist is None
        db.session.add(PolicyComment(
            office_id=office_id, policy_id=policies[index].id, text=text, status=status, reply=reply,
            journalist_id=None if citizen else journalist.id,
            author_name="Nguyễn Thị Hoa" if citizen else journalist.full_name,
            author_email="hoa.nguyen@example.vn" if citizen else journalist.email, is_citizen=citizen,
            created_at=_days_ago_within(year, 10 - number),
            triaged_at=None if status == "pending" else now))
