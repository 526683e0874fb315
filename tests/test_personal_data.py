"""Personal data (Law 91/2025/QH15, issue 21.1 and 21.2): a journalist without a basis gets no mail (a real
worker's fan-out), a withdrawal stops a fan-out already running, the export holds everything the office
keeps on them, erasure leaves the reports' totals as they were and no personal field behind, the retention
job erases only the inactive, and staff reads and changes of personal data are audited."""
from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from coordinator.attendance import operations as attendance
from coordinator.attendance.models import Attendance, Question
from coordinator.attendance.reports import attendance_report, parse_period, questions_report
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import ConsentRecord, Journalist
from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.invitations.audience_summary import summarise
from coordinator.invitations.models import Invitation
from coordinator.invitations.operations import set_rsvp, sync_invitations, target_of
from coordinator.invitations.tokens import portal_token
from coordinator.mail.models import Delivery, FanOut, Suppression
from coordinator.offices.models import Office
from coordinator.privacy import operations as privacy
from coordinator.privacy.models import DataRequest
from tests.support import domain
from tests.support.processes import run_burst_worker

VN = domain.VN


def outbox(app) -> list[email.message.EmailMessage]:
    files = sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]


def recipients(app) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in outbox(app))


def person(office, n: int, **consent):
    out = domain.outlet(office)
    row = contacts.create_journalist(office.id, {"full_name": f"Trần Thị Mai {n}", "email": f"mai{n}@baoqn.vn",
                                                 "outlet_id": out.id, "phone": f"0912 345 67{n}", **consent})
    db.session.commit()
    return row


def consent_required(office) -> None:
    privacy.update_settings(office, {"public_task": False, "purpose": "Mời họp báo", "retention_years": ""})
    db.session.commit()


# --- 21.1: no basis, no mail ---------------------------------------------------------------------------

def test_without_a_basis_a_journalist_gets_no_mail(app, app_env, office):
    """The office turned its public-interest basis off: only those who consented or have a contract are
    mailed by the worker's fan-out; the audience confirmation says why the others are left out."""
    agreed, contracted, public, withdrawn = (person(office, 1, consent_basis="consent"),
                                             person(office, 2, consent_basis="contract"), person(office, 3),
                                             person(office, 4, consent_basis="consent"))
    contacts.withdraw_consent(withdrawn, source="staff")
    db.session.commit()
    consent_required(office)
    assert contacts.may_mail(agreed) and contacts.may_mail(contracted)
    assert not contacts.may_mail(public) and not contacts.may_mail(withdrawn)
    people = [agreed, contracted, public, withdrawn]
    summary = summarise(office.id, {"journalist_ids": [p.id for p in people]})
    assert summary.recipients == 2
    assert ("chưa có cơ sở xử lý dữ liệu hoặc đã rút đồng ý", 2) in summary.excluded
    domain.adhoc(office, people, crisis=True, start=datetime.now(VN) + timedelta(hours=1))
    run_burst_worker(app_env)
    assert recipients(app) == sorted([agreed.email, contracted.email])
    fan = db.session.scalar(select(FanOut))
    db.session.refresh(fan)
    assert (fan.sent, fan.suppressed) == (2, 2)
    # The office's basis back on: the public-task journalist may be mailed again, the withdrawn one not.
    privacy.update_settings(office, {"public_task": True, "purpose": "", "retention_years": ""})
    db.session.commit()
    assert contacts.may_mail(public) and not contacts.may_mail(withdrawn)
    assert db.session.scalar(select(Suppression.reason).where(Suppression.email == withdrawn.email)) == "no_consent"
    assert db.session.scalar(select(Suppression).where(Suppression.email == public.email)) is None


def test_an_unsubscribed_journalist_made_active_again_stays_blocked_without_consent(app, office):
    withdrawn = person(office, 1)
    contacts.withdraw_consent(withdrawn, source="portal")
    contacts.set_status(withdrawn, "unsubscribed")
    contacts.set_status(withdrawn, "active")
    db.session.commit()
    assert db.session.scalar(select(Suppression.reason).where(Suppression.email == withdrawn.email)) == "no_consent"


