"""Issue 25.5: two approvers cannot deadlock. The setting is refused when the office has too few approvers
(and the settings and pack pages warn when a later role change leaves too few); the pack page names who may
still approve and hides the buttons a person cannot use; the approvers are mailed once, after the commit, when
a pack is submitted, and find it on the dashboard."""
from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import select

from coordinator.core.events import OutboxEvent
from coordinator.extensions import db
from coordinator.packs import operations as ops
from coordinator.packs.models import Pack
from coordinator.users.models import User
from tests.support import packs as files
from tests.support.processes import run_burst_worker


def mails(app, purpose: str) -> list:
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["X-Coordinator-Purpose"] == purpose:
            found.append(message)
    return found


@pytest.fixture
def spokesperson(office, make_user):
    return make_user(office, "spokesperson", email="phatngon@quangninh.gov.vn", full_name="Lê Minh Phát")


def test_two_approvers_refused_when_the_office_has_too_few(client, auth, office, admin, spokesperson, make_user):
    auth.login(admin.email)
    # Admin + one spokesperson: a pack the admin submits could gather only one approval.
    refused = client.post("/packs/settings", data={"max_file_mb": "10", "two_approvers": "y", "follow_up_hours": "2"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "hai người duyệt" in page and "Hãy thêm người phát ngôn" in page
    db.session.expire_all()
    settings = ops.settings_for(office.id)
    assert settings.two_approvers is False and settings.max_file_bytes != 10 * 1024 * 1024  # nothing half-saved
    # A second spokesperson: accepted.
    second = make_user(office, "spokesperson", email="phatngon2@quangninh.gov.vn", full_name="Phạm Thu Hà")
    assert client.post("/packs/settings", data={"max_file_mb": "10", "two_approvers": "y",
                                                "follow_up_hours": "2"}).status_code == 302
    assert "approvers-shortfall" not in client.get("/packs/settings").get_data(as_text=True)
    # A later role change leaves too few: the settings page and a pack's page warn.
    db.session.get(User, second.id).role = "viewer"
    db.session.commit()
    warned = client.get("/packs/settings").get_data(as_text=True)
    assert 'id="approvers-shortfall"' in warned
    pack = files.make_pack(office, admin, title="Thông cáo quý IV")
    assert 'id="approvers-shortfall"' in client.get(f"/packs/{pack.id}").get_data(as_text=True)
    # Saving other settings still works while it is on.
    assert client.post("/packs/settings", data={"max_file_mb": "12", "two_approvers": "y",
                                                "follow_up_hours": "2"}).status_code == 302


def test_pack_page_names_who_may_approve_and_hides_what_one_cannot_use(client, auth, office, admin, spokesperson,
                                                                        make_user):
    make_user(office, "spokesperson", email="phatngon2@quangninh.gov.vn", full_name="Phạm Thu Hà")
    ops.update_settings(office.id, two_approvers=True)
    db.session.commit()
    pack = files.make_pack(office, admin, title="Thông cáo quý IV")
    auth.login(admin.email)
    assert client.post(f"/packs/{pack.id}/submit").status_code == 302
    own = client.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert f'action="/packs/{pack.id}/approve"' not in own  # the submitter may not approve: no button
    assert "không tự duyệt được" in own
    assert "Lê Minh Phát" in own and "Phạm Thu Hà" in own and "0/2" in own
    auth.logout()
    auth.login(spokesperson.email)
    theirs = client.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert f'action="/packs/{pack.id}/approve"' in theirs
    assert client.post(f"/packs/{pack.id}/approve").status_code == 302
    after = client.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert f'action="/packs/{pack.id}/approve"' not in after and "1/2" in after
    may = after.split('id="may-approve"')[1].split("</p>")[0]
    assert "Phạm Thu Hà" in may and "Lê Minh Phát" not in may and "Trần Quốc Việt" not in may


def test_approvers_are_mailed_once_after_commit_and_see_it_on_the_dashboard(app, app_env, client, auth, office,
                                                                            admin, spokesperson, make_user):
    coordinator = make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn")
    make_user(office, "viewer", email="xem@quangninh.gov.vn")
    pack = files.make_pack(office, coordinator, title="Thông cáo quý IV")
    auth.login(coordinator.email)
    assert client.post(f"/packs/{pack.id}/submit").status_code == 302
    events = [e for e in db.session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "pack.submitted"))]
    assert [e.payload for e in events] == [{"pack_id": pack.id, "round": 1}]
    assert mails(app, "pack_approval") == []  # nothing in the request: a worker sends it after the commit
    run_burst_worker(app_env)
    told = mails(app, "pack_approval")
    assert sorted(m["To"].addresses[0].addr_spec for m in told) == sorted([admin.email, spokesperson.email])
    body = told[0].get_body(("plain",)).get_content()
    assert "Thông cáo quý IV" in body and f"/packs/{pack.id}" in body
    assert "Tài liệu chờ duyệt: Thông cáo quý IV" in told[0]["Subject"]
    # The same event run again mails nobody twice.
    from jobs.packs import submitted

    assert submitted(pack.id, 1) == 2
    db.session.commit()
    assert len(mails(app, "pack_approval")) == 2
    # The dashboard lists it for those who may approve, not for the coordinator.
    assert "Gói tài liệu chờ duyệt" not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(spokesperson.email)
    dashboard = client.get("/").get_data(as_text=True)
    assert "Gói tài liệu chờ duyệt" in dashboard and f'href="/packs/{pack.id}"' in dashboard
    assert client.post(f"/packs/{pack.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pack, pack.id).status == "approved"
    assert f'href="/packs/{pack.id}"' not in client.get("/").get_data(as_text=True)
