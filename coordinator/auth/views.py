"""Staff login and logout, and the language switcher."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from coordinator.auth.forms import LoginForm
from coordinator.core import audit, clock
from coordinator.extensions import limiter
from coordinator.users.operations import get_user_by_email
from coordinator.users.passwords import hash_password, needs_rehash, verify_password

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("web.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = get_user_by_email(form.email.data)
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user is not None and password_ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.last_login_at = clock.now()
            audit.record("user.login", user)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Email hoặc mật khẩu không đúng."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    from coordinator.auth.forms import SetPasswordForm
    from coordinator.auth.tokens import user_from_password_token
    from coordinator.users.operations import set_password as store_password

    user = user_from_password_token(token)
    if user is None:
        return render_template("auth/link_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        store_password(user, form.password.data)
        login_user(user)
        flash(_("Đã đặt mật khẩu. Chào mừng bạn!"), "success")
        return redirect(url_for("web.dashboard"))
    return render_template("auth/set_password.html", form=form, user=user), 422 if form.errors else 200