def test_withdrawal_stops_a_fan_out_already_running(app, office, monkeypatch):
    """The fan-out has listed its recipients; the journalist withdraws from the portal before their message
    goes: nothing is sent to them, the others get theirs."""
    from coordinator.invitations.fanouts import InviteTarget
    from coordinator.mail import fanout

    people = [person(office, n) for n in range(3)]
    briefing = domain.adhoc(office, people, start=datetime.now(VN) + timedelta(days=3))
    sync_invitations(target_of(briefing))
    fan = FanOut(key=f"invite:briefing:{briefing.id}:s0", office_id=office.id, kind="invite", purpose="invite",
                 spec={"target": "briefing", "id": briefing.id, "sequence": briefing.sequence},
                 briefing_id=briefing.id)
    db.session.add(fan)
    db.session.commit()
    listed = InviteTarget.recipients
    token = portal_token(people[1])

    def list_then_withdraw(self):
        found = listed(self)
        assert any(r.email == people[1].email and r.mailable for r in found)
        with app.test_client() as browser:  # the journalist, in another request, while the run goes on
            csrf = ""  # CSRF is off in the tests
            assert browser.post(f"/portal/{token}/data/withdraw", data={"csrf_token": csrf}).status_code == 302
        return found

    monkeypatch.setattr(InviteTarget, "recipients", list_then_withdraw)
    fanout.run(fan.id)
    assert recipients(app) == sorted([people[0].email, people[2].email])
    delivery = db.session.scalar(select(Delivery).where(Delivery.recipient == people[1].email))
    assert delivery.state == "suppressed"
    db.session.expire_all()
    assert contacts.current_consent(people[1]).withdrawn_at is not None


def test_network_sharing_needs_the_journalists_own_consent(app, office, admin, api_as, make_office, make_user):
    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng")
    refused, agreed = person(office, 1), person(office, 2, network_sharing=True)
    api = api_as(admin)
    answer = api.post("/api/v1/network/offers", json={"journalist_ids": [refused.id]})
    assert answer.status_code == 422
    assert "chưa đồng ý được chia sẻ" in answer.get_json()["error"]["fields"]["journalist_ids"]
    offered = api.post("/api/v1/network/offers", json={"journalist_ids": [agreed.id], "audience": "all"})
    assert offered.status_code == 201
    contacts.withdraw_consent(agreed, source="portal")  # withdrawn after the offer: nobody may copy them now
    db.session.commit()
    hp_api = api_as(make_user(hp, "admin", email="admin@haiphong.gov.vn"))
    adopt = hp_api.post(f"/api/v1/network/directory/{offered.get_json()['items'][0]['id']}/adopt")
    assert adopt.status_code == 409
    assert db.session.scalar(select(Journalist).where(Journalist.office_id == hp.id)) is None


def test_staff_record_a_basis_and_every_look_is_audited(app, office, admin, auth, client):
    row = person(office, 1)
    auth.login(admin.email)
    page = client.get(f"/contacts/journalists/{row.id}")
    text = page.get_data(as_text=True)
    assert "Nhiệm vụ công của văn phòng" in text and "Dữ liệu cá nhân" in text
    csrf = ""  # CSRF is off in the tests
    bad = client.post(f"/contacts/journalists/{row.id}/consent", data={"csrf_token": csrf, "consent_basis": "whim"})
    assert bad.status_code == 302
    assert len(contacts.consent_history(row)) == 1  # refused: nothing recorded
    client.post(f"/contacts/journalists/{row.id}/consent", data={
        "csrf_token": csrf, "consent_basis": "consent", "consent_purpose": "Mời họp báo", "network_sharing": "y"})
    history = contacts.consent_history(row)
    assert [(h.basis, h.source, h.source_detail) for h in history] == [
        ("consent", "staff", admin.email), ("public_task", "staff", None)]
    assert history[0].network_sharing is True
    client.get(f"/contacts/journalists/{row.id}/vcard")
    client.get("/contacts/export?format=csv")
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.office_id == office.id)))
    assert {"journalist.viewed", "journalist.consent_recorded", "journalist.exported",
            "journalists.exported"} <= actions


