"""Mail to journalists about their portal: the "send me a new link" message."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from coordinator.contacts.models import Journalist
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.invitations.tokens import portal_token
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.offices.models import Office


def send_portal_link(journalist_id: int, *, event_id: int) -> None:
    journalist = db.session.get(Journalist, journalist_id)
    if journalist is None or journalist.status == "archived":
        return
    office = db.session.get(Office, journalist.office_id)
    link = external_url("portal.home", token=portal_token(journalist))
    sender, sender_name = mail.sender_for(office)
    with force_locale(journalist.language or office.locale):
        subject = _("Đường dẫn vào trang phóng viên – %(office)s", office=office.name)
        context = {"journalist": journalist, "office": office, "link": link, "subject": subject}
        text = render_template("mail/portal_link.txt", **context)
        html = render_template("mail/portal_link.html", **context)
    mail.send(OutgoingMessage(key=f"portal-link:{event_id}", office_id=office.id, office_slug=office.slug,
                              purpose="portal_link", to_email=journalist.email, to_name=journalist.full_name,
                              from_email=sender, from_name=sender_name, subject=subject, text=text, html=html))
