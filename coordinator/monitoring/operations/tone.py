"""The tone of every article: proposed when it is stored (and for older ones by a job), accepted or corrected
by staff in one click (audited; the answer is kept as a label), and the office's own model retrained from
those labels.

An office model is the global model plus the office's labels (``tone.combine``). It is trained once the
office has ``MIN_LABELS`` labels and again after ``RETRAIN_AFTER`` new ones; one label in five (by article id,
so it never moves) is held out to measure it against the global model on the same articles. The newest
version is used only when it is at least as accurate as the global model; otherwise, and while an office has
too few labels, the global model proposes. Only the office's own labels ever train its model.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from coordinator.attendance.models import TONES
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.monitoring import tone
from coordinator.monitoring.models import ArticleTone, FeedItem, ToneModel

MIN_LABELS = 30
RETRAIN_AFTER = 20
HELDOUT_EVERY = 5
BACKFILL_BATCH = 500
_combined: dict[int, tuple[int, tone.Model]] = {}  # office -> (ToneModel id, global + office counts)


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def min_labels() -> int:
    """Labels an office needs before its own model is trained (``TONE_MIN_LABELS``)."""
    return _setting("TONE_MIN_LABELS", MIN_LABELS)


def lead_of(item: FeedItem) -> str:
    """What the model reads besides the title: the summary, else the start of the text."""
    return (item.summary or item.text or "")[:1000]


# --- which model -----------------------------------------------------------------------------------------

def latest_model(office_id: int) -> ToneModel | None:
    return db.session.scalar(select(ToneModel).where(ToneModel.office_id == office_id)
                             .order_by(ToneModel.version.desc()).limit(1))


def model_for(office_id: int) -> tone.Model:
    """The office's newest model when it measured at least as well as the global one; else the global."""
    row = latest_model(office_id)
    if row is None or not row.active:
        return tone.global_model()
    cached = _combined.get(office_id)
    if cached is None or cached[0] != row.id:  # a version row never changes: its id says it all
        office = tone.Model(version=row.name, docs=list(row.counts["docs"]), counts=dict(row.counts["counts"]))
        cached = _combined[office_id] = (row.id, tone.combine(tone.global_model(), office, row.name))
    return cached[1]


# --- proposals -------------------------------------------------------------------------------------------

def propose_tone(item: FeedItem, model: tone.Model | None = None) -> ArticleTone:
    """Propose (or propose again) the item's tone; a label staff gave is kept."""
    model = model or model_for(item.office_id)
    prediction = tone.predict(model, item.title, lead_of(item))
    row = db.session.scalar(select(ArticleTone).where(ArticleTone.item_id == item.id))
    if row is None:
        row = ArticleTone(office_id=item.office_id, item_id=item.id)
        db.session.add(row)
    row.proposed, row.confidence, row.phrases = prediction.tone, prediction.confidence, prediction.phrases
    row.model_version, row.proposed_at = model.version, clock.now()
    db.session.flush()
    return row


def items_without_tone(limit: int = BACKFILL_BATCH) -> list[int]:
    """Articles stored before tone was proposed (or whose proposal was lost): the backfill job's work."""
    return list(db.session.scalars(select(FeedItem.id).outerjoin(ArticleTone, ArticleTone.item_id == FeedItem.id)
                                   .where(ArticleTone.id.is_(None)).order_by(FeedItem.id).limit(limit)))


def backfill(limit: int = BACKFILL_BATCH) -> int:
    """Propose a tone for up to ``limit`` articles that have none; returns how many."""
    ids = items_without_tone(limit)
    models: dict[int, tone.Model] = {}
    for item in db.session.scalars(select(FeedItem).where(FeedItem.id.in_(ids))):
        if item.office_id not in models:
            models[item.office_id] = model_for(item.office_id)
        propose_tone(item, models[item.office_id])
    return len(ids)


# --- staff's answer --------------------------------------------------------------------------------------

def _checked(value: Any) -> str:
    if value not in TONES:
        raise ValidationError({"tone": _("Sắc thái phải là một trong: %(choices)s.", choices=", ".join(TONES))})
    return value