def test_the_import_carries_the_consent_column(app, office):
    from coordinator.contacts import importer

    existing = person(office, 9)
    csv = ("Họ và tên,Cơ quan báo chí,Email,Đồng ý\n"
           "Lê Văn An,Báo Quảng Ninh,an@baoqn.vn,đồng ý\n"
           "Lê Văn Bình,Báo Quảng Ninh,binh@baoqn.vn,\n"
           "Lê Văn Cường,Báo Quảng Ninh,cuong@baoqn.vn,hợp đồng\n"
           "Lê Văn Dũng,Báo Quảng Ninh,dung@baoqn.vn,có lẽ\n"
           f"Trần Thị Mai 9,Báo Quảng Ninh,{existing.email},không\n").encode()
    report = importer.run_import(office.id, importer.parse_file("danh-ba.csv", csv), dry_run=False,
                                 filename="danh-ba.csv")
    db.session.commit()
    assert report["summary"] == {"created": 3, "updated": 1, "rejected": 1}
    assert "Đồng ý" in report["rows"][3]["reason"]
    by_email = {j.email: j for j in db.session.scalars(select(Journalist).where(Journalist.office_id == office.id))}
    an, binh, cuong = by_email["an@baoqn.vn"], by_email["binh@baoqn.vn"], by_email["cuong@baoqn.vn"]
    assert [(contacts.current_consent(j).basis, contacts.current_consent(j).source) for j in (an, binh, cuong)] == [
        ("consent", "import"), ("public_task", "import"), ("contract", "import")]
    assert contacts.current_consent(an).source_detail == "dòng 2 của tệp danh-ba.csv"
    assert contacts.current_consent(existing).withdrawn_at is not None and not contacts.may_mail(existing)
    consent_required(office)
    assert not contacts.may_mail(binh) and contacts.may_mail(an)


# --- 21.2: the journalist's rights -------------------------------------------------------------------

@pytest.fixture
def history(app, app_env, office, admin):
    """A journalist with a bit of everything: invitations answered with a note, attendance, a question,
    mail the worker sent, a network offer; and a colleague who stays."""
    from coordinator.network import operations as network

    make = person
    subject, colleague = make(office, 1, network_sharing=True), make(office, 2)
    today = datetime.now(VN).date()
    past = domain.adhoc(office, [subject, colleague], start=datetime.combine(today - timedelta(days=20), time(9), VN),
                        title="Họp báo tháng trước")
    upcoming = domain.adhoc(office, [subject, colleague], start=datetime.now(VN) + timedelta(days=2),
                            title="Họp báo tuần tới")
    run_burst_worker(app_env)  # the invitations go out
    for target in (past, upcoming):
        sync_invitations(target_of(target))
    db.session.commit()
    invitation = db.session.scalar(select(Invitation).where(Invitation.briefing_id == upcoming.id,
                                                            Invitation.journalist_id == subject.id))
    set_rsvp(invitation, "accepted", source="portal", note="Tôi đi cùng quay phim Nguyễn Hùng")
    for who in (subject, colleague):
        attendance.check_in(past, who, method="staff")
    attendance.ask(past, subject, "Khi nào thông xe cầu Bãi Cháy?", source="staff")
    attendance.ask(past, colleague, "Giá vé tham quan vịnh?", source="staff")
    network.offer_contacts(db.session.get(Office, office.id), admin, journalist_ids=[subject.id])
    db.session.commit()
    return {"subject": subject, "colleague": colleague, "past": past, "upcoming": upcoming}


