"""RRULEs: checking, normalising, building from form parts, describing, and planning occurrences.

A series' rule is expanded from its local start (``DTSTART;TZID=...``) the way RFC 5545 says: wall-clock
times stay put across DST changes; UNTIL is kept in UTC. ``plan()`` applies the holiday policy and
says, for each rule instance, whether it is held as planned, moved to the next working day, or skipped.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import vRecur

from coordinator.core.dates import MAX_YEAR, MIN_YEAR
from coordinator.core.errors import ValidationError
from coordinator.schedule.holidays import DaysOff

MAX_PER_YEAR = 1000
MAX_COUNT = 1000
MAX_RULE_LENGTH = 300
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = {"MO": _l("Thứ Hai"), "TU": _l("Thứ Ba"), "WE": _l("Thứ Tư"), "TH": _l("Thứ Năm"),
                 "FR": _l("Thứ Sáu"), "SA": _l("Thứ Bảy"), "SU": _l("Chủ Nhật")}
FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


# --- inputs -------------------------------------------------------------------------------------

def check_timezone(name: str | None, field: str = "timezone") -> str:
    name = (name or "").strip()
    if not name or name not in available_timezones():
        raise ValidationError({field: _("Múi giờ không hợp lệ: %(name)s (ví dụ: Asia/Ho_Chi_Minh).", name=name)})
    try:
        ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - guarded above
        raise ValidationError({field: str(exc)}) from exc
    return name


def parse_local_dtstart(value: object, field: str = "dtstart") -> datetime:
    """A local date-time without offset (``2026-11-24T15:00``): an offset or ``Z`` is refused."""
    if isinstance(value, datetime):
        parsed = value
    else:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError({field: _("Thời điểm bắt đầu là bắt buộc (giờ địa phương, ví dụ 2026-11-24T15:00).")})
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError({field: _("Thời điểm không hợp lệ: %(value)s (ví dụ 2026-11-24T15:00).",
                                            value=text)}) from None
        if "T" not in text and " " not in text:
            raise ValidationError({field: _("Cần cả ngày và giờ (ví dụ 2026-11-24T15:00).")})
    if parsed.tzinfo is not None:
        raise ValidationError({field: _("Thời điểm bắt đầu là giờ địa phương, không kèm múi giờ hay độ lệch "
                                        "(bỏ “Z” hoặc “+07:00”); múi giờ ghi ở trường timezone.")})
    _check_year(parsed, field)
    return parsed.replace(second=0, microsecond=0)


def _check_year(value: datetime | date, field: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError({field: _("Năm phải từ %(lo)s đến %(hi)s.", lo=MIN_YEAR, hi=MAX_YEAR)})


def parse_aware(value: object, field: str) -> datetime:
    """An ISO 8601 date-time *with* an offset (API PATCH start/end)."""
    if not isinstance(value, str):
        raise ValidationError({field: _("Cần thời điểm ISO 8601 có độ lệch múi giờ, ví dụ 2026-11-24T15:00:00+07:00.")})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({field: _("Thời điểm không hợp lệ: %(value)s.", value=value)}) from None
    if parsed.tzinfo is None:
        raise ValidationError({field: _("Cần độ lệch múi giờ (ví dụ +07:00) trong %(value)s.", value=value)})
    _check_year(parsed, field)
    return parsed.astimezone(UTC).replace(second=0, microsecond=0)


def normalise_rrule(text: object, dtstart: datetime, timezone: str) -> str:
    """The rule text checked and normalised: no ``RRULE:`` prefix, FREQ required, UNTIL in UTC.

    Raises ``ValidationError({"rrule": ...})`` for anything calendar clients would not read the same
    way, for a rule with no occurrence and for one with more than 1,000 occurrences in a year.
    """
    recur = _parse_recur(text)
    _check_parts(recur)
    tz = ZoneInfo(timezone)
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        _check_year(until, "rrule")
        if isinstance(until, datetime):
            until_utc = (until.replace(tzinfo=tz) if until.tzinfo is None else until).astimezone(UTC)
        else:  # a date: the whole of that local day
            until_utc = datetime.combine(until, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
        recur["UNTIL"] = [until_utc.replace(microsecond=0)]
    normalised = recur.to_ical().decode()
    try:
        rule = build_rule(dtstart, timezone, normalised)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": _("Quy tắc lặp không hợp lệ: %(error)s", error=str(exc))}) from None
    _check_yield(rule)
    return normalised


def _parse_recur(text: object) -> vRecur:
    """The rule part alone (an ``RRULE:`` prefix dropped), parsed."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"rrule": _("Quy tắc lặp (RRULE) là bắt buộc, ví dụ FREQ=WEEKLY;BYDAY=TU.")})
    raw = text.strip()
    if len(raw) > MAX_RULE_LENGTH:
        raise ValidationError({"rrule": _("Quy tắc lặp dài quá %(max)s ký tự.", max=MAX_RULE_LENGTH)})
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    if "\n" in raw or "DTSTART" in raw.upper():
        raise ValidationError({"rrule": _("Chỉ ghi phần quy tắc (FREQ=...), không kèm DTSTART.")})
    try:
        return vRecur.from_ical(raw)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": _("Quy tắc lặp không hợp lệ: %(error)s", error=str(exc))}) from None


