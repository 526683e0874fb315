"""Packs: create, edit (a frozen pack becomes a new version), submit, approve, reject, release.

Functions flush, never commit; the caller commits once. Release and distribution happen in jobs
(``jobs/packs.py``) from outbox events, so a scheduled release survives restarts.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coordinator.contacts.audience import validate_audience
from coordinator.core import audit, clock, events
from coordinator.core.errors import Conflict, DomainError, Forbidden, ValidationError
from coordinator.core.i18n import format_local
from coordinator.core.permissions import can
from coordinator.extensions import db
from coordinator.offices.models import Office
from coordinator.packs import approvers as approver_rules
from coordinator.packs import sanitize, sniff
from coordinator.packs.embargo import (  # noqa: F401 (re-exported: the embargo that follows its briefing)
    check_follows,
    clean_embargo_mode,
    embargo_words,
    follow_briefing,
    sync_embargo,
)
from coordinator.packs.models import DEFAULT_MAX_FILE_BYTES, Pack, PackApproval, PackFile, PackSettings
from coordinator.packs.reading import (  # noqa: F401 (re-exported: what readers see, kept in one module)
    embargo_active,
    is_recipient,
    public_packs,
    publicly_visible,
    received_by,
)
from coordinator.packs.storage import delete_after_commit, save_in_transaction
from coordinator.schedule.models import Briefing

LANGUAGES = ("vi", "en")
MAX_FILES = 20


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


@dataclass
class Upload:
    filename: str
    data: bytes


# --- settings ------------------------------------------------------------------------------------------

def settings_for(office_id: int) -> PackSettings:
    row = db.session.get(PackSettings, office_id)
    if row is None:
        row = PackSettings(office_id=office_id, max_file_bytes=DEFAULT_MAX_FILE_BYTES, two_approvers=False,
                           follow_up_hours=2)
        db.session.add(row)
        db.session.flush()
    return row


def update_settings(office_id: int, *, max_file_mb: Any = None, two_approvers: bool | None = None,
                    follow_up_hours: Any = None) -> PackSettings:
    row = settings_for(office_id)
    errors = {}
    if max_file_mb is not None:
        try:
            mb = int(max_file_mb)
            if not 1 <= mb <= 500:
                raise ValueError
            row.max_file_bytes = mb * 1024 * 1024
        except (TypeError, ValueError):
            errors["max_file_mb"] = _("Giới hạn dung lượng phải là số nguyên từ 1 đến 500 (MB).")
    if follow_up_hours is not None:
        try:
            hours = int(follow_up_hours)
            if not 0 <= hours <= 168:
                raise ValueError
            row.follow_up_hours = hours
        except (TypeError, ValueError):
            errors["follow_up_hours"] = _("Số giờ phải là số nguyên từ 0 đến 168.")
    if two_approvers and not row.two_approvers and approver_rules.too_few(office_id, 2):
        errors["two_approvers"] = approver_rules.shortfall_message(office_id, 2)
    if errors:
        raise ValidationError(errors)
    if two_approvers is not None:
        row.two_approvers = bool(two_approvers)
    row.updated_at = clock.now()
    audit.record("pack_settings.updated", ("pack_settings", office_id), office_id=office_id,
                 data={"max_file_bytes": row.max_file_bytes, "two_approvers": row.two_approvers,
                       "follow_up_hours": row.follow_up_hours})
    return row


# --- input ---------------------------------------------------------------------------------------------

def parse_time(value: Any, tz: str, field: str) -> datetime | None:
    """ISO 8601 with an offset, or a naive local time in the office's zone; '' or None → None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError({field: _("Thời gian không hợp lệ (ISO 8601, ví dụ 2026-11-24T15:00:00+07:00)."
                                            )}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed.astimezone(ZoneInfo("UTC"))


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def _clean_fields(office: Office, data: dict, *, partial: bool) -> dict:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not partial or "title" in data:
        title = sanitize.title(data.get("title"))
        if not title:
            errors["title"] = _("Tiêu đề là bắt buộc.")
        out["title"] = title
    if "summary" in data:
        out["summary"] = sanitize.plain(data.get("summary"))
    if "body" in data:
        out["body"] = sanitize.body(data.get("body"))
    if "language" in data and data.get("language") not in (None, ""):
        if data["language"] not in LANGUAGES:
            errors["language"] = _("Ngôn ngữ phải là vi hoặc en.")
        out["language"] = data["language"]
    for field in ("embargo_until", "release_at"):
        if field in data:
            try:
                out[field] = parse_time(data.get(field), office.timezone, field)
            except ValidationError as exc:
                errors.update(exc.fields)
    clean_embargo_mode(data, out, errors)
    if "send_under_embargo" in data:
        out["send_under_embargo"] = _bool(data.get("send_under_embargo"))
    if "audience" in data:
        try:
            audience = validate_audience(office.id, data.get("audience") or {})
            extra = set((data.get("audience") or {}).keys()) - {"list_ids", "beats"}
            if extra:
                raise ValidationError({"audience": _("Chỉ có thể mở rộng người nhận bằng danh sách (list_ids) "
                                                     "và lĩnh vực (beats).")})
            out["audience"] = {"list_ids": audience["list_ids"], "beats": audience["beats"]}
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    return out