def set_label(row: ArticleTone, value: Any, *, user_id: int | None = None) -> ArticleTone:
    """Staff's tone for the article: the proposal accepted (same tone) or corrected (another one). Audited;
    repeating the same answer changes nothing."""
    label = _checked(value)
    if row.label == label:
        return row
    previous = row.label
    row.label, row.label_source = label, "accepted" if label == row.proposed else "corrected"
    row.labelled_by_id, row.labelled_at = user_id, clock.now()
    db.session.flush()
    audit.record(f"tone.{row.label_source}", row, office_id=row.office_id,
                 data={"item_id": row.item_id, "proposed": row.proposed, "confidence": row.confidence,
                       "model": row.model_version, "label": label, "previous_label": previous})
    return row


def accept(row: ArticleTone, *, user_id: int | None = None) -> ArticleTone:
    return set_label(row, row.proposed, user_id=user_id)


def label_item(item: FeedItem, value: Any, *, user_id: int | None = None) -> ArticleTone:
    """Label an article, proposing its tone first if it has none yet (an article stored before tone existed)."""
    _checked(value)
    row = item.tone if item.tone is not None else propose_tone(item)
    return set_label(row, value, user_id=user_id)


# --- the office's model ----------------------------------------------------------------------------------

def labelled(office_id: int) -> list[ArticleTone]:
    """The office's labels, oldest article first (only this office's: the tenant boundary of learning)."""
    return list(db.session.scalars(select(ArticleTone).where(ArticleTone.office_id == office_id,
                                                             ArticleTone.label.is_not(None))
                                   .order_by(ArticleTone.item_id)))


def label_count(office_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(ArticleTone).where(
        ArticleTone.office_id == office_id, ArticleTone.label.is_not(None))) or 0


def due_for_retraining(office_id: int) -> bool:
    """Enough labels, and enough new ones since the last version."""
    count = label_count(office_id)
    if count < min_labels():
        return False
    latest = latest_model(office_id)
    return latest is None or count - latest.labels >= _setting("TONE_RETRAIN_AFTER", RETRAIN_AFTER)


def offices_due() -> list[int]:
    offices = db.session.scalars(select(ArticleTone.office_id).where(ArticleTone.label.is_not(None)).distinct())
    return sorted(office_id for office_id in offices if due_for_retraining(office_id))


def retrain(office_id: int) -> ToneModel | None:
    """A new version of the office's model from its labels, measured on its held-out labels against the global
    model; None when the office has too few labels (the global model keeps proposing)."""
    rows = labelled(office_id)
    if len(rows) < min_labels():
        return None
    as_example = [(r.item.title, lead_of(r.item), r.label) for r in rows]
    train = [e for r, e in zip(rows, as_example, strict=True) if r.item_id % HELDOUT_EVERY]
    heldout = [e for r, e in zip(rows, as_example, strict=True) if not r.item_id % HELDOUT_EVERY]
    latest = latest_model(office_id)
    version = (latest.version if latest else 0) + 1
    name = f"office-{office_id}-v{version}"
    own = tone.train(train, name)
    combined = tone.combine(tone.global_model(), own, name)
    mine, base = tone.evaluate(combined, heldout), tone.evaluate(tone.global_model(), heldout)
    row = ToneModel(office_id=office_id, version=version, labels=len(rows), train_size=len(train),
                    heldout_size=len(heldout), accuracy=mine["accuracy"], macro_f1=mine["macro_f1"],
                    global_accuracy=base["accuracy"], active=bool(heldout) and mine["accuracy"] >= base["accuracy"],
                    counts={"docs": own.docs, "counts": own.counts})
    db.session.add(row)
    db.session.flush()
    audit.record("tone.model_trained", row, office_id=office_id,
                 data={"version": version, "labels": len(rows), "accuracy": row.accuracy,
                       "global_accuracy": row.global_accuracy, "active": row.active})
    return row


def models_of(office_id: int, limit: int = 10) -> list[ToneModel]:
    return list(db.session.scalars(select(ToneModel).where(ToneModel.office_id == office_id)
                                   .order_by(ToneModel.version.desc()).limit(limit)))

# What the package (``monitoring.operations``) offers from this module.
__all__ = ["accept", "backfill", "due_for_retraining", "items_without_tone", "label_count", "label_item",
           "labelled", "latest_model", "lead_of", "min_labels", "model_for", "models_of", "offices_due", "propose_tone",
           "retrain", "set_label"]
