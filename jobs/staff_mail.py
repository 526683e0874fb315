"""Mail to staff: the welcome message with a link to set a password."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from coordinator.auth.tokens import password_token
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.mail import service as mail
from coordinator.mail.message import OutgoingMessage
from coordinator.users.models import User


def send_welcome(user_id: int, *, event_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None:  # deleted since: nothing to send
        return
    office = user.office
    locale = user.locale or office.locale
    link = external_url("auth.set_password", token=password_token(user))
    with force_locale(locale):
        context = {"user": user, "office": office, "link": link,
                   "login_url": external_url("auth.login")}
        subject = _("Tài khoản của bạn tại %(office)s", office=office.name)
        text = render_template("mail/welcome.txt", **context)
        html = render_template("mail/welcome.html", subject=subject, **context)
    sender, sender_name = mail.sender_for(office)
    mail.send(OutgoingMessage(
        key=f"welcome:{user.id}:{event_id}", office_id=office.id, office_slug=office.slug,
        purpose="welcome", to_email=user.email, to_name=user.full_name, from_email=sender,
        from_name=sender_name, subject=subject, text=text, html=html))
