"""Helpers for the policy tests: hand-built briefings, questions, coverage, and office B's policy objects."""
from __future__ import annotations

import re
import uuid
import zlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from coordinator.attendance.models import Attendance, Coverage, Question
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.policies import operations as ops
from coordinator.policies.models import PolicyComment
from tests.support.clock import local_today


def policy(office, name: str = "Hỗ trợ người dân vùng lũ", **data):
    row = ops.create_policy(office.id, {"name": name, **data})
    db.session.commit()
    return row


def briefing(office, start: datetime, *, status: str = "scheduled", title: str = "Họp báo chính sách"):
    """A briefing row at a fixed time (hand-built: no schedule rules, no mail)."""
    from coordinator.schedule.models import Briefing

    row = Briefing(office_id=office.id, uid=f"{uuid.uuid4()}@test", start=start, end=start + timedelta(hours=1),
                   timezone="Asia/Ho_Chi_Minh", title=title, status=status)
    db.session.add(row)
    db.session.flush()
    return row


def invite(office, briefing_row, journalist, *, cancelled: bool = False) -> Invitation:
    row = Invitation(office_id=office.id, journalist_id=journalist.id, briefing_id=briefing_row.id,
                     checkin_code=uuid.uuid4().hex[:10].upper(),
                     cancelled_at=datetime.now(UTC) if cancelled else None)
    db.session.add(row)
    db.session.flush()
    return row


def attend(office, briefing_row, journalist) -> Attendance:
    row = Attendance(office_id=office.id, briefing_id=briefing_row.id, journalist_id=journalist.id,
                     outlet_id=journalist.outlet_id)
    db.session.add(row)
    db.session.flush()
    return row


def question(office, briefing_row, *, asked_at: datetime, status: str = "pending", merged_into=None) -> Question:
    row = Question(office_id=office.id, briefing_id=briefing_row.id, text="Khi nào áp dụng mức hỗ trợ mới?",
                   status=status, asked_at=asked_at, merged_into_id=merged_into.id if merged_into else None)
    db.session.add(row)
    db.session.flush()
    return row


def coverage(office, outlet, published_on: date, *, tone: str = "neutral", briefing_row=None) -> Coverage:
    row = Coverage(office_id=office.id, outlet_id=outlet.id, url=f"https://baoquangninh.vn/{uuid.uuid4().hex}",
                   published_on=published_on, tone=tone, briefing_id=briefing_row.id if briefing_row else None)
    db.session.add(row)
    db.session.flush()
    return row


def comment(policy_row, text: str = "Đề nghị bổ sung mức hỗ trợ cho hộ nghèo.", *, status: str = "pending",
            citizen: bool = True, created_at: datetime | None = None) -> PolicyComment:
    row = PolicyComment(office_id=policy_row.office_id, policy_id=policy_row.id, text=text, status=status,
                        author_name="Nguyễn Văn An", author_email="an@example.vn", is_citizen=citizen,
                        created_at=created_at or datetime.now(UTC))
    db.session.add(row)
    db.session.flush()
    return row


def office_b_policy_objects(office) -> dict[str, int]:
    """One policy, plan (this year's), plan item and comment in office B (for the tenant isolation test)."""
    row = policy(office, "Chính sách của Hà Nội", consultation_open=True, citizen_comments=True)
    plan = ops.create_plan(office.id, {"year": local_today().year})
    item = ops.add_item(plan, {"policy_id": row.id, "planned_briefings": [1, 0, 0, 0]})
    note = comment(row)
    db.session.commit()
    return {"policy_id": row.id, "plan_id": plan.id, "item_id": item.id, "comment_id": note.id}


def _literal_strings(content: bytes) -> list[bytes]:
    """The literal strings ``(...)`` of a PDF content stream, unescaped, grouped per text object."""
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    blocks, current, i = [], bytearray(), 0
    while i < len(content):
        ch = content[i]
        if content.startswith(b"ET", i):
            blocks.append(bytes(current))
            current = bytearray()
            i += 2
            continue
        if ch != ord("("):
            i += 1
            continue
        depth, i = 1, i + 1
        while i < len(content) and depth:
            ch = content[i]
            if ch == ord("\\"):
                nxt = content[i + 1]
                if nxt in escapes:
                    current += escapes[nxt]
                    i += 2
                elif ord("0") <= nxt <= ord("7"):
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1:i + 4]).group(0)
                    current.append(int(digits, 8))
                    i += 1 + len(digits)
                else:
                    current.append(nxt)
                    i += 2
                continue
            if ch == ord("("):
                depth += 1
            elif ch == ord(")"):
                depth -= 1
                if not depth:
                    i += 1
                    break
            current.append(ch)
            i += 1
    return blocks


def pdf_text(data: bytes) -> str:
    """Text of an fpdf2 PDF (no PDF library needed): each text object decoded with each font's ToUnicode
    CMap (glyph ids differ per font; the wrong decoding is noise that no assertion looks for)."""
    cmaps = []
    for block in re.findall(rb"beginbfchar\n(.*?)endbfchar", data, re.S):
        mapping = {}
        for src, dst in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        cmaps.append(mapping)
    merged: dict[int, dict[int, str]] = {}
    for mapping in cmaps:  # a font's CMap may come in several bfchar blocks of 100
        for target in list(merged.values()):
            if not set(mapping) & set(target):
                target.update(mapping)
                break
        else:
            merged[len(merged)] = dict(mapping)
    texts = []
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            content = zlib.decompressobj().decompress(data[match.end():match.end() + 5_000_000])
        except zlib.error:
            continue
        if b"BT" not in content:
            continue
        for block in _literal_strings(content):
            codes = [int.from_bytes(block[k:k + 2], "big") for k in range(0, len(block) - 1, 2)]
            for mapping in merged.values():
                texts.append("".join(mapping.get(code, "") for code in codes))
    return "\n".join(texts)


def seed_policies(office, people, past) -> None:
    """For the browser crawl: a plan with a drafting policy open for comments (one comment) and an issued
    policy linked to a past briefing."""
    open_one = policy(office, "Quy định giá dịch vụ tham quan vịnh", consultation_open=True,
                      citizen_comments=True, owner_department="Sở Du lịch",
                      description="Khung giá vé và dịch vụ trên vịnh; công khai giá.")
    year = past.start.astimezone(ZoneInfo(past.timezone)).year  # the plan of the past briefing's (local) year
    issued = policy(office, "Hỗ trợ người dân vùng lũ", stage="issued", document_number=f"15/{year}/NQ-HĐND",
                    owner_department="Sở Lao động – Thương binh và Xã hội")
    ops.link(issued, "briefing", past.id)
    plan = ops.plan_for_year(office.id, year) or ops.create_plan(office.id, {"year": year})
    ops.add_item(plan, {"policy_id": open_one.id, "planned_briefings": [0, 0, 1, 1], "responsible": "Sở Du lịch"})
    ops.add_item(plan, {"policy_id": issued.id, "planned_briefings": [1, 1, 1, 1], "planned_packs": [1, 0, 0, 1]})
    comment(open_one, "Đề nghị niêm yết giá vé bằng nhiều thứ tiếng tại bến tàu.")
    db.session.commit()
