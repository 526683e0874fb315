"""Multi-point briefings end to end through real workers and the outbox mail backend: invitations to
points (trusted or refused), a point's local briefing in its schedule and calendar feed, its own invites
from its own sender, the host's move and cancel reaching the points' journalists, and the host's pack
reaching them through each point's distribution after the embargo, exactly once."""
from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from coordinator.contacts import operations as contacts
from coordinator.core.audit import AuditLog
from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.network.models import ConnectionPoint, NetworkPackCopy
from coordinator.packs.models import Pack, PackApproval
from coordinator.schedule.models import Briefing
from tests.support import domain
from tests.support import network as net
from tests.support import packs as files
from tests.support.processes import run_burst_worker


def mails(app, purpose: str | None = None) -> list:
    out = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml"), key=lambda p: p.stat().st_mtime):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if purpose is None or message["X-Coordinator-Purpose"] == purpose:
            out.append(message)
    return out


def to(message) -> str:
    return message["To"].addresses[0].addr_spec


def sender(message) -> str:
    return message["From"].addresses[0].addr_spec


def event_of(message):
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
    return event


@pytest.fixture
def net_setup(app, office, admin, make_office, make_user, api_as):
    """Quảng Ninh hosts; Hải Phòng and Bắc Ninh trust it; Thái Bình does not."""
    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng", sender_email="baochi@haiphong.gov.vn")
    bn = make_office("bac-ninh", "Văn phòng UBND tỉnh Bắc Ninh", sender_email="baochi@bacninh.gov.vn")
    tb = make_office("thai-binh", "Văn phòng UBND tỉnh Thái Bình", sender_email="baochi@thaibinh.gov.vn")
    net.trust(hp, office)
    net.trust(bn, office)
    host_people = net.people(office, 2, prefix="qn", domain="baoquangninh.vn", outlet="Báo Quảng Ninh")
    hp_people = net.people(hp, 3, prefix="hp", domain="baohaiphong.vn", outlet="Báo Hải Phòng")
    hp_list = contacts.create_list(hp.id, {"name": "Báo chí Hải Phòng", "member_ids": [j.id for j in hp_people]})
    db.session.commit()
    start = datetime.now(UTC) + timedelta(days=2)
    briefing = domain.adhoc(office, host_people, start=start, title="Hội nghị trực tuyến về truyền thông chính sách",
                            online_url="https://hop.quangninh.gov.vn/phong-1")
    return {"hp": hp, "bn": bn, "tb": tb, "host_people": host_people, "hp_people": hp_people, "hp_list": hp_list,
            "briefing": briefing, "host_api": api_as(admin),
            "hp_api": api_as(make_user(hp, "coordinator", email="dieuphoi@haiphong.gov.vn")),
            "bn_api": api_as(make_user(bn, "coordinator", email="dieuphoi@bacninh.gov.vn"))}


def _invite_and_answer(s) -> ConnectionPoint:
    briefing = s["briefing"]
    for point_office in (s["hp"], s["bn"]):
        answer = s["host_api"].post(f"/api/v1/briefings/{briefing.id}/points", json={"office_id": point_office.id})
        assert answer.status_code == 201, answer.get_json()
        assert answer.get_json()["status"] == "invited"
    invitations = s["hp_api"].get("/api/v1/network/invitations").get_json()["items"]
    (item,) = invitations
    assert item["title"] == "Hội nghị trực tuyến về truyền thông chính sách" and item["status"] == "invited"
    accepted = s["hp_api"].post(f"/api/v1/network/invitations/{item['id']}/accept",
                                json={"audience": {"list_ids": [s["hp_list"].id]},
                                      "venue": "Phòng họp trực tuyến UBND TP"})
    assert accepted.status_code == 200, accepted.get_json()
    (bn_item,) = s["bn_api"].get("/api/v1/network/invitations").get_json()["items"]
    declined = s["bn_api"].post(f"/api/v1/network/invitations/{bn_item['id']}/decline", json={"reason": "Trùng lịch"})
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    return db.session.get(ConnectionPoint, item["id"])