def test_export_holds_everything_about_them(app, office, history, client):
    subject = history["subject"]
    token = portal_token(subject)
    answer = client.get(f"/portal/{token}/data.json")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["contact"]["email"] == subject.email and data["contact"]["phone"] == subject.phone
    assert data["contact"]["full_name"] == "Trần Thị Mai 1"
    assert [c["basis"] for c in data["consent"]] == ["public_task"] and data["consent"][0]["network_sharing"]
    assert {i["title"] for i in data["invitations"]} == {"Họp báo tháng trước", "Họp báo tuần tới"}
    assert any(i["rsvp"] == "accepted" and i["rsvp_note"] == "Tôi đi cùng quay phim Nguyễn Hùng"
               for i in data["invitations"])
    assert [a["briefing"] for a in data["attendance"]] == ["Họp báo tháng trước"]
    assert [q["text"] for q in data["questions"]] == ["Khi nào thông xe cầu Bãi Cháy?"]
    assert data["mail"] and all(m["to"] == subject.email for m in data["mail"])
    (mail,) = data["mail"]  # the upcoming briefing's invitation (a past one is not mailed)
    assert mail["purpose"] == "invite" and "Họp báo tuần tới" in mail["subject"] and mail["state"] == "sent"
    assert data["network_shares"][0]["status"] == "active"
    assert data["outlet_history"][0]["outlet"] == "Báo Quảng Ninh"
    assert "Giá vé tham quan vịnh?" not in json.dumps(data, ensure_ascii=False)  # nobody else's data
    page = client.get(f"/portal/{token}/data").get_data(as_text=True)
    for needle in ("Khi nào thông xe cầu Bãi Cháy?", "Họp báo tháng trước", subject.email, "Tôi đi cùng quay phim"):
        assert needle in page
    assert not re.search(r">\d{4}-\d{2}-\d{2}<", page)  # days as people read them, not ISO
    assert re.search(r"<time>[^<]*\d{2}/\d{2}/\d{4}</time>", page)
    audited = list(db.session.scalars(select(AuditLog.data).where(AuditLog.action == "journalist.subject_access")))
    assert {d["format"] for d in audited} == {"json", "html"}


def test_corrections_are_checked_then_saved_and_audited(app, office, history, client):
    subject = history["subject"]
    token = portal_token(subject)
    assert client.get(f"/portal/{token}/data").status_code == 200
    csrf = ""  # CSRF is off in the tests
    bad = client.post(f"/portal/{token}/data/details", data={"csrf_token": csrf, "full_name": "Trần Thị Mai",
                                                              "phone": "12", "job_title": "x" * 121})
    assert bad.status_code == 422
    assert "Chức danh tối đa 120 ký tự." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert subject.full_name == "Trần Thị Mai 1"
    bad = client.post(f"/portal/{token}/data/details", data={"csrf_token": csrf, "full_name": "Trần Thị Mai",
                                                              "phone": "12", "job_title": "Phóng viên"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert (subject.full_name, subject.job_title) == ("Trần Thị Mai 1", None)  # nothing half-changed
    good = client.post(f"/portal/{token}/data/details", data={"csrf_token": csrf, "full_name": "Trần Thị Mai",
                                                               "phone": "0987 654 321", "job_title": "Phóng viên"})
    assert good.status_code == 302
    db.session.expire_all()
    assert (subject.full_name, subject.phone, subject.job_title) == ("Trần Thị Mai", "+84987654321", "Phóng viên")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "journalist.corrected"))
    assert entry.data["before"]["full_name"] == "Trần Thị Mai 1" and entry.actor_label == f"journalist #{subject.id}"


def _report_numbers(office_id: int) -> dict:
    today = datetime.now(VN).date()
    period = parse_period((today - timedelta(days=60)).isoformat(), today.isoformat(), "Asia/Ho_Chi_Minh")
    return {by: [{k: v for k, v in item.items() if k not in ("label", "key")}
                 for item in attendance_report(office_id, period, by=by)]
            for by in ("outlet", "briefing", "level", "journalist")} | {
        "questions": [{k: v for k, v in item.items() if k not in ("label", "key")}
                      for item in questions_report(office_id, period, by="briefing")]}