def check_uploads(office_id: int, uploads: list[Upload]) -> list[tuple[Upload, str, sniff.Sniffed]]:
    """Every file checked before anything is written: size (413), type by content, the extension."""
    limit = settings_for(office_id).max_file_bytes
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("Tối đa %(n)s tệp mỗi lần.", n=MAX_FILES)})
    checked = []
    errors = {}
    for upload in uploads:
        name = sanitize.display_name(upload.filename)
        if len(upload.data) > limit:
            raise PayloadTooLarge(_("Tệp “%(name)s” vượt quá giới hạn %(mb)s MB của cơ quan.", name=name,
                                    mb=limit // (1024 * 1024)), {"files": name})
        if not upload.data:
            errors["files"] = _("Tệp “%(name)s” rỗng.", name=name)
            continue
        try:
            found = sniff.check(upload.data, sanitize.extension(name))
        except sniff.SniffError as exc:
            errors["files"] = f"{name}: {exc}"
            continue
        checked.append((upload, name, found))
    if errors:
        raise ValidationError(errors)
    return checked


def _store(pack: Pack, office: Office, checked: list[tuple[Upload, str, sniff.Sniffed]]) -> list[PackFile]:
    rows = []
    for upload, name, found in checked:
        storage_name = save_in_transaction(office.slug, upload.data)
        row = PackFile(office_id=office.id, pack_id=pack.id, original_name=(upload.filename or "")[:500],
                       display_name=name, storage_name=storage_name, size=len(upload.data),
                       sha256=hashlib.sha256(upload.data).hexdigest(), content_type=found.content_type,
                       kind=found.kind)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


# --- create and edit -----------------------------------------------------------------------------------

def create_pack(office: Office, user: Any, data: dict, uploads: list[Upload] | None = None,
                briefing: Briefing | None = None) -> Pack:
    _require(user, "edit", _("Chỉ điều phối viên và quản trị viên được tạo tài liệu."))
    fields = _clean_fields(office, data, partial=False)
    checked = check_uploads(office.id, uploads or [])
    if briefing is not None and briefing.office_id != office.id:
        raise ValidationError({"briefing_id": _("Không tìm thấy buổi họp báo.")})
    pack = Pack(office_id=office.id, briefing_id=briefing.id if briefing else None, version=1, status="draft",
                summary="", body="", language=office.locale or "vi", audience={"list_ids": [], "beats": []},
                send_under_embargo=False, created_by_id=getattr(user, "id", None), submission_round=0)
    for key, value in fields.items():
        setattr(pack, key, value)
    check_follows(pack, briefing)
    sync_embargo(pack, briefing)
    db.session.add(pack)
    db.session.flush()
    pack.root_id = pack.id
    _store(pack, office, checked)
    audit.record("pack.created", pack, data={"title": pack.title, "briefing_id": pack.briefing_id,
                                             "files": [name for _, name, _ in checked]})
    return pack


def latest_version(pack: Pack) -> Pack:
    return db.session.scalar(select(Pack).where(Pack.root_id == pack.lineage_id).order_by(Pack.version.desc()))


def versions(pack: Pack) -> list[Pack]:
    return list(db.session.scalars(select(Pack).where(Pack.root_id == pack.lineage_id).order_by(Pack.version)))


def new_version(pack: Pack, user: Any) -> Pack:
    """A draft copy of a frozen pack (files shared, not copied on disk); the next version of the lineage."""
    if latest_version(pack).id != pack.id:
        raise Conflict(_("Đã có phiên bản mới hơn của tài liệu này; hãy sửa phiên bản mới nhất."))
    copy = Pack(office_id=pack.office_id, briefing_id=pack.briefing_id, root_id=pack.lineage_id,
                version=pack.version + 1, title=pack.title, summary=pack.summary, body=pack.body,
                language=pack.language, status="draft", embargo_until=pack.embargo_until,
                embargo_offset_minutes=pack.embargo_offset_minutes, embargo_held_at=pack.embargo_held_at,
                release_at=pack.release_at if pack.status != "released" else None,
                send_under_embargo=pack.send_under_embargo, audience=dict(pack.audience or {}),
                created_by_id=getattr(user, "id", None), submission_round=0)
    db.session.add(copy)
    db.session.flush()
    for item in pack.files:
        db.session.add(PackFile(office_id=item.office_id, pack_id=copy.id, original_name=item.original_name,
                                display_name=item.display_name, storage_name=item.storage_name, size=item.size,
                                sha256=item.sha256, content_type=item.content_type, kind=item.kind))
    if pack.status == "approved":
        pack.superseded_at = clock.now()  # its scheduled release is void: the new version goes instead
    db.session.flush()
    audit.record("pack.version_created", copy, data={"from_pack_id": pack.id, "version": copy.version})
    return copy


def update_pack(pack: Pack, user: Any, data: dict, uploads: list[Upload] | None = None,
                remove_file_ids: list[int] | None = None) -> Pack:
    """Change a draft in place; a frozen (approved or released) pack becomes a new draft version."""
    _require(user, "edit", _("Chỉ điều phối viên và quản trị viên được sửa tài liệu."))
    office = db.session.get(Office, pack.office_id)
    fields = _clean_fields(office, data, partial=True)
    checked = check_uploads(office.id, uploads or [])
    if pack.status == "submitted":
        raise Conflict(_("Tài liệu đang chờ duyệt, không sửa được. Người duyệt có thể trả lại để sửa."))
    if pack.frozen:
        pack = new_version(pack, user)
    elif latest_version(pack).id != pack.id:
        raise Conflict(_("Đã có phiên bản mới hơn của tài liệu này; hãy sửa phiên bản mới nhất."))
    changed = {}
    for key, value in fields.items():
        if getattr(pack, key) != value:
            changed[key] = True
            setattr(pack, key, value)
    briefing = db.session.get(Briefing, pack.briefing_id) if pack.briefing_id else None
    check_follows(pack, briefing)
    sync_embargo(pack, briefing)
    removed = []
    for file_id in remove_file_ids or []:
        row = db.session.get(PackFile, file_id)
        if row is None or row.pack_id != pack.id:
            # A file of the version this one was copied from: find its copy here by storage name.
            original = db.session.get(PackFile, file_id)
            row = next((f for f in pack.files if original is not None and f.storage_name == original.storage_name),
                       None)
        if row is not None:
            removed.append(row.display_name)
            _drop_file(row)
    added = _store(pack, office, checked)
    pack.updated_at = clock.now()
    db.session.flush()
    db.session.refresh(pack)
    audit.record("pack.updated", pack, data={"fields": sorted(changed), "files_added": [f.display_name for f in added],
                                             "files_removed": removed, "version": pack.version})
    return pack


def _drop_file(row: PackFile) -> None:
    name = row.storage_name
    db.session.delete(row)
    db.session.flush()
    others = db.session.scalar(select(func.count()).select_from(PackFile).where(PackFile.storage_name == name))
    if not others:
        delete_after_commit(name)


# --- approval ------------------------------------------------------------------------------------------

def _label(user: Any) -> str:
    return getattr(user, "email", "") or "system"


def _require(user: Any, action: str, refusal: str) -> None:
    """Refused (403) with ``refusal`` unless ``user`` may do ``action``: services check too, not only views."""
    if not can(user, action):
        raise Forbidden(refusal)


def _require_status(pack: Pack, status: str, refusal: str) -> None:
    if pack.status != status:
        raise Conflict(refusal)


def submit(pack: Pack, user: Any) -> Pack:
    """A draft goes to the approvers; each submission is a new round (earlier approvals no longer count)."""
    _require(user, "edit", _("Chỉ điều phối viên và quản trị viên được gửi duyệt."))
    _require_status(pack, "draft", _("Chỉ gửi duyệt được tài liệu ở trạng thái nháp (hiện: %(status)s).",
                                     status=status_name(pack.status)))
    if latest_version(pack).id != pack.id:
        raise Conflict(_("Đã có phiên bản mới hơn của tài liệu này."))
    pack.status = "submitted"
    pack.submission_round = (pack.submission_round or 0) + 1
    pack.submitted_by_id = getattr(user, "id", None)
    pack.submitted_at = clock.now()
    pack.rejection_reason = None
    pack.updated_at = clock.now()
    audit.record("pack.submitted", pack, data={"version": pack.version, "round": pack.submission_round})
    # The approvers are told after the commit (jobs: pack.submitted), once per round.
    events.emit("pack.submitted", office_id=pack.office_id,
                payload={"pack_id": pack.id, "round": pack.submission_round})
    return pack


def approvals_needed(pack: Pack) -> int:
    return 2 if settings_for(pack.office_id).two_approvers else 1


def current_approvers(pack: Pack) -> list[int]:
    return list(db.session.scalars(select(PackApproval.user_id).where(
        PackApproval.pack_id == pack.id, PackApproval.decision == "approved",
        PackApproval.submission_round == pack.submission_round)))


def approve(pack: Pack, user: Any) -> Pack:
    """One approval of this round; with enough of them (one, or two different people) the pack is approved
    and its release scheduled."""
    _require(user, "approve", _("Chỉ người phát ngôn hoặc quản trị viên được duyệt tài liệu."))
    _require_status(pack, "submitted", _("Chỉ duyệt được tài liệu đang chờ duyệt (hiện: %(status)s).",
                                         status=status_name(pack.status)))
    needed = approvals_needed(pack)
    if needed > 1 and user.id in (pack.submitted_by_id, pack.created_by_id):
        raise Forbidden(_("Cơ quan yêu cầu hai người duyệt: người soạn hoặc gửi duyệt không được tự duyệt "
                          "tài liệu của mình."))
    approvers = current_approvers(pack)
    if user.id in approvers:
        raise Conflict(_("Bạn đã duyệt tài liệu này; cần một người duyệt khác."))
    db.session.add(PackApproval(office_id=pack.office_id, pack_id=pack.id, user_id=user.id, user_label=_label(user),
                                decision="approved", submission_round=pack.submission_round))
    approvers.append(user.id)
    final = len(set(approvers)) >= needed
    audit.record("pack.approved", pack, data={"version": pack.version, "approvals": len(approvers),
                                              "needed": needed, "final": final})
    if final:
        pack.status = "approved"
        pack.approved_at = clock.now()
        pack.updated_at = clock.now()
        schedule_release(pack)
    db.session.flush()
    return pack


def reject(pack: Pack, user: Any, reason: str | None) -> Pack:
    """Back to draft with a reason the editors see."""
    _require(user, "approve", _("Chỉ người phát ngôn hoặc quản trị viên được trả lại tài liệu."))
    reason = sanitize.plain(reason, 2000)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại.")})
    _require_status(pack, "submitted", _("Chỉ trả lại được tài liệu đang chờ duyệt (hiện: %(status)s).",
                                         status=status_name(pack.status)))
    db.session.add(PackApproval(office_id=pack.office_id, pack_id=pack.id, user_id=user.id, user_label=_label(user),
                                decision="rejected", reason=reason, submission_round=pack.submission_round))
    pack.status = "draft"
    pack.rejection_reason = reason
    pack.updated_at = clock.now()
    audit.record("pack.rejected", pack, data={"version": pack.version, "reason": reason})
    db.session.flush()
    return pack


# --- release -------------------------------------------------------------------------------------------

def release_time(pack: Pack) -> datetime:
    """The latest of approval, the set time and (unless sent under embargo) the embargo lift."""
    times = [pack.approved_at or clock.now()]
    if pack.release_at is not None:
        times.append(pack.release_at)
    if pack.embargo_until is not None and not pack.send_under_embargo:
        times.append(pack.embargo_until)
    return max(times)


def schedule_release(pack: Pack) -> None:
    if pack.embargo_held_at is not None and not pack.send_under_embargo:
        # Held with its cancelled briefing: no release time until the briefing is back (or a fixed time).
        pack.release_due_at = None
        audit.record("pack.release_held", pack, data={"briefing_id": pack.briefing_id})
        return
    due = release_time(pack)
    pack.release_due_at = due
    events.emit("pack.release_due", office_id=pack.office_id, payload={"pack_id": pack.id}, due_at=due)
    audit.record("pack.release_scheduled", pack, data={"due_at": due.isoformat()})


def release_now(pack: Pack, user: Any) -> Pack:
    """Release an approved pack now instead of at its set time; never before an embargo it is not sent under."""
    _require(user, "approve", _("Chỉ người phát ngôn hoặc quản trị viên được phát hành tài liệu."))
    if pack.status == "released":
        raise Conflict(_("Tài liệu đã được phát hành."))
    if pack.status != "approved" or pack.superseded_at is not None:
        raise Conflict(_("Chỉ phát hành được tài liệu đã duyệt (hiện: %(status)s).", status=status_name(pack.status)))
    if pack.embargo_held_at is not None and not pack.send_under_embargo:
        raise Conflict(_("Lệnh cấm đang được giữ vì buổi họp báo đã bị huỷ; khôi phục buổi họp hoặc đặt giờ cố "
                         "định trước khi phát hành."))
    if embargo_active(pack) and not pack.send_under_embargo:
        raise Conflict(_("Tài liệu đang bị cấm phát hành (embargo) đến %(when)s; chọn “gửi kèm lệnh cấm” "
                         "nếu muốn gửi trước.", when=format_local(pack.embargo_until,
                                                                 db.session.get(Office, pack.office_id).timezone)))
    mark_released(pack, actor_label=_label(user))
    events.emit("pack.release_due", office_id=pack.office_id, payload={"pack_id": pack.id})
    return pack


def mark_released(pack: Pack, *, now: datetime | None = None, actor_label: str | None = None) -> None:
    now = now or clock.now()
    first_release = db.session.scalar(select(func.count()).select_from(Pack).where(
        Pack.root_id == pack.lineage_id, Pack.status == "released", Pack.id != pack.id)) == 0
    pack.status = "released"
    pack.released_at = now
    pack.updated_at = now
    audit.record("pack.released", pack, data={"version": pack.version, "under_embargo": embargo_active(pack, now)},
                 actor_label=actor_label)
    if first_release and pack.briefing_id is not None:
        briefing = db.session.get(Briefing, pack.briefing_id)
        if briefing is not None and briefing.status != "cancelled":
            hours = settings_for(pack.office_id).follow_up_hours
            due = max(now, briefing.end + timedelta(hours=hours))
            events.emit("pack.follow_up_due", office_id=pack.office_id, payload={"root_id": pack.lineage_id},
                        due_at=due)
    db.session.flush()


# --- names ---------------------------------------------------------------------------------------------

STATUS_NAMES = {"draft": _l("Nháp"), "submitted": _l("Chờ duyệt"), "approved": _l("Đã duyệt"),
                "released": _l("Đã phát hành")}


def status_name(status: str) -> str:
    """A pack status in the reader's language."""
    return str(STATUS_NAMES.get(status, status))
