"""The schedule's rules, holidays, closures, materialisation, splits and sequence bumps."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coordinator.core import clock as app_clock
from coordinator.core.errors import ValidationError
from coordinator.extensions import db
from tests.support.clock import THURSDAY, TUESDAY, days_from_now, iso_local, next_weekday, ymd

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def calendar_of_2027(clock):
    """The holiday and rule cases below are facts of a known calendar (Tết 2027 and 2028, 30/4 on a
    Friday in 2027...): "now" is pinned before them, on Friday 27 November 2026 (the default series then
    starts on Tuesday 1 December 2026)."""
    clock.pin("2026-11-27T10:00")


@pytest.fixture
def make_journalist(office):
    """A journalist of ``office`` (an outlet is made once), with beats by name."""
    from coordinator.contacts import operations as contacts

    state: dict = {}
    counter = iter(range(1, 10_000))

    def factory(beats=(), target=None, **data):
        target = target or office
        outlet = state.get(target.id)
        if outlet is None:
            outlet = state[target.id] = contacts.create_outlet(
                target.id, {"name": f"Báo {target.slug}", "kind": "newspaper", "level": "provincial"})
        n = next(counter)
        journalist = contacts.create_journalist(target.id, {
            "full_name": data.pop("full_name", f"Nguyễn Thị Hạnh {n}"), "email": f"phongvien{n}@{target.slug}.vn",
            "outlet_id": outlet.id, "beats": list(beats), **data})
        db.session.commit()
        return journalist

    return factory


def local_days(rows):
    return [row.start.astimezone(VN).date() for row in rows]


def make_series(office, **overrides):
    """A weekly Tuesday 15:00 series starting on the next Tuesday (or on ``dtstart``)."""
    from coordinator.schedule import operations as ops

    data = {"title": "Họp báo định kỳ", "dtstart": iso_local(next_weekday(TUESDAY)), "timezone": "Asia/Ho_Chi_Minh",
            "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "skip_public_holidays": True,
            "venue": "Hội trường UBND tỉnh", "invite_lead_days": 7, "audience": {}}
    data.update(overrides)
    series = ops.create_series(office, data)
    db.session.commit()
    return series


def briefings(series, day_from=None, day_to=None):
    """Every occurrence of ``series`` from three years back to three years ahead."""
    from coordinator.schedule import operations as ops

    today = app_clock.today(VN)
    day_from = day_from or today.replace(year=today.year - 3, day=1)
    day_to = day_to or today.replace(year=today.year + 3, day=1)

    query = ops.list_briefings(series.office_id, day_from, day_to, timezone="Asia/Ho_Chi_Minh", series_id=series.id)
    rows = list(db.session.scalars(query))
    db.session.commit()
    return rows


@pytest.mark.parametrize(("rrule", "dtstart", "expected"), [
    ("FREQ=WEEKLY;BYDAY=TU", "2026-12-01T15:00", ["2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"]),
    ("FREQ=MONTHLY;BYDAY=1MO", "2026-12-07T09:00", ["2026-12-07", "2027-01-04", "2027-02-01", "2027-03-01"]),
    ("FREQ=WEEKLY;BYDAY=MO,TH", "2026-12-03T08:30", ["2026-12-03", "2026-12-07", "2026-12-10", "2026-12-14"]),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-12-01T15:00", ["2026-12-01", "2026-12-15", "2026-12-29", "2027-01-12"]),
    ("FREQ=MONTHLY;BYDAY=-1FR", "2026-12-25T14:00", ["2026-12-25", "2027-01-29", "2027-02-26", "2027-03-26"]),
])
def test_rule_shapes(calendar_of_2027, office, rrule, dtstart, expected):
    series = make_series(office, rrule=rrule, dtstart=dtstart, skip_public_holidays=False)
    got = [d.isoformat() for d in local_days(briefings(series))[:4]]
    assert got == expected
    first = briefings(series)[0]
    assert first.start.astimezone(VN).strftime("%H:%M") == dtstart[-5:]
    assert first.end - first.start == timedelta(minutes=60)


def test_until_and_count(calendar_of_2027, office):
    until = make_series(office, rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261222")
    assert local_days(briefings(until))[-1] == date(2026, 12, 22)
    assert "UNTIL=20261222T165959Z" in until.rrule  # the whole local day, in UTC
    count = make_series(office, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert local_days(briefings(count)) == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]


def test_dtstart_is_snapped_to_first_occurrence(calendar_of_2027, office):
    series = make_series(office, dtstart="2026-11-30T15:00")  # a Monday; the rule says Tuesdays
    assert series.dtstart == datetime(2026, 12, 1, 15, 0)


def test_holidays_skip_tet_hung_kings_reunification_national_day(calendar_of_2027, office):
    tuesdays = make_series(office, rrule="FREQ=WEEKLY;BYDAY=TU")
    days = set(local_days(briefings(tuesdays)))
    assert date(2027, 2, 9) not in days  # Mùng bốn Tết 2027
    assert date(2027, 2, 2) in days and date(2027, 2, 16) in days
    assert date(2028, 1, 25) not in days  # Giao thừa Tết 2028
    assert date(2028, 4, 4) not in days  # Giỗ Tổ Hùng Vương 2028
    assert date(2028, 5, 2) not in days  # 30/4 nghỉ bù 2028
    fridays = make_series(office, rrule="FREQ=WEEKLY;BYDAY=FR", dtstart="2026-12-04T09:00")
    days = set(local_days(briefings(fridays)))
    assert date(2027, 4, 16) not in days  # Giỗ Tổ Hùng Vương 2027
    assert date(2027, 4, 30) not in days  # 30/4
    assert date(2027, 9, 3) not in days  # Quốc khánh
    assert date(2028, 1, 28) not in days  # Tết 2028
    mon_thu = make_series(office, rrule="FREQ=WEEKLY;BYDAY=MO,TH", dtstart="2026-12-03T08:00")
    days = set(local_days(briefings(mon_thu)))
    assert date(2027, 9, 2) not in days  # 2/9
    assert date(2027, 5, 3) not in days  # 1/5 nghỉ bù


def test_holidays_listed_on_series(calendar_of_2027, office):
    from coordinator.schedule.operations import series_exceptions

    series = make_series(office)
    exceptions = {e["recurrence_id"].astimezone(VN).date(): e for e in series_exceptions(series)}
    assert exceptions[date(2027, 2, 9)]["kind"] == "skipped"
    assert "Tết" in exceptions[date(2027, 2, 9)]["reason"]


def test_holidays_move_to_next_working_day(calendar_of_2027, office):
    series = make_series(office, holiday_policy="move_next_working_day")
    rows = {row.recurrence_id.astimezone(VN).date(): row for row in briefings(series)}
    tet27 = rows[date(2027, 2, 9)]
    assert tet27.status == "moved"
    assert tet27.start.astimezone(VN) == datetime(2027, 2, 11, 15, 0, tzinfo=VN)  # 10/2 is Mùng năm
    tet28 = rows[date(2028, 1, 25)]
    assert tet28.start.astimezone(VN).date() == date(2028, 1, 31)  # 26–29 Tết, then the weekend
    hung28 = rows[date(2028, 4, 4)]
    assert hung28.start.astimezone(VN).date() == date(2028, 4, 5)
    last_friday = make_series(office, rrule="FREQ=MONTHLY;BYDAY=-1FR", dtstart="2027-04-30T14:00",
                              holiday_policy="move_next_working_day")
    first = briefings(last_friday)[0]
    assert first.start.astimezone(VN).date() == date(2027, 5, 4)  # 30/4 Fri → (1/5 Sat, 3/5 nghỉ bù) → Tue 4/5


def test_holidays_none_keeps_them(calendar_of_2027, office):
    series = make_series(office, skip_public_holidays=False)
    assert date(2027, 2, 9) in set(local_days(briefings(series)))


def test_office_closure_skips_and_restores(calendar_of_2027, office):
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import OfficeClosure

    series = make_series(office)
    target = date(2027, 1, 5)
    row = next(r for r in briefings(series) if r.start.astimezone(VN).date() == target)
    assert row.status == "scheduled"
    ops.add_closure(office, target, "Nghỉ bù theo thông báo của Chính phủ")
    db.session.commit()
    db.session.refresh(row)
    assert row.status == "cancelled" and row.holiday_note == "Nghỉ bù theo thông báo của Chính phủ"
    assert row.sequence == 1
    closure = db.session.scalar(db.select(OfficeClosure))
    ops.remove_closure(closure)
    db.session.commit()
    db.session.refresh(row)
    assert row.status == "scheduled" and row.sequence == 2


def test_office_closure_moves(calendar_of_2027, office):
    from coordinator.schedule import operations as ops

    ops.add_closure(office, date(2027, 1, 5), "Ngày nghỉ của cơ quan")
    db.session.commit()
    series = make_series(office, holiday_policy="move_next_working_day")
    row = next(r for r in briefings(series) if r.recurrence_id.astimezone(VN).date() == date(2027, 1, 5))
    assert row.start.astimezone(VN).date() == date(2027, 1, 6) and row.status == "moved"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule"),
    ({"rrule": "not a rule"}, "rrule"),
    ({"rrule": ""}, "rrule"),
    ({"dtstart": "{start}+07:00"}, "dtstart"),
    ({"dtstart": "{start}Z"}, "dtstart"),
    ({"dtstart": "next tuesday"}, "dtstart"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": -30}, "duration_minutes"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL={month_before}"}, "rrule"),  # ends before it starts
    ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2"}, "rrule"),  # 31 February
    ({"rrule": "FREQ=DAILY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1"}, None),  # fine: 365 a year
    ({"rrule": "FREQ=HOURLY"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYHOUR=8,9,10"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;COUNT=3;UNTIL={year_after}"}, "rrule"),
    ({"timezone": "Asia/Sai_Gon"}, "timezone"),
    # Hostile rules: refused with a 422 naming the field, before any expensive expansion.
    ({"dtstart": "9999-12-01T15:00"}, "dtstart"),
    ({"dtstart": "0001-01-02T15:00"}, "dtstart"),
    ({"rrule": "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "rrule"),  # never occurs
    ({"rrule": "FREQ=YEARLY;BYMONTH=4,6,9,11;BYMONTHDAY=31"}, "rrule"),  # never occurs
    ({"rrule": "FREQ=HOURLY;INTERVAL=12;BYMONTH=2"}, "rrule"),
    ({"rrule": "FREQ=MONTHLY;BYSETPOS=1"}, "rrule"),
    ({"rrule": "FREQ=DAILY;COUNT=5000"}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=" + ",".join(["TU"] * 100)}, "rrule"),
    ({"rrule": "FREQ=WEEKLY;UNTIL=99991231"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYWEEKNO=53;BYMONTH=2"}, "rrule"),  # never occurs: BYWEEKNO is not offered
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2"}, "rrule"),  # one Monday a week: no second
    ({"rrule": "FREQ=MONTHLY;BYDAY=6MO"}, "rrule"),
    ({"rrule": "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYHOUR=25"}, "rrule"),
    ({"rrule": "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"}, None),  # the last working day: fine
    ({"title": ""}, "title"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"audience": {"list_ids": [999]}}, "audience"),
    ({"audience": {"beats": ["không-có"]}}, "audience"),
])
def test_bad_series_input_saves_nothing(office, overrides, field):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import Briefing, Series

    start = next_weekday(TUESDAY)
    values = {"start": iso_local(start), "month_before": ymd(start - timedelta(days=30)),
              "year_after": ymd(start + timedelta(days=365))}
    overrides = {key: value.format(**values) if isinstance(value, str) else value for key, value in overrides.items()}
    data = {"title": "Họp báo", "dtstart": iso_local(start), "timezone": "Asia/Ho_Chi_Minh",
            "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=TU", "audience": {}, **overrides}
    if field is None:
        ops.create_series(office, data)
        db.session.rollback()
        return
    with pytest.raises(ValidationError) as caught:
        ops.create_series(office, data)
    db.session.rollback()
    assert field in caught.value.fields
    assert db.session.scalar(db.select(db.func.count(Series.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0
    assert db.session.scalar(db.select(db.func.count(OutboxEvent.id)).where(OutboxEvent.kind.like("series.%"))) == 0


@pytest.mark.parametrize(("rule", "ok"), [
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=29", True),  # rare (leap years) but real
    ("FREQ=HOURLY", False),
    ("FREQ=DAILY;BYHOUR=8,9,10", False),  # 1,095 a year
    ("FREQ=DAILY;BYHOUR=8,14", True),  # 730 a year
    ("FREQ=HOURLY;INTERVAL=12", True),
])
def test_more_than_1000_a_year_refused(app, rule, ok):
    from coordinator.schedule.recurrence import normalise_rrule

    if ok:
        assert normalise_rrule(rule, next_weekday(TUESDAY, hour=8), "Asia/Ho_Chi_Minh")
        return
    with pytest.raises(ValidationError) as caught:
        normalise_rrule(rule, next_weekday(TUESDAY, hour=8), "Asia/Ho_Chi_Minh")
    assert "1000" in caught.value.fields["rrule"] or "1.000" in caught.value.fields["rrule"]


def test_every_minute_or_second_is_refused_outright(app):
    from coordinator.schedule.recurrence import normalise_rrule

    for rule in ("FREQ=MINUTELY", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"):
        with pytest.raises(ValidationError) as caught:
            normalise_rrule(rule, next_weekday(TUESDAY, hour=8), "Asia/Ho_Chi_Minh")
        assert "giây" in caught.value.fields["rrule"]


def test_materialisation_is_idempotent_and_horizon(office, app):
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import Briefing

    series = make_series(office)
    count = db.session.scalar(db.select(db.func.count(Briefing.id)))
    horizon = app_clock.now() + timedelta(days=ops.horizon_days())
    assert series.materialised_until >= horizon - timedelta(minutes=1)
    assert count > 40
    ops.materialise(series, horizon)
    ops.materialise_all()
    series.materialised_until = None  # even forgetting how far it got creates no duplicate
    ops.materialise(series, horizon)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == count


def test_periodic_job_declared(app):
    from coordinator.core.tasks import TASKS
    from jobs.schedule import PERIODIC
    from jobs.schedule_jobs import materialise_horizon

    job = next(p for p in PERIODIC if p.id == "schedule-materialise")
    assert TASKS[job.task].path == "jobs.schedule_jobs.materialise_horizon"
    assert materialise_horizon() == 0


def test_one_occurrence_change_bumps_its_sequence_and_emits(office):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule import operations as ops

    series = make_series(office)
    row = briefings(series)[3]
    ops.update_briefing(row, {"venue": "Trung tâm Báo chí tỉnh", "agenda": "Kinh tế – xã hội tháng 12",
                              "spokespeople": "Phó Chủ tịch UBND tỉnh"})
    db.session.commit()
    assert row.sequence == 1 and row.edited and row.effective_venue == "Trung tâm Báo chí tỉnh"
    new_start = row.start + timedelta(days=1, hours=1)
    ops.update_briefing(row, {"start": new_start.isoformat()})
    db.session.commit()
    assert row.status == "moved" and row.sequence == 2 and row.end - row.start == timedelta(hours=1)
    assert row.recurrence_id != row.start
    ops.update_briefing(row, {"status": "cancelled"})
    db.session.commit()
    assert row.status == "cancelled" and row.sequence == 3
    kinds = [e.kind for e in db.session.scalars(db.select(OutboxEvent).order_by(OutboxEvent.id))]
    assert kinds[-3:] == ["briefing.updated", "briefing.updated", "briefing.cancelled"]
    event = db.session.scalars(db.select(OutboxEvent).order_by(OutboxEvent.id.desc())).first()
    assert event.payload["briefing_id"] == row.id and event.payload["changes"]["status"][1] == "cancelled"
    assert series.sequence == 0


def test_end_before_start_refused(office):
    from coordinator.schedule import operations as ops

    row = briefings(make_series(office))[0]
    start = row.start.astimezone(VN)
    with pytest.raises(ValidationError) as caught:
        ops.update_briefing(row, {"start": start.isoformat(), "end": (start - timedelta(hours=1)).isoformat()})
    assert "end" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        ops.update_briefing(row, {"start": start.replace(tzinfo=None).isoformat()})  # no offset
    assert "start" in caught.value.fields


def test_whole_series_edit_bumps_series_sequence(office):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule import operations as ops

    series = make_series(office)
    ops.update_series(series, {"venue": "Hội trường mới", "title": "Họp báo thường kỳ"})
    db.session.commit()
    assert series.sequence == 1
    rows = briefings(series)
    assert all(r.effective_venue == "Hội trường mới" and r.effective_title == "Họp báo thường kỳ" for r in rows)
    event = db.session.scalars(db.select(OutboxEvent).where(OutboxEvent.kind == "series.updated")).one()
    assert event.payload["changes"]["venue"] == ["Hội trường UBND tỉnh", "Hội trường mới"]


def test_split_this_and_following(office):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import Series

    series = make_series(office)
    rows = briefings(series)
    pivot = rows[5]
    edited_later = rows[8]
    ops.update_briefing(edited_later, {"agenda": "Chuẩn bị Tết"})
    db.session.commit()
    new = ops.split_series(pivot, {"dtstart": pivot.start.astimezone(VN).replace(hour=9, tzinfo=None).isoformat(),
                                   "venue": "Phòng họp số 2"})
    db.session.commit()
    old = db.session.get(Series, series.id)
    assert new.uid != old.uid and new.split_from_id == old.id
    assert "UNTIL=" in old.rrule and old.sequence == 1
    assert [r.id for r in briefings(old)] == [r.id for r in rows[:5]]
    new_rows = briefings(new)
    assert new_rows[0].start.astimezone(VN) == pivot.recurrence_id.astimezone(VN).replace(hour=9)
    assert all(r.effective_venue == "Phòng họp số 2" for r in new_rows)
    event = db.session.scalars(db.select(OutboxEvent).where(OutboxEvent.kind == "series.split")).one()
    assert event.payload["old_series_id"] == old.id and event.payload["new_series_id"] == new.id
    assert edited_later.id in event.payload["removed_briefing_ids"]  # the time changed: its override is gone


def test_split_keeps_edited_occurrences_when_time_unchanged(office):
    from coordinator.schedule import operations as ops

    series = make_series(office)
    rows = briefings(series)
    ops.update_briefing(rows[8], {"agenda": "Chuẩn bị Tết"})
    db.session.commit()
    new = ops.split_series(rows[5], {"venue": "Phòng họp số 2"})
    db.session.commit()
    kept = next(r for r in briefings(new) if r.id == rows[8].id)
    assert kept.agenda == "Chuẩn bị Tết" and kept.series_id == new.id and kept.uid == new.uid


def test_split_with_count_keeps_total(office):
    from coordinator.schedule import operations as ops

    series = make_series(office, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10", skip_public_holidays=False)
    rows = briefings(series)
    new = ops.split_series(rows[4], {"venue": "Phòng 2"})
    db.session.commit()
    assert len(briefings(series)) + len(briefings(new)) == 10


def test_timing_change_with_history_splits(office):
    from coordinator.schedule import operations as ops

    first = next_weekday(TUESDAY, after_days=-364)  # a year of history
    series = make_series(office, dtstart=iso_local(first))
    result = ops.update_series(series, {"dtstart": iso_local(first.replace(hour=9))})
    db.session.commit()
    assert result.id != series.id and result.split_from_id == series.id
    past = [r for r in briefings(series) if r.start < app_clock.now()]
    assert past and all(r.start.astimezone(VN).hour == 15 for r in past)
    assert all(r.start.astimezone(VN).hour == 9 for r in briefings(result))


def test_timing_change_without_history_rewrites(office):
    from coordinator.schedule import operations as ops

    series = make_series(office)
    ops.update_series(series, {"rrule": "FREQ=WEEKLY;BYDAY=TH", "dtstart": iso_local(next_weekday(THURSDAY))})
    db.session.commit()
    assert series.sequence == 1
    assert all(r.start.astimezone(VN).weekday() == 3 for r in briefings(series))


def test_optimistic_lock(office):
    from coordinator.core.errors import Conflict
    from coordinator.schedule import operations as ops

    row = briefings(make_series(office))[0]
    with pytest.raises(Conflict):
        ops.update_briefing(row, {"venue": "X"}, expected_version=row.version_id + 5)


def test_ad_hoc_and_crisis(office):
    from coordinator.core.events import OutboxEvent
    from coordinator.schedule import operations as ops

    past = ops.create_briefing(office, {"title": "Họp báo về bão số 3",
                                        "dtstart": iso_local(days_from_now(-90, hour=10)),
                                        "duration_minutes": 90, "venue": "UBND tỉnh"})
    soon = iso_local(days_from_now(0.1))
    crisis = ops.create_briefing(office, {"title": "Sự cố sạt lở", "dtstart": soon,
                                          "online_url": "https://meet.example.vn/x"}, crisis=True)
    db.session.commit()
    assert past.status == "held" and crisis.is_crisis
    events = {e.payload["briefing_id"]: e for e in db.session.scalars(
        db.select(OutboxEvent).where(OutboxEvent.kind == "briefing.created"))}
    assert events[crisis.id].payload["urgent"] is True and events[past.id].payload["urgent"] is False
    with pytest.raises(ValidationError) as caught:
        ops.create_briefing(office, {"title": "Khẩn", "dtstart": soon}, crisis=True)
    assert "venue" in caught.value.fields


def test_feed_tokens_hashed_rotatable_revocable(office, make_journalist):
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import JournalistFeedToken

    journalist = make_journalist()
    row, token = ops.issue_feed_token(office.id, journalist.id)
    db.session.commit()
    assert row.token_hash != token and len(row.token_hash) == 64
    assert ops.authenticate_feed_token(token).id == row.id
    _, new_token = ops.rotate_feed_token(office.id, journalist.id)
    db.session.commit()
    assert ops.authenticate_feed_token(token) is None and ops.authenticate_feed_token(new_token) is not None
    assert ops.personal_feed_token(office.id, journalist.id) == new_token  # shown again, not stored
    assert new_token not in {row.salt for row in db.session.scalars(db.select(JournalistFeedToken))}
    ops.revoke_feed_tokens(office.id, journalist.id)
    db.session.commit()
    assert ops.authenticate_feed_token(new_token) is None
    assert db.session.scalar(db.select(db.func.count(JournalistFeedToken.id))) == 2
    fresh = ops.personal_feed_token(office.id, journalist.id)  # none active: a new one is issued
    db.session.commit()
    assert fresh not in (token, new_token) and ops.authenticate_feed_token(fresh) is not None


def test_link_builders():
    from coordinator.schedule import ical

    url = "https://briefings.test/calendar/personal/abc.ics"
    assert ical.webcal_url(url) == "webcal://briefings.test/calendar/personal/abc.ics"
    assert ical.google_subscribe_url(url).startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
    assert "addfromweb?url=https%3A%2F%2Fbriefings.test" in ical.outlook_subscribe_url(url, "Lịch")


def test_utc_of_api_dates(office):
    """A fixed day on purpose: the conversion of one known local day, whatever today is."""
    from coordinator.schedule.recurrence import local_day_bounds

    start, end = local_day_bounds(date(2026, 12, 1), date(2026, 12, 1), "Asia/Ho_Chi_Minh")
    assert start == datetime(2026, 11, 30, 17, tzinfo=UTC) and end == datetime(2026, 12, 1, 17, tzinfo=UTC)


def test_public_holidays_follow_the_offices_country(calendar_of_2027, make_office):
    """A Berlin office (country from its zone) keeps Tết Mondays and skips Easter Monday; Vietnam stays the
    default for a Vietnamese zone."""
    berlin = make_office("berlin", "Đại sứ quán tại Berlin", timezone="Europe/Berlin")
    hanoi = make_office("hanoi-office", "Văn phòng Hà Nội")
    assert (berlin.country, hanoi.country) == ("DE", "VN")
    mondays = {"rrule": "FREQ=WEEKLY;BYDAY=MO", "dtstart": "2026-11-30T10:00"}
    in_berlin = set(local_days(briefings(make_series(berlin, timezone="Europe/Berlin", **mondays))))
    in_hanoi = set(local_days(briefings(make_series(hanoi, **mondays))))
    assert date(2027, 2, 8) in in_berlin and date(2027, 2, 8) not in in_hanoi  # mùng ba Tết 2027
    assert date(2027, 3, 29) not in in_berlin and date(2027, 3, 29) in in_hanoi  # Ostermontag


def test_a_start_at_a_clock_change_is_warned_about(calendar_of_2027, api):
    response = api.post("/api/v1/series", json={
        "title": "Night desk call", "dtstart": "2026-11-29T02:30", "timezone": "Europe/Berlin",
        "duration_minutes": 60, "rrule": "FREQ=WEEKLY;BYDAY=SU", "skip_public_holidays": False, "audience": {}})
    assert response.status_code == 201, response.get_json()
    warnings = response.get_json()["warnings"]
    assert any("28/03/2027" in w and "không tồn tại" in w for w in warnings)  # 02:30 is skipped that day
    assert any("31/10/2027" in w and "hai lần" in w for w in warnings)  # and happens twice
    daytime = api.post("/api/v1/series", json={
        "title": "Họp báo", "dtstart": "2026-12-01T15:00", "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60,
        "rrule": "FREQ=WEEKLY;BYDAY=TU", "audience": {}})
    assert daytime.get_json()["warnings"] == []