def _check_parts(recur: vRecur) -> None:
    """FREQ, BYDAY, COUNT and INTERVAL as every calendar client reads them, and only rules that cost
    little to expand: a rule that never occurs makes a calendar library search until the year 9999 (seconds
    of CPU), so every part that could make one is checked here, before anything is expanded: no
    repetition every second or minute, no hourly rule narrowed by month or day, no BYWEEKNO, BYYEARDAY or
    BYSECOND, month days that exist in the months chosen, ordinal weekdays and BYSETPOS within what a
    period holds, and at most a thousand by COUNT."""
    freq = (recur.get("FREQ") or [None])[0]
    if freq not in FREQS:
        raise ValidationError({"rrule": _("FREQ phải là một trong: %(choices)s.", choices=", ".join(FREQS))})
    if freq in ("SECONDLY", "MINUTELY"):
        raise ValidationError({"rrule": _("Không hỗ trợ họp báo lặp lại theo giây hoặc theo phút.")})
    narrowing = {"BYMONTH", "BYMONTHDAY", "BYSETPOS"}
    if freq == "HOURLY" and narrowing & set(recur):
        raise ValidationError({"rrule": _("Quy tắc lặp theo giờ không được giới hạn theo tháng, ngày hay tuần.")})
    unsupported = set(recur) & {"BYWEEKNO", "BYYEARDAY", "BYSECOND"}
    if unsupported:
        raise ValidationError({"rrule": _("Không hỗ trợ %(parts)s trong lịch họp báo.",
                                          parts=", ".join(sorted(unsupported)))})
    if "COUNT" in recur and "UNTIL" in recur:
        raise ValidationError({"rrule": _("Không dùng cùng lúc COUNT và UNTIL.")})
    for value in recur.get("BYDAY", []):
        match = _BYDAY_RE.match(str(value))
        if not match or (match.group(1) and not 1 <= abs(int(match.group(1))) <= 53):
            raise ValidationError({"rrule": _("BYDAY không hợp lệ: %(value)s.", value=value)})
    if "COUNT" in recur and int(recur["COUNT"][0]) < 1:
        raise ValidationError({"rrule": _("COUNT phải lớn hơn 0.")})
    if "INTERVAL" in recur and int(recur["INTERVAL"][0]) < 1:
        raise ValidationError({"rrule": _("INTERVAL phải lớn hơn 0.")})
    if "COUNT" in recur and int(recur["COUNT"][0]) > MAX_COUNT:
        raise ValidationError({"rrule": _("COUNT tối đa là %(max)s buổi.", max=MAX_COUNT)})
    _check_days_exist(recur)
    _check_weekdays(recur, freq)
    _check_setpos(recur, freq)


