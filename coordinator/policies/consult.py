"""The public consultation page of a policy in drafting: ``/consult/<office_slug>/<policy_id>``.

Who may comment: a journalist of the office's contacts, recognised by the portal link (``?t=`` — the
journalist portal lists open consultations with it); citizens too when the policy says so (name and email
required, so staff can answer). A typed email address never identifies a journalist: anyone could type it.
The page says which applies. Rate-limited and
CSRF-protected like the other public forms.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.core import uow
from coordinator.core.errors import DomainError
from coordinator.extensions import db, limiter
from coordinator.invitations.tokens import journalist_from_portal_token
from coordinator.offices.models import Office
from coordinator.offices.operations import get_office_by_slug
from coordinator.policies import operations as ops
from coordinator.policies.forms import CommentForm
from coordinator.policies.models import Policy, PolicyComment

bp = Blueprint("consult", __name__, url_prefix="/consult")


def _open_policy(office_slug: str, policy_id: int) -> tuple[Office, Policy]:
    office = get_office_by_slug(office_slug)
    policy = db.session.get(Policy, policy_id) if office is not None else None
    if policy is None or policy.office_id != office.id or not policy.open_for_comments:
        abort(404)
    return office, policy


def open_policies(office_id: int) -> list[Policy]:
    """Policies open for comments (linked from the newsroom)."""
    return list(db.session.scalars(select(Policy).where(Policy.office_id == office_id, Policy.stage == "drafting",
                                                        Policy.consultation_open.is_(True)).order_by(Policy.name)))


@bp.route("/<office_slug>/<int:policy_id>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def page(office_slug: str, policy_id: int) -> ResponseReturnValue:
    office, policy = _open_policy(office_slug, policy_id)
    token = (request.values.get("t") or "")[:500]
    journalist = journalist_from_portal_token(token)[0] if token else None
    if journalist is not None and journalist.office_id != office.id:
        journalist = None
    form = CommentForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            # Only the portal link proves who a journalist is: a typed address could be anyone's, so it
            # never borrows a journalist's name (and the answer never says whether an address is known).
            try:
                ops.submit_comment(policy, text=form.text.data, journalist=journalist, name=form.name.data,
                                   email=form.email.data)
            except DomainError as exc:
                uow.abandon()
                for key, message in (exc.fields or {"text": exc.message}).items():
                    field = getattr(form, key, form.text)
                    field.errors = [*list(field.errors or []), message]
            else:
                flash(_("Cảm ơn bạn. Góp ý đã được gửi tới cơ quan soạn thảo."), "success")
                return redirect(url_for("consult.page", office_slug=office.slug, policy_id=policy.id,
                                        **({"t": token} if journalist else {})))
        status = 422
    answered = list(db.session.scalars(select(PolicyComment).where(
        PolicyComment.policy_id == policy.id, PolicyComment.status == "answered").order_by(
        PolicyComment.triaged_at.desc()).limit(20)))
    received = db.session.scalar(select(db.func.count()).select_from(PolicyComment).where(
        PolicyComment.policy_id == policy.id))
    return render_template("policies/consult.html", office=office, policy=policy, form=form, journalist=journalist,
                           token=token if journalist else "", answered=answered, received=received), status
