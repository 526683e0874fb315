"""The reports agree with counts computed here, independently, in plain Python from the raw rows:
attendance by outlet / journalist / month / level / kind / briefing (API contract shape), coverage by
outlet / briefing / month with tone, attended-not-covered and covered-not-attended, questions."""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from coordinator.attendance import operations as ops
from coordinator.attendance.models import Attendance, Coverage, Question
from coordinator.contacts import operations as contacts
from coordinator.contacts.models import Journalist, Outlet
from coordinator.core import clock
from coordinator.extensions import db
from coordinator.invitations.models import Invitation, OccurrenceRsvp
from coordinator.invitations.operations import sync_invitations
from coordinator.schedule.models import Briefing
from tests.support import domain

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def dataset(app, office):
    """A messy office: moves between outlets, a series with per-occurrence answers, ad hoc briefings,
    a cancelled briefing, a future one, a cancelled invitation, walk-ins, coverage and questions."""
    rng = random.Random(7)
    today = datetime.now(VN).date()
    outlets = [domain.outlet(office, "Báo Quảng Ninh"),
               domain.outlet(office, "QTV", kind="tv", level="provincial"),
               domain.outlet(office, "Báo Tuổi Trẻ", kind="newspaper", level="central"),
               domain.outlet(office, "VnExpress", kind="online", level="central"),
               domain.outlet(office, "Reuters", kind="news_agency", level="foreign")]
    people = []
    for n in range(14):
        person = contacts.create_journalist(office.id, {
            "full_name": f"Phóng viên {n}", "email": f"pv{n}@example.vn", "outlet_id": rng.choice(outlets).id},
            since=today - timedelta(days=400))
        people.append(person)
    db.session.commit()
    # Moves: one in the middle of the period, one whose history begins after the early briefings.
    contacts.move_to_outlet(people[0], outlets[3], today - timedelta(days=40))
    contacts.move_to_outlet(people[1], outlets[4], today - timedelta(days=75))
    people[2].history[0].valid_from = today - timedelta(days=30)
    db.session.commit()
    start = datetime.combine(today - timedelta(days=110), time(15, 0))
    series = domain.weekly_series(office, people[:9], start=start)
    sync_invitations(series)
    db.session.commit()
    adhoc = [domain.adhoc(office, rng.sample(people, 6), start=datetime.combine(
        today - timedelta(days=d), time(9, 0), VN), title=f"Đột xuất {d}") for d in (95, 50, 12)]
    late = domain.adhoc(office, people[3:8], start=datetime.combine(today, time(0, 30), VN), title="Sáng sớm nay")
    future = domain.adhoc(office, people[:5], start=datetime.now(VN) + timedelta(days=2), title="Sắp tới")
    cancelled = domain.adhoc(office, people[:5], start=datetime.combine(today - timedelta(days=20), time(10, 0), VN),
                             title="Bị huỷ")
    for target in [*adhoc, late, future, cancelled]:
        sync_invitations(target)
    db.session.commit()
    invitations = list(db.session.scalars(select(Invitation)))
    for invitation in invitations:
        invitation.rsvp = rng.choice(("accepted", "accepted", "tentative", "declined", "needs_action"))
    series_invitations = [i for i in invitations if i.series_id]
    series_invitations[0].cancelled_at = clock.now() - timedelta(days=60)  # taken off the audience two months ago
    db.session.commit()
    now = clock.now()
    briefings = list(db.session.scalars(select(Briefing).where(Briefing.office_id == office.id)))
    occurrences = [b for b in briefings if b.series_id and b.start < now]
    overrides = []
    for briefing in occurrences:
        for invitation in rng.sample(series_invitations, 3):
            overrides.append({"invitation_id": invitation.id, "briefing_id": briefing.id,
                              "rsvp": rng.choice(("accepted", "declined")), "source": "portal"})
    db.session.execute(insert(OccurrenceRsvp), overrides)
    db.session.commit()
    past = [b for b in briefings if b.start < now and b.status != "cancelled"]
    for briefing in past:
        for person in rng.sample(people, rng.randint(2, 9)):
            ops.check_in(briefing, person, mode=rng.choice(("in_person", "online")), method="staff")
    # A row on the cancelled briefing (recorded before it was cancelled) must not count.
    schedule_cancel(cancelled)
    if ops.existing_attendance(cancelled.id, people[0].id) is None:
        db.session.add(Attendance(office_id=office.id, briefing_id=cancelled.id, journalist_id=people[0].id,
                                  outlet_id=people[0].outlet_id, mode="in_person", method="staff"))
    db.session.commit()
    past = [b for b in past if b.status != "cancelled"]
    for briefing in past:
        for outlet in rng.sample(outlets, rng.randint(0, 3)):
            for n in range(rng.randint(1, 2)):
                published = briefing.start.astimezone(VN).date() + timedelta(days=rng.randint(0, 3))
                db.session.add(Coverage(office_id=office.id, briefing_id=briefing.id, outlet_id=outlet.id,
                                        url=f"https://x.vn/{briefing.id}/{outlet.id}/{n}", published_on=published,
                                        tone=rng.choice(("positive", "neutral", "negative")),
                                        kind=rng.choice(("article", "broadcast"))))
        for person in rng.sample(people, rng.randint(0, 3)):
            question = ops.ask(briefing, person, f"Câu hỏi của {person.full_name}", source="staff")
            status = rng.choice(("pending", "answered_at_briefing", "answered_in_writing", "declined"))
            ops.set_question_status(question, status, answer="Trả lời" if status == "answered_in_writing" else None)
    db.session.add(Coverage(office_id=office.id, briefing_id=None, outlet_id=outlets[0].id, url="https://x.vn/free",
                            published_on=today - timedelta(days=3), tone="negative"))
    db.session.commit()
    qs = list(db.session.scalars(select(Question).where(Question.merged_into_id.is_(None))))
    by_briefing = defaultdict(list)
    for question in qs:
        by_briefing[question.briefing_id].append(question)
    for rows in by_briefing.values():
        if len(rows) >= 2:
            ops.merge_questions(rows[1], rows[0])
            break
    db.session.commit()
    return {"office": office, "outlets": outlets, "people": people, "future": future, "today": today}