def _check_weekdays(recur: vRecur, freq: str) -> None:
    """An ordinal weekday (``-1FR``, ``2MO``) only where it can occur: within a month, the 1st to 5th;
    within a year, the 1st to 53rd; never for daily or weekly rules, never with days of the month."""
    ordinals = [int(m.group(1)) for d in recur.get("BYDAY", []) if (m := _BYDAY_RE.match(str(d))) and m.group(1)]
    if not ordinals:
        return
    within_month = freq == "MONTHLY" or (freq == "YEARLY" and "BYMONTH" in recur)
    limit = 5 if within_month else 53 if freq == "YEARLY" else 0
    if not limit or "BYMONTHDAY" in recur or any(abs(n) > limit for n in ordinals):
        raise ValidationError({"rrule": _("Thứ tự của ngày trong tuần (ví dụ -1FR) không bao giờ xảy ra với "
                                          "quy tắc này.")})


def _check_setpos(recur: vRecur, freq: str) -> None:
    """BYSETPOS picks from the weekdays (and hours) of each period: only with them, and within their count
    (``BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1``: the last working day)."""
    if "BYSETPOS" not in recur:
        return
    if not (set(recur) & {"BYDAY"}) or set(recur) & {"BYMONTHDAY", "BYMONTH"} and freq != "YEARLY" \
            or any(not str(d).isalpha() for d in recur.get("BYDAY", [])):
        raise ValidationError({"rrule": _("BYSETPOS chỉ dùng cùng BYDAY (các ngày trong tuần), ví dụ "
                                          "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1.")})
    per_period = {"MONTHLY": 4, "YEARLY": 52}.get(freq, 1)
    size = (len(recur["BYDAY"]) * per_period * len(recur.get("BYHOUR", [0])) * len(recur.get("BYMINUTE", [0])))
    if any(int(n) == 0 or abs(int(n)) > size for n in recur["BYSETPOS"]):
        raise ValidationError({"rrule": _("BYSETPOS phải từ 1 đến %(n)s (hoặc âm) với quy tắc này.", n=size)})


def _check_days_exist(recur: vRecur) -> None:
    """Refuse a rule whose months and days of the month never meet (30 February...)."""
    days = [int(d) for d in recur.get("BYMONTHDAY", [])]
    months = [int(m) for m in recur.get("BYMONTH", [])] or list(range(1, 13))
    if any(not 1 <= m <= 12 for m in months):
        raise ValidationError({"rrule": _("BYMONTH phải từ 1 đến 12.")})
    if any(d == 0 or abs(d) > 31 for d in days):
        raise ValidationError({"rrule": _("BYMONTHDAY phải từ 1 đến 31 (hoặc −1 đến −31).")})
    if days and not any(abs(d) <= MONTH_DAYS[m] for m in months for d in days):
        raise ValidationError({"rrule": _("Những ngày trong tháng này không bao giờ có trong các tháng đã chọn.")})
    if any(not 0 <= int(h) <= 23 for h in recur.get("BYHOUR", [])) or \
            any(not 0 <= int(m) <= 59 for m in recur.get("BYMINUTE", [])):
        raise ValidationError({"rrule": _("BYHOUR phải từ 0 đến 23, BYMINUTE từ 0 đến 59.")})


def _check_yield(rule: RRule) -> None:
    """At least one occurrence, and at most 1,000 in any year."""
    first = next(iter(rule), None)
    if first is None:
        raise ValidationError({"rrule": _("Quy tắc này không sinh ra buổi họp nào (kiểm tra UNTIL, COUNT, BYDAY).")})
    # Rules are periodic: the busiest year shows within the first two.
    for year_start in (first, first + timedelta(days=366)):
        year_end = year_start + timedelta(days=366)
        count = sum(1 for _i in itertools.islice(_between(rule, year_start, year_end), MAX_PER_YEAR + 1))
        if count > MAX_PER_YEAR:
            raise ValidationError({"rrule": _("Quy tắc sinh ra hơn %(max)s buổi họp trong một năm.", max=MAX_PER_YEAR)})


def _between(rule: RRule, start: datetime, end: datetime) -> Iterable[datetime]:
    for value in rule.xafter(start, inc=True):
        if value >= end:
            return
        yield value


def build_rule(dtstart: datetime, timezone: str, rrule_text: str) -> RRule:
    aware = dtstart.replace(tzinfo=ZoneInfo(timezone))
    return rrulestr(rrule_text, dtstart=aware, cache=False)


