"""The review queue: confirm (exactly one coverage record, however often), reject, re-assign, bulk
actions, learning from decisions, the reports using confirmed coverage; pages and API."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.attendance import operations as attendance
from coordinator.attendance import reports
from coordinator.attendance.models import Coverage
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import FeedItem, MatchProposal, PhraseWeight
from tests.support import domain

TITLE = "Họp báo công bố kế hoạch khởi công tuyến cao tốc Hải Giang – Bắc Sơn"


@pytest.fixture
def setup(app, office):
    people = domain.journalists(office, 1)
    outlet = people[0].outlet  # the journalist who attends works for the outlet whose article is found
    start = datetime.now(UTC) - timedelta(days=1)
    briefing = domain.adhoc(office, people, start=start, title=TITLE,
                            agenda="Tổng mức đầu tư 12.000 tỷ đồng\nPhân luồng giao thông khi thi công",
                            spokespeople="Ông Trần Quốc Hưng, Giám đốc Sở Giao thông vận tải")
    other = domain.adhoc(office, people, start=start - timedelta(hours=5), title="Họp báo về Lễ hội Hoa Sen 2026")
    db.session.commit()
    return {"office": office, "outlet": outlet, "briefing": briefing, "other": other, "start": start,
            "people": people}


def item(setup, slug: str, title: str, summary: str = "", hours: int = 3) -> FeedItem:
    row = FeedItem(office_id=setup["office"].id, outlet_id=setup["outlet"].id, url=f"https://baotinh.test/tin/{slug}",
                   link=f"http://baotinh.test/tin/{slug}", title=title, summary=summary, text="",
                   published_at=setup["start"] + timedelta(hours=hours))
    db.session.add(row)
    db.session.flush()
    ops.match_item(row)
    db.session.commit()
    return row


def proposal_of(row: FeedItem) -> MatchProposal:
    return db.session.scalar(select(MatchProposal).where(MatchProposal.item_id == row.id))


def test_confirm_twice_is_one_coverage_and_reports_count_it(setup, api):
    office, briefing = setup["office"], setup["briefing"]
    row = item(setup, "a", "Khởi công cao tốc Hải Giang – Bắc Sơn, vốn 12.000 tỷ đồng")
    proposal = proposal_of(row)
    assert proposal.briefing_id == briefing.id and proposal.score >= 0.5
    attendance.check_in(briefing, setup["people"][0])
    db.session.commit()
    period = reports.parse_period(None, None, "Asia/Ho_Chi_Minh")
    assert [p["outlet_id"] for p in reports.attended_not_covered(office.id, period)] == \
        [setup["people"][0].outlet_id]

    first = api.post(f"/api/v1/coverage-proposals/{proposal.id}/confirm", json={"tone": "positive"})
    assert first.status_code == 200, first.get_json()
    again = api.post(f"/api/v1/coverage-proposals/{proposal.id}/confirm", json={"tone": "negative"})
    bulk = api.post("/api/v1/coverage-proposals/bulk", json={"ids": [proposal.id], "action": "confirm"})
    assert again.status_code == 200 and bulk.status_code == 200
    rows = list(db.session.scalars(select(Coverage).where(Coverage.office_id == office.id)))
    assert len(rows) == 1
    coverage = rows[0]
    assert (coverage.source, coverage.tone, coverage.briefing_id, coverage.url) == \
        ("feed", "positive", briefing.id, row.url)
    assert first.get_json()["coverage_id"] == coverage.id == again.get_json()["coverage_id"]

    by_briefing = {i["key"]: i for i in reports.coverage_report(office.id, period, by="briefing")}
    assert by_briefing[briefing.id]["total"] == 1 and by_briefing[briefing.id]["positive"] == 1
    assert reports.attended_not_covered(office.id, period) == []
    response = api.get("/api/v1/reports/coverage?by=briefing")
    assert any(i["key"] == briefing.id and i["total"] == 1 for i in response.get_json()["items"])
    assert db.session.scalar(select(PhraseWeight.confirms).where(PhraseWeight.phrase == "cao toc")) == 1


def test_confirming_an_article_logged_by_hand_keeps_one_record(setup):
    office = setup["office"]
    row = item(setup, "b", "Khởi công cao tốc Hải Giang – Bắc Sơn")
    manual = attendance.create_coverage(office.id, {"url": "https://baotinh.test/tin/b?utm_source=zalo",
                                                    "outlet_id": setup["outlet"].id})
    db.session.commit()
    coverage = ops.confirm(proposal_of(row), tone="neutral")
    db.session.commit()
    assert coverage.id == manual.id and coverage.briefing_id == setup["briefing"].id
    assert db.session.scalar(select(func.count(Coverage.id))) == 1


def test_a_rejection_lowers_later_scores_of_the_same_phrase(setup):
    first = item(setup, "c", "Cao tốc Hải Giang – Bắc Sơn: phân luồng giao thông")
    before = proposal_of(first).score
    ops.reject(proposal_of(first))
    db.session.commit()
    assert proposal_of(first).status == "rejected"
    weights = ops.learned_weights(setup["office"].id)
    assert weights["cao toc"] == (0, 1)
    later = item(setup, "d", "Cao tốc Hải Giang – Bắc Sơn: phân luồng giao thông", hours=5)
    after = proposal_of(later)
    assert after is None or after.score < before
    # The decision is kept: re-running the match does not bring a rejected proposal back.
    ops.match_item(first)
    assert proposal_of(first).status == "rejected"


def test_a_confirmation_raises_later_scores(setup):
    first = item(setup, "e", "Khởi công cao tốc Hải Giang – Bắc Sơn")
    before = proposal_of(first).score
    ops.confirm(proposal_of(first))
    db.session.commit()
    later = item(setup, "f", "Khởi công cao tốc Hải Giang – Bắc Sơn", hours=6)
    assert proposal_of(later).score > before


def test_reassign_confirms_the_other_briefing(setup, api):
    row = item(setup, "g", "Khởi công cao tốc Hải Giang – Bắc Sơn")
    proposal = proposal_of(row)
    for wrong_id in (999999, 2**40, True, "12abc"):  # beyond the INTEGER column too: an error, not a 500
        bad = api.post(f"/api/v1/coverage-proposals/{proposal.id}/reassign", json={"briefing_id": wrong_id})
        assert bad.status_code == 422 and "briefing_id" in bad.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Coverage.id))) == 0
    response = api.post(f"/api/v1/coverage-proposals/{proposal.id}/reassign",
                        json={"briefing_id": setup["other"].id, "tone": "negative"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["briefing_id"] == setup["other"].id and body["status"] == "confirmed"
    db.session.expire_all()
    assert proposal_of(row).status in ("rejected", "confirmed")
    coverage = db.session.scalar(select(Coverage))
    assert coverage.briefing_id == setup["other"].id and coverage.tone == "negative"


def test_bulk_is_checked_before_anything_is_written(setup, api):
    a = proposal_of(item(setup, "h", "Khởi công cao tốc Hải Giang – Bắc Sơn"))
    b = proposal_of(item(setup, "i", "Cao tốc 12.000 tỷ đồng: phân luồng giao thông khi thi công"))
    for wrong_id in (999999, 2**40, -1):
        wrong = api.post("/api/v1/coverage-proposals/bulk", json={"ids": [a.id, wrong_id], "action": "reject"})
        assert wrong.status_code == 422
    assert api.post("/api/v1/coverage-proposals/bulk", json={"ids": [a.id], "action": "drop"}).status_code == 422
    db.session.expire_all()
    assert {a.status, b.status} == {"pending"}
    done = api.post("/api/v1/coverage-proposals/bulk", json={"ids": [a.id, b.id], "action": "reject"})
    assert done.get_json() == {"done": 2, "skipped": 0}
    listing = api.get("/api/v1/coverage-proposals?status=rejected").get_json()
    assert listing["total"] == 2 and set(listing) >= {"items", "total", "page", "per_page"}
    assert listing["items"][0]["phrases"] and listing["items"][0]["item"]["outlet"] == "Báo Quảng Ninh"
    assert api.get("/api/v1/coverage-proposals?status=maybe").status_code == 422


def test_feeds_api(setup, api):
    outlet = setup["outlet"]
    bad = api.post(f"/api/v1/outlets/{outlet.id}/feeds", json={"url": "không phải url", "interval_minutes": 1})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"url", "interval_minutes"}
    created = api.post(f"/api/v1/outlets/{outlet.id}/feeds", json={"url": "https://baotinh.test/rss"})
    assert created.status_code == 201
    feed = created.get_json()
    assert feed["working"] is False and feed["last_state"] == "never" and feed["interval_minutes"] == 15
    dup = api.post(f"/api/v1/outlets/{outlet.id}/feeds", json={"url": "https://baotinh.test/rss"})
    assert dup.status_code == 422
    listing = api.get(f"/api/v1/outlets/{outlet.id}/feeds").get_json()
    assert listing["total"] == 1 and listing["items"][0]["url"] == "https://baotinh.test/rss"
    patched = api.patch(f"/api/v1/feeds/{feed['id']}", json={"paused": True, "interval_minutes": 60}).get_json()
    assert patched["paused"] is True and patched["interval_minutes"] == 60
    assert api.patch(f"/api/v1/feeds/{feed['id']}", json={"paused": "yes"}).status_code == 422
    assert api.delete(f"/api/v1/feeds/{feed['id']}").status_code == 204
    assert api.get(f"/api/v1/feeds/{feed['id']}").status_code == 404
    settings = api.patch("/api/v1/coverage-proposals/settings", json={"window_days": 0, "threshold": 2})
    assert set(settings.get_json()["error"]["fields"]) == {"window_days", "threshold"}
    assert api.patch("/api/v1/coverage-proposals/settings", json={"window_days": 5}).get_json()["window_days"] == 5


def test_window_is_configurable(setup):
    late = {"slug": "late", "title": "Khởi công cao tốc Hải Giang – Bắc Sơn", "hours": 24 * 4}
    row = item(setup, late["slug"], late["title"], hours=late["hours"])
    assert proposal_of(row) is None  # 4 days after: outside the default window of 3
    ops.update_settings(setup["office"].id, {"window_days": 5})
    ops.match_item(row)
    db.session.commit()
    assert proposal_of(row) is not None


def test_queue_page_confirm_and_bulk_reject(setup, client, auth, admin):
    a = proposal_of(item(setup, "j", "Khởi công cao tốc Hải Giang – Bắc Sơn"))
    b = proposal_of(item(setup, "k", "Cao tốc 12.000 tỷ đồng: phân luồng giao thông"))
    c = proposal_of(item(setup, "l", "Ông Trần Quốc Hưng: cao tốc khởi công đúng hẹn"))
    auth.login(admin.email)
    page = client.get("/coverage/proposals")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<mark" in html and "cao tốc" in html and f'value="{a.id}"' in html
    assert client.post(f"/coverage/proposals/{a.id}/confirm", data={"tone": "positive"}).status_code == 302
    assert client.post("/coverage/proposals/bulk", data={"ids": [b.id, c.id], "action": "reject"}).status_code == 302
    db.session.expire_all()
    assert (a.status, b.status, c.status) == ("confirmed", "rejected", "rejected")
    assert db.session.scalar(select(Coverage.tone)) == "positive"
    confirmed = client.get("/coverage/proposals?status=confirmed").get_data(as_text=True)
    assert f"/attendance/coverage/{a.coverage_id}/edit" in confirmed


def test_outlet_page_flags_outlets_without_a_working_feed(setup, client, auth, admin):
    auth.login(admin.email)
    outlet = setup["outlet"]
    html = client.get(f"/contacts/outlets/{outlet.id}/edit").get_data(as_text=True)
    assert "Không có nguồn tin hoạt động" in html
    refused = client.post(f"/contacts/outlets/{outlet.id}/feeds",
                          data={"feed-url": "ftp://x", "feed-interval_minutes": "2"}, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert 'id="feed-url-error"' in page and 'value="ftp://x"' in page and 'id="feed-interval_minutes-error"' in page
    assert ops.feeds_of(outlet.id) == []
    response = client.post(f"/contacts/outlets/{outlet.id}/feeds",
                           data={"feed-url": "https://baotinh.test/rss", "feed-interval_minutes": "30"})
    assert response.status_code == 302
    feed = ops.feeds_of(outlet.id)[0]
    assert feed.interval_seconds == 1800
    ops.record_fetched(feed, status=200, etag=None, last_modified=None)
    db.session.commit()
    html = client.get(f"/contacts/outlets/{outlet.id}/edit").get_data(as_text=True)
    assert "Nguồn tin hoạt động" in html and "Không có nguồn tin hoạt động" not in html
    assert client.post(f"/coverage/feeds/{feed.id}/pause").status_code == 302
    db.session.expire_all()
    assert feed.paused and "Không có nguồn tin hoạt động" in client.get(
        f"/contacts/outlets/{outlet.id}/edit").get_data(as_text=True)
    assert client.post(f"/coverage/feeds/{feed.id}/explode").status_code == 404
    assert client.post(f"/coverage/feeds/{feed.id}/delete").status_code == 302
    assert ops.feeds_of(outlet.id) == []
