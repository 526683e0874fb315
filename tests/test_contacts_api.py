"""``/api/v1`` contact endpoints: outlets, journalists, beats, lists, merge, audience, status/suppression."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from coordinator.contacts import operations as ops
from coordinator.contacts.audience import explain_audience, resolve_audience, validate_audience
from coordinator.contacts.models import Journalist
from coordinator.core import signals
from coordinator.core.audit import AuditLog
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from tests.fixtures.contacts.helpers import journalist, outlet

PAGE_KEYS = {"items", "total", "page", "per_page"}


@pytest.fixture
def qn(office):
    return outlet(office.id, "Báo Quảng Ninh", website="https://baoquangninh.vn")


def test_outlet_crud_and_validation(api, office, other_office):
    r = api.post("/api/v1/outlets", json={"name": "Đài PT-TH Quảng Ninh", "kind": "tv", "level": "provincial",
                                          "website": "https://www.qtv.vn"})
    assert r.status_code == 201, r.json
    outlet_id = r.json["id"]
    assert r.json["domains"] == ["qtv.vn"]
    assert api.get(f"/api/v1/outlets/{outlet_id}").json["name"] == "Đài PT-TH Quảng Ninh"

    r = api.post("/api/v1/outlets", json={"name": "X", "kind": "blog", "level": "galactic"})
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"kind", "level"}
    r = api.post("/api/v1/outlets", json={"name": "đài pt-th quảng ninh", "kind": "tv", "level": "provincial"})
    assert r.status_code == 422 and "name" in r.json["error"]["fields"]

    r = api.patch(f"/api/v1/outlets/{outlet_id}", json={"level": "local", "domains": ["qtv.vn", "m.qtv.vn"]})
    assert r.status_code == 200 and r.json["level"] == "local" and r.json["domains"] == ["qtv.vn", "m.qtv.vn"]

    listing = api.get("/api/v1/outlets?per_page=1&q=quang ninh")
    assert set(listing.json) == PAGE_KEYS and listing.json["total"] == 1

    foreign = outlet(other_office.id, "Báo Hà Nội Mới")
    assert api.get(f"/api/v1/outlets/{foreign.id}").status_code == 404
    assert api.patch(f"/api/v1/outlets/{foreign.id}", json={"level": "local"}).status_code == 404
    assert api.delete(f"/api/v1/outlets/{foreign.id}").status_code == 404

    assert api.delete(f"/api/v1/outlets/{outlet_id}").status_code == 204
    assert api.get(f"/api/v1/outlets/{outlet_id}").status_code == 404


def test_outlet_in_use_cannot_be_deleted(api, office, qn):
    journalist(office.id, qn)
    assert api.delete(f"/api/v1/outlets/{qn.id}").status_code == 409


def test_outlet_for_url(app, office, qn):
    other = outlet(office.id, "VnExpress", kind="online", level="central", domains=["vnexpress.net"])
    assert ops.outlet_for_url(office.id, "https://baoquangninh.vn/kinh-te/bai-1.html").id == qn.id
    assert ops.outlet_for_url(office.id, "https://www.baoquangninh.vn/x").id == qn.id
    assert ops.outlet_for_url(office.id, "https://kinhdoanh.vnexpress.net/tin").id == other.id
    assert ops.outlet_for_url(office.id, "https://notbaoquangninh.vn/") is None
    assert ops.outlet_for_url(office.id, "không phải url") is None


def test_journalist_create_get_patch_delete(api, office, qn):
    r = api.post("/api/v1/journalists", json={
        "full_name": "  Nguyễn   Thị Hạnh ", "email": "Hanh.Nguyen@BaoQuangNinh.vn", "outlet_id": qn.id,
        "phone": "0912 345 678", "beats": ["Kinh tế", "du lich"], "language": "vi"})
    assert r.status_code == 201, r.json
    body = r.json
    assert body["full_name"] == "Nguyễn Thị Hạnh"
    assert body["email"] == "hanh.nguyen@baoquangninh.vn"
    assert body["phone"] == "+84912345678"
    assert sorted(body["beats"]) == ["Kinh tế", "du lich"]
    assert body["status"] == "active" and body["outlet_history"][0]["outlet_id"] == qn.id
    jid = body["id"]

    dup = api.post("/api/v1/journalists", json={"full_name": "Ai đó", "email": "HANH.NGUYEN@baoquangninh.vn",
                                                "outlet_id": qn.id})
    assert dup.status_code == 422 and "email" in dup.json["error"]["fields"]

    bad = api.post("/api/v1/journalists", json={"full_name": "", "email": "không-phải-email", "outlet_id": 99999,
                                                "phone": "12", "language": "fr"})
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"full_name", "email", "outlet_id", "phone", "language"}

    r = api.patch(f"/api/v1/journalists/{jid}", json={"notes": "Thường trú Hạ Long", "beats": ["Y tế"]})
    assert r.status_code == 200 and r.json["beats"] == ["Y tế"] and r.json["notes"] == "Thường trú Hạ Long"

    assert api.delete(f"/api/v1/journalists/{jid}").status_code == 204
    assert api.get(f"/api/v1/journalists/{jid}").json["status"] == "archived"


def test_journalist_cross_office_is_404(api, office, other_office):
    foreign_outlet = outlet(other_office.id, "Báo Hà Nội Mới")
    foreign = journalist(other_office.id, foreign_outlet, "Trần Văn Nam")
    for call in (api.get, api.delete):
        assert call(f"/api/v1/journalists/{foreign.id}").status_code == 404
    assert api.patch(f"/api/v1/journalists/{foreign.id}", json={"notes": "x"}).status_code == 404
    assert api.get(f"/api/v1/journalists/{foreign.id}/vcard").status_code == 404
    # Another office's outlet cannot be used either.
    r = api.post("/api/v1/journalists", json={"full_name": "A", "email": "a@b.vn", "outlet_id": foreign_outlet.id})
    assert r.status_code == 422 and "outlet_id" in r.json["error"]["fields"]
    assert api.get("/api/v1/journalists").json["total"] == 0


def test_viewer_cannot_change(make_user, api_as, office, qn):
    viewer = api_as(make_user(office, "viewer"))
    assert viewer.get("/api/v1/journalists").status_code == 200
    assert viewer.post("/api/v1/outlets", json={"name": "X", "kind": "tv", "level": "local"}).status_code == 403
    r = viewer.post("/api/v1/journalists", json={"full_name": "A", "email": "a@b.vn", "outlet_id": qn.id})
    assert r.status_code == 403
    assert viewer.delete(f"/api/v1/outlets/{qn.id}").status_code == 403
    assert viewer.post("/api/v1/beats", json={"name": "Y tế"}).status_code == 403


def test_list_pagination_and_filters(api, office, qn):
    other = outlet(office.id, "VTV", kind="tv", level="central")
    for i in range(7):
        journalist(office.id, qn if i % 2 else other, f"Phóng viên Số {i}", email=f"pv{i}@example.vn",
                   beats=["Kinh tế"] if i < 3 else ["Du lịch"])
    r = api.get("/api/v1/journalists?per_page=3&page=2")
    assert set(r.json) == PAGE_KEYS
    assert r.json["total"] == 7 and r.json["page"] == 2 and r.json["per_page"] == 3 and len(r.json["items"]) == 3
    assert len(api.get("/api/v1/journalists?per_page=3&page=3").json["items"]) == 1
    assert api.get(f"/api/v1/journalists?outlet_id={other.id}").json["total"] == 4
    assert api.get("/api/v1/journalists?beat=kinh-te").json["total"] == 3
    assert api.get("/api/v1/journalists?beat=KINH TẾ").json["total"] == 3
    assert api.get("/api/v1/journalists?status=archived").json["total"] == 0
    assert api.get("/api/v1/journalists?status=nope").status_code == 422
    assert api.get("/api/v1/journalists?per_page=0").status_code == 422


@pytest.mark.parametrize("query", ["nguyen thi hanh", "NGUYỄN", "Nguyễn Thị Hạnh", "hạnh", "THI HANH",
                                   unicodedata.normalize("NFD", "Nguyễn Thị Hạnh"),
                                   unicodedata.normalize("NFC", "nguyễn thị hạnh"), "hanh.nguyen@"])
def test_search_is_insensitive_to_case_diacritics_and_normalisation(api, office, qn, query):
    target = journalist(office.id, qn, "Nguyễn Thị Hạnh", email="hanh.nguyen@baoquangninh.vn")
    journalist(office.id, qn, "Trần Đức Anh", email="anh.tran@baoquangninh.vn")
    r = api.get("/api/v1/journalists", query_string={"q": query})
    assert [item["id"] for item in r.json["items"]] == [target.id]


def test_search_stored_nfd_and_d_stroke(api, office, qn):
    stored = journalist(office.id, qn, unicodedata.normalize("NFD", "Đặng Văn Đức"), email="duc@x.vn")
    assert stored.full_name == "Đặng Văn Đức"  # stored NFC
    for query in ("dang van duc", "ĐẶNG", unicodedata.normalize("NFD", "đức")):
        assert api.get("/api/v1/journalists", query_string={"q": query}).json["total"] == 1


def test_search_ranks_names_above_email_domains(api, office, qn):
    """"nguyen thi" must not put someone at tainguyen.gov.vn first (issue 25): whole phrase in the name, then
    every word starting a name word, then words inside the name, then matches that need the address."""
    via_domain = journalist(office.id, qn, "Trần Văn Thịnh", email="thinh@tainguyen.gov.vn")
    inside = journalist(office.id, qn, "Hoàng Thiên Khuyến", email="khuyen.nguyen@x.vn")
    words = journalist(office.id, qn, "Thiều Nguyễn Lan", email="lan@x.vn")
    phrase = journalist(office.id, qn, "Trần Nguyễn Thị Mai", email="mai@x.vn")
    first = journalist(office.id, qn, "Nguyễn Thị Hoa", email="hoa@x.vn")
    r = api.get("/api/v1/journalists", query_string={"q": "nguyen thi"})
    assert [item["id"] for item in r.json["items"]] == [first.id, phrase.id, words.id, inside.id, via_domain.id]
    r = api.get("/api/v1/journalists", query_string={"q": "nguyen thi", "per_page": 2, "page": 2})
    assert [item["id"] for item in r.json["items"]] == [words.id, inside.id]


def test_search_escapes_like_wildcards(api, office, qn):
    journalist(office.id, qn, "Lê Văn Tám", email="tam@x.vn")
    assert api.get("/api/v1/journalists", query_string={"q": "%"}).json["total"] == 0
    assert api.get("/api/v1/journalists", query_string={"q": "_"}).json["total"] == 0


def test_status_change_suppresses_and_clears(api, office, qn):
    person = journalist(office.id, qn, email="bounce@x.vn")
    r = api.patch(f"/api/v1/journalists/{person.id}", json={"status": "bounced", "status_reason": "550 no such user"})
    assert r.status_code == 200 and r.json["status"] == "bounced" and r.json["status_changed_at"]
    row = db.session.scalar(select(Suppression).where(Suppression.email == "bounce@x.vn"))
    assert row is not None and row.reason == "bounced" and row.office_id == office.id
    api.patch(f"/api/v1/journalists/{person.id}", json={"status": "active"})
    db.session.expire_all()
    assert db.session.scalar(select(Suppression).where(Suppression.email == "bounce@x.vn")) is None
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == person.id)))
    assert {"journalist.created", "journalist.status_changed"} <= actions


def test_outlet_history_and_outlet_on(api, office, qn):
    vtv = outlet(office.id, "VTV8", kind="tv", level="central")
    person = journalist(office.id, qn, outlet_since="2024-01-01")
    r = api.patch(f"/api/v1/journalists/{person.id}", json={"outlet_id": vtv.id, "outlet_since": "2025-03-01"})
    assert r.status_code == 200
    history = r.json["outlet_history"]
    assert history == [
        {"outlet_id": qn.id, "outlet_name": qn.name, "valid_from": "2024-01-01", "valid_to": "2025-02-28"},
        {"outlet_id": vtv.id, "outlet_name": vtv.name, "valid_from": "2025-03-01", "valid_to": None}]
    db.session.expire_all()
    person = db.session.get(Journalist, person.id)
    assert ops.outlet_on(person, date(2024, 6, 1)) == qn.id
    assert ops.outlet_on(person, date(2025, 2, 28)) == qn.id
    assert ops.outlet_on(person, date(2025, 3, 1)) == vtv.id
    assert ops.outlet_on(person, date(2023, 1, 1)) == qn.id  # before the first period: first outlet


def test_merge_moves_history_lists_beats_and_runs_hooks(api, office, qn):
    vtv = outlet(office.id, "VTV8", kind="tv", level="central")
    keep = journalist(office.id, qn, "Nguyễn Thị Hạnh", email="hanh@a.vn", beats=["Kinh tế"])
    drop = journalist(office.id, vtv, "Nguyễn T. Hạnh", email="hanh@b.vn", beats=["Y tế"], phone="0912345678",
                      outlet_since="2020-01-01")
    dl = ops.create_list(office.id, {"name": "Báo chí tỉnh", "member_ids": [drop.id]})
    db.session.commit()
    calls = []
    def moved(keep, drop):
        calls.append((keep.id, drop.id))
    signals.journalists_merged.connect(moved)
    try:
        r = api.post("/api/v1/journalists/merge", json={"keep_id": keep.id, "drop_id": drop.id})
    finally:
        signals.journalists_merged.disconnect(moved)
    assert r.status_code == 200, r.json
    assert calls == [(keep.id, drop.id)]
    assert sorted(r.json["beats"]) == ["Kinh tế", "Y tế"]
    assert r.json["phone"] == "+84912345678"
    assert {h["outlet_id"] for h in r.json["outlet_history"]} == {qn.id, vtv.id}
    members = api.get(f"/api/v1/lists/{dl.id}").json["member_ids"]
    assert members == [keep.id]
    dropped = api.get(f"/api/v1/journalists/{drop.id}").json
    assert dropped["status"] == "archived" and dropped["merged_into_id"] == keep.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "journalist.merged")) is not None
    again = api.post("/api/v1/journalists/merge", json={"keep_id": keep.id, "drop_id": drop.id})
    assert again.status_code == 422
    assert api.post("/api/v1/journalists/merge", json={"keep_id": keep.id, "drop_id": keep.id}).status_code == 422
    assert api.post("/api/v1/journalists/merge", json={"keep_id": keep.id}).status_code == 422


def test_merge_cross_office_is_404(api, office, other_office, qn):
    keep = journalist(office.id, qn)
    foreign = journalist(other_office.id, outlet(other_office.id, "Báo Hà Nội Mới"), "Lạ")
    r = api.post("/api/v1/journalists/merge", json={"keep_id": keep.id, "drop_id": foreign.id})
    assert r.status_code == 404


def test_beats_endpoints(api, office, other_office, qn):
    r = api.post("/api/v1/beats", json={"name": "Văn hoá – Xã hội"})
    assert r.status_code == 201 and r.json["slug"] == "van-hoa-xa-hoi"
    assert api.post("/api/v1/beats", json={"name": "VĂN HOÁ - XÃ HỘI"}).status_code == 422
    assert api.post("/api/v1/beats", json={"name": ""}).status_code == 422
    journalist(office.id, qn, beats=["Văn hoá – Xã hội"])
    listing = api.get("/api/v1/beats").json
    assert set(listing) == PAGE_KEYS and listing["items"][0]["journalist_count"] == 1
    beat_id = r.json["id"]
    assert api.patch(f"/api/v1/beats/{beat_id}", json={"name": "Văn hoá"}).json["slug"] == "van-hoa"
    foreign = ops.create_beat(other_office.id, "Y tế")
    db.session.commit()
    assert api.patch(f"/api/v1/beats/{foreign.id}", json={"name": "x"}).status_code == 404
    assert api.delete(f"/api/v1/beats/{beat_id}").status_code == 204


def test_lists_with_rule_fixed_members_and_exclusions(api, office, other_office, qn):
    vtv = outlet(office.id, "VTV", kind="tv", level="central")
    a = journalist(office.id, qn, "Một", email="1@x.vn", beats=["Kinh tế"])
    b = journalist(office.id, qn, "Hai", email="2@x.vn", beats=["Kinh tế"])
    c = journalist(office.id, vtv, "Ba", email="3@x.vn", beats=["Kinh tế"])
    d = journalist(office.id, vtv, "Bốn", email="4@x.vn")
    e = journalist(office.id, vtv, "Năm", email="5@x.vn")
    ops.set_status(b, "bounced", "hộp thư đầy")
    ops.set_status(e, "unsubscribed")
    db.session.commit()
    r = api.post("/api/v1/lists", json={"name": "Kinh tế cấp tỉnh",
                                        "rule": {"beats": ["kinh te"], "levels": ["provincial"]},
                                        "member_ids": [d.id, e.id]})
    assert r.status_code == 201, r.json
    list_id = r.json["id"]
    assert r.json["member_ids"] == [d.id, e.id]
    members = api.get(f"/api/v1/lists/{list_id}/members").json
    assert set(PAGE_KEYS) <= set(members)
    by_id = {m["journalist"]["id"]: m for m in members["items"]}
    assert set(by_id) == {a.id, b.id, d.id, e.id}  # c is central: not matched by the rule
    assert by_id[a.id]["included"] and by_id[a.id]["source"] == "rule"
    assert by_id[b.id]["excluded_reason"] == "bounced"
    assert by_id[e.id]["excluded_reason"] == "unsubscribed" and by_id[e.id]["source"] == "fixed"
    assert members["included"] == 2 and members["excluded"] == 2

    assert api.post(f"/api/v1/lists/{list_id}/members", json={"journalist_ids": [c.id]}).json["member_ids"] == \
        sorted([c.id, d.id, e.id])
    assert api.delete(f"/api/v1/lists/{list_id}/members/{c.id}").status_code == 204
    assert api.delete(f"/api/v1/lists/{list_id}/members/{c.id}").status_code == 404

    bad = api.post("/api/v1/lists", json={"name": "X", "rule": {"levels": ["planet"]}})
    assert bad.status_code == 422 and "rule" in bad.json["error"]["fields"]
    foreign = journalist(other_office.id, outlet(other_office.id, "Báo Hà Nội Mới"), "Lạ")
    bad = api.post("/api/v1/lists", json={"name": "Y", "member_ids": [foreign.id]})
    assert bad.status_code == 422 and "member_ids" in bad.json["error"]["fields"]
    assert api.post(f"/api/v1/lists/{list_id}/members", json={"journalist_ids": [foreign.id]}).status_code == 404
    assert api.patch(f"/api/v1/lists/{list_id}", json={"name": "Đổi tên"}).json["name"] == "Đổi tên"
    assert set(api.get("/api/v1/lists").json) == PAGE_KEYS
    assert api.delete(f"/api/v1/lists/{list_id}").status_code == 204
    assert api.get(f"/api/v1/lists/{list_id}").status_code == 404


def test_audience_functions(app, office, other_office, qn):
    vtv = outlet(office.id, "VTV", kind="tv", level="central")
    a = journalist(office.id, qn, "Một", email="1@x.vn", beats=["Y tế"])
    b = journalist(office.id, vtv, "Hai", email="2@x.vn")
    c = journalist(office.id, vtv, "Ba", email="3@x.vn")
    archived = journalist(office.id, qn, "Bốn", email="4@x.vn", beats=["Y tế"])
    ops.archive_journalist(archived)
    dl = ops.create_list(office.id, {"name": "L", "member_ids": [c.id]})
    db.session.commit()
    audience = validate_audience(office.id, {"beats": ["Y TẾ"], "outlet_ids": [str(vtv.id)], "list_ids": [dl.id]})
    assert audience == {"list_ids": [dl.id], "beats": ["y-te"], "outlet_ids": [vtv.id], "journalist_ids": []}
    assert [j.id for j in resolve_audience(office.id, audience)] == [a.id, b.id, c.id]
    included, excluded = explain_audience(office.id, audience)
    assert [j.id for j in included] == [a.id, b.id, c.id]
    assert [(j.id, reason) for j, reason in excluded] == [(archived.id, "archived")]
    assert validate_audience(office.id, None) == {"list_ids": [], "beats": [], "outlet_ids": [], "journalist_ids": []}
    foreign = journalist(other_office.id, outlet(other_office.id, "Báo Hà Nội Mới"), "Lạ")
    for bad in ({"journalist_ids": [foreign.id]}, {"beats": ["Không có"]}, {"list_ids": "1"}, {"colour": []},
                {"outlet_ids": [True]}, ["list"]):
        with pytest.raises(ValidationError) as info:
            validate_audience(office.id, bad)
        assert "audience" in info.value.fields


def test_audience_resolve_endpoint(api, office, qn):
    person = journalist(office.id, qn, beats=["Giáo dục"])
    r = api.post("/api/v1/audience/resolve", json={"beats": ["giao duc"]})
    assert r.status_code == 200 and [j["id"] for j in r.json["included"]] == [person.id]
    assert api.post("/api/v1/audience/resolve", json={"journalist_ids": [999]}).status_code == 422


def test_vcard(api, office, qn):
    person = journalist(office.id, qn, "Nguyễn Thị Hạnh", email="hanh@x.vn", phone="0912345678",
                        beats=["Kinh tế", "Du lịch"], notes="Dòng 1; có dấu, phẩy")
    r = api.get(f"/api/v1/journalists/{person.id}/vcard")
    assert r.status_code == 200 and r.mimetype == "text/vcard"
    text = r.get_data(as_text=True)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Nguyễn Thị Hạnh" in text and "N:Nguyễn;Hạnh;Thị;;" in text
    assert "TEL;TYPE=CELL:+84912345678" in text and "ORG:Báo Quảng Ninh" in text
    assert "NOTE:Dòng 1\\; có dấu\\, phẩy" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_openapi_describes_contact_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/outlets", "/outlets/{outlet_id}", "/journalists", "/journalists/{journalist_id}",
                 "/journalists/import", "/journalists/export", "/journalists/imports/{import_id}", "/beats",
                 "/lists", "/lists/{list_id}/members", "/journalists/merge"):
        assert path in paths, path
