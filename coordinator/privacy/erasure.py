"""Erasing a journalist's personal data (the right to erasure, and the office's retention period).

The journalist's row stays, anonymous: attendance, invitations and pack recipients keep pointing at it, so
reports count exactly what they counted before (an anonymous attendee of that outlet), while no name,
address, phone, note, title, link token, answer note, question or comment text, mail address or subject is
left behind, nor the .eml copies the outbox backend wrote for them. Copies other offices adopted from a
network offer are those offices' own records and stay theirs; this office's open offers are withdrawn.
"""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import String, cast, delete, or_, select, update

from coordinator.attendance.models import Question
from coordinator.contacts.models import ConsentRecord, DistributionListMember, Journalist
from coordinator.contacts.text import fold
from coordinator.core import audit, clock
from coordinator.core.audit import AuditLog
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.mail.backends import key_digest
from coordinator.mail.models import Delivery, ProviderEvent, Suppression
from coordinator.network.models import ContactOffer
from coordinator.offices.models import Office
from coordinator.packs.models import PackDownload
from coordinator.policies.models import PolicyComment
from coordinator.privacy.models import DataRequest
from coordinator.schedule.models import JournalistFeedToken

ERASED = "[đã xoá]"  # stored text (not a UI string): what stands where personal data was


def erased_email(journalist_id: int) -> str:
    """A placeholder no one receives (.invalid is reserved), unique per office as the column requires."""
    return f"erased-{journalist_id}@erased.invalid"


def erase_journalist(journalist: Journalist, *, why: str) -> None:
    """Remove the journalist's personal data everywhere this office keeps it (idempotent)."""
    if journalist.erased_at is not None:
        return
    office = db.session.get(Office, journalist.office_id)
    email, now = journalist.email, clock.now()
    _erase_mail(office, journalist.id, email)
    _erase_activity(journalist)
    _erase_audit(journalist, email)
    journalist.full_name = ERASED
    journalist.full_name_folded = fold(ERASED)
    journalist.email = erased_email(journalist.id)
    journalist.phone = journalist.notes = journalist.job_title = journalist.status_reason = None
    journalist.status, journalist.status_changed_at, journalist.erased_at = "archived", now, now
    journalist.beats = []
    db.session.execute(delete(DistributionListMember).where(DistributionListMember.journalist_id == journalist.id))
    db.session.execute(update(ConsentRecord).where(ConsentRecord.journalist_id == journalist.id,
                                                   ConsentRecord.withdrawn_at.is_(None)).values(withdrawn_at=now))
    db.session.flush()
    audit.record("journalist.erased", journalist, data={"why": why})


def _erase_mail(office: Office, journalist_id: int, email: str) -> None:
    """Addresses and subjects of the mail sent to them, the outbox's .eml copies, provider events and the
    suppression row of their address."""
    keys = list(db.session.scalars(select(Delivery.key).where(Delivery.office_id == office.id,
                                                              Delivery.recipient == email)))
    outbox = current_app.config.get("OUTBOX_DIR")
    if outbox:
        from pathlib import Path

        for key in keys:
            Path(outbox, office.slug, f"{key_digest(key)}.eml").unlink(missing_ok=True)
    db.session.execute(update(Delivery).where(Delivery.office_id == office.id, Delivery.recipient == email)
                       .values(recipient=erased_email(journalist_id), subject="", error=None))
    db.session.execute(update(ProviderEvent).where(ProviderEvent.office_id == office.id, ProviderEvent.email == email)
                       .values(email=None, detail=None))
    db.session.execute(delete(Suppression).where(Suppression.office_id == office.id, Suppression.email == email))


def _erase_activity(journalist: Journalist) -> None:
    """What they wrote and the links they hold; the facts (invited, answered, came) stay for the counts."""
    for invitation in db.session.scalars(select(Invitation).where(Invitation.journalist_id == journalist.id)):
        invitation.rsvp_note = None
        invitation.token_version = (invitation.token_version or 1) + 1  # every link mailed to them dies
        invitation.checkin_code = secrets.token_hex(6).upper()
    db.session.execute(update(Question).where(Question.journalist_id == journalist.id).values(text=ERASED))
    db.session.execute(update(PolicyComment).where(PolicyComment.journalist_id == journalist.id)
                       .values(author_name=ERASED, author_email=None, text=ERASED))
    db.session.execute(update(PackDownload).where(PackDownload.journalist_id == journalist.id).values(ip_hash=None))
    db.session.execute(delete(JournalistFeedToken).where(JournalistFeedToken.journalist_id == journalist.id))
    db.session.execute(update(ContactOffer).where(ContactOffer.journalist_id == journalist.id)
                       .values(note=None))
    db.session.execute(update(ContactOffer).where(ContactOffer.journalist_id == journalist.id,
                                                  ContactOffer.status == "active")
                       .values(status="withdrawn", withdrawn_at=clock.now()))
    db.session.execute(update(DataRequest).where(DataRequest.journalist_id == journalist.id).values(message=None))


def _erase_audit(journalist: Journalist, email: str) -> None:
    """Audit entries keep who did what and when, without the journalist's details."""
    about = or_((AuditLog.target_type == "journalist") & (AuditLog.target_id == journalist.id),
                cast(AuditLog.data, String).contains(email))
    db.session.execute(update(AuditLog).where(AuditLog.office_id == journalist.office_id, about)
                       .values(data={"erased": True}))
    db.session.execute(update(AuditLog).where(AuditLog.office_id == journalist.office_id,
                                              AuditLog.actor_label == email)
                       .values(actor_label=f"journalist #{journalist.id}"))
