"""Feeds polled through real RQ workers against a local news site: RSS 2.0, Atom, NFD Vietnamese,
conditional GET (304), a broken feed, a slow one, a huge one, a redirect to another host, Retry-After,
items without links and duplicates; article text extracted; proposals made; health recorded."""
from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.contacts import operations as contacts
from coordinator.core import tasks
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import FeedItem, MatchProposal, OutletFeed
from tests.servers.news_site import NewsSite, article_page, atom, rss
from tests.support import domain
from tests.support.processes import run_burst_worker

HOSTS = ("baotinh.test", "tinhnha.test", "hong.test", "cham.test", "to.test", "chuyen.test", "khac.test",
         "ban.test")
ARTICLE = [
    "Chiều 3/3, Sở Giao thông vận tải tổ chức họp báo công bố kế hoạch khởi công tuyến cao tốc Hải Giang – Bắc Sơn.",
    "Theo Giám đốc Sở Trần Quốc Hưng, công tác giải phóng mặt bằng tuyến cao tốc đã đạt 85%, còn 40 hộ chưa bàn "
    "giao. Tổng mức đầu tư của dự án là 12.000 tỷ đồng.",
    "Phương án phân luồng giao thông trong thời gian thi công sẽ được công bố trước ngày khởi công 20/3.",
]


@pytest.fixture
def site():
    with NewsSite() as server:
        yield server


@pytest.fixture
def worker_env(app_env, site, monkeypatch):
    values = {"MONITORING_RESOLVE": site.resolve(*HOSTS), "MONITORING_TIMEOUT": "1",
              "MONITORING_MAX_FEED_BYTES": "300000"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**app_env, **values}


def _outlet(office, name: str, host: str):
    return contacts.create_outlet(office.id, {"name": name, "kind": "newspaper", "level": "provincial",
                                              "domains": [host]})


def _briefing(office, start: datetime):
    return domain.adhoc(office, [], start=start,
                        title="Họp báo công bố kế hoạch khởi công tuyến cao tốc Hải Giang – Bắc Sơn",
                        agenda="Tiến độ giải phóng mặt bằng tuyến cao tốc\nTổng mức đầu tư 12.000 tỷ đồng\n"
                               "Phương án phân luồng giao thông trong thời gian thi công",
                        spokespeople="Ông Trần Quốc Hưng, Giám đốc Sở Giao thông vận tải")


def _serve(site: NewsSite, start: datetime) -> None:
    after = start + timedelta(hours=3)
    site.page("baotinh.test", "/rss", rss("Báo Tỉnh – Thời sự", [
        {"title": "Sắp khởi công cao tốc Hải Giang – Bắc Sơn", "link": "http://baotinh.test/tin/cao-toc.html",
         "summary": "Tuyến cao tốc dài 64 km sắp được khởi công.", "published": after},
        {"title": "Giá vàng hôm nay tiếp tục tăng", "link": "http://baotinh.test/tin/gia-vang.html",
         "summary": "Giá vàng miếng tăng 500.000 đồng mỗi lượng.", "published": after,
         "content": "<p>Giá vàng miếng tăng 500.000 đồng mỗi lượng so với hôm qua. " + "Thị trường sôi động. " * 60
                    + "</p>"},
        {"title": "Tin không có đường dẫn", "summary": "Mục này thiếu link.", "published": after},
        {"title": "Sắp khởi công cao tốc (bản lặp)", "link": "http://baotinh.test/tin/cao-toc.html?utm_source=rss",
         "summary": "Lặp lại.", "published": after},
    ]), etag='"v1"', last_modified="Tue, 03 Mar 2026 10:00:00 GMT")
    site.page("baotinh.test", "/tin/cao-toc.html", article_page("Sắp khởi công cao tốc Hải Giang – Bắc Sơn", ARTICLE),
              content_type="text/html; charset=utf-8")
    site.page("baotinh.test", "/rss-kinh-te", rss("Báo Tỉnh – Kinh tế", [
        {"title": "Sắp khởi công cao tốc Hải Giang – Bắc Sơn", "link": "http://baotinh.test/tin/cao-toc.html",
         "summary": "Bài đã có ở chuyên mục Thời sự.", "published": after},
        {"title": "Cao tốc 12.000 tỷ đồng: phân luồng giao thông khi thi công",
         "link": "http://baotinh.test/tin/phan-luong.html",
         "summary": "Phương án phân luồng giao thông trong thời gian thi công tuyến cao tốc Hải Giang – Bắc Sơn.",
         "published": after},
    ]))
    site.page("baotinh.test", "/tin/phan-luong.html", b"", status=404, content_type="text/html")
    nfd = unicodedata.normalize("NFD", "Khởi công cao tốc Hải Giang – Bắc Sơn: giải phóng mặt bằng đạt 85%")
    site.page("tinhnha.test", "/atom.xml", atom("Đài Tỉnh Nhà", [
        {"title": nfd, "link": "http://tinhnha.test/bai/123",
         "summary": unicodedata.normalize("NFD", "Ông Trần Quốc Hưng cho biết tiến độ giải phóng mặt bằng."),
         "published": after}]), content_type="application/atom+xml; charset=utf-8")
    site.page("tinhnha.test", "/bai/123", article_page(nfd, ARTICLE), content_type="text/html; charset=utf-8")
    site.page("hong.test", "/rss", "<html><body><h1>Trang bảo trì</h1></body></html>", content_type="text/html")
    site.page("cham.test", "/rss", rss("Chậm", []), delay=3)
    huge = rss("Khổng lồ", [{"title": f"Tin số {n}", "link": f"http://to.test/tin/{n}", "summary": "x" * 400,
                             "published": after} for n in range(1500)])
    site.page("to.test", "/rss", huge)
    site.page("chuyen.test", "/rss", b"", status=302, location="http://khac.test/rss")
    site.page("khac.test", "/rss", rss("Nơi khác", []))
    site.page("ban.test", "/rss", b"busy", status=503, retry_after="7200", content_type="text/plain")


