"""Create, change and delete outlets, journalists, beats and lists. Functions flush, never commit."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from coordinator.contacts.models import (
    OUTLET_KINDS,
    OUTLET_LEVELS,
    STATUSES,
    SUPPRESSING_STATUSES,
    Beat,
    DistributionList,
    DistributionListMember,
    Journalist,
    JournalistOutletHistory,
    Outlet,
)
from coordinator.contacts.text import clean, fold, slugify
from coordinator.core import audit, clock, signals, validators
from coordinator.core.dates import parse_day
from coordinator.core.errors import Conflict, NotFound, ValidationError
from coordinator.core.ids import parse_id
from coordinator.extensions import db
from coordinator.mail.models import Suppression
from coordinator.offices.models import Office

KIND_LABELS = {"newspaper": _l("Báo in"), "online": _l("Báo điện tử"), "tv": _l("Truyền hình"),
               "radio": _l("Phát thanh"), "news_agency": _l("Thông tấn"), "magazine": _l("Tạp chí"),
               "social": _l("Mạng xã hội")}
LEVEL_LABELS = {"central": _l("Trung ương"), "provincial": _l("Cấp tỉnh"), "local": _l("Địa phương"),
                "foreign": _l("Nước ngoài")}
STATUS_LABELS = {"active": _l("Đang hoạt động"), "bounced": _l("Thư bị trả lại"),
                 "unsubscribed": _l("Đã huỷ nhận tin"), "archived": _l("Lưu trữ")}
LANGUAGE_LABELS = {"vi": _l("Tiếng Việt"), "en": _l("Tiếng Anh")}

# Words people write for a kind or a level (folded), besides the codes themselves.
KIND_ALIASES = {
    "newspaper": ("bao", "bao in", "nhat bao", "newspaper", "print", "print newspaper", "bao giay"),
    "online": ("bao dien tu", "dien tu", "online", "online newspaper", "trang tin", "trang tin dien tu", "web"),
    "tv": ("truyen hinh", "tv", "television", "dai truyen hinh"),
    "radio": ("phat thanh", "radio", "dai phat thanh"),
    "news_agency": ("thong tan", "news agency", "news_agency", "hang thong tan", "thong tan xa"),
    "magazine": ("tap chi", "magazine"),
    "social": ("mang xa hoi", "social", "social media", "kenh mang xa hoi"),
}
LEVEL_ALIASES = {
    "central": ("trung uong", "central", "national", "quoc gia"),
    "provincial": ("tinh", "cap tinh", "provincial", "province", "dia phuong cap tinh"),
    "local": ("dia phuong", "local", "huyen", "cap huyen", "co so"),
    "foreign": ("nuoc ngoai", "foreign", "quoc te", "international"),
}
_KIND_LOOKUP = {alias: kind for kind, aliases in KIND_ALIASES.items() for alias in aliases}
_LEVEL_LOOKUP = {alias: level for level, aliases in LEVEL_ALIASES.items() for alias in aliases}

EMAIL_RE = validators.EMAIL_RE
HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

# --- small validators, shared by the API, the forms and the importer ---------------------------

def normalize_email(value: Any) -> str:
    return validators.email(value)


def normalize_phone(value: Any) -> str | None:
    """A Vietnamese (or international) number as E.164; ``None`` for an empty value."""
    return validators.phone(value)


def display_phone(value: str | None) -> str:
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 84
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def parse_kind(value: Any) -> str:
    kind = _KIND_LOOKUP.get(fold(str(value or "")).replace("_", " ")) or (
        value if value in OUTLET_KINDS else None)
    if kind is None:
        raise ValidationError({"kind": _("Loại hình không hợp lệ: %(value)s (cho phép: %(choices)s).",
                                         value=value, choices=", ".join(OUTLET_KINDS))})
    return kind


def parse_level(value: Any) -> str:
    level = _LEVEL_LOOKUP.get(fold(str(value or ""))) or (value if value in OUTLET_LEVELS else None)
    if level is None:
        raise ValidationError({"level": _("Cấp không hợp lệ: %(value)s (cho phép: %(choices)s).",
                                          value=value, choices=", ".join(OUTLET_LEVELS))})
    return level


def parse_language(value: Any) -> str:
    text = fold(str(value or ""))
    if not text:
        return "vi"
    mapping = {"vi": "vi", "vie": "vi", "tieng viet": "vi", "viet": "vi", "vietnamese": "vi",
               "en": "en", "eng": "en", "tieng anh": "en", "anh": "en", "english": "en"}
    if text not in mapping:
        raise ValidationError({"language": _("Ngôn ngữ phải là vi hoặc en, không phải %(value)s.", value=value)})
    return mapping[text]


def guess_kind(name: str) -> str:
    """A best guess from an outlet's name, for outlets an import creates without a kind."""
    folded = fold(name)
    for needle, kind in (("truyen hinh", "tv"), ("pt-th", "tv"), ("ptth", "tv"), ("vtv", "tv"),
                         ("phat thanh", "radio"), ("vov", "radio"), ("thong tan", "news_agency"),
                         ("ttxvn", "news_agency"), ("tap chi", "magazine"), ("dien tu", "online"),
                         (".vn", "online"), (".net", "online"), (".com", "online"), ("dai ", "tv")):
        if needle in folded:
            return kind
    return "newspaper"


