"""Helpers for the coverage-monitoring tests and benchmark: the labelled set (briefings and items built
for the tests), its evaluation, and one object of each kind for the tenant isolation test."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from coordinator.contacts import operations as contacts
from coordinator.extensions import db
from coordinator.monitoring import operations as monitoring
from coordinator.monitoring.models import FeedItem, MatchProposal
from coordinator.schedule import operations as schedule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "monitoring"
THRESHOLD_BANDS = ((0.0, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))


def load_json(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class LabelledSet:
    office_id: int
    briefings: dict[str, int]  # key -> briefing id
    items: list[tuple[int, str | None, dict]]  # (item id, expected key, raw)
    outlets: list[int] = field(default_factory=list)


def load_labelled_set(office, user) -> LabelledSet:
    """Briefings (with packs, spokespeople and linked policies) and the labelled items, in ``office``."""
    from coordinator.packs import operations as packs

    spec = load_json("briefings.json")
    tz = ZoneInfo(spec["timezone"])
    outlets = []
    for n, name in enumerate(spec["outlets"]):
        outlet = contacts.find_outlet_by_name(office.id, name) or contacts.create_outlet(
            office.id, {"name": name, "kind": "newspaper", "level": "provincial", "domains": [f"bao{n}.test"]})
        outlets.append(outlet.id)
    briefings: dict[str, int] = {}
    for b in spec["briefings"]:
        briefing = schedule.create_briefing(office, {
            "title": b["title"], "dtstart": b["start"], "duration_minutes": 60, "venue": "Hội trường UBND tỉnh",
            "agenda": b["agenda"], "spokespeople": b["spokespeople"], "audience": {"journalist_ids": []}})
        for pack in b["packs"]:
            packs.create_pack(office, user, {"title": pack["title"], "summary": pack["summary"], "body": ""},
                              briefing=briefing)
        for name in b["policies"]:
            _link_policy(office.id, name, briefing.id)
        briefings[b["key"]] = briefing.id
    db.session.commit()
    items = []
    for n, raw in enumerate(load_json("items.json")):
        published = datetime.fromisoformat(raw["p"]).replace(tzinfo=tz)
        url = f"https://bao{raw['o']}.test/tin/{n}.html"
        row = FeedItem(office_id=office.id, outlet_id=outlets[raw["o"]], url=url, link=url, title=raw["t"],
                       summary=raw["s"], text="", text_source="summary", published_at=published,
                       fetched_at=published + timedelta(minutes=5))
        db.session.add(row)
        db.session.flush()
        items.append((row.id, raw["b"], raw))
    db.session.commit()
    return LabelledSet(office.id, briefings, items, outlets)


def _link_policy(office_id: int, name: str, briefing_id: int) -> None:
    from coordinator.policies import operations as policies
    from coordinator.policies.models import Policy

    policy = db.session.scalar(db.select(Policy).where(Policy.office_id == office_id, Policy.name == name))
    if policy is None:
        policy = policies.create_policy(office_id, {"name": name})
    policies.link(policy, "briefing", briefing_id)


@dataclass
class Evaluation:
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    positives: int
    negatives: int
    bands: list[dict]
    mistakes: list[str]

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(labelled: LabelledSet, threshold: float | None = None) -> Evaluation:
    """Match every item (as the match job does, with a threshold low enough to see every score), then
    judge the best proposal at ``threshold`` (the office's, by default)."""
    settings = monitoring.settings_for(labelled.office_id)
    threshold = settings.threshold if threshold is None else threshold
    kept = settings.threshold
    settings.threshold = 0.05
    keys = {v: k for k, v in labelled.briefings.items()}
    best: dict[int, tuple[str | None, float]] = {}
    for item_id, _expected, _raw in labelled.items:
        proposals = monitoring.match_item(db.session.get(FeedItem, item_id))
        top = max(proposals, key=lambda p: p.score, default=None)
        best[item_id] = (keys.get(top.briefing_id), top.score) if top else (None, 0.0)
    settings.threshold = kept
    db.session.rollback()
    tp = fp = fn = 0
    mistakes = []
    bands = [{"band": f"{lo:.1f}–{min(hi, 1.0):.1f}", "items": 0, "correct": 0} for lo, hi in THRESHOLD_BANDS]
    for item_id, expected, raw in labelled.items:
        predicted, score = best[item_id]
        for band, (lo, hi) in zip(bands, THRESHOLD_BANDS, strict=True):
            if predicted is not None and lo <= score < hi:
                band["items"] += 1
                band["correct"] += int(predicted == expected)
        if score < threshold:
            predicted = None
        if predicted is not None and predicted == expected:
            tp += 1
        else:
            if predicted is not None:
                fp += 1
            if expected is not None:
                fn += 1
            if predicted != expected:
                mistakes.append(f"{raw['t']!r}: expected {expected}, got {predicted} ({score:.2f})")
    positives = sum(1 for _i, e, _r in labelled.items if e is not None)
    return Evaluation(threshold, tp, fp, fn, positives, len(labelled.items) - positives, bands, mistakes)


def office_b_monitoring(office, outlet_id: int, briefing_id: int) -> dict[str, int]:
    """One feed, item and proposal in office B, for the tenant isolation test."""
    from coordinator.contacts.models import Outlet

    feed = monitoring.add_feed(db.session.get(Outlet, outlet_id), {"url": "https://hanoimoi.vn/rss/thoi-su.rss",
                                                                   "interval_minutes": 30, "paused": True})
    item = FeedItem(office_id=office.id, outlet_id=outlet_id, feed_id=feed.id, url="https://hanoimoi.vn/bai-iso",
                    link="https://hanoimoi.vn/bai-iso", title="Tin riêng của Hà Nội", summary="", text="",
                    published_at=datetime.now(ZoneInfo("UTC")))
    db.session.add(item)
    db.session.flush()
    proposal = MatchProposal(office_id=office.id, item_id=item.id, briefing_id=briefing_id, score=0.8,
                             phrases=[], status="pending")
    db.session.add(proposal)
    db.session.commit()
    return {"feed_id": feed.id, "item_id": item.id, "proposal_id": proposal.id}


def seed_monitoring(office, past_briefing) -> dict:
    """For the browser tests: a working feed and a failing one on two outlets, and articles found after
    ``past_briefing`` with pending proposals (matched by the real matcher), plus one unrelated article."""
    from coordinator.contacts.models import Outlet

    outlets = list(db.session.scalars(db.select(Outlet).where(Outlet.office_id == office.id).order_by(Outlet.id)))
    working = monitoring.add_feed(outlets[0], {"url": "https://baoquangninh.vn/rss/thoi-su.rss"})
    monitoring.record_fetched(working, status=200, etag='"v7"', last_modified=None, title="Thời sự")
    failing = monitoring.add_feed(outlets[-1], {"url": "https://qtv.vn/rss/tin-moi.rss"})
    monitoring.record_error(failing, "not_a_feed", "Not an RSS or Atom feed (SAXParseException)", status=200)
    title = past_briefing.effective_title
    rows = [(f"{title}: những con số đáng chú ý", "a"), (f"Toàn cảnh {title[:1].lower()}{title[1:]}", "b"),
            (f"{title}: người dân quan tâm điều gì?", "c"), ("Giá vàng hôm nay tiếp tục tăng", "d")]
    items = []
    for n, (text, slug) in enumerate(rows):
        url = f"https://baoquangninh.vn/tin/{slug}-{past_briefing.id}.html"
        row = FeedItem(office_id=office.id, outlet_id=outlets[0].id, feed_id=working.id, url=url, link=url,
                       title=text, summary="", text="", published_at=past_briefing.end + timedelta(hours=n + 1))
        db.session.add(row)
        db.session.flush()
        monitoring.match_item(row)
        items.append(row)
    working.last_new_item_at = working.last_success_at
    working.items_total = len(items)
    db.session.commit()
    return {"working": working, "failing": failing, "items": items}
