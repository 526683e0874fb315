"""Demo feeds and found articles for ``flask demo-data`` (idempotent, safe offline).

A few outlets get RSS feeds at their own domains, **paused** so that a demo install never fetches
anything (staff resume a feed on the outlet page to start polling). Articles "found" in those feeds
for the latest past briefings are matched by the real matcher, so the review queue has pending
proposals on first run, next to a few unrelated articles that it leaves alone."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coordinator.contacts.models import Outlet
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.models import FeedItem, MatchProposal
from coordinator.schedule.models import Briefing

ANGLES = ("{title}: những nội dung đáng chú ý", "Toàn cảnh {title_lower}", "{title}: người dân quan tâm điều gì?")
UNRELATED = (("Giá vàng hôm nay tiếp tục tăng", "Giá vàng miếng tăng 500.000 đồng mỗi lượng."),
             ("Dự báo thời tiết cuối tuần: trời rét, có mưa phùn", "Nhiệt độ thấp nhất 12 độ."),
             ("Câu lạc bộ bóng đá của tỉnh thắng đậm trên sân nhà", "Đội bóng thắng 3–0 trong trận mở màn."))


def _domain(outlet: Outlet) -> str | None:
    if outlet.domains:
        return outlet.domains[0]
    if outlet.website:
        return outlet.website.split("://", 1)[-1].split("/", 1)[0].lower() or None
    return None


def load_monitoring_demo(office_id: int) -> str:
    if db.session.scalar(select(func.count(FeedItem.id)).where(FeedItem.office_id == office_id)):
        return "  Tin bài tự động: đã có, không thay đổi."
    outlets = [o for o in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id).order_by(Outlet.id))
               if _domain(o)][:4]
    if not outlets:
        return "  Tin bài tự động: chưa có cơ quan báo chí nào có tên miền."
    feeds = []
    for outlet in outlets:
        feed = ops.add_feed(outlet, {"url": f"https://{_domain(outlet)}/rss/thoi-su.rss", "interval_minutes": 30,
                                     "paused": True})
        feeds.append(feed)
    now = clock.now()
    # Ad hoc briefings have a topic of their own; a weekly "Họp báo định kỳ" says nothing a feed could match.
    briefings = list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled", Briefing.end < now,
        Briefing.series_id.is_(None), Briefing.start >= now - timedelta(days=90))
        .order_by(Briefing.start.desc()).limit(4)))
    items = []
    n = 0
    for briefing in briefings:
        title = briefing.effective_title
        for angle in ANGLES[:2]:
            feed = feeds[n % len(feeds)]
            n += 1
            published = min(now, briefing.end + timedelta(hours=2 + 5 * n % 30))
            summary = " ".join(part for part in ((briefing.agenda or "").splitlines()[:2]
                                                 + [(briefing.spokespeople or "").split(",")[0]]) if part)
            items.append(_item(feed, f"demo-{briefing.id}-{n}",
                               angle.format(title=title, title_lower=title[:1].lower() + title[1:])[:500],
                               summary, published))
    for k, (title, summary) in enumerate(UNRELATED):
        feed = feeds[k % len(feeds)]
        items.append(_item(feed, f"khac-{k}", title, summary, now - timedelta(hours=6 * (k + 1))))
    for item in items:
        ops.match_item(item)
        ops.propose_tone(item)
    for feed in feeds:
        feed.items_total = sum(1 for i in items if i.feed_id == feed.id)
    db.session.flush()
    pending = db.session.scalar(select(func.count(MatchProposal.id)).where(MatchProposal.office_id == office_id,
                                                                           MatchProposal.status == "pending"))
    return (f"  Tin bài tự động: {len(feeds)} nguồn tin (tạm dừng), {len(items)} tin bài, "
            f"{pending} đề xuất chờ duyệt.")


def _item(feed, slug: str, title: str, summary: str, published) -> FeedItem:
    domain = feed.host
    url = f"https://{domain}/tin/{slug}.html"
    item = FeedItem(office_id=feed.office_id, outlet_id=feed.outlet_id, feed_id=feed.id, url=url, link=url,
                    title=title, summary=summary, text="", text_source="summary", published_at=published,
                    fetched_at=published + timedelta(minutes=10))
    db.session.add(item)
    db.session.flush()
    return item