def check_duration(value: object, field: str = "duration_minutes") -> int:
    try:
        minutes = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError({field: _("Thời lượng phải là số phút (ví dụ 60).")}) from None
    if isinstance(value, bool) or minutes <= 0:
        raise ValidationError({field: _("Giờ kết thúc phải sau giờ bắt đầu: thời lượng phải lớn hơn 0 phút.")})
    if minutes > 24 * 60:
        raise ValidationError({field: _("Một buổi họp không dài quá 24 giờ.")})
    return minutes


# --- the form's rule builder -------------------------------------------------------------------

def rule_from_parts(*, freq: str, interval: int = 1, weekdays: Iterable[str] = (), month_nth: int | None = None,
                    month_weekday: str | None = None, end_mode: str = "never", until: date | None = None,
                    count: int | None = None) -> str:
    """Common rules without typing RRULE: weekly on chosen weekdays every N weeks, monthly on the Nth
    weekday, daily; ending never, on a date (UNTIL) or after N times (COUNT)."""
    parts = [f"FREQ={freq}"]
    if interval and int(interval) > 1:
        parts.append(f"INTERVAL={int(interval)}")
    if freq == "WEEKLY":
        days = [d for d in WEEKDAYS if d in set(weekdays)]
        if days:
            parts.append("BYDAY=" + ",".join(days))
    elif freq == "MONTHLY" and month_nth and month_weekday:
        parts.append(f"BYDAY={int(month_nth)}{month_weekday}")
    if end_mode == "until" and until is not None:
        parts.append(f"UNTIL={until:%Y%m%d}")
    elif end_mode == "count" and count:
        parts.append(f"COUNT={int(count)}")
    return ";".join(parts)


def parts_from_rule(text: str) -> dict | None:
    """The builder's fields for a rule it can build, else None (the form then shows the RRULE text)."""
    try:
        recur = vRecur.from_ical(text)
    except ValueError:
        return None
    known = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
    if set(recur) - known:
        return None
    freq = recur["FREQ"][0]
    parts: dict = {"freq": freq, "interval": int(recur.get("INTERVAL", [1])[0]), "weekdays": [],
                   "month_nth": None, "month_weekday": None, "end_mode": "never", "until": None, "count": None}
    bydays = [str(d) for d in recur.get("BYDAY", [])]
    if freq == "WEEKLY":
        if any(not d.isalpha() for d in bydays):
            return None
        parts["weekdays"] = bydays
    elif freq == "MONTHLY":
        if len(bydays) != 1:
            return None
        match = _BYDAY_RE.match(bydays[0])
        if not match or not match.group(1):
            return None
        parts["month_nth"], parts["month_weekday"] = int(match.group(1)), match.group(2)
    elif bydays:
        return None
    if "UNTIL" in recur:
        parts["end_mode"] = "until"
        parts["until"] = recur["UNTIL"][0]
    elif "COUNT" in recur:
        parts["end_mode"] = "count"
        parts["count"] = int(recur["COUNT"][0])
    return parts


def _every(freq: str, interval: int) -> str:
    """``Hằng tuần`` / ``2 tuần một lần`` (and the English of it)."""
    if interval <= 1:
        return {"SECONDLY": _("Hằng giây"), "MINUTELY": _("Hằng phút"), "HOURLY": _("Hằng giờ"),
                "DAILY": _("Hằng ngày"), "WEEKLY": _("Hằng tuần"), "MONTHLY": _("Hằng tháng"),
                "YEARLY": _("Hằng năm")}[freq]
    return {"SECONDLY": _("%(n)d giây một lần", n=interval), "MINUTELY": _("%(n)d phút một lần", n=interval),
            "HOURLY": _("%(n)d giờ một lần", n=interval), "DAILY": _("%(n)d ngày một lần", n=interval),
            "WEEKLY": _("%(n)d tuần một lần", n=interval), "MONTHLY": _("%(n)d tháng một lần", n=interval),
            "YEARLY": _("%(n)d năm một lần", n=interval)}[freq]