def parse_domains(value: Any) -> list[str]:
    """``"baoquangninh.vn, www.qtv.vn"`` or a list → ``["baoquangninh.vn", "qtv.vn"]``."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value))
    domains: list[str] = []
    for item in items:
        host = _host_of(str(item))
        if not host:
            continue
        if not HOST_RE.match(host):
            raise ValidationError({"domains": _("Tên miền không hợp lệ: %(value)s", value=item)})
        if host not in domains:
            domains.append(host)
    return domains


def _host_of(value: str) -> str:
    text = value.strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
    return host[4:] if host.startswith("www.") else host


def normalize_website(value: Any) -> str | None:
    text = clean(value if isinstance(value, str) else "")
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and bool(HOST_RE.match(_host_of(text)))
    except ValueError:  # e.g. "[" opens an IPv6 literal that never closes
        valid = False
    if not valid:
        raise ValidationError({"website": _("Địa chỉ trang web không hợp lệ: %(value)s", value=value)})
    return text


def office_today(office_id: int) -> date:
    tz = db.session.scalar(select(Office.timezone).where(Office.id == office_id)) or "Asia/Ho_Chi_Minh"
    return clock.today(tz)


# --- beats ---------------------------------------------------------------------------------------

def find_beat(office_id: int, name_or_slug: str) -> Beat | None:
    slug = slugify(name_or_slug)
    if not slug:
        return None
    return db.session.scalar(select(Beat).where(Beat.office_id == office_id, Beat.slug == slug))


def create_beat(office_id: int, name: Any) -> Beat:
    name = clean(name if isinstance(name, str) else "")
    if not name or not slugify(name):
        raise ValidationError({"name": _("Tên lĩnh vực là bắt buộc.")})
    if len(name) > 120:
        raise ValidationError({"name": _("Tên lĩnh vực tối đa 120 ký tự.")})
    if find_beat(office_id, name) is not None:
        raise ValidationError({"name": _("Lĩnh vực “%(name)s” đã có.", name=name)})
    beat = Beat(office_id=office_id, name=name, slug=slugify(name))
    db.session.add(beat)
    db.session.flush()
    audit.record("beat.created", beat, data={"name": name})
    return beat


def get_or_create_beats(office_id: int, names: Iterable[str], cache: dict[str, Beat] | None = None) -> list[Beat]:
    """Beats by name or slug (case/diacritics-insensitive), created when unknown."""
    if cache is None:
        cache = {b.slug: b for b in db.session.scalars(select(Beat).where(Beat.office_id == office_id))}
    beats: list[Beat] = []
    for raw in names:
        name = clean(raw)
        slug = slugify(name)
        if not slug:
            continue
        beat = cache.get(slug)
        if beat is None:
            if len(name) > 120:
                raise ValidationError({"beats": _("Tên lĩnh vực tối đa 120 ký tự.")})
            beat = Beat(office_id=office_id, name=name, slug=slug)
            db.session.add(beat)
            cache[slug] = beat
        if beat not in beats:
            beats.append(beat)
    return beats


def parse_beat_names(value: Any) -> list[str]:
    """``"Kinh tế; Du lịch"`` or a list → names. Separators: ``;``, ``,``, ``|``, new lines."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = value
    else:
        items = re.split(r"[;,|\n]+", str(value))
    names = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError({"beats": _("Lĩnh vực phải là danh sách tên.")})
        name = clean(item)
        if name and slugify(name):
            names.append(name)
    return names


