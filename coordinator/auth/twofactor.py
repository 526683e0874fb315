"""Two-factor sign-in pages: the login's second step, setting up the authenticator app, recovery codes, and
the gate that keeps a user who must use two-factor on the set-up page until it is on.

After the right password, a user with two-factor gets no session: the browser's (signed) cookie only says
"this user passed the password, a few minutes ago", and the session starts when the code passes. Wrong codes
count towards the same per-address lockout as wrong passwords, and the step is rate limited like the login.
"""
from __future__ import annotations

import base64
import functools

from flask import Response, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coordinator import security
from coordinator.auth.forms import CodeForm, ConfirmPasswordForm
from coordinator.auth.views import _safe_next, bp, complete_login, locked_message
from coordinator.core import clock, uow
from coordinator.core.permissions import require
from coordinator.core.qr import qr_png
from coordinator.extensions import db, limiter
from coordinator.users import lockout, twofactor
from coordinator.users.models import User
from coordinator.users.passwords import verify_password

PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 300  # the password step is good for five minutes
# What a user who must set up two-factor may still open before it is on.
GATE_OPEN = frozenset({"auth.two_factor", "auth.two_factor_enable", "auth.logout", "auth.set_language",
                       "static"})


# --- the login's second step ---------------------------------------------------------------------

def await_code(user: User, *, remember: bool, next_url: str | None) -> Response:
    """The password was right: remember that (for a few minutes) and ask for the code."""
    session[PENDING_KEY] = {"u": user.id, "r": remember, "n": next_url or "", "t": int(clock.timestamp()),
                            "h": (user.password_hash or "")[-16:]}
    return redirect(url_for("auth.login_code"))


def _pending_user() -> tuple[User, dict] | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or clock.timestamp() - pending.get("t", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("u"))
    # A password changed since (or an account closed) ends the half-done login too.
    if user is None or not user.active or not user.two_factor_enabled \
            or (user.password_hash or "")[-16:] != pending.get("h"):
        return None
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login_code():
    found = _pending_user()
    if found is None:
        session.pop(PENDING_KEY, None)
        flash(_("Phiên đăng nhập đã hết hạn. Hãy nhập lại email và mật khẩu."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/login_code.html", form=form), 422 if form.errors else 200
    locked = lockout.locked_until(user.email)
    if locked is not None:
        form.code.errors.append(locked_message(locked))
        return render_template("auth/login_code.html", form=form), 429
    method = twofactor.verify(user, form.code.data)
    if method is None:
        uow.abandon()  # (the refused claim's write lock, before the count's own transaction)
        locked = lockout.record_failure(user.email)
        if locked is not None:
            form.code.errors.append(locked_message(locked))
            return render_template("auth/login_code.html", form=form), 429
        form.code.errors.append(_("Mã không đúng, đã hết hạn hoặc đã được dùng."))
        return render_template("auth/login_code.html", form=form), 422
    session.pop(PENDING_KEY, None)
    lockout.clear(user.email)
    complete_login(user, remember=bool(pending.get("r")), method=method)
    if method == "recovery":
        flash(_("Bạn đã dùng một mã khôi phục; mỗi mã chỉ dùng được một lần. Còn %(left)d mã.",
                left=twofactor.recovery_codes_left(user)), "info")
    return redirect(_safe_next(pending.get("n")))


# --- setting it up and managing it ---------------------------------------------------------------

def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # a secret or recovery codes are on the page
    return response


def _setup_page(form: CodeForm, status: int = 200) -> Response:
    secret = current_user.totp_pending_secret or twofactor.begin_setup(current_user)
    uri = twofactor.provisioning_uri(current_user, secret)
    qr = base64.b64encode(qr_png(uri, box_size=5)).decode()
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return _no_store(make_response(render_template(
        "auth/two_factor_setup.html", form=form, qr=qr, secret=grouped, uri=uri,
        required=twofactor.required_for(current_user)), status))


def _status_page(form: ConfirmPasswordForm | None = None, status: int = 200) -> Response:
    return _no_store(make_response(render_template(
        "auth/two_factor.html", form=form or ConfirmPasswordForm(formdata=None),
        left=twofactor.recovery_codes_left(current_user), required=twofactor.required_for(current_user)),
        status))


@bp.get("/account/two-factor")
@require("read")
def two_factor():
    if current_user.two_factor_enabled:
        return _status_page()
    return _setup_page(CodeForm(formdata=None))


@bp.post("/account/two-factor/enable")
@require("read")
def two_factor_enable():
    if current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor"))
    form = CodeForm()
    if not form.validate_on_submit():
        return _setup_page(form, 422)
    codes = twofactor.confirm_setup(current_user, form.code.data, keep=security.current_session())
    if codes is None:
        form.code.errors.append(_("Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng xác thực."))
        return _setup_page(form, 422)
    return _no_store(make_response(render_template("auth/recovery_codes.html", codes=codes, enabled_now=True)))


def _password_confirmed(form: ConfirmPasswordForm) -> tuple[bool, int]:
    """Check the password typed again; a wrong one counts towards the address's lockout."""
    if not form.validate_on_submit():
        return False, 422
    locked = lockout.locked_until(current_user.email)
    if locked is None and verify_password(current_user.password_hash, form.password.data):
        return True, 200
    locked = locked or lockout.record_failure(current_user.email)
    form.password.errors.append(locked_message(locked) if locked else _("Mật khẩu không đúng."))
    return False, 429 if locked else 422


def _with_two_factor(view):
    """A change to a second factor one has: without one, back to the set-up page."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.two_factor_enabled:
            return redirect(url_for("auth.two_factor"))
        return view(*args, **kwargs)
    return wrapped


@bp.post("/account/two-factor/recovery-codes")
@require("read")
@_with_two_factor
def two_factor_recovery_codes():
    form = ConfirmPasswordForm()
    ok, status = _password_confirmed(form)
    if not ok:
        return _status_page(form, status)
    codes = twofactor.regenerate_recovery_codes(current_user)
    return _no_store(make_response(render_template("auth/recovery_codes.html", codes=codes, enabled_now=False)))


@bp.post("/account/two-factor/disable")
@require("read")
@_with_two_factor
def two_factor_disable():
    form = ConfirmPasswordForm()
    if twofactor.required_for(current_user):
        form.password.errors = [_("Tài khoản của bạn bắt buộc dùng xác thực hai bước; không thể tắt.")]
        return _status_page(form, 409)
    ok, status = _password_confirmed(form)
    if not ok:
        return _status_page(form, status)
    twofactor.disable(current_user, keep=security.current_session())
    flash(_("Đã tắt xác thực hai bước. Các phiên đăng nhập khác đã kết thúc."), "success")
    return redirect(url_for("auth.two_factor"))


# --- the gate --------------------------------------------------------------------------------------

def gate() -> Response | None:
    """Before every request: a signed-in user who must use two-factor and has not set it up yet is sent to
    the set-up page, whatever they asked for (API calls with a token are not signed-in sessions)."""
    if request.endpoint in GATE_OPEN or request.endpoint is None:
        return None
    if not current_user.is_authenticated or current_user.two_factor_enabled:
        return None
    if security.current_session() is None or not twofactor.required_for(current_user):
        return None
    uow.abandon()
    if request.method == "GET":
        flash(_("Tài khoản của bạn cần bật xác thực hai bước trước khi làm việc khác."), "info")
    return redirect(url_for("auth.two_factor"), 303 if request.method != "GET" else 302)
