"""Coverage: one by one or pasted; the outlet matched from the URL's domain; normalised, unique URLs;
bad URLs refuse the whole paste and write nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordinator.attendance.models import Coverage
from coordinator.attendance.operations import normalise_url
from coordinator.contacts import operations as contacts
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from tests.support import domain
from tests.support.attendance import briefing_with_invitations, now_minus


def coverage_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Coverage.id)))


@pytest.fixture
def outlets(office):
    paper = domain.outlet(office)  # baoquangninh.vn
    contacts.update_outlet(paper, {"domains": "baoquangninh.vn"})
    tv = contacts.create_outlet(office.id, {"name": "QTV", "kind": "tv", "level": "provincial",
                                            "website": "https://qtv.vn", "domains": "qtv.vn"})
    db.session.commit()
    return paper, tv


def test_normalise_url():
    assert normalise_url("HTTP://WWW.BaoQuangNinh.vn/tin-tuc/abc/?utm_source=zalo&id=3#top") == \
        "https://www.baoquangninh.vn/tin-tuc/abc?id=3"
    assert normalise_url("qtv.vn/video/1") == "https://qtv.vn/video/1"
    for bad in ("", "not a url", "ftp://x.vn/a", "javascript:alert(1)", "http://localhost/x", "https://"):
        with pytest.raises(ValidationError):
            normalise_url(bad)


def test_api_create_matches_outlet_and_refuses_duplicates(api, office, outlets):
    paper, tv = outlets
    past = briefing_with_invitations(office, domain.journalists(office, 1), start=now_minus(60 * 24))
    created = api.post("/api/v1/coverage", json={"url": "https://baoquangninh.vn/bai-1.html?utm_medium=x",
                                                 "briefing_id": past.id, "tone": "positive",
                                                 "title": "Quảng Ninh thu hút đầu tư"})
    assert created.status_code == 201, created.json
    assert created.json["outlet_id"] == paper.id and created.json["url"] == "https://baoquangninh.vn/bai-1.html"
    assert created.json["published_on"] == past.start.astimezone(domain.VN).date().isoformat()
    duplicate = api.post("/api/v1/coverage", json={"url": "http://baoquangninh.vn/bai-1.html/"})
    assert duplicate.status_code == 422 and "url" in duplicate.json["error"]["fields"]
    unknown = api.post("/api/v1/coverage", json={"url": "https://unknown-site.vn/a"})
    assert unknown.status_code == 422 and "outlet_id" in unknown.json["error"]["fields"]
    for body in ({"url": "không phải đường dẫn"}, {"url": "https://qtv.vn/x", "tone": "angry"},
                 {"url": "https://qtv.vn/y", "published_on": "31/12/2001"},
                 {"url": "https://qtv.vn/z", "briefing_id": 999999}):
        assert api.post("/api/v1/coverage", json=body).status_code == 422
    assert coverage_count() == 1
    cid = created.json["id"]
    assert api.patch(f"/api/v1/coverage/{cid}", json={"tone": "negative"}).json["tone"] == "negative"
    assert api.get("/api/v1/coverage").json["total"] == 1
    assert api.delete(f"/api/v1/coverage/{cid}").status_code == 204
    assert coverage_count() == 0


def test_api_paste(api, office, outlets):
    paper, tv = outlets
    text = "https://baoquangninh.vn/a.html\n\n  https://www.qtv.vn/b  \nhttps://tuoitre.vn/c\nhttps://baoquangninh.vn/a.html\n"
    dry = api.post("/api/v1/coverage/paste", json={"text": text, "dry_run": True})
    assert dry.status_code == 200 and dry.json["created"] == [] and coverage_count() == 0
    result = api.post("/api/v1/coverage/paste", json={"text": text, "tone": "neutral"}).json
    assert sorted(c["outlet_id"] for c in result["created"]) == sorted([paper.id, tv.id])
    assert [u["url"] for u in result["unmatched"]] == ["https://tuoitre.vn/c"]
    assert len(result["duplicates"]) == 1
    chosen = api.post("/api/v1/coverage/paste", json={"text": "https://tuoitre.vn/c",
                                                      "outlets": {"https://tuoitre.vn/c": paper.id}}).json
    assert len(chosen["created"]) == 1
    assert coverage_count() == 3
    bad = api.post("/api/v1/coverage/paste", json={"text": "https://qtv.vn/new\nđây không phải URL"})
    assert bad.status_code == 422 and "Dòng 2" in bad.json["error"]["message"]
    assert coverage_count() == 3


def test_paste_page_preview_then_save(client, auth, admin, office, outlets):
    paper, tv = outlets
    auth.login(admin.email)
    text = "https://baoquangninh.vn/x.html\nhttps://vnexpress.net/y.html"
    preview = client.post("/attendance/coverage/paste", data={"paste-text": text, "paste-tone": "positive",
                                                              "paste-kind": "article", "paste-briefing_id": "0"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Kiểm tra trước khi lưu" in html and "Chưa rõ cơ quan" in html
    assert coverage_count() == 0
    saved = client.post("/attendance/coverage/paste", data={
        "paste-text": text, "paste-tone": "positive", "paste-kind": "article", "paste-briefing_id": "0",
        "confirm": "1", "url-1": "https://baoquangninh.vn/x.html", "outlet-1": str(paper.id),
        "url-2": "https://vnexpress.net/y.html", "outlet-2": str(tv.id)})
    assert saved.status_code == 302
    assert coverage_count() == 2
    bad = client.post("/attendance/coverage/paste", data={"paste-text": "rác", "paste-tone": "positive",
                                                          "paste-kind": "article", "paste-briefing_id": "0"})
    assert bad.status_code == 422 and "Dòng 1" in bad.get_data(as_text=True)
    one = client.post("/attendance/coverage", data={"one-url": "nonsense", "one-outlet_id": "0",
                                                    "one-briefing_id": "0", "one-tone": "neutral",
                                                    "one-kind": "article"})
    assert one.status_code == 422 and "Đường dẫn không hợp lệ" in one.get_data(as_text=True)
    assert coverage_count() == 2
    listing = client.get("/attendance/coverage").get_data(as_text=True)
    assert "baoquangninh.vn/x.html" in listing