def _feeds(office) -> dict[str, OutletFeed]:
    a = _outlet(office, "Báo Tỉnh", "baotinh.test")
    b = _outlet(office, "Đài Tỉnh Nhà", "tinhnha.test")
    out = {}
    out["rss"] = ops.add_feed(a, {"url": "http://baotinh.test/rss", "interval_minutes": 15})
    out["rss2"] = ops.add_feed(a, {"url": "http://baotinh.test/rss-kinh-te", "interval_minutes": 15})
    out["atom"] = ops.add_feed(b, {"url": "http://tinhnha.test/atom.xml", "interval_minutes": 15})
    for key, name in (("hong", "Báo Hỏng"), ("cham", "Báo Chậm"), ("to", "Báo To"), ("chuyen", "Báo Chuyển"),
                      ("ban", "Báo Bận")):
        outlet = _outlet(office, name, f"{key}.test")
        out[key] = ops.add_feed(outlet, {"url": f"http://{key}.test/rss", "interval_minutes": 15})
    db.session.commit()
    return {k: v.id for k, v in out.items()}


def _poll(env) -> None:
    tasks.enqueue("monitoring.poll")
    run_burst_worker(env, timeout=120)
    db.session.expire_all()


def test_poll_through_worker(app, office, site, worker_env):
    start = datetime.now(UTC) - timedelta(days=1)
    briefing = _briefing(office, start)
    _serve(site, start)
    ids = _feeds(office)
    _poll(worker_env)

    items = {i.url: i for i in db.session.scalars(select(FeedItem).where(FeedItem.office_id == office.id))}
    assert set(items) == {"https://baotinh.test/tin/cao-toc.html", "https://baotinh.test/tin/gia-vang.html",
                          "https://baotinh.test/tin/phan-luong.html", "https://tinhnha.test/bai/123"}
    cao_toc = items["https://baotinh.test/tin/cao-toc.html"]
    assert cao_toc.text_source == "extracted" and "85%" in cao_toc.text and "Tin đọc nhiều" not in cao_toc.text
    assert items["https://baotinh.test/tin/gia-vang.html"].text_source == "feed"
    assert items["https://baotinh.test/tin/phan-luong.html"].text_source == "summary"  # its page answered 404

    proposals = {p.item.url: p for p in db.session.scalars(select(MatchProposal))}
    assert set(proposals) == {"https://baotinh.test/tin/cao-toc.html", "https://baotinh.test/tin/phan-luong.html",
                              "https://tinhnha.test/bai/123"}
    assert all(p.briefing_id == briefing.id and p.status == "pending" and p.score >= 0.5 for p in proposals.values())
    nfd = proposals["https://tinhnha.test/bai/123"]
    shown = " ".join(ph["text"] for ph in nfd.phrases)
    assert "cao tốc" in shown and any(ph["kind"] == "spokesperson" for ph in nfd.phrases)

    feeds = {k: db.session.get(OutletFeed, v) for k, v in ids.items()}
    now = datetime.now(UTC)
    assert feeds["rss"].last_state == "ok" and feeds["rss"].etag == '"v1"' and feeds["rss"].last_new_item_at
    codes = {p["code"] for p in feeds["rss"].problems}
    assert {"no_link", "duplicate"} <= codes
    assert feeds["rss2"].items_total == 1  # the article already found by the other feed is not stored twice
    assert any(p["code"] == "article_http_status" for p in feeds["rss2"].problems)
    for key, code in (("hong", "not_a_feed"), ("cham", "timeout"), ("to", "too_large"),
                      ("chuyen", "redirect_refused"), ("ban", "http_status")):
        feed = feeds[key]
        assert feed.last_state == "error" and feed.last_error.startswith(code), (key, feed.last_error)
        assert feed.consecutive_errors == 1
        assert feed.next_fetch_at >= now + timedelta(minutes=29)  # 15 min x 2: backoff
    assert feeds["ban"].next_fetch_at >= now + timedelta(seconds=7000)  # Retry-After: 7200
    assert not site.hits_for("khac.test", "/rss")  # the redirect was never followed
    assert site.max_active.get("baotinh.test") == 1  # one request at a time per host
    assert ops.healthy_outlet_ids(office.id) == {feeds["rss"].outlet_id, feeds["atom"].outlet_id}

    # Second poll: the unchanged feed answers 304 to the conditional GET; nothing is stored twice.
    for key in ("rss", "rss2", "atom"):
        feeds[key].next_fetch_at = now - timedelta(seconds=1)
    db.session.commit()
    _poll(worker_env)
    assert site.hits_for("baotinh.test", "/rss")[-1].headers.get("If-None-Match") == '"v1"'
    assert site.hits_for("baotinh.test", "/rss")[-1].status == 304
    assert db.session.get(OutletFeed, ids["rss"]).last_state == "not_modified"
    assert db.session.scalar(select(func.count(FeedItem.id))) == 4
    assert db.session.scalar(select(func.count(MatchProposal.id))) == 3

    # A broken feed keeps backing off: the next error doubles the delay again.
    hong = db.session.get(OutletFeed, ids["hong"])
    hong.next_fetch_at = now - timedelta(seconds=1)
    db.session.commit()
    _poll(worker_env)
    hong = db.session.get(OutletFeed, ids["hong"])
    assert hong.consecutive_errors == 2 and hong.next_fetch_at >= datetime.now(UTC) + timedelta(minutes=59)