def test_points_invited_accept_decline_and_the_untrusted_is_refused(app, app_env, client, net_setup):
    s = net_setup
    refused = s["host_api"].post(f"/api/v1/briefings/{s['briefing'].id}/points", json={"office_id": s["tb"].id})
    assert refused.status_code == 422
    assert "chưa cho phép" in refused.get_json()["error"]["fields"]["office_id"]
    assert db.session.scalar(select(ConnectionPoint).where(ConnectionPoint.point_office_id == s["tb"].id)) is None

    point = _invite_and_answer(s)
    local = db.session.get(Briefing, point.local_briefing_id)
    assert local.office_id == s["hp"].id and local.start == s["briefing"].start and local.end == s["briefing"].end
    assert local.venue == "Phòng họp trực tuyến UBND TP" and local.online_url == "https://hop.quangninh.gov.vn/phong-1"
    run_burst_worker(app_env)
    invites = mails(app, "invite")
    hp_invites = [m for m in invites if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in hp_invites) == sorted(j.email for j in s["hp_people"])
    assert all(sender(m) == "baochi@haiphong.gov.vn" for m in hp_invites)
    host_invites = [m for m in invites if to(m).endswith("@baoquangninh.vn")]
    assert len(host_invites) == 2 and all(sender(m) == "baochi@quangninh.gov.vn" for m in host_invites)
    assert len(invites) == 5  # nobody at Bắc Ninh (declined), nobody twice

    # The point's schedule and public calendar feed show it; the point's API lists it.
    day = local.start.astimezone(ZoneInfo(s["hp"].timezone)).date()  # the API filters by the office's days
    listed = s["hp_api"].get(f"/api/v1/briefings?from={day}&to={day}").get_json()
    assert [item["id"] for item in listed["items"]] == [local.id]
    feed = client.get(f"/calendar/{s['hp'].slug}.ics")
    assert feed.status_code == 200 and "Hội nghị trực tuyến về truyền thông chính sách" in feed.get_data(as_text=True)

    # Host view: numbers per point, nothing about the point's journalists.
    points = s["host_api"].get(f"/api/v1/briefings/{s['briefing'].id}/points").get_json()
    by_office = {item["office"]: item for item in points["items"]}
    assert by_office["Văn phòng UBND TP Hải Phòng"]["status"] == "accepted"
    assert by_office["Văn phòng UBND TP Hải Phòng"]["invited"] == 3
    assert by_office["Văn phòng UBND tỉnh Bắc Ninh"]["status"] == "declined"
    assert points["total"] == 2
    # Audit in both offices.
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.target_type == "connection_point")))
    assert {"network.point_invited", "network.point_accepted", "network.point_declined"} <= actions