PERSONAL = {"Trần Thị Mai 1", "mai1@baoqn.vn", "+84912345671", "Khi nào thông xe cầu Bãi Cháy?",
            "Tôi đi cùng quay phim Nguyễn Hùng", "Xin xoá dữ liệu của tôi"}


def _row_values(row) -> list:
    return [getattr(row, column.key) for column in inspect(type(row)).mapper.column_attrs]


def _assert_nothing_personal(rows) -> None:
    for row in rows:
        for value in _row_values(row):
            text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
            assert not any(p in text for p in PERSONAL), (type(row).__name__, value)


def test_erasure_keeps_report_totals_and_leaves_no_personal_field(app, office, admin, history, client, auth):
    subject, colleague = history["subject"], history["colleague"]
    token = portal_token(subject)
    before = _report_numbers(office.id)
    assert client.get(f"/portal/{token}/data").status_code == 200
    csrf = ""  # CSRF is off in the tests
    client.post(f"/portal/{token}/data/erase", data={"csrf_token": csrf, "message": "Xin xoá dữ liệu của tôi"})
    client.post(f"/portal/{token}/data/erase", data={"csrf_token": csrf})  # asked twice: one request
    (request,) = db.session.scalars(select(DataRequest))
    assert request.status == "pending" and request.message == "Xin xoá dữ liệu của tôi"
    auth.login(admin.email)
    listing = client.get("/privacy/requests").get_data(as_text=True)
    assert "Trần Thị Mai 1" in listing and "Xin xoá dữ liệu của tôi" in listing
    mails = [p for p in Path(app.config["OUTBOX_DIR"]).rglob("*.eml") if subject.email in p.read_text(errors="ignore")]
    assert len(mails) == 1
    csrf = ""  # CSRF is off in the tests
    assert client.post(f"/privacy/requests/{request.id}/carry-out", data={"csrf_token": csrf}).status_code == 302
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == "done"
    assert _report_numbers(office.id) == before  # the same totals, the same per outlet, briefing, level...
    # Every column of every row about them: nothing personal left.
    rows = [db.session.get(Journalist, subject.id),
            *db.session.scalars(select(ConsentRecord).where(ConsentRecord.journalist_id == subject.id)),
            *db.session.scalars(select(Invitation).where(Invitation.journalist_id == subject.id)),
            *db.session.scalars(select(Attendance).where(Attendance.journalist_id == subject.id)),
            *db.session.scalars(select(Question).where(Question.journalist_id == subject.id)),
            *db.session.scalars(select(Delivery)), *db.session.scalars(select(Suppression)),
            *db.session.scalars(select(DataRequest)), *db.session.scalars(select(AuditLog))]
    _assert_nothing_personal(rows)
    erased = db.session.get(Journalist, subject.id)
    assert erased.erased_at is not None and erased.phone is None and erased.status == "archived"
    outbox_dir = Path(app.config["OUTBOX_DIR"])
    assert not [p for p in outbox_dir.rglob("*.eml") if "mai1@baoqn.vn" in p.read_text(errors="ignore")]
    # The colleague is untouched; the erased journalist's link is dead.
    assert colleague.full_name == "Trần Thị Mai 2" and colleague.email == "mai2@baoqn.vn"
    kept = db.session.scalar(select(Question.text).where(Question.journalist_id == colleague.id))
    assert kept == "Giá vé tham quan vịnh?"
    auth.logout()
    assert client.get(f"/portal/{token}/data").status_code == 302