def test_paused_and_not_due_feeds_are_left_alone(app, office, site, worker_env):
    _serve(site, datetime.now(UTC) - timedelta(days=1))
    outlet = _outlet(office, "Báo Tỉnh", "baotinh.test")
    paused = ops.add_feed(outlet, {"url": "http://baotinh.test/rss", "paused": True})
    later = ops.add_feed(outlet, {"url": "http://baotinh.test/rss-kinh-te"})
    later.next_fetch_at = datetime.now(UTC) + timedelta(hours=1)
    db.session.commit()
    assert ops.due_hosts() == {}
    _poll(worker_env)
    assert not site.hits
    assert db.session.get(OutletFeed, paused.id).last_state == "never"


def test_poll_enqueues_one_job_per_host(app, office, site, worker_env):
    from jobs.monitoring_jobs import poll

    a = _outlet(office, "Báo Tỉnh", "baotinh.test")
    b = _outlet(office, "Đài Tỉnh Nhà", "tinhnha.test")
    first = ops.add_feed(a, {"url": "http://baotinh.test/rss"})
    second = ops.add_feed(a, {"url": "http://baotinh.test/rss-kinh-te"})
    ops.add_feed(b, {"url": "http://tinhnha.test/atom.xml"})
    db.session.commit()
    poll()
    poll()  # the scheduler's next minute, before a worker took the jobs: nothing more is queued
    jobs = tasks.queue("bulk").jobs
    assert sorted(job.args[0] for job in jobs) == ["baotinh.test", "tinhnha.test"]
    assert next(job.args[1] for job in jobs if job.args[0] == "baotinh.test") == [first.id, second.id]


def test_poll_matches_items_whose_match_job_was_lost(app, office, site, worker_env):
    """An item stored but never matched (its job died with a worker or a flushed Redis) is matched later."""
    start = datetime.now(UTC) - timedelta(days=1)
    briefing = _briefing(office, start)
    outlet = _outlet(office, "Báo Tỉnh", "baotinh.test")
    url = "http://baotinh.test/tin/lost.html"
    item = FeedItem(office_id=office.id, outlet_id=outlet.id, url=url, link=url,
                    title="Khởi công tuyến cao tốc Hải Giang – Bắc Sơn", summary="", text=" ".join(ARTICLE),
                    published_at=start + timedelta(hours=3), fetched_at=datetime.now(UTC) - timedelta(minutes=10))
    fresh = FeedItem(office_id=office.id, outlet_id=outlet.id, url=url + "?x", link=url + "?x",
                     title="Khởi công tuyến cao tốc Hải Giang – Bắc Sơn", summary="", text=" ".join(ARTICLE),
                     published_at=start + timedelta(hours=3), fetched_at=datetime.now(UTC))
    db.session.add_all([item, fresh])
    db.session.commit()
    assert ops.unmatched_item_ids() == [item.id]  # a just-stored item still has its own job coming
    _poll(worker_env)
    assert db.session.get(FeedItem, item.id).matched_at is not None
    assert db.session.scalar(select(MatchProposal.briefing_id).where(MatchProposal.item_id == item.id)) == briefing.id
    assert ops.unmatched_item_ids() == []