def test_host_moves_then_cancels_and_the_points_journalists_follow(app, app_env, net_setup):
    s = net_setup
    point = _invite_and_answer(s)
    run_burst_worker(app_env)
    before = len(mails(app))
    new_start = s["briefing"].start + timedelta(hours=2)
    moved = s["host_api"].patch(f"/api/v1/briefings/{s['briefing'].id}", json={"start": new_start.isoformat()})
    assert moved.status_code == 200, moved.get_json()
    run_burst_worker(app_env)
    db.session.expire_all()
    local = db.session.get(Briefing, point.local_briefing_id)
    assert local.start == new_start.replace(second=0, microsecond=0) and local.sequence == 1
    updates = [m for m in mails(app, "update") if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in updates) == sorted(j.email for j in s["hp_people"])
    for message in updates:
        assert sender(message) == "baochi@haiphong.gov.vn"
        event = event_of(message)
        assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == local.uid
        assert event["DTSTART"].dt.astimezone(UTC) == local.start
    assert len(mails(app)) == before + 5  # 2 host + 3 point updates, nothing else

    # A second run of the network job changes nothing and mails nobody.
    from jobs.network_jobs import host_briefing_changed

    host_briefing_changed(OutboxEvent(kind="network.host_briefing_changed", office_id=s["briefing"].office_id,
                                      payload={"briefing_id": s["briefing"].id}))
    run_burst_worker(app_env)
    assert len(mails(app)) == before + 5

    cancelled = s["host_api"].patch(f"/api/v1/briefings/{s['briefing'].id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    run_burst_worker(app_env)
    db.session.expire_all()
    assert db.session.get(Briefing, point.local_briefing_id).status == "cancelled"
    cancels = [m for m in mails(app, "cancel") if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in cancels) == sorted(j.email for j in s["hp_people"])
    assert all(str(event_of(m)["STATUS"]) == "CANCELLED" and sender(m) == "baochi@haiphong.gov.vn" for m in cancels)


def test_host_pack_reaches_the_points_journalists_after_the_embargo_once(app, app_env, office, make_user, net_setup):
    s = net_setup
    point = _invite_and_answer(s)
    run_burst_worker(app_env)
    author = make_user(office, "coordinator", email="soanthao@quangninh.gov.vn")
    approver = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    lift = datetime.now(UTC) + timedelta(hours=3)
    pack = files.approved_pack(office, author, approver, briefing=s["briefing"], embargo_until=lift.isoformat(),
                               files=[("Báo cáo.pdf", files.pdf())])
    run_burst_worker(app_env)
    assert mails(app, "pack") == []  # embargo: nobody, at the host or at the points
    assert db.session.scalar(select(NetworkPackCopy)) is None

    past = datetime.now(UTC) - timedelta(minutes=1)
    db.session.execute(update(Pack).where(Pack.id == pack.id).values(embargo_until=past))
    db.session.execute(update(OutboxEvent).where(OutboxEvent.kind == "pack.release_due").values(due_at=past))
    db.session.commit()
    run_burst_worker(app_env)
    run_burst_worker(app_env)
    db.session.expire_all()
    packs = mails(app, "pack")
    hp_mail = [m for m in packs if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in hp_mail) == sorted(j.email for j in s["hp_people"])
    assert all(sender(m) == "baochi@haiphong.gov.vn" for m in hp_mail)
    assert sorted(to(m) for m in packs if to(m).endswith("@baoquangninh.vn")) == sorted(
        j.email for j in s["host_people"])
    (copy,) = db.session.scalars(select(NetworkPackCopy))
    local_pack = db.session.get(Pack, copy.local_pack_id)
    assert local_pack.office_id == s["hp"].id and local_pack.briefing_id == point.local_briefing_id
    assert local_pack.status == "released" and local_pack.embargo_until == past.replace(microsecond=past.microsecond)
    assert [f.display_name for f in local_pack.files] == ["Báo cáo.pdf"]
    assert local_pack.files[0].storage_name.startswith("hai-phong/")
    (approval,) = db.session.scalars(select(PackApproval).where(PackApproval.pack_id == local_pack.id))
    assert "Văn phòng UBND tỉnh Quảng Ninh" in approval.user_label
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "pack.approved",
                                                     AuditLog.target_id == local_pack.id))
    assert audit.office_id == s["hp"].id and audit.data["approved_by_host_office"] == "Văn phòng UBND tỉnh Quảng Ninh"

    # The job run again (a retry) makes no second copy and no second mail.
    from jobs.network_jobs import host_pack_released

    host_pack_released(OutboxEvent(kind="network.host_pack_released", office_id=office.id,
                                   payload={"pack_id": pack.id}))
    db.session.add(OutboxEvent(kind="network.host_pack_released", office_id=office.id, payload={"pack_id": pack.id}))
    db.session.commit()
    from coordinator.core.events import sweep

    sweep(grace=False)
    run_burst_worker(app_env)
    assert len(db.session.scalars(select(NetworkPackCopy)).all()) == 1
    assert len(mails(app, "pack")) == len(packs)

    # A correction at the host reaches the point's recipients as a correction from the point.
    db.session.expire_all()
    host_pack = db.session.get(Pack, pack.id)
    correction = files.ops.update_pack(host_pack, author, {"summary": "Số liệu đã sửa"})
    db.session.commit()
    files.ops.submit(correction, author)
    db.session.commit()
    files.ops.approve(correction, approver)
    db.session.commit()
    run_burst_worker(app_env)
    run_burst_worker(app_env)
    corrections = [m for m in mails(app, "correction") if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in corrections) == sorted(j.email for j in s["hp_people"])
    assert all(sender(m) == "baochi@haiphong.gov.vn" for m in corrections)