def rename_beat(beat: Beat, name: Any) -> Beat:
    name = clean(name if isinstance(name, str) else "")
    if not name or not slugify(name):
        raise ValidationError({"name": _("Tên lĩnh vực là bắt buộc.")})
    other = find_beat(beat.office_id, name)
    if other is not None and other.id != beat.id:
        raise ValidationError({"name": _("Lĩnh vực “%(name)s” đã có.", name=name)})
    old = beat.name
    beat.name, beat.slug = name, slugify(name)
    audit.record("beat.renamed", beat, data={"from": old, "to": name})
    db.session.flush()
    return beat


def delete_beat(beat: Beat) -> None:
    audit.record("beat.deleted", beat, data={"name": beat.name})
    for dl in db.session.scalars(select(DistributionList).where(DistributionList.office_id == beat.office_id)):
        rule = dict(dl.rule or {})
        if beat.id in (rule.get("beat_ids") or []):
            rule["beat_ids"] = [b for b in rule["beat_ids"] if b != beat.id]
            dl.rule = rule
    db.session.delete(beat)
    db.session.flush()


# --- outlets -------------------------------------------------------------------------------------

OUTLET_FIELDS = ("name", "kind", "level", "website", "domains")


def _outlet_values(office_id: int, data: dict, outlet: Outlet | None) -> dict:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    partial = outlet is not None
    if "name" in data or not partial:
        name = clean(data.get("name") if isinstance(data.get("name"), str) else "")
        if not name:
            errors["name"] = _("Tên cơ quan báo chí là bắt buộc.")
        elif len(name) > 255:
            errors["name"] = _("Tên tối đa 255 ký tự.")
        else:
            existing = db.session.scalar(select(Outlet).where(Outlet.office_id == office_id,
                                                              Outlet.name_folded == fold(name)))
            if existing is not None and existing is not outlet:
                errors["name"] = _("Cơ quan báo chí “%(name)s” đã có.", name=existing.name)
            values["name"], values["name_folded"] = name, fold(name)
    for key, parser, label in (("kind", parse_kind, "kind"), ("level", parse_level, "level")):
        if key in data or not partial:
            if data.get(key) in (None, ""):
                errors[key] = _("Trường này là bắt buộc.")
                continue
            try:
                values[key] = parser(data.get(key))
            except ValidationError as exc:
                errors.update({label: exc.fields[label]})
    for key, parser in (("website", normalize_website), ("domains", parse_domains)):
        if key in data:
            try:
                values[key] = parser(data.get(key))
            except ValidationError as exc:
                errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    if values.get("website") and not values.get("domains"):
        # The site's own host recognises its articles unless other domains were given.
        current = [] if "domains" in values or outlet is None else list(outlet.domains or [])
        host = _host_of(values["website"])
        if host and host not in current:
            values["domains"] = current + [host]
    return values


def create_outlet(office_id: int, data: dict) -> Outlet:
    values = _outlet_values(office_id, data, None)
    values.setdefault("domains", [])
    outlet = Outlet(office_id=office_id, **values)
    db.session.add(outlet)
    db.session.flush()
    audit.record("outlet.created", outlet, data={"name": outlet.name, "kind": outlet.kind, "level": outlet.level})
    return outlet


def update_outlet(outlet: Outlet, data: dict) -> Outlet:
    values = _outlet_values(outlet.office_id, data, outlet)
    changes = {}
    for key, value in values.items():
        if getattr(outlet, key) != value:
            if key != "name_folded":
                changes[key] = [getattr(outlet, key), value]
            setattr(outlet, key, value)
    if changes:
        db.session.flush()
        audit.record("outlet.updated", outlet, data=changes)
    return outlet