def test_staff_refuse_with_a_reason(app, office, admin, auth, client):
    subject = person(office, 1)
    request = privacy.request_erasure(subject, "")
    db.session.commit()
    auth.login(admin.email)
    assert client.get("/privacy/requests").status_code == 200
    csrf = ""  # CSRF is off in the tests
    client.post(f"/privacy/requests/{request.id}/refuse", data={"csrf_token": csrf, "reason": "  "})
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).status == "pending"
    client.post(f"/privacy/requests/{request.id}/refuse", data={"csrf_token": csrf,
                                                               "reason": "Đang giải quyết khiếu nại của chính anh"})
    db.session.expire_all()
    row = db.session.get(DataRequest, request.id)
    assert (row.status, row.reason) == ("refused", "Đang giải quyết khiếu nại của chính anh")
    assert db.session.get(Journalist, subject.id).full_name == "Trần Thị Mai 1"


def test_another_office_cannot_see_or_carry_out_a_request(app, office, other_office, make_user, auth, client):
    subject = person(office, 1)
    request = privacy.request_erasure(subject, "xoá giúp")
    db.session.commit()
    auth.login(make_user(other_office, "admin", email="admin@other.gov.vn").email)
    assert "Trần Thị Mai 1" not in client.get("/privacy/requests").get_data(as_text=True)
    assert client.get("/privacy/requests").status_code == 200
    csrf = ""  # CSRF is off in the tests
    assert client.post(f"/privacy/requests/{request.id}/carry-out", data={"csrf_token": csrf}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Journalist, subject.id).erased_at is None


def test_retention_job_erases_only_the_inactive(app, office, clock):
    from jobs.privacy_jobs import retention

    old, active, fresh = person(office, 1), person(office, 2), person(office, 3)
    long_ago = datetime.now(VN) - timedelta(days=4 * 365)
    old.created_at = active.created_at = long_ago
    briefing = domain.adhoc(office, [active], start=datetime.now(VN) - timedelta(days=200), title="Năm nay")
    attendance.check_in(briefing, active, method="staff")
    db.session.commit()
    assert retention() == {"erased": 0}  # no period set: nobody
    privacy.update_settings(office, {"public_task": True, "purpose": "", "retention_years": "3"})
    db.session.commit()
    assert retention() == {"erased": 1}
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Journalist, old.id).erased_at is not None
    assert db.session.get(Journalist, active.id).erased_at is None
    assert db.session.get(Journalist, fresh.id).erased_at is None
    assert db.session.scalar(select(DataRequest.source).where(DataRequest.journalist_id == old.id)) == "retention"
    assert retention() == {"erased": 0}  # idempotent


def test_settings_refuse_bad_input_without_changing_anything(app, office, admin, auth, client):
    auth.login(admin.email)
    client.get("/privacy/requests").get_data(as_text=True)
    csrf = ""  # CSRF is off in the tests
    answer = client.post("/privacy/settings", data={"csrf_token": csrf, "purpose": "Mới", "retention_years": "0"})
    assert answer.status_code == 422 and "Số năm phải từ 1 đến 50" in answer.get_data(as_text=True)
    db.session.expire_all()
    office_row = db.session.get(Office, office.id)
    settings = (office_row.contacts_public_task, office_row.contacts_purpose, office_row.retention_years)
    assert settings == (True, None, None)


def test_the_api_takes_a_basis_and_refuses_a_bad_one_whole(app, office, api):
    outlet = domain.outlet(office)
    body = {"full_name": "Đỗ Văn Nam", "email": "nam@baoqn.vn", "outlet_id": outlet.id}
    bad = api.post("/api/v1/journalists", json={**body, "email": "nam@", "consent_basis": "whim",
                                                "network_sharing": "maybe"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"email", "consent_basis", "network_sharing"}
    assert db.session.scalar(select(Journalist).where(Journalist.full_name == "Đỗ Văn Nam")) is None
    made = api.post("/api/v1/journalists", json={**body, "consent_basis": "contract",
                                                 "consent_purpose": "Hợp đồng cộng tác", "network_sharing": True})
    assert made.status_code == 201
    consent = api.get(f"/api/v1/journalists/{made.get_json()['id']}").get_json()["consent"]
    assert (consent["basis"], consent["purpose"], consent["network_sharing"], consent["source"],
            consent["may_mail"]) == ("contract", "Hợp đồng cộng tác", True, "api", True)
