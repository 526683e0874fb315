"""``demo-data``'s coverage monitoring: paused feeds (nothing is fetched offline), articles found for the
latest past briefings with pending proposals from the real matcher, unrelated ones left alone; idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from coordinator.contacts.demo import load_contacts_demo
from coordinator.extensions import db
from coordinator.monitoring import operations as ops
from coordinator.monitoring.demo import load_monitoring_demo
from coordinator.monitoring.models import FeedItem, MatchProposal, OutletFeed
from coordinator.schedule.demo import load_schedule_demo


def test_demo_monitoring(app, office):
    load_contacts_demo(office.id)
    load_schedule_demo(office.id)
    db.session.commit()
    summary = load_monitoring_demo(office.id)
    db.session.commit()
    assert "đề xuất chờ duyệt" in summary
    feeds = list(db.session.scalars(select(OutletFeed).where(OutletFeed.office_id == office.id)))
    assert len(feeds) == 4 and all(f.paused for f in feeds)
    assert ops.due_hosts() == {}  # a demo install never polls anyone
    pending = db.session.scalar(select(func.count(MatchProposal.id)).where(MatchProposal.status == "pending"))
    assert pending >= 4
    unrelated = db.session.scalars(select(FeedItem).where(FeedItem.url.like("%/tin/khac-%"))).all()
    assert len(unrelated) == 3
    assert not db.session.scalar(select(func.count(MatchProposal.id))
                                 .where(MatchProposal.item_id.in_([i.id for i in unrelated])))
    assert "không thay đổi" in load_monitoring_demo(office.id)
    assert db.session.scalar(select(func.count(OutletFeed.id))) == 4