def schedule_cancel(briefing):
    briefing.status = "cancelled"


# --- the independent computation -------------------------------------------------------------------------

def local_day(moment: datetime) -> date:
    return moment.astimezone(VN).date()


def period_briefings(office_id: int, start: date, end: date) -> list[Briefing]:
    lo = datetime.combine(start, time(0), VN).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), VN).astimezone(UTC)
    now = clock.now()
    return [b for b in db.session.scalars(select(Briefing).where(Briefing.office_id == office_id))
            if b.status != "cancelled" and lo <= b.start < hi and b.start <= now]


def expected_attendance(office_id: int, start: date, end: date, by: str) -> dict:
    briefings = period_briefings(office_id, start, end)
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.office_id == office_id)))
    overrides = {(o.invitation_id, o.briefing_id): o.rsvp for o in db.session.scalars(select(OccurrenceRsvp))}
    journalists = {j.id: j for j in db.session.scalars(select(Journalist))}
    outlets = {o.id: o for o in db.session.scalars(select(Outlet))}
    attendance = list(db.session.scalars(select(Attendance)))
    present = {(a.briefing_id, a.journalist_id) for a in attendance}
    out: dict = defaultdict(Counter)

    def key(briefing, journalist_id, outlet_id):
        return {"outlet": outlet_id, "journalist": journalist_id, "briefing": briefing.id,
                "month": local_day(briefing.start).strftime("%Y-%m"), "level": outlets[outlet_id].level,
                "kind": outlets[outlet_id].kind}[by]

    for briefing in briefings:
        invited_here = set()
        for inv in invitations:
            covers = inv.series_id == briefing.series_id if briefing.series_id else inv.briefing_id == briefing.id
            if not covers or (inv.cancelled_at is not None and inv.cancelled_at <= briefing.start):
                continue
            invited_here.add(inv.journalist_id)
            rsvp = overrides.get((inv.id, briefing.id), inv.rsvp)
            outlet_id = contacts.outlet_on(journalists[inv.journalist_id], local_day(briefing.start))
            counts = out[key(briefing, inv.journalist_id, outlet_id)]
            counts["invited"] += 1
            counts["accepted"] += rsvp == "accepted"
            counts["no_shows"] += rsvp == "accepted" and (briefing.id, inv.journalist_id) not in present
        for row in attendance:
            if row.briefing_id == briefing.id:
                counts = out[key(briefing, row.journalist_id, row.outlet_id)]
                counts["attended"] += 1
                counts["walk_ins"] += row.journalist_id not in invited_here
                counts["online"] += row.mode == "online"
    return {k: {"invited": c["invited"], "accepted": c["accepted"], "attended": c["attended"],
                "no_shows": c["no_shows"], "walk_ins": c["walk_ins"], "online": c["online"],
                "rate": round(min(1.0, c["attended"] / c["invited"]), 4) if c["invited"] else 0.0}
            for k, c in out.items()}


def api_items(api, path: str) -> list[dict]:
    response = api.get(path + ("&" if "?" in path else "?") + "per_page=200")
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) >= {"items", "total", "page", "per_page"} and body["total"] == len(body["items"])
    return body["items"]


FIELDS = ("invited", "accepted", "attended", "no_shows", "walk_ins", "online", "rate")


@pytest.mark.parametrize("by", ["outlet", "journalist", "month", "level", "kind", "briefing"])
def test_attendance_report_matches_raw_rows(api, dataset, by):
    today = dataset["today"]
    start = today - timedelta(days=120)
    expected = expected_attendance(dataset["office"].id, start, today, by)
    items = api_items(api, f"/api/v1/reports/attendance?from={start}&to={today}&by={by}")
    got = {item["key"]: {f: item[f] for f in FIELDS} for item in items if by != "month" or item["invited"]
           or item["attended"]}
    assert got == expected
    assert sum(v["invited"] for v in expected.values()) > 50, "the dataset is not trivial"
    for item in items:
        assert set(item) >= {"key", "label", "invited", "accepted", "attended", "rate"}
        assert 0 <= item["rate"] <= 1 and item["label"]


