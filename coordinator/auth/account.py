"""The signed-in user's own sessions: where they are signed in, and signing out elsewhere."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from coordinator import security
from coordinator.auth.views import bp
from coordinator.core import audit
from coordinator.core.permissions import require
from coordinator.extensions import db
from coordinator.users import sessions
from coordinator.users.models import UserSession


@bp.get("/account/sessions")
@require("read")
def account_sessions():
    here = security.current_session()
    rows = sessions.active(current_user)
    listed = [{"row": row, "device": sessions.device_label(row.user_agent),
               "here": here is not None and row.id == here.id} for row in rows]
    listed.sort(key=lambda item: not item["here"])  # this device first
    return render_template("auth/sessions.html", sessions=listed, remember_days=sessions.remember_days(),
                           idle_days=sessions.idle_limit().days)


@bp.post("/account/sessions/<int:session_id>/revoke")
@require("read")
def revoke_session(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id or row.revoked_at is not None:
        abort(404)  # someone else's session is as unknown as one that never was
    here = security.current_session()
    sessions.revoke(row, "revoked_by_user")
    audit.record("user.session_revoked", current_user, data={"session_id": row.id})
    if here is not None and here.id == row.id:
        from coordinator.auth.views import sign_out

        sign_out()
        flash(_("Bạn đã đăng xuất."), "info")
        return redirect(url_for("auth.login"))
    flash(_("Đã đăng xuất phiên trên thiết bị đó."), "success")
    return redirect(url_for("auth.account_sessions"))


@bp.post("/account/sessions/revoke-others")
@require("read")
def revoke_other_sessions():
    ended = sessions.revoke_all(current_user, "signed_out_elsewhere", keep=security.current_session())
    if ended:
        flash(ngettext("Đã đăng xuất %(num)d phiên khác.", "Đã đăng xuất %(num)d phiên khác.", ended), "success")
    else:
        flash(_("Không có phiên nào khác đang đăng nhập."), "info")
    return redirect(url_for("auth.account_sessions"))
