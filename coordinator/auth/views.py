"""Staff login and logout, and the language switcher."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from coordinator import security
from coordinator.auth.forms import LoginForm
from coordinator.core import audit, clock, uow
from coordinator.core.errors import ValidationError
from coordinator.extensions import limiter
from coordinator.users import lockout, sessions
from coordinator.users.models import User
from coordinator.users.operations import get_user_by_email, normalise_email
from coordinator.users.passwords import hash_password, needs_rehash, verify_password

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("web.dashboard")


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a stored session for ``user`` in this browser (and a remember cookie if asked)."""
    row, token, remember_value = sessions.start(user, remember=remember, user_agent=security.user_agent(),
                                                ip=security.client_ip())
    security.set_current_session(row)
    user.session_token = token
    login_user(user, remember=False)  # Flask-Login's static remember cookie is never used
    if remember_value:
        security.set_remember_cookie(remember_value)


def complete_login(user: User, *, remember: bool, method: str = "password") -> None:
    """The login passed every step: note it and start the session."""
    user.last_login_at = clock.now()
    audit.record("user.login", user, actor_user_id=user.id, actor_label=user.email,
                 data={"method": method} if method != "password" else None)
    sign_in(user, remember=remember)


def sign_out() -> None:
    """End this browser's session on the server too, and forget its cookies."""
    row = security.current_session()
    if row is not None:
        sessions.revoke(row, "logout")
    logout_user()
    security.set_remember_cookie(None)


def locked_message(until) -> str:
    minutes = lockout.minutes_left(until)
    return ngettext("Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau %(num)d phút.",
                    "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Thử lại sau %(num)d phút.", minutes)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        locked = lockout.locked_until(email)
        if locked is not None:  # not even checked: a lock holds whatever the password
            form.password.errors.append(locked_message(locked))
            return render_template("auth/login.html", form=form), 429
        user = get_user_by_email(email)
        password_ok = verify_password(user.password_hash if user else None, form.password.data)
        if user is not None and password_ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            if user.two_factor_enabled:  # no session yet: the code comes first
                from coordinator.auth.twofactor import await_code

                return await_code(user, remember=bool(form.remember.data), next_url=request.args.get("next"))
            lockout.clear(email)
            complete_login(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        locked = lockout.record_failure(email)  # the same for an unknown address: nothing to tell them apart
        if locked is not None:
            form.password.errors.append(locked_message(locked))
            return render_template("auth/login.html", form=form), 429
        form.password.errors.append(_("Email hoặc mật khẩu không đúng."))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    sign_out()
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
        try:
            store_password(user, form.password.data)
        except ValidationError as exc:
            uow.abandon()
            form.password.errors.extend(exc.fields.values())
            return render_template("auth/set_password.html", form=form, user=user), 422
        if user.two_factor_enabled:  # the link proves the mailbox, not the second factor
            flash(_("Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu mới và mã xác thực."), "success")
            return redirect(url_for("auth.login"))
        sign_in(user)
        flash(_("Đã đặt mật khẩu. Chào mừng bạn!"), "success")
        return redirect(url_for("web.dashboard"))
    return render_template("auth/set_password.html", form=form, user=user), 422 if form.errors else 200