def delete_outlet(outlet: Outlet) -> None:
    in_use = db.session.scalar(select(func.count(Journalist.id)).where(Journalist.outlet_id == outlet.id))
    in_history = db.session.scalar(select(func.count(JournalistOutletHistory.id))
                                   .where(JournalistOutletHistory.outlet_id == outlet.id))
    if in_use or in_history:
        raise Conflict(_("Không thể xoá “%(name)s”: còn %(n)d nhà báo gắn với cơ quan này (kể cả trong lịch sử "
                         "công tác). Hãy chuyển họ sang cơ quan khác trước.", name=outlet.name,
                         n=max(in_use or 0, in_history or 0)))
    for dl in db.session.scalars(select(DistributionList).where(DistributionList.office_id == outlet.office_id)):
        rule = dict(dl.rule or {})
        if outlet.id in (rule.get("outlet_ids") or []):
            rule["outlet_ids"] = [o for o in rule["outlet_ids"] if o != outlet.id]
            dl.rule = rule
    audit.record("outlet.deleted", outlet, data={"name": outlet.name})
    db.session.delete(outlet)
    db.session.flush()


def find_outlet_by_name(office_id: int, name: str) -> Outlet | None:
    return db.session.scalar(select(Outlet).where(Outlet.office_id == office_id, Outlet.name_folded == fold(name)))


def outlet_for_url(office_id: int, url: str) -> Outlet | None:
    """The office's outlet whose domains match the URL's host (``www.`` and subdomains allowed);
    the most specific domain wins."""
    host = _host_of(url or "")
    if not host:
        return None
    best: tuple[int, Outlet] | None = None
    for outlet in db.session.scalars(select(Outlet).where(Outlet.office_id == office_id).order_by(Outlet.id)):
        for domain in outlet.domains or []:
            domain = str(domain).lower()
            if (host == domain or host.endswith("." + domain)) and (best is None or len(domain) > best[0]):
                best = (len(domain), outlet)
    return best[1] if best else None


# --- journalists -------------------------------------------------------------------------------

JOURNALIST_FIELDS = ("full_name", "email", "outlet_id", "phone", "beats", "language", "notes")


