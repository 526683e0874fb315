"""The mail a journalist receives with a pack: first release, correction (đính chính), follow-up after a
missed briefing. In the journalist's language, HTML and text, with the embargo notice while it holds."""
from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from coordinator.contacts.models import Journalist
from coordinator.core import clock
from coordinator.core.i18n import format_local
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.invitations.tokens import link_days, portal_token, unsubscribe_token
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office
from coordinator.packs.models import Pack
from coordinator.packs.reading import embargo_active
from coordinator.packs.tokens import download_token
from coordinator.schedule.models import Briefing


def message_key(pack: Pack, journalist_id: int, purpose: str) -> str:
    if purpose == "follow_up":
        return f"pack-follow-up:{pack.lineage_id}:{journalist_id}"
    return f"pack:{pack.id}:v{pack.version}:{journalist_id}"


def pack_message(pack: Pack, journalist: Journalist, office: Office, purpose: str,
                 now: datetime | None = None) -> OutgoingMessage:
    now = now or clock.now()
    token = download_token(pack, journalist)
    page = external_url("packs_public.recipient_page", token=token)
    links = {"page": page,
             "portal": external_url("portal.home", token=portal_token(journalist)),
             "unsubscribe": external_url("portal.unsubscribe", token=unsubscribe_token(
                 journalist, (pack.released_at or now) + link_days()))}
    files = [(f, external_url("packs_public.recipient_download", token=token, file_id=f.id)) for f in pack.files]
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    with force_locale(journalist.language or office.locale):
        embargo = format_local(pack.embargo_until, office.timezone) if embargo_active(pack, now) else None
        if purpose == "correction":
            subject = _("Đính chính: %(title)s", title=pack.title)
        elif purpose == "follow_up":
            subject = _("Tài liệu buổi họp báo: %(title)s", title=pack.title)
        else:
            subject = _("Tài liệu báo chí: %(title)s", title=pack.title)
        if embargo:
            subject = _("[CẤM ĐĂNG TRƯỚC %(when)s] %(subject)s", when=embargo, subject=subject)
        context = {"pack": pack, "journalist": journalist, "office": office, "links": links, "files": files,
                   "purpose": purpose, "embargo": embargo, "subject": subject, "briefing": briefing,
                   "briefing_when": format_local(briefing.start, office.timezone) if briefing else None}
        text = render_template("mail/pack.txt", **context)
        html = render_template("mail/pack.html", **context)
    sender, sender_name = mail.sender_for(office)
    return OutgoingMessage(
        key=message_key(pack, journalist.id, purpose), office_id=office.id, office_slug=office.slug,
        purpose=purpose, to_email=journalist.email, to_name=journalist.full_name, from_email=sender,
        from_name=sender_name, subject=subject, text=text, html=html,
        headers={"List-Unsubscribe": f"<{links['unsubscribe']}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
