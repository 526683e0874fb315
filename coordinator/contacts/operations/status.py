"""A journalist's status (active, bounced, unsubscribed, archived), and merging two records of one person."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.contacts.models import (
    STATUSES,
    SUPPRESSING_STATUSES,
    DistributionListMember,
    Journalist,
    JournalistOutletHistory,
)
from coordinator.contacts.operations.consent import NO_CONSENT, sync_suppression
from coordinator.core import audit, clock, signals
from coordinator.core.errors import NotFound, ValidationError
from coordinator.extensions import db
from coordinator.mail.models import Suppression


def set_status(journalist: Journalist, status: str, reason: str | None = None) -> Journalist:
    """Change the status; bounced/unsubscribed also suppress the address for the mail layer, and
    back to active clears that suppression."""
    if status not in STATUSES:
        raise ValidationError({"status": _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(STATUSES))})
    old = journalist.status
    journalist.status = status
    journalist.status_reason = (reason or "").strip() or None
    journalist.status_changed_at = clock.now()
    _suppress(journalist, status)
    db.session.flush()
    audit.record("journalist.status_changed", journalist,
                 data={"from": old, "to": status, "reason": journalist.status_reason})
    signals.journalist_status_changed.send(journalist, old=old)  # e.g. carried across the network
    return journalist


def _suppress(journalist: Journalist, status: str) -> None:
    """Keep the mail layer's suppression of the journalist's address in step with the status."""
    suppression = db.session.scalar(select(Suppression).where(Suppression.office_id == journalist.office_id,
                                                              Suppression.email == journalist.email))
    if status in SUPPRESSING_STATUSES:
        if suppression is None:
            db.session.add(Suppression(office_id=journalist.office_id, email=journalist.email, reason=status,
                                       detail=journalist.status_reason))
        else:
            suppression.reason, suppression.detail = status, journalist.status_reason
    elif status == "active":
        if suppression is not None and suppression.reason != NO_CONSENT:
            db.session.delete(suppression)
            db.session.flush()
        sync_suppression(journalist)  # back to active: still no mail without a basis


def mark_by_email(office_id: int, email: str, status: str, reason: str | None = None) -> Journalist | None:
    """For the mail layer: a hard bounce or an unsubscribe marks the journalist with that address."""
    journalist = db.session.scalar(select(Journalist).where(Journalist.office_id == office_id,
                                                            Journalist.email == (email or "").strip().lower()))
    if journalist is not None and journalist.status != status:
        set_status(journalist, status, reason)
    return journalist


def archive_journalist(journalist: Journalist, reason: str | None = None) -> Journalist:
    """What "delete" means for a journalist: archived, so past invitations and attendance stay true."""
    return set_status(journalist, "archived", reason or _("Đã xoá khỏi danh bạ"))


def merge_journalists(keep: Journalist, drop: Journalist) -> Journalist:
    """Fold ``drop`` into ``keep``: outlet history, list memberships, beats, missing details, and
    whatever other domains move on ``signals.journalists_merged``; ``drop`` is archived and points at ``keep``."""
    if keep.office_id != drop.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    if keep.id == drop.id:
        raise ValidationError({"drop_id": _("Hãy chọn hai hồ sơ khác nhau.")})
    if drop.merged_into_id is not None:
        raise ValidationError({"drop_id": _("Hồ sơ này đã được gộp vào hồ sơ khác.")})
    moved = {"history": _move_history(keep, drop), "lists": _move_memberships(keep, drop), "beats": 0}
    for beat in drop.beats:
        if beat not in keep.beats:
            keep.beats.append(beat)
            moved["beats"] += 1
    if not keep.phone and drop.phone:
        keep.phone = drop.phone
    if drop.notes:
        keep.notes = "\n".join(filter(None, [keep.notes, drop.notes]))
    db.session.flush()
    signals.journalists_merged.send(keep, drop=drop)
    drop.merged_into_id = keep.id
    set_status(drop, "archived", _("Đã gộp vào hồ sơ #%(id)s (%(email)s)", id=keep.id, email=keep.email))
    audit.record("journalist.merged", keep, data={"drop_id": drop.id, "drop_email": drop.email, **moved})
    db.session.flush()
    return keep


def _move_history(keep: Journalist, drop: Journalist) -> int:
    """Periods of the duplicate become the kept record's, unless they repeat one; how many moved."""
    moved = 0
    keep_periods = {(h.outlet_id, h.valid_from) for h in keep.history}
    for row in list(drop.history):
        if (row.outlet_id, row.valid_from) in keep_periods:
            continue
        drop.history.remove(row)
        keep.history.append(JournalistOutletHistory(outlet_id=row.outlet_id, valid_from=row.valid_from,
                                                    valid_to=row.valid_to))
        moved += 1
    return moved


def _move_memberships(keep: Journalist, drop: Journalist) -> int:
    """The duplicate's fixed list memberships become the kept record's; how many lists it joined."""
    moved = 0
    keep_lists = set(db.session.scalars(select(DistributionListMember.list_id)
                                        .where(DistributionListMember.journalist_id == keep.id)))
    for member in db.session.scalars(select(DistributionListMember)
                                     .where(DistributionListMember.journalist_id == drop.id)).all():
        if member.list_id not in keep_lists:
            db.session.add(DistributionListMember(list_id=member.list_id, journalist_id=keep.id))
            moved += 1
        db.session.delete(member)
    return moved

# What the package (``contacts.operations``) offers from this module.
def revoke_links(journalist: Journalist) -> None:
    """End every link mailed to this journalist (invitations, unsubscribe, packs, portal: they all carry
    ``links_version``) without touching anyone else's; mail sent from now on carries new ones. Audited."""
    journalist.links_version = (journalist.links_version or 1) + 1
    db.session.flush()
    audit.record("journalist.links_revoked", journalist, data={"links_version": journalist.links_version})


__all__ = ["archive_journalist", "mark_by_email", "merge_journalists", "revoke_links", "set_status"]