def _journalist_values(office_id: int, data: dict, journalist: Journalist | None) -> dict:
    """Validated values for the given fields (all required ones when creating); every bad field named."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    partial = journalist is not None
    if "full_name" in data or not partial:
        name = clean(data.get("full_name") if isinstance(data.get("full_name"), str) else "")
        if not name:
            errors["full_name"] = _("Họ và tên là bắt buộc.")
        elif len(name) > 255:
            errors["full_name"] = _("Họ và tên tối đa 255 ký tự.")
        else:
            values["full_name"] = name
    if "email" in data or not partial:
        try:
            email = normalize_email(data.get("email"))
        except ValidationError as exc:
            errors.update(exc.fields)
        else:
            other = db.session.scalar(select(Journalist).where(Journalist.office_id == office_id,
                                                               Journalist.email == email))
            if other is not None and other is not journalist:
                errors["email"] = _("Email %(email)s đã thuộc về %(name)s.", email=email, name=other.full_name)
            values["email"] = email
    if "outlet_id" in data or not partial:
        raw = data.get("outlet_id")
        outlet = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            outlet = db.session.get(Outlet, raw)
        elif isinstance(raw, str) and parse_id(raw) is not None:
            outlet = db.session.get(Outlet, parse_id(raw))
        if raw in (None, ""):
            errors["outlet_id"] = _("Cơ quan báo chí là bắt buộc.")
        elif outlet is None or outlet.office_id != office_id:
            errors["outlet_id"] = _("Không tìm thấy cơ quan báo chí %(value)s.", value=raw)
        else:
            values["outlet"] = outlet
    for key, parser in (("phone", normalize_phone), ("language", parse_language),
                        ("beats", parse_beat_names)):
        if key in data:
            try:
                values[key] = parser(data.get(key))
            except ValidationError as exc:
                errors.update(exc.fields)
    if "notes" in data:
        notes = data.get("notes")
        if notes is not None and not isinstance(notes, str):
            errors["notes"] = _("Ghi chú phải là văn bản.")
        else:
            values["notes"] = (notes or "").strip() or None
    if "status" in data:
        status = data.get("status")
        if status not in STATUSES:
            errors["status"] = _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(STATUSES))
        else:
            values["status"] = status
            reason = data.get("status_reason")
            values["status_reason"] = reason.strip() if isinstance(reason, str) and reason.strip() else None
    if "outlet_since" in data and data.get("outlet_since") not in (None, ""):
        try:
            values["outlet_since"] = parse_day(data["outlet_since"])
        except ValueError:
            errors["outlet_since"] = _("Ngày không hợp lệ (YYYY-MM-DD).")
    if errors:
        raise ValidationError(errors)
    return values


def create_journalist(office_id: int, data: dict, *, since: date | None = None) -> Journalist:
    values = _journalist_values(office_id, data, None)
    outlet = values["outlet"]
    journalist = Journalist(
        office_id=office_id, full_name=values["full_name"], full_name_folded=fold(values["full_name"]),
        email=values["email"], phone=values.get("phone"), outlet=outlet, outlet_id=outlet.id,
        language=values.get("language", "vi"), notes=values.get("notes"), status="active")
    journalist.beats = get_or_create_beats(office_id, values.get("beats", []))
    journalist.history = [JournalistOutletHistory(
        outlet_id=outlet.id, valid_from=values.get("outlet_since") or since or office_today(office_id))]
    db.session.add(journalist)
    db.session.flush()
    audit.record("journalist.created", journalist, data={"email": journalist.email, "outlet_id": outlet.id})
    if values.get("status") and values["status"] != "active":
        set_status(journalist, values["status"], values.get("status_reason"))
    return journalist


def update_journalist(journalist: Journalist, data: dict) -> Journalist:
    values = _journalist_values(journalist.office_id, data, journalist)
    changes: dict[str, Any] = {}
    if "full_name" in values and values["full_name"] != journalist.full_name:
        changes["full_name"] = [journalist.full_name, values["full_name"]]
        journalist.full_name = values["full_name"]
        journalist.full_name_folded = fold(values["full_name"])
    if "email" in values and values["email"] != journalist.email:
        changes["email"] = [journalist.email, values["email"]]
        journalist.email = values["email"]
    for key in ("phone", "language", "notes"):
        if key in values and values[key] != getattr(journalist, key):
            changes[key] = [getattr(journalist, key), values[key]]
            setattr(journalist, key, values[key])
    if "beats" in values:
        beats = get_or_create_beats(journalist.office_id, values["beats"])
        if {b.slug for b in beats} != {b.slug for b in journalist.beats}:
            changes["beats"] = [[b.name for b in journalist.beats], [b.name for b in beats]]
            journalist.beats = beats
    if "outlet" in values and values["outlet"].id != journalist.outlet_id:
        changes["outlet_id"] = [journalist.outlet_id, values["outlet"].id]
        move_to_outlet(journalist, values["outlet"], values.get("outlet_since"), record=False)
    if changes:
        db.session.flush()
        audit.record("journalist.updated", journalist, data=changes)
    if "status" in values and (values["status"] != journalist.status
                               or values.get("status_reason") != journalist.status_reason):
        set_status(journalist, values["status"], values.get("status_reason"))
    return journalist


def move_to_outlet(journalist: Journalist, outlet: Outlet, since: date | None = None, *,
                   record: bool = True) -> None:
    """The journalist works for ``outlet`` from ``since`` (default: today in the office's zone);
    the previous period is closed the day before, so history answers "which outlet on that date"."""
    if outlet.office_id != journalist.office_id:
        raise NotFound(_("Không tìm thấy cơ quan báo chí."))
    since = since or office_today(journalist.office_id)
    old_outlet_id = journalist.outlet_id
    rows = sorted(journalist.history, key=lambda h: h.valid_from)
    # A move dated before later periods replaces them: the new period runs on from ``since``.
    for row in list(rows):
        if row.valid_from >= since:
            journalist.history.remove(row)
            rows.remove(row)
    for row in rows:
        if row.valid_to is None or row.valid_to >= since:
            row.valid_to = since - timedelta(days=1)
    journalist.history.append(JournalistOutletHistory(outlet_id=outlet.id, valid_from=since))
    journalist.outlet = outlet
    journalist.outlet_id = outlet.id
    db.session.flush()
    if record:
        audit.record("journalist.moved", journalist,
                     data={"from": old_outlet_id, "to": outlet.id, "since": since.isoformat()})


def outlet_on(journalist: Journalist, on: date | datetime) -> int:
    """The id of the outlet the journalist belonged to on that date (before the first known period:
    the first outlet; with no history: the current one)."""
    if isinstance(on, datetime):
        on = on.date()
    rows = sorted(journalist.history, key=lambda h: h.valid_from, reverse=True)
    for row in rows:
        if row.valid_from <= on and (row.valid_to is None or row.valid_to >= on):
            return row.outlet_id
    if rows and on < rows[-1].valid_from:
        return rows[-1].outlet_id
    return journalist.outlet_id


def set_status(journalist: Journalist, status: str, reason: str | None = None) -> Journalist:
    """Change the status; bounced/unsubscribed also suppress the address for the mail layer, and
    back to active clears that suppression."""
    if status not in STATUSES:
        raise ValidationError({"status": _("Trạng thái phải là một trong: %(choices)s.", choices=", ".join(STATUSES))})
    old = journalist.status
    journalist.status = status
    journalist.status_reason = (reason or "").strip() or None
    journalist.status_changed_at = clock.now()
    suppression = db.session.scalar(select(Suppression).where(Suppression.office_id == journalist.office_id,
                                                              Suppression.email == journalist.email))
    if status in SUPPRESSING_STATUSES:
        if suppression is None:
            db.session.add(Suppression(office_id=journalist.office_id, email=journalist.email, reason=status,
                                       detail=journalist.status_reason))
        else:
            suppression.reason, suppression.detail = status, journalist.status_reason
    elif status == "active" and suppression is not None:
        db.session.delete(suppression)
    db.session.flush()
    audit.record("journalist.status_changed", journalist,
                 data={"from": old, "to": status, "reason": journalist.status_reason})
    signals.journalist_status_changed.send(journalist, old=old)  # e.g. carried across the network
    return journalist


def mark_by_email(office_id: int, email: str, status: str, reason: str | None = None) -> Journalist | None:
    """For the mail layer: a hard bounce or an unsubscribe marks the journalist with that address."""
    journalist = db.session.scalar(select(Journalist).where(Journalist.office_id == office_id,
                                                            Journalist.email == (email or "").strip().lower()))
    if journalist is not None and journalist.status != status:
        set_status(journalist, status, reason)
    return journalist


def archive_journalist(journalist: Journalist, reason: str | None = None) -> Journalist:
    return set_status(journalist, "archived", reason or _("Đã xoá khỏi danh bạ"))


def merge_journalists(keep: Journalist, drop: Journalist) -> Journalist:
    """Fold ``drop`` into ``keep``: outlet history, list memberships, beats, missing details, and
    whatever other domains move on ``signals.journalists_merged``; ``drop`` is archived and points at ``keep``."""
    if keep.office_id != drop.office_id:
        raise NotFound(_("Không tìm thấy nhà báo."))
    if keep.id == drop.id:
        raise ValidationError({"drop_id": _("Hãy chọn hai hồ sơ khác nhau.")})
    if drop.merged_into_id is not None:
        raise ValidationError({"drop_id": _("Hồ sơ này đã được gộp vào hồ sơ khác.")})
    moved = {"history": 0, "lists": 0, "beats": 0}
    # Outlet history: periods of the duplicate become the kept record's, unless they repeat one.
    keep_periods = {(h.outlet_id, h.valid_from) for h in keep.history}
    for row in list(drop.history):
        if (row.outlet_id, row.valid_from) in keep_periods:
            continue
        drop.history.remove(row)
        keep.history.append(JournalistOutletHistory(outlet_id=row.outlet_id, valid_from=row.valid_from,
                                                    valid_to=row.valid_to))
        moved["history"] += 1
    # Fixed list memberships.
    keep_lists = set(db.session.scalars(select(DistributionListMember.list_id)
                                        .where(DistributionListMember.journalist_id == keep.id)))
    for member in db.session.scalars(select(DistributionListMember)
                                     .where(DistributionListMember.journalist_id == drop.id)).all():
        if member.list_id not in keep_lists:
            db.session.add(DistributionListMember(list_id=member.list_id, journalist_id=keep.id))
            moved["lists"] += 1
        db.session.delete(member)
    # Beats, missing details.
    for beat in drop.beats:
        if beat not in keep.beats:
            keep.beats.append(beat)
            moved["beats"] += 1
    if not keep.phone and drop.phone:
        keep.phone = drop.phone
    if drop.notes:
        keep.notes = "\n".join(filter(None, [keep.notes, drop.notes]))
    db.session.flush()
    signals.journalists_merged.send(keep, drop=drop)
    drop.merged_into_id = keep.id
    set_status(drop, "archived", _("Đã gộp vào hồ sơ #%(id)s (%(email)s)", id=keep.id, email=keep.email))
    audit.record("journalist.merged", keep, data={"drop_id": drop.id, "drop_email": drop.email, **moved})
    db.session.flush()
    return keep


# --- distribution lists -----------------------------------------------------------------------

RULE_KEYS = ("beat_ids", "outlet_kinds", "levels", "outlet_ids")


def validate_rule(office_id: int, rule: Any) -> dict:
    """``{"beat_ids", "outlet_kinds", "levels", "outlet_ids"}``; beats may also be given by name as
    ``"beats"``. Unknown ids or values are refused."""
    if rule in (None, ""):
        return {}
    if not isinstance(rule, dict):
        raise ValidationError({"rule": _("Quy tắc phải là một đối tượng.")})
    unknown = set(rule) - set(RULE_KEYS) - {"beats"}
    if unknown:
        raise ValidationError({"rule": _("Khoá không hợp lệ trong quy tắc: %(keys)s", keys=", ".join(sorted(unknown)))})
    out: dict[str, list] = {}
    for key in (*RULE_KEYS, "beats"):
        value = rule.get(key)
        if value in (None, []):
            continue
        if not isinstance(value, list):
            raise ValidationError({"rule": _("%(key)s phải là một danh sách.", key=key)})
        if key == "beats":
            ids = []
            for name in value:
                beat = find_beat(office_id, name) if isinstance(name, str) else None
                if beat is None:
                    raise ValidationError({"rule": _("Không có lĩnh vực “%(name)s”.", name=name)})
                ids.append(beat.id)
            out["beat_ids"] = sorted(set(out.get("beat_ids", [])) | set(ids))
        elif key in ("beat_ids", "outlet_ids"):
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise ValidationError({"rule": _("%(key)s phải là danh sách mã số.", key=key)})
            model = Beat if key == "beat_ids" else Outlet
            found = set(db.session.scalars(select(model.id).where(model.office_id == office_id,
                                                                  model.id.in_(value))))
            if set(value) - found:
                raise ValidationError({"rule": _("Không tìm thấy mã %(ids)s trong %(key)s.",
                                                 ids=", ".join(map(str, sorted(set(value) - found))), key=key)})
            out[key] = sorted(set(out.get(key, [])) | set(value))
        else:
            choices = OUTLET_KINDS if key == "outlet_kinds" else OUTLET_LEVELS
            bad = [v for v in value if v not in choices]
            if bad:
                raise ValidationError({"rule": _("Giá trị không hợp lệ trong %(key)s: %(values)s",
                                                 key=key, values=", ".join(map(str, bad)))})
            out[key] = sorted(set(value))
    return out


def _list_values(office_id: int, data: dict, dl: DistributionList | None) -> dict:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "name" in data or dl is None:
        name = clean(data.get("name") if isinstance(data.get("name"), str) else "")
        if not name:
            errors["name"] = _("Tên danh sách là bắt buộc.")
        elif len(name) > 200:
            errors["name"] = _("Tên tối đa 200 ký tự.")
        else:
            other = db.session.scalar(select(DistributionList).where(DistributionList.office_id == office_id,
                                                                     DistributionList.name == name))
            if other is not None and other is not dl:
                errors["name"] = _("Danh sách “%(name)s” đã có.", name=name)
            values["name"] = name
    if "description" in data:
        desc = data.get("description")
        values["description"] = desc.strip() or None if isinstance(desc, str) else None
    if "rule" in data:
        try:
            values["rule"] = validate_rule(office_id, data.get("rule"))
        except ValidationError as exc:
            errors.update(exc.fields)
    if "member_ids" in data:
        ids = data.get("member_ids") or []
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            errors["member_ids"] = _("member_ids phải là danh sách mã nhà báo.")
        else:
            found = set(db.session.scalars(select(Journalist.id).where(Journalist.office_id == office_id,
                                                                       Journalist.id.in_(ids))))
            if set(ids) - found:
                errors["member_ids"] = _("Không tìm thấy nhà báo có mã %(ids)s.",
                                         ids=", ".join(map(str, sorted(set(ids) - found))))
            values["member_ids"] = list(dict.fromkeys(ids))
    if errors:
        raise ValidationError(errors)
    return values


def create_list(office_id: int, data: dict) -> DistributionList:
    values = _list_values(office_id, data, None)
    dl = DistributionList(office_id=office_id, name=values["name"], description=values.get("description"),
                          rule=values.get("rule", {}))
    db.session.add(dl)
    db.session.flush()
    for jid in values.get("member_ids", []):
        db.session.add(DistributionListMember(list_id=dl.id, journalist_id=jid))
    db.session.flush()
    audit.record("list.created", dl, data={"name": dl.name, "rule": dl.rule,
                                           "members": values.get("member_ids", [])})
    return dl


def update_list(dl: DistributionList, data: dict) -> DistributionList:
    values = _list_values(dl.office_id, data, dl)
    changes = {}
    for key in ("name", "description", "rule"):
        if key in values and getattr(dl, key) != values[key]:
            changes[key] = [getattr(dl, key), values[key]]
            setattr(dl, key, values[key])
    if "member_ids" in values:
        current = set(db.session.scalars(select(DistributionListMember.journalist_id)
                                         .where(DistributionListMember.list_id == dl.id)))
        wanted = set(values["member_ids"])
        if current != wanted:
            db.session.execute(delete(DistributionListMember).where(
                DistributionListMember.list_id == dl.id,
                DistributionListMember.journalist_id.in_(current - wanted)))
            for jid in values["member_ids"]:
                if jid not in current:
                    db.session.add(DistributionListMember(list_id=dl.id, journalist_id=jid))
            changes["members"] = {"added": sorted(wanted - current), "removed": sorted(current - wanted)}
    if changes:
        db.session.execute(update(DistributionList).where(DistributionList.id == dl.id)
                           .values(updated_at=clock.now()))
        db.session.flush()
        audit.record("list.updated", dl, data=changes)
    return dl


def add_members(dl: DistributionList, journalists: Iterable[Journalist]) -> int:
    current = set(db.session.scalars(select(DistributionListMember.journalist_id)
                                     .where(DistributionListMember.list_id == dl.id)))
    added = []
    for journalist in journalists:
        if journalist.office_id != dl.office_id:
            raise NotFound(_("Không tìm thấy nhà báo."))
        if journalist.id not in current:
            db.session.add(DistributionListMember(list_id=dl.id, journalist_id=journalist.id))
            current.add(journalist.id)
            added.append(journalist.id)
    if added:
        db.session.flush()
        audit.record("list.members_added", dl, data={"journalist_ids": added})
    return len(added)


def remove_member(dl: DistributionList, journalist_id: int) -> bool:
    member = db.session.get(DistributionListMember, (dl.id, journalist_id))
    if member is None:
        return False
    db.session.delete(member)
    db.session.flush()
    audit.record("list.member_removed", dl, data={"journalist_id": journalist_id})
    return True


def delete_list(dl: DistributionList) -> None:
    audit.record("list.deleted", dl, data={"name": dl.name})
    db.session.delete(dl)
    db.session.flush()
