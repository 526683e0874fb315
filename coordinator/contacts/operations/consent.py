"""The legal basis for processing each journalist's data (Law 91/2025/QH15): consent, the office's
public-interest task, or a contract; its purpose, where the record came from, and withdrawal.

Who may be mailed: nobody whose current record is withdrawn; when the office processes its contacts under
its public-interest task (``Office.contacts_public_task``, the default) everyone else; otherwise only
those whose current record is consent or a contract. Whoever may not be mailed has a ``no_consent`` row on
the mail layer's suppression list, the same list that stops bounced and unsubscribed addresses: every
sender (single mail, each chunk of a running fan-out) checks it just before sending, so a withdrawal stops
mail at once, in-flight fan-outs included.

Default choice: a journalist created without a stated basis (form, API, import) gets ``public_task`` with
the office's stated purpose; journalists already in the book before these records existed got the same
(source ``migration``). So nothing changes for an office until it turns its public-interest basis off.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from coordinator.contacts.models import CONSENT_BASES, ConsentRecord, Journalist
from coordinator.core import audit, clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from coordinator.offices.models import Office

BASIS_LABELS = {"consent": _l("Sự đồng ý của nhà báo"), "public_task": _l("Nhiệm vụ công của văn phòng"),
                "contract": _l("Hợp đồng")}
SOURCE_LABELS = {"form": _l("Biểu mẫu"), "api": _l("API"), "import": _l("Nhập từ tệp"),
                 "portal": _l("Cổng nhà báo"), "staff": _l("Cán bộ ghi nhận"),
                 "migration": _l("Trước khi có hồ sơ đồng ý"), "network": _l("Mạng lưới")}
NO_CONSENT = "no_consent"  # the suppression reason
# What an import cell may say, folded (lowercase, no diacritics): the basis it names.
BASIS_ALIASES = {
    "consent": ("consent", "dong y", "co", "yes", "x", "su dong y"),
    "public_task": ("public_task", "public task", "cong vu", "nhiem vu cong", "nhiem vu"),
    "contract": ("contract", "hop dong"),
}
WITHDRAWN_ALIASES = ("withdrawn", "khong", "no", "rut", "da rut", "khong dong y", "tu choi")
CONSENT_FIELDS = ("consent_basis", "consent_purpose", "network_sharing")


def current_consent(journalist: Journalist) -> ConsentRecord | None:
    """The latest record (the one in force, or withdrawn)."""
    return db.session.scalar(select(ConsentRecord).where(ConsentRecord.journalist_id == journalist.id)
                             .order_by(ConsentRecord.id.desc()).limit(1))


def consent_history(journalist: Journalist) -> list[ConsentRecord]:
    """Every record, newest first."""
    return list(db.session.scalars(select(ConsentRecord).where(ConsentRecord.journalist_id == journalist.id)
                                   .order_by(ConsentRecord.id.desc())))


def basis_covers(record: ConsentRecord | None, office: Office) -> bool:
    """Whether this record (None: none yet) lets the office mail the journalist."""
    if record is not None and record.withdrawn_at is not None:
        return False
    if office.contacts_public_task:
        return True
    return record is not None and record.basis in ("consent", "contract")


def may_mail(journalist: Journalist) -> bool:
    return journalist.erased_at is None and basis_covers(current_consent(journalist),
                                                         db.session.get(Office, journalist.office_id))


def may_share(journalist: Journalist) -> bool:
    """The journalist's own consent to being shared with the network (separate from the office's choice)."""
    record = current_consent(journalist)
    return record is not None and record.withdrawn_at is None and record.network_sharing


def consent_values(data: dict, office: Office, *, partial: bool = False) -> dict[str, Any]:
    """``consent_basis``, ``consent_purpose`` and ``network_sharing`` from a form, the API or an import row,
    checked; missing ones default (public task, the office's purpose, no sharing) unless ``partial``."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    basis = data.get("consent_basis")
    if basis in (None, ""):
        if not partial:
            values["basis"] = "public_task"
    elif basis not in CONSENT_BASES:
        errors["consent_basis"] = _("Cơ sở pháp lý phải là một trong: %(choices)s.", choices=", ".join(CONSENT_BASES))
    else:
        values["basis"] = basis
    purpose = data.get("consent_purpose")
    if purpose is not None and not isinstance(purpose, str):
        errors["consent_purpose"] = _("Mục đích phải là văn bản.")
    elif purpose is not None and len(purpose.strip()) > 2000:
        errors["consent_purpose"] = _("Mục đích tối đa 2000 ký tự.")
    elif purpose and purpose.strip():
        values["purpose"] = purpose.strip()
    elif not partial:
        values["purpose"] = office.contacts_purpose or ""
    sharing = data.get("network_sharing")
    if sharing in (None, ""):
        if not partial:
            values["network_sharing"] = False
    elif isinstance(sharing, bool):
        values["network_sharing"] = sharing
    elif isinstance(sharing, str) and sharing.lower() in ("1", "true", "on", "yes", "0", "false", "off", "no"):
        values["network_sharing"] = sharing.lower() in ("1", "true", "on", "yes")
    else:
        errors["network_sharing"] = _("Chia sẻ với mạng lưới phải là có hoặc không.")
    if errors:
        raise ValidationError(errors)
    return values


def record_consent(journalist: Journalist, values: dict[str, Any], *, source: str, detail: str | None = None,
                   user_id: int | None = None, actor_label: str | None = None) -> ConsentRecord:
    """A new current record (``values`` from ``consent_values``); the suppression list follows it."""
    record = ConsentRecord(office_id=journalist.office_id, journalist_id=journalist.id, basis=values["basis"],
                           purpose=values.get("purpose") or "", network_sharing=bool(values.get("network_sharing")),
                           source=source, source_detail=detail, recorded_by_id=user_id, recorded_at=clock.now())
    db.session.add(record)
    db.session.flush()
    audit.record("journalist.consent_recorded", journalist, actor_label=actor_label,
                 data={"basis": record.basis, "purpose": record.purpose, "network_sharing": record.network_sharing,
                       "source": source, "detail": detail})
    sync_suppression(journalist)
    return record


def withdraw_consent(journalist: Journalist, *, source: str, actor_label: str | None = None) -> ConsentRecord:
    """Stamp the current record withdrawn (one is made if there is none): no mail from now on, no sharing."""
    record = current_consent(journalist)
    now = clock.now()
    if record is None:
        record = ConsentRecord(office_id=journalist.office_id, journalist_id=journalist.id, basis="consent",
                               purpose="", network_sharing=False, source=source, recorded_at=now)
        db.session.add(record)
    if record.withdrawn_at is None:
        record.withdrawn_at = now
        db.session.flush()
        audit.record("journalist.consent_withdrawn", journalist, actor_label=actor_label,
                     data={"record_id": record.id, "source": source})
    journalist.updated_at = now
    sync_suppression(journalist)
    return record


def sync_suppression(journalist: Journalist) -> None:
    """Keep the journalist's ``no_consent`` suppression in step with ``may_mail`` (a bounce or an unsubscribe
    already on the list stays as it is: it suppresses all the same)."""
    suppression = db.session.scalar(select(Suppression).where(Suppression.office_id == journalist.office_id,
                                                              Suppression.email == journalist.email))
    if not may_mail(journalist):
        if suppression is None:
            db.session.add(Suppression(office_id=journalist.office_id, email=journalist.email, reason=NO_CONSENT,
                                       detail=None))
        db.session.flush()
    elif suppression is not None and suppression.reason == NO_CONSENT:
        db.session.delete(suppression)
        db.session.flush()


def resync_office(office: Office) -> int:
    """After the office changed its basis: every journalist's suppression again; how many may not be mailed."""
    blocked = 0
    for journalist in db.session.scalars(select(Journalist).where(Journalist.office_id == office.id,
                                                                  Journalist.erased_at.is_(None))):
        sync_suppression(journalist)
        blocked += not may_mail(journalist)
    return blocked


def parse_consent_cell(value: Any) -> tuple[str | None, bool]:
    """An import cell: (basis or None for the default, withdrawn?). Raises ValidationError on a value it
    does not know."""
    from coordinator.contacts.text import fold

    text = fold(str(value or "")).strip()
    if not text:
        return None, False
    if text in WITHDRAWN_ALIASES:
        return "consent", True
    for basis, aliases in BASIS_ALIASES.items():
        if text in aliases:
            return basis, False
    raise ValidationError({"consent": _("Cột Đồng ý không hiểu giá trị “%(value)s” (đồng ý, công vụ, hợp đồng, "
                                        "không).", value=value)})


# What the package (``contacts.operations``) offers from this module.
__all__ = ["BASIS_LABELS", "CONSENT_FIELDS", "NO_CONSENT", "SOURCE_LABELS", "basis_covers", "consent_history",
           "consent_values", "current_consent", "may_mail", "may_share", "parse_consent_cell", "record_consent",
           "resync_office", "sync_suppression", "withdraw_consent"]