def test_a_point_that_accepts_late_gets_packs_already_released(app, app_env, office, make_user, net_setup):
    s = net_setup
    author = make_user(office, "coordinator", email="soanthao@quangninh.gov.vn")
    approver = make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn")
    files.approved_pack(office, author, approver, briefing=s["briefing"])
    run_burst_worker(app_env)
    _invite_and_answer(s)
    run_burst_worker(app_env)
    run_burst_worker(app_env)
    hp_mail = [m for m in mails(app, "pack") if to(m).endswith("@baohaiphong.vn")]
    assert sorted(to(m) for m in hp_mail) == sorted(j.email for j in s["hp_people"])


def test_host_withdraws_a_point(app, app_env, net_setup):
    s = net_setup
    point = _invite_and_answer(s)
    run_burst_worker(app_env)
    answer = s["host_api"].post(f"/api/v1/network/points/{point.id}/withdraw")
    assert answer.status_code == 200 and answer.get_json()["status"] == "withdrawn"
    run_burst_worker(app_env)
    db.session.expire_all()
    assert db.session.get(Briefing, point.local_briefing_id).status == "cancelled"
    assert sorted(to(m) for m in mails(app, "cancel")) == sorted(j.email for j in s["hp_people"])


def test_invited_office_staff_hear_of_the_invitation_by_mail(app, app_env, net_setup, make_user):
    """The point office's admins and coordinators get one mail each, in their language, with the link to
    answer; its viewers and the host's staff get none; a repeat of the job sends nothing more."""
    s = net_setup
    hp_admin = make_user(s["hp"], "admin", email="admin@haiphong.gov.vn")
    hp_admin.locale = "en"
    make_user(s["hp"], "viewer", email="xem@haiphong.gov.vn")
    db.session.commit()
    answer = s["host_api"].post(f"/api/v1/briefings/{s['briefing'].id}/points", json={"office_id": s["hp"].id,
                                                                                      "note": "Xin bố trí phòng họp"})
    assert answer.status_code == 201, answer.get_json()
    run_burst_worker(app_env)
    sent = mails(app, "network_point")
    assert sorted(to(m) for m in sent) == ["admin@haiphong.gov.vn", "dieuphoi@haiphong.gov.vn"]
    assert {sender(m) for m in sent} == {"baochi@haiphong.gov.vn"}
    english = next(m for m in sent if to(m) == "admin@haiphong.gov.vn")
    vietnamese = next(m for m in sent if to(m) == "dieuphoi@haiphong.gov.vn")
    assert english["Subject"] == "Invitation to be a connection point: Hội nghị trực tuyến về truyền thông chính sách"
    assert vietnamese["Subject"].startswith("Lời mời làm điểm cầu: ")
    body = vietnamese.get_body(("plain",)).get_content()
    point_id = answer.get_json()["id"]
    assert f"/network/invitations/{point_id}" in body and "Xin bố trí phòng họp" in body
    assert "Văn phòng UBND tỉnh Quảng Ninh" in body
    # The job runs again (a retry after a crash): the per-message key keeps it to one mail each.
    db.session.execute(update(OutboxEvent).where(OutboxEvent.kind == "network.point_invited")
                       .values(processed_at=None, enqueued_at=None, locked_until=None))
    db.session.commit()
    run_burst_worker(app_env)
    assert len(mails(app, "network_point")) == 2
