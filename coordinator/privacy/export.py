"""Everything the office holds on one journalist, for the journalist (the right of access, Law 91/2025/QH15):
contact details, consent history, outlet history, lists, invitations and answers, attendance, questions,
consultation comments, pack downloads, every mail sent to them and network shares."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coordinator.attendance.models import Attendance, Question
from coordinator.contacts.models import DistributionList, DistributionListMember, Journalist
from coordinator.contacts.operations import consent_history
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation
from coordinator.mail.models import Delivery
from coordinator.network.models import ContactLink, ContactOffer
from coordinator.offices.models import Office
from coordinator.packs.models import Pack, PackDownload
from coordinator.policies.models import PolicyComment
from coordinator.privacy.models import DataRequest
from coordinator.schedule.models import Briefing, Series

SECTIONS = ("contact", "consent", "outlet_history", "lists", "invitations", "attendance", "questions",
            "comments", "downloads", "mail", "network_shares", "requests")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def subject_data(journalist: Journalist) -> dict[str, Any]:
    """The whole record as plain JSON-able data, one key per ``SECTIONS``."""
    office = db.session.get(Office, journalist.office_id)
    return {"office": office.name, "generated_at": _iso(clock.now()), "contact": _contact(journalist),
            "consent": [{"basis": c.basis, "purpose": c.purpose, "network_sharing": c.network_sharing,
                         "source": c.source, "source_detail": c.source_detail, "recorded_at": _iso(c.recorded_at),
                         "withdrawn_at": _iso(c.withdrawn_at)} for c in consent_history(journalist)],
            "outlet_history": [{"outlet": h.outlet.name, "valid_from": _iso(h.valid_from), "valid_to": _iso(h.valid_to)}
                               for h in sorted(journalist.history, key=lambda h: h.valid_from)],
            "lists": list(db.session.scalars(
                select(DistributionList.name).join(DistributionListMember,
                                                   DistributionListMember.list_id == DistributionList.id)
                .where(DistributionListMember.journalist_id == journalist.id).order_by(DistributionList.name))),
            "invitations": _invitations(journalist), "attendance": _attendance(journalist),
            "questions": _questions(journalist), "comments": _comments(journalist),
            "downloads": _downloads(journalist), "mail": _mail(journalist),
            "network_shares": _shares(journalist), "requests": _requests(journalist)}


def _contact(journalist: Journalist) -> dict[str, Any]:
    return {"id": journalist.id, "full_name": journalist.full_name, "email": journalist.email,
            "phone": journalist.phone, "job_title": journalist.job_title, "outlet": journalist.outlet.name,
            "beats": [b.name for b in journalist.beats], "language": journalist.language,
            "status": journalist.status, "status_reason": journalist.status_reason, "notes": journalist.notes,
            "created_at": _iso(journalist.created_at), "updated_at": _iso(journalist.updated_at)}


def _invitations(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Invitation, Series.title, Briefing.title, Briefing.start)
        .outerjoin(Series, Series.id == Invitation.series_id).outerjoin(Briefing, Briefing.id == Invitation.briefing_id)
        .where(Invitation.journalist_id == journalist.id).order_by(Invitation.id))
    return [{"title": series_title or briefing_title, "kind": "series" if inv.series_id else "briefing",
             "start": _iso(start), "rsvp": inv.rsvp, "rsvp_at": _iso(inv.rsvp_at), "rsvp_source": inv.rsvp_source,
             "rsvp_note": inv.rsvp_note, "invited_at": _iso(inv.invited_at), "cancelled_at": _iso(inv.cancelled_at)}
            for inv, series_title, briefing_title, start in rows]


def _briefing_title(briefing: Briefing) -> str:
    return briefing.title or (briefing.series.title if getattr(briefing, "series", None) else "")


def _attendance(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Attendance).where(Attendance.journalist_id == journalist.id)
                              .order_by(Attendance.checked_in_at))
    return [{"briefing": _briefing_title(a.briefing), "start": _iso(a.briefing.start), "outlet": a.outlet.name,
             "mode": a.mode, "method": a.method, "checked_in_at": _iso(a.checked_in_at)} for a in rows]


def _questions(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Question).where(Question.journalist_id == journalist.id)
                              .order_by(Question.asked_at))
    return [{"briefing": _briefing_title(q.briefing), "text": q.text, "status": q.status, "answer": q.answer,
             "asked_at": _iso(q.asked_at), "answered_at": _iso(q.answered_at)} for q in rows]


def _comments(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(PolicyComment).where(PolicyComment.journalist_id == journalist.id)
                              .order_by(PolicyComment.created_at))
    return [{"policy": c.policy.name, "author_name": c.author_name, "author_email": c.author_email, "text": c.text,
             "status": c.status, "reply": c.reply, "created_at": _iso(c.created_at)} for c in rows]


def _downloads(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.execute(select(PackDownload, Pack.title).join(Pack, Pack.id == PackDownload.pack_id)
                              .where(PackDownload.journalist_id == journalist.id).order_by(PackDownload.created_at))
    return [{"pack": title, "file": d.file.display_name if d.file is not None else None, "source": d.source,
             "created_at": _iso(d.created_at)} for d, title in rows]


def _mail(journalist: Journalist) -> list[dict[str, Any]]:
    """The office's mail to their address (the mail layer's record of each message)."""
    rows = db.session.scalars(select(Delivery).where(Delivery.office_id == journalist.office_id,
                                                     Delivery.recipient == journalist.email)
                              .order_by(Delivery.created_at, Delivery.id))
    return [{"to": d.recipient, "subject": d.subject, "purpose": d.purpose, "state": d.state,
             "provider_state": d.provider_state, "created_at": _iso(d.created_at), "sent_at": _iso(d.sent_at)}
            for d in rows]


def _shares(journalist: Journalist) -> list[dict[str, Any]]:
    """Offers of this journalist to the network, and which offices made a copy (their names only: the copies
    are the other offices' own records)."""
    out = []
    for offer in db.session.scalars(select(ContactOffer).where(ContactOffer.journalist_id == journalist.id)
                                    .order_by(ContactOffer.created_at)):
        offices = db.session.scalars(select(Office.name).join(ContactLink, ContactLink.office_id == Office.id)
                                     .where(ContactLink.offer_id == offer.id).order_by(Office.name))
        to = db.session.scalars(select(Office.name).where(Office.id.in_(offer.office_ids or [])).order_by(Office.name))
        out.append({"offered_at": _iso(offer.created_at), "status": offer.status,
                    "withdrawn_at": _iso(offer.withdrawn_at), "offered_to": list(to) or ["*"],
                    "copied_by": list(offices)})
    links = db.session.scalars(select(ContactLink).where(ContactLink.local_journalist_id == journalist.id))
    for link in links:
        out.append({"received_from": link.origin_office.name, "offered_at": _iso(link.created_at)})
    return out


def _requests(journalist: Journalist) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(DataRequest).where(DataRequest.journalist_id == journalist.id)
                              .order_by(DataRequest.created_at))
    return [{"kind": r.kind, "status": r.status, "message": r.message, "reason": r.reason,
             "created_at": _iso(r.created_at), "decided_at": _iso(r.decided_at)} for r in rows]
