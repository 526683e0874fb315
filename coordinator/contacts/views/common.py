"""The contact pages' blueprint, and what several of its pages share."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields import SelectChoice

from coordinator.contacts import operations as ops
from coordinator.contacts.models import Beat, Journalist
from coordinator.contacts.search import outlet_query
from coordinator.core import validators
from coordinator.core.errors import DomainError
from coordinator.core.permissions import can
from coordinator.core.tenancy import current_office_id
from coordinator.extensions import db
from coordinator.web import navigation
from coordinator.web.forms import apply_errors, flash_error
from coordinator.web.navigation import NavItem

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
navigation.add(NavItem("contacts.journalists", _l("Danh bạ báo chí"), "read", "contacts."))

PER_PAGE = 50
T = TypeVar("T")


@bp.context_processor
def _helpers() -> dict:
    return {"can_edit": can(current_user, "edit"), "kind_labels": ops.KIND_LABELS, "level_labels": ops.LEVEL_LABELS,
            "status_labels": ops.STATUS_LABELS, "language_labels": ops.LANGUAGE_LABELS,
            "display_phone": ops.display_phone}


def save(form: FlaskForm, change: Callable[[], T], mapping: dict[str, str] | None = None) -> T | None:
    """Run ``change`` (an operation, returning what it saved) when ``form`` is submitted and valid.

    ``None`` means "show the form again": not submitted, invalid, or refused by the operation, whose
    errors then stand under the fields (``mapping`` renames its fields to the form's) and whose unit of
    work is abandoned."""
    if not form.validate_on_submit():
        return None
    try:
        return change()
    except DomainError as exc:
        apply_errors(form, exc, mapping)
        return None


def attempt(change: Callable[[], object]) -> bool:
    """Run a change asked for by a button (no form to show again); ``False``, with the reason flashed and the
    unit of work abandoned, when the operation refuses it."""
    try:
        change()
    except DomainError as exc:
        flash_error(exc)
        return False
    return True


def form_status(form: FlaskForm) -> int:
    """422 for a form shown again with errors, 200 otherwise."""
    return 422 if any(f.errors for f in form) else 200


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def outlet_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(outlet_query(current_office_id()))]


def beat_rows() -> list[Beat]:
    return list(db.session.scalars(select(Beat).where(Beat.office_id == current_office_id()).order_by(Beat.slug)))


def find_journalist(value: str) -> Journalist | None:
    """The office's journalist by id (``12`` or ``#12``) or email, as people type them into a form."""
    value = (value or "").strip()
    if value.lstrip("#").isdigit():
        journalist_id = validators.parse_id(value.lstrip("#"))
        person = db.session.get(Journalist, journalist_id) if journalist_id is not None else None
    else:
        person = db.session.scalar(select(Journalist).where(Journalist.office_id == current_office_id(),
                                                            Journalist.email == value.lower()))
    if person is None or person.office_id != current_office_id():
        return None
    return person


def require_edit() -> None:
    """For a POST to a page that anyone with ``read`` may see: changing needs ``edit`` (403 otherwise)."""
    if not can(current_user, "edit"):
        abort(403)
