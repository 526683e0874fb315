"""Mail to staff: the welcome message with a link to set a password."""
from __future__ import annotations

from flask_babel import gettext as _

from coordinator.auth.tokens import password_token
from coordinator.core.urls import external_url
from coordinator.extensions import db
from coordinator.mail import service as mail
from coordinator.users.models import User


def send_welcome(user_id: int, *, event_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None:  # deleted since: nothing to send
        return
    office = user.office
    mail.send_to_staff(
        user, office, key=f"welcome:{user.id}:{event_id}", purpose="welcome", template="welcome",
        subject=lambda: _("Tài khoản của bạn tại %(office)s", office=office.name),
        context={"link": external_url("auth.set_password", token=password_token(user)),
                 "login_url": external_url("auth.login")})


def send_password_reset(user_id: int, *, event_id: int) -> None:
    """The "forgot password" link: its secret is made here, kept hashed, and written only into the mail
    (a retried job that finds the mail already sent mails nothing more; that link then fails and the user
    asks again)."""
    from coordinator.users import resets

    user = db.session.get(User, user_id)
    if user is None or not user.active:  # deleted or deactivated since: no link
        return
    office = user.office
    # The row is written after the send: the send's own short transactions (its claim) must not wait on
    # this unit's write lock (SQLite has one writer). Both end up committed with the job.
    token = resets.new_secret()
    mail.send_to_staff(
        user, office, key=f"password-reset:{user.id}:{event_id}", purpose="password_reset",
        template="password_reset",
        subject=lambda: _("Đặt lại mật khẩu tại %(office)s", office=office.name),
        context={"link": external_url("auth.reset_password", token=token),
                 "minutes": int(resets.RESET_VALID.total_seconds() // 60),
                 "forgot_url": external_url("auth.forgot_password")})
    resets.store(user, token)
