"""Pack release and distribution, planned inside a unit of work (an outbox event's handler).

``release_due`` re-checks the pack and the time (idempotent), releases it, writes who receives it and
plans the fan-out (``coordinator.mail.fanout``), which sends after the unit commits. A first release
goes to the briefing's invited journalists plus the pack's lists and beats; a correction goes to everyone
who received an earlier version; after the briefing, a follow-up goes to the invited who did not attend.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coordinator.contacts.audience import resolve_audience
from coordinator.contacts.models import Journalist
from coordinator.core import clock, events
from coordinator.core.signals import attended_journalists
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.invitations.operations import audience_of, invitations_of, target_of
from coordinator.mail import fanout
from coordinator.mail import service as mail
from coordinator.mail.models import FanOut
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackApproval, PackRecipient
from coordinator.packs.operations import embargo_words, mark_released, release_time, sync_embargo
from coordinator.schedule.models import Briefing
from coordinator.users.models import User


def release_due(pack_id: int, *, now: datetime | None = None) -> str:
    """Release the pack if its time has come, then plan its distribution. Returns what happened."""
    now = now or clock.now()
    pack = db.session.get(Pack, pack_id)
    if pack is None:
        return "missing"
    if pack.superseded_at is not None and pack.status != "released":
        return "superseded"
    if pack.status == "approved":
        # An embargo that follows its briefing is checked against the briefing as it is now (moved,
        # cancelled, or removed with its series' later occurrences).
        sync_embargo(pack, db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None, now)
        if pack.embargo_held_at is not None and not pack.send_under_embargo:
            return "held"  # its briefing's restoration schedules the release again
        due = release_time(pack)
        if due > now:
            # Not yet (the event came early, or the time moved): the outbox keeps a new one for then.
            events.emit("pack.release_due", office_id=pack.office_id, payload={"pack_id": pack.id}, due_at=due)
            return "rescheduled"
        mark_released(pack, now=now, actor_label="system")
    if pack.status != "released":
        return "not-approved"
    distribute(pack)
    return "released"


def _active_invited(briefing: Briefing) -> list[int]:
    """The briefing's invited journalists: its invitations, and whom its audience names now (a pack
    released right after an ad hoc briefing is called may run before the invitations are written)."""
    target = target_of(briefing)
    ids = {inv.journalist_id for inv in invitations_of(target)}
    ids.update(j.id for j in resolve_audience(briefing.office_id, audience_of(target)))
    return sorted(ids)


def first_audience(pack: Pack) -> list[int]:
    ids: set[int] = set()
    if pack.briefing_id is not None:
        briefing = db.session.get(Briefing, pack.briefing_id)
        if briefing is not None:
            ids.update(_active_invited(briefing))
    audience = pack.audience or {}
    if audience.get("list_ids") or audience.get("beats"):
        ids.update(j.id for j in resolve_audience(pack.office_id, {"list_ids": audience.get("list_ids") or [],
                                                                   "beats": audience.get("beats") or []}))
    return sorted(ids)


def earlier_recipients(pack: Pack) -> list[int]:
    """Everyone who was sent any earlier version of this lineage (and got it)."""
    rows = db.session.scalars(select(PackRecipient.journalist_id).join(Pack, Pack.id == PackRecipient.pack_id)
                              .where(PackRecipient.root_id == pack.lineage_id, Pack.version < pack.version,
                                     PackRecipient.sent_at.is_not(None)).distinct())
    return sorted(set(rows))


def _write_recipients(pack: Pack, journalist_ids: list[int], purpose: str) -> None:
    """The recipient rows (created once; a re-run finds them)."""
    existing = set(db.session.scalars(select(PackRecipient.journalist_id).where(
        PackRecipient.pack_id == pack.id, PackRecipient.purpose == purpose)))
    wanted = [j for j in journalist_ids if j not in existing]
    if not wanted:
        return
    valid = set(db.session.scalars(select(Journalist.id).where(Journalist.office_id == pack.office_id,
                                                               Journalist.id.in_(wanted))))
    try:
        with db.session.begin_nested():
            for journalist_id in wanted:
                if journalist_id in valid:
                    db.session.add(PackRecipient(office_id=pack.office_id, pack_id=pack.id, root_id=pack.lineage_id,
                                                 journalist_id=journalist_id, purpose=purpose))
    except IntegrityError:  # another worker on the same release wrote them first
        pass


def _plan(pack: Pack, journalist_ids: list[int], purpose: str, key: str) -> FanOut:
    _write_recipients(pack, journalist_ids, purpose)
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    return fanout.plan("pack", {"pack_id": pack.id, "purpose": purpose}, office_id=pack.office_id, key=key,
                       label=pack.title, purpose=purpose, urgent=bool(briefing and briefing.is_crisis),
                       briefing_id=pack.briefing_id)


def distribute(pack: Pack) -> FanOut:
    """A released version to its recipients: a correction to earlier recipients, else the first audience."""
    earlier = earlier_recipients(pack) if pack.version > 1 else []
    if earlier:
        return _plan(pack, earlier, "correction", f"correction:{pack.id}")
    return _plan(pack, first_audience(pack), "pack", f"pack:{pack.id}")


def follow_up_due(root_id: int, *, now: datetime | None = None) -> str:
    """After the briefing: the newest released version to the invited who did not attend."""
    now = now or clock.now()
    pack = db.session.scalar(select(Pack).where(Pack.root_id == root_id, Pack.status == "released")
                             .order_by(Pack.version.desc()))
    if pack is None or pack.briefing_id is None:
        return "nothing"
    briefing = db.session.get(Briefing, pack.briefing_id)
    if briefing is None or briefing.status == "cancelled":
        return "nothing"
    if briefing.end > now:
        events.emit("pack.follow_up_due", office_id=pack.office_id, payload={"root_id": root_id},
                    due_at=briefing.end)
        return "rescheduled"
    present = attended_journalists(briefing)
    absent = [j for j in _active_invited(briefing) if j not in present]
    _plan(pack, absent, "follow_up", f"pack-follow-up:{root_id}")
    return "sent"


# --- the spokespeople told when an embargo follows its briefing ----------------------------------------

EMBARGO_HEADLINES = {
    "moved": _l("Buổi họp báo đổi giờ: lệnh cấm đăng tải của tài liệu dời theo."),
    "held": _l("Buổi họp báo đã bị huỷ: lệnh cấm đăng tải của tài liệu được giữ, tài liệu chưa phát hành."),
    "resumed": _l("Buổi họp báo được khôi phục: lệnh cấm đăng tải của tài liệu lại theo giờ buổi họp."),
}


def tell_spokespeople(pack_id: int, change: str, embargo_until: str | None) -> int:
    """One mail to each active spokesperson of the office (and each approver of the pack), in their language,
    once per pack, change and time (the key): a retried job sends nothing again. Returns how many."""
    pack = db.session.get(Pack, pack_id)
    if pack is None or change not in EMBARGO_HEADLINES:
        return 0
    office = db.session.get(Office, pack.office_id)
    approvers = select(PackApproval.user_id).where(PackApproval.pack_id == pack.id)
    users = list(db.session.scalars(select(User).where(
        User.office_id == office.id, User.active.is_(True),
        (User.role == "spokesperson") | User.id.in_(approvers)).order_by(User.id)))
    link = external_url("packs.detail", pack_id=pack.id)
    def subject() -> str:
        return _("Lệnh cấm đăng tải theo buổi họp báo: %(title)s", title=pack.title)

    for user in users:
        with force_locale(user.locale or office.locale):
            headline, words = str(EMBARGO_HEADLINES[change]), embargo_words(pack, office.timezone)
        mail.send_to_staff(user, office, key=f"embargo:{pack.id}:{change}:{embargo_until or 'held'}:{user.id}",
                           purpose="embargo", template="embargo_changed", subject=subject,
                           context={"pack": pack, "headline": headline, "words": words, "link": link})
    return len(users)