def _nth_weekday(nth: int, day: str) -> str:
    """``Thứ Sáu cuối cùng`` (the last Friday), ``Thứ Hai thứ nhất`` (the first Monday)..."""
    if nth == 1:
        return _("%(day)s thứ nhất", day=day)
    if nth == 2:
        return _("%(day)s thứ hai", day=day)
    if nth == 3:
        return _("%(day)s thứ ba", day=day)
    if nth == 4:
        return _("%(day)s thứ tư", day=day)
    if nth == 5:
        return _("%(day)s thứ năm", day=day)
    if nth == -1:
        return _("%(day)s cuối cùng", day=day)
    if nth > 0:
        return _("%(day)s thứ %(n)d", day=day, n=nth)
    return _("%(day)s thứ %(n)d tính từ cuối", day=day, n=-nth)


def describe_rule(text: str, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """The rule in words, in the current locale (``Hằng tuần vào Thứ Ba``, ``Weekly on Tuesday``)."""
    try:
        recur = vRecur.from_ical(text)
    except ValueError:
        return text
    freq = recur["FREQ"][0]
    interval = int(recur.get("INTERVAL", [1])[0])
    bydays = [str(d) for d in recur.get("BYDAY", [])]
    words = _every(freq, interval)
    if bydays:
        named = []
        for value in bydays:
            match = _BYDAY_RE.match(value)
            if not match:
                continue
            name = str(WEEKDAY_NAMES[match.group(2)])
            named.append(_nth_weekday(int(match.group(1)), name) if match.group(1) else name)
        positions = [int(p) for p in recur.get("BYSETPOS", [])]
        if len(positions) == 1 and len(named) == len(bydays) and not any(_BYDAY_RE.match(v).group(1) for v in bydays):
            named = [_nth_weekday(positions[0], _(" hoặc ").join(named))]  # the 2nd Tuesday; the last Mon or Fri
            recur.pop("BYSETPOS")
        words = _("%(rule)s vào %(days)s", rule=words, days=", ".join(named))
    monthdays = [int(d) for d in recur.get("BYMONTHDAY", [])]
    if monthdays:
        days = ", ".join(str(d) if d > 0 else (_("ngày cuối") if d == -1 else _("ngày thứ %(n)d tính từ cuối", n=-d))
                         for d in monthdays)
        words = _("%(rule)s vào ngày %(days)s", rule=words, days=days) if all(d > 0 for d in monthdays) \
            else _("%(rule)s vào %(days)s", rule=words, days=days)
    months = [int(m) for m in recur.get("BYMONTH", [])]
    if months:
        words = _("%(rule)s, trong tháng %(months)s", rule=words, months=", ".join(str(m) for m in months))
    if "UNTIL" in recur:
        until = recur["UNTIL"][0]
        _check_year(until, "rrule")
        if isinstance(until, datetime):
            until = until.astimezone(ZoneInfo(tz)).date() if until.tzinfo else until.date()
        words = _("%(rule)s, đến hết %(date)s", rule=words, date=f"{until:%d/%m/%Y}")
    elif "COUNT" in recur:
        count = int(recur["COUNT"][0])
        words = _("%(rule)s, 1 lần", rule=words) if count == 1 else _("%(rule)s, %(n)d lần", rule=words, n=count)
    if set(recur) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "UNTIL", "COUNT", "WKST"}:
        words += f" ({text})"
    return words


def with_until(text: str, until_utc: datetime) -> str:
    """The same rule ending at ``until_utc`` (COUNT dropped): the old half of a split."""
    recur = vRecur.from_ical(text)
    recur.pop("COUNT", None)
    recur["UNTIL"] = [until_utc.astimezone(UTC).replace(microsecond=0)]
    return recur.to_ical().decode()


def with_count(text: str, count: int | None) -> str:
    recur = vRecur.from_ical(text)
    recur.pop("COUNT", None)
    if count is not None:
        recur["COUNT"] = [count]
    return recur.to_ical().decode()


def rule_count(text: str) -> int | None:
    recur = vRecur.from_ical(text)
    return int(recur["COUNT"][0]) if "COUNT" in recur else None


