"""Matching an item against the office's briefings: each briefing's phrases (from several sources), the
candidates in the office's window, and the proposals kept for staff to decide."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.core import clock
from coordinator.extensions import db
from coordinator.monitoring import matching
from coordinator.monitoring.models import FeedItem, MatchProposal, PhraseWeight
from coordinator.monitoring.operations.settings import settings_for
from coordinator.offices.models import Office
from coordinator.packs.models import Pack
from coordinator.schedule.models import Briefing

# Articles announcing a briefing may appear a little before it starts.
EARLY_MARGIN = timedelta(hours=3)
KIND_LABELS = {"title": _l("Tiêu đề"), "agenda": _l("Nội dung"), "pack": _l("Thông cáo"),
               "pack_summary": _l("Tóm tắt thông cáo"), "spokesperson": _l("Người phát ngôn"),
               "policy": _l("Chính sách")}


# --- where a briefing's phrases come from --------------------------------------------------------------

def _title_phrases(briefing: Briefing) -> list[matching.Phrase]:
    phrases = [matching.Phrase("title", briefing.effective_title or "")]
    for line in (briefing.agenda or "").splitlines():
        if line.strip():
            phrases.append(matching.Phrase("agenda", line))
    return phrases


def _pack_phrases(briefing: Briefing) -> list[matching.Phrase]:
    phrases = []
    for title, summary in db.session.execute(select(Pack.title, Pack.summary).where(
            Pack.briefing_id == briefing.id, Pack.office_id == briefing.office_id)):
        phrases.append(matching.Phrase("pack", title))
        if summary:
            phrases.append(matching.Phrase("pack_summary", summary))
    return phrases


def _spokesperson_phrases(briefing: Briefing) -> list[matching.Phrase]:
    raw = (briefing.spokespeople or "").replace(";", "\n")
    return [matching.Phrase("spokesperson", line) for line in raw.splitlines() if line.strip()]


def _policy_phrases(briefing: Briefing) -> list[matching.Phrase]:
    try:
        from coordinator.policies.service import policy_names_for_briefing
    except ImportError:  # the policies module is not installed in this build
        return []
    return [matching.Phrase("policy", name) for name in policy_names_for_briefing(briefing.id) if name]


# Where a briefing's phrases come from; another domain may append its own source.
PHRASE_SOURCES: list[Callable[[Briefing], list[matching.Phrase]]] = [
    _title_phrases, _pack_phrases, _spokesperson_phrases, _policy_phrases]


def phrases_for(briefing: Briefing) -> list[matching.Phrase]:
    return [phrase for source in PHRASE_SOURCES for phrase in source(briefing)]


# --- what the office knows -----------------------------------------------------------------------------

def learned_weights(office_id: int) -> dict[str, tuple[int, int]]:
    """Per phrase key: how often it led to a confirmed and to a rejected proposal."""
    return {row.phrase: (row.confirms, row.rejects)
            for row in db.session.scalars(select(PhraseWeight).where(PhraseWeight.office_id == office_id))}


def generic_pairs(office_id: int) -> set[str]:
    """Pairs of the office's own name (the province): in every article of the province, proof of nothing."""
    office = db.session.get(Office, office_id)
    words = [f for _w, f in matching.tokens(office.name if office else "")]
    return set(matching.pairs_of(words))


def candidates(office_id: int, published_at: datetime, window_days: int) -> list[Briefing]:
    """Briefings an article published then may come of: up to ``window_days`` before it, and briefings
    starting shortly after it (``EARLY_MARGIN``: announcements)."""
    return list(db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled",
        Briefing.start <= published_at + EARLY_MARGIN,
        Briefing.start >= published_at - timedelta(days=window_days)).order_by(Briefing.start)))


def _rarity(office_id: int, published_at: datetime) -> dict[str, float]:
    """Pair rarity among the office's briefings of the surrounding half year."""
    briefings = db.session.scalars(select(Briefing).where(
        Briefing.office_id == office_id, Briefing.status != "cancelled",
        Briefing.start >= published_at - timedelta(days=120), Briefing.start <= published_at + timedelta(days=60)))
    profiles = [matching.build_profile(b.id, _title_phrases(b) + _pack_phrases(b)) for b in briefings]
    return matching.rarity(profiles, generic_pairs(office_id))


# --- proposals -----------------------------------------------------------------------------------------

def _found(item: FeedItem) -> list[matching.Proposal]:
    """What the matcher proposes for this item now."""
    settings = settings_for(item.office_id)
    briefings = candidates(item.office_id, item.published_at, settings.window_days)
    profiles = [matching.build_profile(b.id, phrases_for(b)) for b in briefings]
    body = " ".join(part for part in (item.summary, item.text) if part)
    return matching.propose(profiles, item.title, body, _rarity(item.office_id, item.published_at),
                            learned_weights(item.office_id), settings.threshold)


def match_item(item: FeedItem) -> list[MatchProposal]:
    """Propose the briefing(s) the item likely came of. Idempotent: pending proposals are recomputed,
    decided ones are kept."""
    found = _found(item)
    existing = {p.briefing_id: p for p in db.session.scalars(select(MatchProposal).where(
        MatchProposal.item_id == item.id))}
    if any(p.status == "confirmed" for p in existing.values()):
        item.matched_at = clock.now()
        db.session.flush()
        return [p for p in existing.values() if p.status == "confirmed"]
    kept: list[MatchProposal] = []
    wanted = {p.briefing_id for p in found}
    for briefing_id, row in existing.items():
        if row.status == "pending" and briefing_id not in wanted:
            db.session.delete(row)
    for proposal in found:
        row = existing.get(proposal.briefing_id)
        if row is None:
            row = MatchProposal(office_id=item.office_id, item_id=item.id, briefing_id=proposal.briefing_id,
                                status="pending")
            db.session.add(row)
        if row.status == "pending":
            row.score, row.phrases = proposal.score, proposal.phrases
            kept.append(row)
    item.matched_at = clock.now()
    db.session.flush()
    return kept

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["EARLY_MARGIN", "KIND_LABELS", "PHRASE_SOURCES", "candidates", "generic_pairs", "learned_weights",
    "match_item", "phrases_for"]
