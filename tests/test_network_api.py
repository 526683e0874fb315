"""The network's permissions, pages and report: admins alone manage trust and shares, viewers only read,
the host never sees a point's contact details (pages, API, report), the report's numbers are exact, and
every network route answers 404 to an office it does not concern."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from coordinator.attendance import operations as attendance
from coordinator.extensions import db
from coordinator.network import operations as ops
from coordinator.schedule.models import Briefing
from tests.conftest import ApiClient
from tests.support import domain
from tests.support import network as net


@pytest.fixture
def held(app, office, admin, make_office, make_user):
    """A past multi-point briefing: Quảng Ninh hosts, Hải Phòng took part with its own journalists,
    attendance and coverage at both."""
    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng", sender_email="baochi@haiphong.gov.vn")
    hp_admin = make_user(hp, "admin", email="admin@haiphong.gov.vn")
    net.trust(hp, office)
    host_people = net.people(office, 2, prefix="qn", domain="baoquangninh.vn", outlet="Báo Quảng Ninh")
    hp_local = net.people(hp, 3, prefix="hp", domain="baohaiphong.vn", outlet="Báo Hải Phòng")
    hp_central = net.people(hp, 2, prefix="nd", domain="nhandan.vn", outlet="Báo Nhân Dân", level="central")
    start = datetime.now(UTC) - timedelta(hours=3)
    briefing = domain.adhoc(office, host_people, start=start, title="Hội nghị trực tuyến toàn quốc")
    point = ops.invite_point(briefing, hp.id, admin)
    db.session.commit()
    local = ops.accept_point(point, hp_admin, {"journalist_ids": [j.id for j in hp_local + hp_central]})
    db.session.commit()
    from coordinator.invitations.operations import sync_invitations, target_of

    sync_invitations(target_of(briefing))
    sync_invitations(target_of(local))
    db.session.commit()
    window = (timedelta(days=1), timedelta(days=1))
    for person in host_people[:1]:
        attendance.check_in(briefing, person, window=window)
    for person in hp_local[:2] + hp_central[:1]:
        attendance.check_in(local, person, window=window)
    db.session.commit()
    attendance.create_coverage(office.id, {"url": "https://baoquangninh.vn/hoi-nghi",
                                           "outlet_id": host_people[0].outlet_id, "briefing_id": briefing.id})
    attendance.create_coverage(hp.id, {"url": "https://nhandan.vn/hoi-nghi", "outlet_id": hp_central[0].outlet_id,
                                       "briefing_id": local.id})
    attendance.create_coverage(hp.id, {"url": "https://baohaiphong.vn/hoi-nghi", "outlet_id": hp_local[0].outlet_id,
                                       "briefing_id": local.id})
    db.session.commit()
    return {"hp": hp, "hp_admin": hp_admin, "briefing": briefing, "local": local, "point": point,
            "hp_people": hp_local + hp_central}


def test_report_numbers_per_point_and_level(app, api, held, auth, admin, client):
    items = api.get(f"/api/v1/reports/network?briefing_id={held['briefing'].id}").get_json()["items"]
    table = {(i["office"], i["level"]): (i["invited"], i["attended"], i["coverage"]) for i in items}
    assert table[("Văn phòng UBND tỉnh Quảng Ninh", "provincial")] == (2, 1, 1)
    assert table[("Văn phòng UBND TP Hải Phòng", "provincial")] == (3, 2, 1)
    assert table[("Văn phòng UBND TP Hải Phòng", "central")] == (2, 1, 1)
    assert table[("Văn phòng UBND TP Hải Phòng", "local")] == (0, 0, 0)
    day = held["briefing"].start.date()
    period = api.get(f"/api/v1/reports/network?from={day - timedelta(days=1)}&to={day + timedelta(days=1)}")
    assert period.get_json()["items"] == items
    assert api.get("/api/v1/reports/network?from=2001-13-01").status_code == 422
    points = api.get(f"/api/v1/briefings/{held['briefing'].id}/points").get_json()["items"]
    assert [(p["invited"], p["accepted"], p["attended"], p["coverage"]) for p in points] == [(5, 0, 3, 2)]
    auth.login(admin.email)
    page = client.get(f"/network/report?briefing_id={held['briefing'].id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in html and "3 / 2 / 1" in html and "Văn phòng UBND TP Hải Phòng" in html
    assert client.get("/network/report?from=2001-02-30").status_code == 422


def test_the_host_never_sees_a_points_contact_details(app, api, held, auth, admin, client):
    needles = []
    for person in held["hp_people"]:
        needles += [person.email, person.full_name, person.phone]
    answers = [api.get(f"/api/v1/briefings/{held['briefing'].id}/points"),
               api.get(f"/api/v1/reports/network?briefing_id={held['briefing'].id}"),
               api.get("/api/v1/network/offices")]
    auth.login(admin.email)
    answers += [client.get(f"/network/briefings/{held['briefing'].id}/points"),
                client.get(f"/schedule/briefings/{held['briefing'].id}"),
                client.get(f"/network/report?briefing_id={held['briefing'].id}"), client.get("/network")]
    for answer in answers:
        assert answer.status_code == 200, answer.request.path
        body = answer.get_data(as_text=True)
        for needle in needles:
            assert needle not in body, (answer.request.path, needle)
    assert "Văn phòng UBND TP Hải Phòng" in answers[3].get_data(as_text=True)


def test_point_pages_show_the_local_briefing(app, held, auth, client):
    auth.login(held["hp_admin"].email)
    page = client.get(f"/network/invitations/{held['point'].id}")
    assert page.status_code == 200 and f"/schedule/briefings/{held['local'].id}" in page.get_data(as_text=True)
    detail = client.get(f"/schedule/briefings/{held['local'].id}").get_data(as_text=True)
    assert "Văn phòng UBND tỉnh Quảng Ninh" in detail
    assert client.get("/network").status_code == 200


def test_permissions_trust_admin_only_viewer_reads(app, office, make_office, make_user, api_as, auth, client):
    hp = make_office("hai-phong", "Văn phòng UBND TP Hải Phòng")
    coordinator = api_as(make_user(office, "coordinator", email="dieuphoi@quangninh.gov.vn"))
    viewer_user = make_user(office, "viewer", email="xem@quangninh.gov.vn")
    viewer = api_as(viewer_user)
    admin_api = api_as(make_user(office, "admin", email="quantri@quangninh.gov.vn"))
    assert coordinator.post("/api/v1/network/trust", json={"office_id": hp.id}).status_code == 403
    assert viewer.post("/api/v1/network/trust", json={"office_id": hp.id}).status_code == 403
    created = admin_api.post("/api/v1/network/trust", json={"office_id": hp.id})
    assert created.status_code == 201 and created.get_json()["office"] == "Văn phòng UBND TP Hải Phòng"
    again = admin_api.post("/api/v1/network/trust", json={"office_id": hp.id})
    assert again.status_code == 422 and "office_id" in again.get_json()["error"]["fields"]
    assert admin_api.post("/api/v1/network/trust", json={"office_id": office.id}).status_code == 422
    assert viewer.get("/api/v1/network/trust").get_json()["total"] == 1
    assert coordinator.delete(f"/api/v1/network/trust/{created.get_json()['id']}").status_code == 403
    briefing = domain.adhoc(office, [])
    assert viewer.post(f"/api/v1/briefings/{briefing.id}/points", json={"office_id": hp.id}).status_code == 403
    assert viewer.get(f"/api/v1/briefings/{briefing.id}/points").status_code == 200
    # Pages: the viewer reads, cannot post; the coordinator cannot change trust.
    auth.login(viewer_user.email)
    for path in ("/network", "/network/trust", "/network/offers", "/network/directory", "/network/report",
                 f"/network/briefings/{briefing.id}/points"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Cho phép mời" not in page.get_data(as_text=True)
    assert client.post("/network/trust", data={"office_id": hp.id}).status_code == 403
    assert client.post(f"/network/briefings/{briefing.id}/points", data={"office_id": hp.id}).status_code == 403
    auth.logout()
    auth.login("dieuphoi@quangninh.gov.vn")
    assert client.post("/network/trust", data={"office_id": hp.id}).status_code == 403
    assert client.post(f"/network/trust/{created.get_json()['id']}/delete").status_code == 403


def test_pages_refuse_bad_input_next_to_the_field(app, office, admin, make_office, auth, client):
    make_office("thai-binh", "Văn phòng UBND tỉnh Thái Bình")
    briefing = domain.adhoc(office, [])
    auth.login(admin.email)
    tb = db.session.scalar(db.select(type(office)).where(type(office).slug == "thai-binh"))
    page = client.post(f"/network/briefings/{briefing.id}/points", data={"office_id": tb.id, "note": "Mời dự"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="office_id-error"' in html and "chưa cho phép" in html
    assert "Mời dự" in html  # input kept
    empty = client.post("/network/offers", data={})
    assert empty.status_code == 422 and 'id="journalist_ids-error"' in empty.get_data(as_text=True)
    trust = client.post("/network/trust", data={"office_id": tb.id}, follow_redirects=True)
    assert trust.status_code == 200 and "Văn phòng UBND tỉnh Thái Bình" in trust.get_data(as_text=True)


def test_every_network_route_answers_404_to_an_unconcerned_office(app, client, auth, admin, make_token, other_office,
                                                                   make_user):
    b_admin = make_user(other_office, "admin", email="admin@hanoi.gov.vn")
    ids = net.network_objects(other_office, b_admin)
    a_api = ApiClient(client, make_token(admin))
    auth.login(admin.email)
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        arguments = set(rule.arguments) & {"point_id", "offer_id", "trust_id"}
        if not arguments or set(rule.arguments) - arguments:
            continue
        path = rule.rule
        for argument in arguments:
            path = re.sub(rf"<(?:\w+:)?{argument}>", str(ids[argument]), path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if path.startswith("/api/"):
                answer = getattr(a_api, method.lower())(path)
            else:
                answer = client.open(path, method=method, data={})
            checked += 1
            if answer.status_code != 404:
                failures.append(f"{method} {path} -> {answer.status_code}")
    assert checked >= 10 and failures == []
    # Host briefing routes of another office: 404 too.
    host = db.session.scalar(db.select(Briefing).where(Briefing.office_id == other_office.id))
    assert a_api.get(f"/api/v1/briefings/{host.id}/points").status_code == 404
    assert client.get(f"/network/briefings/{host.id}/points").status_code == 404
    assert a_api.get(f"/api/v1/reports/network?briefing_id={host.id}").status_code == 404
    assert client.get(f"/network/report?briefing_id={host.id}").status_code == 404