def test_period_bounds_are_local_days_and_to_is_inclusive(api, dataset):
    today = dataset["today"]
    one_day = api_items(api, f"/api/v1/reports/attendance?from={today}&to={today}&by=briefing")
    expected = expected_attendance(dataset["office"].id, today, today, "briefing")
    assert {i["key"] for i in one_day} == set(expected)
    assert any(i["label"] == "Sáng sớm nay" for i in one_day), "00:30 local is today, not yesterday (UTC)"
    assert all(i["key"] != dataset["future"].id for i in api_items(
        api, f"/api/v1/reports/attendance?from={today}&to={today + timedelta(days=5)}&by=briefing"))


def test_bad_periods_are_refused(api, dataset):
    response = api.get("/api/v1/reports/attendance?from=2001-05-01&to=2001-04-01")
    assert response.status_code == 422 and "to" in response.json["error"]["fields"]
    assert api.get("/api/v1/reports/attendance?from=01/05/2001").status_code == 422
    assert api.get("/api/v1/reports/attendance?by=weather").status_code == 422
    assert api.get("/api/v1/reports/coverage?from=2001-05-01&to=2001-04-01").status_code == 422


def test_coverage_reports_match_raw_rows(api, dataset):
    office_id = dataset["office"].id
    today = dataset["today"]
    start = today - timedelta(days=60)
    coverage = list(db.session.scalars(select(Coverage)))
    expected = defaultdict(Counter)
    for row in coverage:
        if start <= row.published_on <= today:
            expected[row.outlet_id]["total"] += 1
            expected[row.outlet_id][row.tone] += 1
            expected[row.outlet_id]["broadcast"] += row.kind == "broadcast"
    items = api_items(api, f"/api/v1/reports/coverage?from={start}&to={today}&by=outlet")
    fields = ("total", "positive", "neutral", "negative", "broadcast")
    assert {i["key"]: {k: i[k] for k in fields} for i in items} == \
        {k: {f: v[f] for f in fields} for k, v in expected.items()}
    months = api_items(api, f"/api/v1/reports/coverage?from={start}&to={today}&by=month")
    assert sum(m["negative"] for m in months) == sum(v["negative"] for v in expected.values())
    briefings = {b.id for b in period_briefings(office_id, start, today)}
    per_briefing = Counter(row.briefing_id for row in coverage if row.briefing_id in briefings)
    items = api_items(api, f"/api/v1/reports/coverage?from={start}&to={today}&by=briefing")
    got = {i["key"]: i["total"] for i in items}
    assert got == {b: per_briefing.get(b, 0) for b in briefings}
    attended_pairs = {(a.briefing_id, a.outlet_id) for a in db.session.scalars(select(Attendance))
                      if a.briefing_id in briefings}
    covered_pairs = {(c.briefing_id, c.outlet_id) for c in coverage if c.briefing_id in briefings}
    not_covered = api_items(api, f"/api/v1/reports/attended-not-covered?from={start}&to={today}")
    assert {(i["briefing_id"], i["outlet_id"]) for i in not_covered} == attended_pairs - covered_pairs
    not_attended = api_items(api, f"/api/v1/reports/covered-not-attended?from={start}&to={today}")
    assert {(i["briefing_id"], i["outlet_id"]) for i in not_attended} == covered_pairs - attended_pairs
    assert attended_pairs - covered_pairs and covered_pairs - attended_pairs, "both lists are exercised"


def test_questions_report_matches_raw_rows(api, dataset):
    office_id = dataset["office"].id
    today = dataset["today"]
    start = today - timedelta(days=120)
    briefings = {b.id for b in period_briefings(office_id, start, today)}
    expected = defaultdict(Counter)
    for q in db.session.scalars(select(Question)):
        if q.briefing_id in briefings:
            expected[q.briefing_id]["asked"] += 1
            expected[q.briefing_id][q.status] += 1
            expected[q.briefing_id]["duplicates"] += q.merged_into_id is not None
    items = api_items(api, f"/api/v1/reports/questions?from={start}&to={today}&by=briefing")
    fields = ("asked", "duplicates", "pending", "answered_at_briefing", "answered_in_writing", "declined")
    assert {i["key"]: {f: i[f] for f in fields} for i in items} == \
        {k: {f: v[f] for f in fields} for k, v in expected.items()}
    assert sum(v["duplicates"] for v in expected.values()) == 1


def test_reports_are_scoped_to_the_office(api_as, make_user, other_office, dataset):
    stranger = api_as(make_user(other_office, "viewer", email="viewer@hanoi.gov.vn"))
    assert stranger.get("/api/v1/reports/attendance").json["items"] == []
    assert stranger.get("/api/v1/reports/coverage").json["items"] == []