def rule_until(text: str) -> datetime | None:
    recur = vRecur.from_ical(text)
    if "UNTIL" not in recur:
        return None
    value = recur["UNTIL"][0]
    return value if isinstance(value, datetime) else None


# --- planning -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    """One rule instance after the holiday policy: ``kind`` is normal, moved or skipped."""

    recurrence_id: datetime  # UTC
    start: datetime  # UTC (moved: the next working day, same local time)
    end: datetime
    kind: str
    reason: str | None = None

    @property
    def original_day(self) -> date:
        return self.recurrence_id.date()


def instances(dtstart: datetime, timezone: str, rrule_text: str, start: datetime, end: datetime) -> list[datetime]:
    """Rule instances (aware, local) with start <= instance < end."""
    rule = build_rule(dtstart, timezone, rrule_text)
    return list(_between(rule, start, end))


def plan(dtstart: datetime, timezone: str, rrule_text: str, duration_minutes: int, holiday_policy: str,
         days_off: DaysOff, start: datetime, end: datetime) -> list[Planned]:
    """Every rule instance whose original start is in [start, end), with the holiday policy applied."""
    tz = ZoneInfo(timezone)
    duration = timedelta(minutes=duration_minutes)
    out: list[Planned] = []
    for local in instances(dtstart, timezone, rrule_text, start, end):
        rid = local.astimezone(UTC)
        day = local.date()
        reason = days_off.reason(day) if holiday_policy != "none" else None
        if reason is None:
            out.append(Planned(rid, rid, rid + duration, "normal"))
        elif holiday_policy == "skip":
            out.append(Planned(rid, rid, rid + duration, "skipped", reason))
        else:
            new_day = days_off.next_working_day(day)
            moved = datetime.combine(new_day, local.timetz().replace(tzinfo=None), tzinfo=tz).astimezone(UTC)
            out.append(Planned(rid, moved, moved + duration, "moved", reason))
    return out


def local_day_bounds(day_from: date, day_to: date, timezone: str) -> tuple[datetime, datetime]:
    """[from 00:00, to+1 00:00) local, in UTC: ``to`` is inclusive."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(day_from, time(0, 0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day_to + timedelta(days=1), time(0, 0), tzinfo=tz).astimezone(UTC)
    return start, end


def clock_change_days(dtstart: datetime, timezone: str, rrule_text: str, years: int = 2) -> list[tuple[date, str]]:
    """The days within ``years`` on which the rule's local start time falls at a clock change of the zone:
    ``("gap", day)`` when it does not exist that day (the meeting starts an hour later), ``("fold", day)``
    when it happens twice (the first one is meant). Empty in a zone without daylight saving."""
    tz = ZoneInfo(timezone)
    start = dtstart.replace(tzinfo=tz)
    found: list[tuple[date, str]] = []
    for local in instances(dtstart, timezone, rrule_text, start, start + timedelta(days=366 * years)):
        naive = datetime.combine(local.date(), dtstart.time())
        aware = naive.replace(tzinfo=tz)
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            found.append((local.date(), "gap"))
        elif aware.replace(fold=0).utcoffset() != aware.replace(fold=1).utcoffset():
            found.append((local.date(), "fold"))
    return found


def clock_change_warnings(dtstart: datetime, timezone: str, rrule_text: str) -> list[str]:
    """What to tell the person who saves such a rule, in words."""
    messages = []
    for day, kind in clock_change_days(dtstart, timezone, rrule_text)[:4]:
        if kind == "gap":
            messages.append(_("Ngày %(day)s, giờ %(time)s không tồn tại ở múi giờ %(zone)s (đồng hồ chuyển sang "
                              "giờ mùa hè): buổi họp ngày đó bắt đầu muộn hơn một giờ.",
                              day=day.strftime("%d/%m/%Y"), time=dtstart.strftime("%H:%M"), zone=timezone))
        else:
            messages.append(_("Ngày %(day)s, giờ %(time)s diễn ra hai lần ở múi giờ %(zone)s (đồng hồ lùi lại): "
                              "buổi họp theo lần thứ nhất.",
                              day=day.strftime("%d/%m/%Y"), time=dtstart.strftime("%H:%M"), zone=timezone))
    return messages
