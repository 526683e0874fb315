"""Shared contacts: an office offers outlets and journalists to the network (or to chosen offices),
another adopts them (duplicates by email linked, not copied), a bounce or unsubscribe anywhere reaches
every linked copy through a real worker, a withdrawn offer stops new adoptions but keeps copies."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coordinator.contacts.models import Journalist, Outlet
from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from coordinator.mail.webhooks import suppress
from coordinator.network.models import ContactLink
from tests.support import network as net
from tests.support.processes import run_burst_worker


@pytest.fixture
def shared(app, office, admin, make_office, make_user, api_as):
    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng", sender_email="baochi@haiphong.gov.vn")
    bn = make_office("bac-ninh", "Văn phòng UBND tỉnh Bắc Ninh", sender_email="baochi@bacninh.gov.vn")
    central = net.people(office, 2, prefix="ttx", domain="vnanet.vn", outlet="Thông tấn xã Việt Nam",
                         level="central", kind="news_agency")
    return {"hp": hp, "bn": bn, "central": central, "qn_api": api_as(admin),
            "hp_api": api_as(make_user(hp, "coordinator", email="dieuphoi@haiphong.gov.vn")),
            "bn_api": api_as(make_user(bn, "admin", email="admin@bacninh.gov.vn")),
            "qn_coordinator": api_as(make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn"))}


def test_offer_directory_adopt_and_duplicates_by_email(app, office, shared):
    s = shared
    reporter = s["central"][0]
    offered = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [reporter.id], "note": "Thường trú",
                                                               "audience": "all"})
    assert offered.status_code == 201, offered.get_json()
    (offer,) = offered.get_json()["items"]
    assert offer["full_name"] == reporter.full_name and offer["level"] == "central"
    # Only admins share.
    refused = s["qn_coordinator"].post("/api/v1/network/offers", json={"journalist_ids": [s["central"][1].id]})
    assert refused.status_code == 403

    directory = s["hp_api"].get("/api/v1/network/directory").get_json()
    (item,) = directory["items"]
    assert item["office"] == "Văn phòng UBND tỉnh Quảng Ninh" and item["outlet"] == "Thông tấn xã Việt Nam"
    assert "email" not in item and "phone" not in item
    adopted = s["hp_api"].post(f"/api/v1/network/directory/{item['id']}/adopt")
    assert adopted.status_code == 201, adopted.get_json()
    copy = db.session.get(Journalist, adopted.get_json()["journalist_id"])
    assert copy.office_id == s["hp"].id and copy.email == reporter.email and copy.full_name == reporter.full_name
    assert copy.outlet.name == "Thông tấn xã Việt Nam" and copy.outlet.level == "central"
    assert s["hp_api"].post(f"/api/v1/network/directory/{item['id']}/adopt").status_code == 409
    assert s["hp_api"].get("/api/v1/network/directory").get_json()["items"][0]["adopted"] is True

    # Bắc Ninh already has this reporter (same email): linked, not duplicated.
    outlet = Outlet(office_id=s["bn"].id, name="TTXVN", name_folded="ttxvn", kind="news_agency", level="central",
                    domains=[])
    db.session.add(outlet)
    db.session.flush()
    mine = Journalist(office_id=s["bn"].id, full_name="Phạm Đức", full_name_folded="pham duc", email=reporter.email,
                      outlet_id=outlet.id, status="active")
    db.session.add(mine)
    db.session.commit()
    linked = s["bn_api"].post(f"/api/v1/network/directory/{item['id']}/adopt")
    assert linked.status_code == 201 and linked.get_json()["journalist_id"] == mine.id
    assert db.session.scalar(select(db.func.count()).select_from(Journalist).where(
        Journalist.office_id == s["bn"].id, Journalist.email == reporter.email)) == 1
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "network.contact_adopted",
                                                    AuditLog.office_id == s["bn"].id)).data["linked_existing"]

    # Withdrawn: gone from the directory, no new adoption, existing copies stay.
    withdrawn = s["qn_api"].post(f"/api/v1/network/offers/{item['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert s["hp_api"].get("/api/v1/network/directory").get_json()["items"] == []
    assert s["hp_api"].post(f"/api/v1/network/directory/{item['id']}/adopt").status_code == 404
    db.session.expire_all()
    assert db.session.get(Journalist, copy.id) is not None


def test_offer_to_chosen_offices_only(app, office, shared):
    s = shared
    offered = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [s["central"][0].id],
                                                               "office_ids": [s["bn"].id]})
    assert offered.status_code == 201
    offer_id = offered.get_json()["items"][0]["id"]
    assert s["hp_api"].get("/api/v1/network/directory").get_json()["items"] == []
    assert s["hp_api"].post(f"/api/v1/network/directory/{offer_id}/adopt").status_code == 404
    assert [i["id"] for i in s["bn_api"].get("/api/v1/network/directory").get_json()["items"]] == [offer_id]
    # An outlet alone can be shared and adopted too.
    outlet_offer = s["qn_api"].post("/api/v1/network/offers", json={"outlet_ids": [s["central"][0].outlet_id],
                                                                    "audience": "all"})
    (item,) = outlet_offer.get_json()["items"]
    adopted = s["hp_api"].post(f"/api/v1/network/directory/{item['id']}/adopt").get_json()
    assert adopted["journalist_id"] is None and db.session.get(Outlet, adopted["outlet_id"]).office_id == s["hp"].id
    bad = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [], "outlet_ids": []})
    assert bad.status_code == 422 and "journalist_ids" in bad.get_json()["error"]["fields"]


def test_a_bounce_in_one_office_suppresses_every_linked_copy(app, app_env, office, shared):
    s = shared
    reporter = s["central"][0]
    (offer,) = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [reporter.id],
                                                                  "audience": "all"}).get_json()["items"]
    hp_copy = s["hp_api"].post(f"/api/v1/network/directory/{offer['id']}/adopt").get_json()["journalist_id"]
    bn_copy = s["bn_api"].post(f"/api/v1/network/directory/{offer['id']}/adopt").get_json()["journalist_id"]
    # The provider reports a hard bounce on a mail Hải Phòng sent.
    suppress(s["hp"].id, reporter.email, "bounced", "550 mailbox unavailable")
    db.session.commit()
    run_burst_worker(app_env)
    db.session.expire_all()
    for journalist_id, office_id in ((hp_copy, s["hp"].id), (reporter.id, office.id), (bn_copy, s["bn"].id)):
        person = db.session.get(Journalist, journalist_id)
        assert person.status == "bounced", (office_id, person.status)
        assert db.session.scalar(select(Suppression).where(Suppression.office_id == office_id,
                                                           Suppression.email == reporter.email)) is not None
    logged = db.session.scalars(select(AuditLog.office_id).where(AuditLog.action == "network.contact_suppressed"))
    assert sorted(logged) == sorted([office.id, s["bn"].id])


def test_unsubscribe_at_the_origin_reaches_copies_and_a_late_adoption_starts_suppressed(app, app_env, office, shared):
    from coordinator.contacts import operations as contacts

    s = shared
    reporter = s["central"][1]
    (offer,) = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [reporter.id],
                                                                  "audience": "all"}).get_json()["items"]
    hp_copy = s["hp_api"].post(f"/api/v1/network/directory/{offer['id']}/adopt").get_json()["journalist_id"]
    contacts.set_status(db.session.get(Journalist, reporter.id), "unsubscribed", "tự huỷ đăng ký")
    db.session.commit()
    run_burst_worker(app_env)
    db.session.expire_all()
    assert db.session.get(Journalist, hp_copy).status == "unsubscribed"
    late = s["bn_api"].post(f"/api/v1/network/directory/{offer['id']}/adopt").get_json()["journalist_id"]
    assert db.session.get(Journalist, late).status == "unsubscribed"
    assert db.session.scalar(select(ContactLink).where(ContactLink.local_journalist_id == late)) is not None


def test_share_and_adopt_through_the_pages_with_badges(app, office, admin, shared, make_user, auth, client):
    s = shared
    reporter = s["central"][0]
    auth.login(admin.email)
    shared_page = client.post("/network/offers", data={"journalist_ids": [reporter.id], "note": "Thường trú",
                                                       "audience": "all"},
                              follow_redirects=True)
    assert shared_page.status_code == 200 and "Đã chia sẻ 1 mục với mạng lưới." in shared_page.get_data(as_text=True)
    assert "Đã chia sẻ với mạng lưới" in client.get(f"/contacts/journalists/{reporter.id}").get_data(as_text=True)
    auth.logout()
    hp_admin = make_user(s["hp"], "admin", email="admin@haiphong.gov.vn")
    auth.login(hp_admin.email)
    directory = client.get("/network/directory").get_data(as_text=True)
    assert reporter.full_name in directory and reporter.email not in directory
    offer_id = s["hp_api"].get("/api/v1/network/directory").get_json()["items"][0]["id"]
    adopted = client.post(f"/network/directory/{offer_id}/adopt", follow_redirects=True)
    html = adopted.get_data(as_text=True)
    assert adopted.status_code == 200 and "Từ mạng lưới: Văn phòng UBND tỉnh Quảng Ninh" in html
    assert reporter.email in html  # now the office's own contact
    outlets = client.get("/contacts/outlets").get_data(as_text=True)
    assert "Thông tấn xã Việt Nam" in outlets and "Từ mạng lưới" in outlets
    assert "Đã có trong danh bạ" in client.get("/network/directory").get_data(as_text=True)


def test_an_offer_goes_to_the_trusted_offices_unless_all_is_chosen(app, office, admin, shared):
    """Issue 26.6: no office chosen no longer means every office: the default is the offices this one trusts;
    every office, trusted or not, only when asked for."""
    from coordinator.network import operations as ops
    from coordinator.network.models import ContactOffer

    s = shared
    ops.add_trust(office, s["bn"].id, admin)  # Quảng Ninh trusts Bắc Ninh, not Hải Phòng
    db.session.commit()
    offered = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [s["central"][0].id]})
    assert offered.status_code == 201, offered.get_json()
    (offer,) = offered.get_json()["items"]
    assert offer["audience"] == "trusted" and offer["office_ids"] == []
    assert s["hp_api"].get("/api/v1/network/directory").get_json()["items"] == []
    assert s["hp_api"].post(f"/api/v1/network/directory/{offer['id']}/adopt").status_code == 404
    assert [i["id"] for i in s["bn_api"].get("/api/v1/network/directory").get_json()["items"]] == [offer["id"]]

    # Bad choices are refused, nothing written.
    before = db.session.scalar(select(db.func.count()).select_from(ContactOffer))
    for body, field in (({"audience": "everyone"}, "audience"), ({"audience": "chosen"}, "office_ids"),
                        ({"audience": "all", "office_ids": [s["bn"].id]}, "office_ids")):
        bad = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [s["central"][1].id], **body})
        assert bad.status_code == 422 and field in bad.get_json()["error"]["fields"], (body, bad.get_json())
    assert db.session.scalar(select(db.func.count()).select_from(ContactOffer)) == before

    everyone = s["qn_api"].post("/api/v1/network/offers", json={"journalist_ids": [s["central"][1].id],
                                                                "audience": "all"})
    assert everyone.status_code == 201 and everyone.get_json()["items"][0]["audience"] == "all"
    assert [i["full_name"] for i in s["hp_api"].get("/api/v1/network/directory").get_json()["items"]] == [
        s["central"][1].full_name]


def test_the_share_form_defaults_to_trusted_offices_and_warns_about_all(app, office, admin, shared, auth, client):
    from coordinator.network.models import ContactOffer

    s = shared
    auth.login(admin.email)
    html = client.get("/network/offers").get_data(as_text=True)
    (checked,) = [tag for tag in re.findall(r'<input[^>]*name="audience"[^>]*>', html) if "checked" in tag]
    assert 'value="trusted"' in checked
    assert "Cảnh báo: “Tất cả các văn phòng”" in html
    page = client.post("/network/offers", data={"journalist_ids": [s["central"][0].id]}, follow_redirects=True)
    assert page.status_code == 200
    first = db.session.scalar(select(ContactOffer).where(ContactOffer.journalist_id == s["central"][0].id))
    assert first.audience == "trusted"
    client.post("/network/offers", data={"journalist_ids": [s["central"][1].id], "audience": "all"})
    second = db.session.scalar(select(ContactOffer).where(ContactOffer.journalist_id == s["central"][1].id))
    assert second.audience == "all"
    assert "Tất cả các văn phòng" in client.get("/network/offers").get_data(as_text=True)
