"""Forgot password: ask for a link by mail, then set a new password with it (``coordinator.users.resets``)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from coordinator.auth.forms import ForgotPasswordForm, SetPasswordForm
from coordinator.auth.views import bp
from coordinator.core import uow
from coordinator.core.errors import ValidationError
from coordinator.extensions import limiter
from coordinator.users import resets


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def forgot_password():
    """The same answer whether or not the address has an account (nobody learns who has one)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data)
        flash(_("Nếu địa chỉ này có tài khoản, một thư hướng dẫn đặt lại mật khẩu vừa được gửi tới. "
                "Đường dẫn trong thư dùng được trong %(minutes)d phút.",
                minutes=int(resets.RESET_VALID.total_seconds() // 60)), "info")
        return redirect(url_for("auth.forgot_password"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    row = resets.find(token)
    if row is None:
        return render_template("auth/link_invalid.html", forgot=True), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            resets.complete(row, form.password.data)
        except ValidationError as exc:
            uow.abandon()
            form.password.errors.extend(exc.fields.values())
            return render_template("auth/set_password.html", form=form, user=row.user), 422
        flash(_("Đã đặt mật khẩu mới; mọi phiên đăng nhập cũ đã kết thúc. Hãy đăng nhập."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=row.user), 422 if form.errors else 200
