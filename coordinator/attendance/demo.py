"""Demo attendance for ``flask demo-data``: a year of past briefings with invitations (rows, no mail),
answers, attendance, questions and coverage, so the reports look real on first run (idempotent)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from coordinator.attendance.models import Attendance, Coverage, Question
from coordinator.attendance.operations import briefing_day
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.text import slugify
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation, OccurrenceRsvp
from coordinator.invitations.operations import invitations_of, sync_invitations, target_of
from coordinator.schedule.models import Briefing, Series

SEED = 20260707
# How likely a journalist of an outlet level is to come (times the answer's factor below).
LEVEL_PRESENCE = {"provincial": 0.85, "local": 0.7, "central": 0.55, "foreign": 0.3}
ANSWER_PRESENCE = {"accepted": 0.88, "tentative": 0.45, "needs_action": 0.25, "declined": 0.04}
QUESTIONS = (
    "Tiến độ giải phóng mặt bằng dự án đường ven biển đến nay ra sao, khi nào bàn giao toàn bộ?",
    "Tỉnh có phương án gì hỗ trợ người dân vùng bị ảnh hưởng bởi mưa lũ vừa qua?",
    "Lượng khách du lịch quý này tăng bao nhiêu so với cùng kỳ, nguồn khách chủ yếu từ đâu?",
    "Việc xử lý các cơ sở gây ô nhiễm môi trường vùng than đến nay đã có kết quả gì?",
    "Xin cho biết số vốn FDI đăng ký mới và tỷ lệ giải ngân đầu tư công của tỉnh?",
    "Kế hoạch tuyển sinh vào lớp 10 năm nay có điểm gì mới?",
    "Tình trạng thiếu thuốc, vật tư y tế tại các bệnh viện tuyến huyện đã được khắc phục chưa?",
    "Thủ tục hành chính nào sẽ được cắt giảm trong đợt cải cách tới?",
    "Khi nào cầu mới qua sông được thông xe?",
    "Tỉnh xử lý thế nào với phản ánh về giá dịch vụ tham quan vịnh tăng cao?",
    "Việc chuyển đổi số trong các xã, phường đến nay đạt bao nhiêu phần trăm?",
    "Đề nghị cho biết kết quả kiểm tra an toàn thực phẩm dịp cao điểm?",
)
ANSWERS = ("Sở chuyên ngành đã có văn bản trả lời chi tiết kèm theo số liệu cập nhật đến hết tháng.",
           "UBND tỉnh đã chỉ đạo các sở, ngành rà soát và sẽ công bố kết quả trong tuần tới.")


def load_attendance_demo(office_id: int, days: int = 365) -> str:
    if db.session.scalar(select(func.count(Attendance.id)).where(Attendance.office_id == office_id)):
        return "  Điểm danh, câu hỏi, đưa tin: đã có, không thay đổi."
    rng = random.Random(SEED)
    now = clock.now()
    past = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled", Briefing.end < now,
        Briefing.start >= now - timedelta(days=days)).order_by(Briefing.start)))
    if not past:
        return "  Điểm danh: chưa có buổi họp báo nào đã qua."
    _answer_invitations(past, rng)
    demo = _Demo(office_id, rng, now,
                 {o.id: o for o in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id))},
                 {j.id: j for j in db.session.scalars(select(Journalist).where(Journalist.office_id == office_id))})
    for briefing in past:
        demo.add_briefing(briefing)
    if demo.occurrence_rows:
        db.session.execute(insert(OccurrenceRsvp), demo.occurrence_rows)
    if demo.attendance_rows:
        db.session.execute(insert(Attendance), demo.attendance_rows)
    if demo.coverage_rows:
        db.session.execute(insert(Coverage), demo.coverage_rows)
    db.session.flush()
    return f"  Điểm danh, câu hỏi, đưa tin: {len(past)} buổi họp báo đã qua có số liệu mẫu."


def report_summary(office_id: int) -> str:
    """The figures the reports page opens with (its default period), in the same words, so the numbers a
    newcomer reads after ``demo-data`` are the ones they then find in the product."""
    from coordinator.attendance import reports
    from coordinator.offices.models import Office

    period = reports.default_period(db.session.get(Office, office_id).timezone)
    data = reports.overview(office_id, period)
    att = data["attendance"]
    return (f"  Báo cáo {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}: {data['briefings']} buổi họp báo, "
            f"{att['invited']} lượt mời, {att['attended']} lượt có mặt ({att['rate'] * 100:.0f}%), "
            f"{data['coverage']['total']} tin bài, {data['questions']['asked']} câu hỏi")


def _answer_invitations(past: list[Briefing], rng: random.Random) -> None:
    """Invitations to the past briefings (rows only: nothing is mailed for the past), with answers."""
    targets: dict[tuple[str, int], Series | Briefing] = {}
    for briefing in past:
        target = target_of(briefing)
        targets[(type(target).__name__, target.id)] = target
    for target in targets.values():
        sync_invitations(target)
        for invitation in invitations_of(target):
            invitation.rsvp = rng.choices(("accepted", "tentative", "declined", "needs_action"), (55, 12, 8, 25))[0]
            invitation.rsvp_source = "link" if invitation.rsvp != "needs_action" else None
    db.session.flush()


@dataclass
class _Demo:
    """The rows made up for each past briefing, in turn (one random generator: the same demo every time)."""

    office_id: int
    rng: random.Random
    now: datetime
    outlets: dict[int, Outlet]
    journalists: dict[int, Journalist]
    attendance_rows: list[dict[str, Any]] = field(default_factory=list)
    occurrence_rows: list[dict[str, Any]] = field(default_factory=list)
    coverage_rows: list[dict[str, Any]] = field(default_factory=list)
    questions_total: int = 0
    seen_urls: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.active = [j for j in self.journalists.values() if j.status == "active"]

    def add_briefing(self, briefing: Briefing) -> None:
        invitations = invitations_of(target_of(briefing))
        day = briefing_day(briefing)
        present = self._present(briefing, invitations, day)
        self._attendance(briefing, invitations, present)
        self._questions(briefing, present)
        self._coverage(briefing, present, day)

    def _present(self, briefing: Briefing, invitations: list[Invitation], day: date) -> dict[int, int]:
        """Who came (journalist id -> outlet id): the invited by their outlet's level and their answer (some
        answering for this occurrence only), and a few walk-ins."""
        rng = self.rng
        season = 0.9 + 0.2 * ((day.month % 6) / 6)  # a little seasonal swing in the trend
        present: dict[int, int] = {}
        for invitation in invitations:
            answer = invitation.rsvp
            if briefing.series_id is not None and rng.random() < 0.15:
                answer = rng.choice(("accepted", "declined", "tentative"))
                self.occurrence_rows.append({"invitation_id": invitation.id, "briefing_id": briefing.id,
                                             "rsvp": answer, "source": "portal",
                                             "rsvp_at": briefing.start - timedelta(days=1)})
            journalist = self.journalists[invitation.journalist_id]
            outlet_id = contacts.outlet_on(journalist, day)
            chance = LEVEL_PRESENCE[self.outlets[outlet_id].level] * ANSWER_PRESENCE[answer] * season
            if rng.random() < min(0.97, chance):
                present[journalist.id] = outlet_id
        for journalist in rng.sample(self.active, min(len(self.active), rng.randint(0, 3))):  # walk-ins
            if journalist.id not in present:
                present[journalist.id] = contacts.outlet_on(journalist, day)
        return present

    def _attendance(self, briefing: Briefing, invitations: list[Invitation], present: dict[int, int]) -> None:
        rng = self.rng
        invited_ids = {inv.journalist_id for inv in invitations}
        for journalist_id, outlet_id in present.items():
            online = briefing.effective_online_url and rng.random() < 0.18
            method = ("self" if online else rng.choices(("qr", "code", "staff"), (70, 10, 20))[0]) \
                if journalist_id in invited_ids else "walk_in"
            self.attendance_rows.append({
                "office_id": self.office_id, "briefing_id": briefing.id, "journalist_id": journalist_id,
                "outlet_id": outlet_id, "mode": "online" if online else "in_person", "method": method,
                "checked_in_at": briefing.start + timedelta(minutes=rng.randint(-15, 20))})

    def _questions(self, briefing: Briefing, present: dict[int, int]) -> None:
        """Questions from those present; a duplicate now and then."""
        rng = self.rng
        askers = rng.sample(sorted(present), min(len(present), rng.choice((0, 1, 2, 3, 3, 4, 5, 6))))
        previous: Question | None = None
        for position, journalist_id in enumerate(askers, start=1):
            recent = briefing.start > self.now - timedelta(days=10)
            status = "pending" if recent and rng.random() < 0.5 else rng.choices(
                ("answered_at_briefing", "answered_in_writing", "declined"), (75, 18, 7))[0]
            question = Question(office_id=self.office_id, briefing_id=briefing.id, journalist_id=journalist_id,
                                outlet_id=present[journalist_id], text=rng.choice(QUESTIONS), status=status,
                                position=position, source=rng.choice(("portal", "form", "staff")),
                                asked_at=briefing.start - timedelta(hours=rng.randint(1, 48)),
                                answer=rng.choice(ANSWERS) if status == "answered_in_writing" else None,
                                answered_at=briefing.end if status != "pending" else None)
            if previous is not None and rng.random() < 0.12:
                question.merged_into_id = previous.id
                question.status, question.answer, question.answered_at = (previous.status, previous.answer,
                                                                          previous.answered_at)
            db.session.add(question)
            db.session.flush()
            previous = previous or question
            self.questions_total += 1

    def _coverage(self, briefing: Briefing, present: dict[int, int], day: date) -> None:
        """Most outlets present publish; a few publish without coming."""
        rng = self.rng
        covering = {oid for oid in set(present.values()) if rng.random() < 0.7}
        covering |= {oid for oid in rng.sample(sorted(self.outlets), 2) if rng.random() < 0.3}
        for outlet_id in covering:
            outlet = self.outlets[outlet_id]
            for n in range(rng.choice((1, 1, 1, 2))):
                url = _url(outlet, briefing, n)
                if url in self.seen_urls:
                    continue
                self.seen_urls.add(url)
                weights = (55, 37, 8 if day.month not in (8, 9) else 20)  # a rough patch in the storm season
                tone = rng.choices(("positive", "neutral", "negative"), weights)[0]
                self.coverage_rows.append({
                    "office_id": self.office_id, "briefing_id": briefing.id, "outlet_id": outlet_id, "url": url,
                    "title": f"{briefing.effective_title} – {outlet.name}"[:500],
                    "published_on": day + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2))), "tone": tone,
                    "kind": "broadcast" if outlet.kind in ("tv", "radio") else "article",
                    "source": rng.choice(("manual", "paste")), "created_at": briefing.end + timedelta(days=2)})


def _url(outlet: Outlet, briefing: Briefing, n: int) -> str:
    slug = slugify(briefing.effective_title)[:60] or "hop-bao"
    if outlet.domains:
        return f"https://{outlet.domains[0]}/{slug}-{briefing.id}{n}{outlet.id}.html"
    return f"https://www.facebook.com/{slugify(outlet.name)[:40]}/posts/{briefing.id}{n}{outlet.id}"
