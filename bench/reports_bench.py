"""Benchmark of the attendance reports (issue 7).

A national-scale data set — 63 offices × 300 journalists × 5 years of weekly briefings (plus ad hoc ones)
with invitations, per-occurrence answers, attendance, coverage and questions — is generated with bulk
Core inserts, on SQLite and on PostgreSQL (a throwaway cluster). Then, for random offices, the by-outlet
12-month attendance report (``coordinator.attendance.reports.attendance_report``, as the API runs it) is
timed against one hand-written SQL query computing the same invited / accepted / attended numbers; the
numbers are checked equal, and p50/p95 of both and their ratio are printed.

Run from the repository root:
    .venv/bin/python bench/reports_bench.py                  # the full 63 offices (what `make bench` runs)
    .venv/bin/python bench/reports_bench.py --scale 0.25     # 16 offices, while iterating
    .venv/bin/python bench/reports_bench.py --db sqlite --runs 50
Changes nothing outside a temporary directory.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK = 20_000

HAND_WRITTEN = {
    "sqlite": """
WITH b AS NOT MATERIALIZED (
  SELECT id, series_id, start, date(start, '+420 minutes') AS day FROM briefing
  WHERE office_id = :office AND status <> 'cancelled' AND start >= :lo AND start < :hi AND start <= :now),
inv AS (
  SELECT b.id AS briefing_id, i.id AS invitation_id, i.journalist_id, b.day, i.rsvp
  FROM b JOIN invitation i ON i.series_id = b.series_id
  WHERE (i.cancelled_at IS NULL OR i.cancelled_at > b.start)
  UNION ALL
  SELECT b.id, i.id, i.journalist_id, b.day, i.rsvp
  FROM b JOIN invitation i ON i.briefing_id = b.id
  WHERE (i.cancelled_at IS NULL OR i.cancelled_at > b.start)),
invited AS (
  SELECT COALESCE(h.outlet_id, j.outlet_id) AS outlet_id, count(*) AS invited,
         sum(CASE WHEN COALESCE(o.rsvp, inv.rsvp) = 'accepted' THEN 1 ELSE 0 END) AS accepted
  FROM inv JOIN journalist j ON j.id = inv.journalist_id
  LEFT JOIN occurrence_rsvp o ON o.invitation_id = inv.invitation_id AND o.briefing_id = inv.briefing_id
  LEFT JOIN journalist_outlet_history h ON h.journalist_id = inv.journalist_id AND h.valid_from <= inv.day
       AND (h.valid_to IS NULL OR h.valid_to >= inv.day)
  GROUP BY 1),
attended AS (SELECT a.outlet_id, count(*) AS attended FROM attendance a JOIN b ON b.id = a.briefing_id GROUP BY 1)
SELECT COALESCE(invited.outlet_id, attended.outlet_id) AS outlet_id, COALESCE(invited, 0), COALESCE(accepted, 0),
       COALESCE(attended, 0)
FROM invited FULL OUTER JOIN attended ON attended.outlet_id = invited.outlet_id
""",
}
HAND_WRITTEN["postgresql"] = (HAND_WRITTEN["sqlite"]
                              .replace("date(start, '+420 minutes')", "(start + interval '420 minutes')::date"))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def migrate(url: str, workdir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "COORDINATOR_INSTANCE_PATH": str(workdir / "i"),
           "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr)


def generate(app, offices: int, journalists: int, years: int, seed: int = 1) -> dict:
    """Bulk Core inserts of the whole country. Returns counts."""
    from sqlalchemy import insert

    from coordinator.attendance.models import Attendance, Coverage, Question
    from coordinator.contacts.models import Journalist, JournalistOutletHistory, Outlet
    from coordinator.extensions import db
    from coordinator.invitations.models import Invitation, OccurrenceRsvp
    from coordinator.offices.models import Office
    from coordinator.schedule.models import Briefing, Series

    rng = random.Random(seed)
    now = datetime.now(UTC)
    first_day = (now - timedelta(days=365 * years)).astimezone(VN).date()
    counts: dict[str, int] = {}
    ids = {"outlet": 0, "journalist": 0, "series": 0, "briefing": 0, "invitation": 0}

    def put(model, rows: list[dict]) -> None:
        # Core executemany on the table (not the ORM's bulk insert, which processes every row in Python).
        statement = insert(model.__table__)
        connection = db.session.connection()
        for start in range(0, len(rows), CHUNK):
            connection.execute(statement, rows[start:start + CHUNK])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    kinds = ("newspaper", "online", "tv", "radio", "news_agency", "magazine", "social")
    levels = ("central", "provincial", "provincial", "local", "foreign")
    with app.app_context():
        stamp = now
        if db.engine.dialect.name == "sqlite":  # a throwaway file: no fsync per office while generating
            db.session.connection().exec_driver_sql("PRAGMA synchronous = OFF")
        for office_no in range(1, offices + 1):
            put(Office, [{"id": office_no, "slug": f"tinh-{office_no}", "name": f"Văn phòng UBND tỉnh {office_no}",
                          "timezone": "Asia/Ho_Chi_Minh", "locale": "vi", "public_page": True,
                          "created_at": stamp}])
            outlets = []
            for n in range(40):
                ids["outlet"] += 1
                outlets.append({"id": ids["outlet"], "office_id": office_no, "name": f"Cơ quan {n} ({office_no})",
                                "name_folded": f"co quan {n} ({office_no})", "kind": kinds[n % len(kinds)],
                                "level": levels[n % len(levels)], "domains": [f"o{ids['outlet']}.vn"],
                                "created_at": stamp, "updated_at": stamp})
            put(Outlet, outlets)
            outlet_ids = [o["id"] for o in outlets]
            people, history = [], []
            for n in range(journalists):
                ids["journalist"] += 1
                current = rng.choice(outlet_ids)
                people.append({"id": ids["journalist"], "office_id": office_no, "full_name": f"Nhà báo {n}",
                               "full_name_folded": f"nha bao {n}", "email": f"pv{n}@t{office_no}.vn",
                               "outlet_id": current, "language": "vi", "status": "active", "created_at": stamp,
                               "updated_at": stamp})
                if rng.random() < 0.15:  # moved once during the five years
                    moved = first_day + timedelta(days=rng.randrange(200, 365 * years - 30))
                    history.append({"journalist_id": ids["journalist"], "outlet_id": rng.choice(outlet_ids),
                                    "valid_from": first_day - timedelta(days=30),
                                    "valid_to": moved - timedelta(days=1)})
                    history.append({"journalist_id": ids["journalist"], "outlet_id": current, "valid_from": moved,
                                    "valid_to": None})
                else:
                    history.append({"journalist_id": ids["journalist"], "outlet_id": current,
                                    "valid_from": first_day - timedelta(days=30), "valid_to": None})
            put(Journalist, people)
            put(JournalistOutletHistory, history)
            journalist_ids = [p["id"] for p in people]
            outlet_of = {p["id"]: p["outlet_id"] for p in people}
            ids["series"] += 1
            series_id = ids["series"]
            put(Series, [{"id": series_id, "office_id": office_no, "uid": f"s{series_id}@bench",
                          "title": "Họp báo định kỳ",
                          "dtstart": datetime.combine(first_day, datetime.min.time()).replace(hour=15),
                          "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU",
                          "holiday_policy": "skip", "audience": {}, "invite_lead_days": 5, "reminders": [],
                          "is_public": True, "sequence": 0, "created_at": stamp, "updated_at": stamp,
                          "last_modified": stamp, "version_id": 1}])
            briefings, invitations, overrides, attendance, coverage, questions = [], [], [], [], [], []
            audience = rng.sample(journalist_ids, int(journalists * 0.6))
            series_invitations = []
            for journalist_id in audience:
                ids["invitation"] += 1
                row = {"id": ids["invitation"], "office_id": office_no, "journalist_id": journalist_id,
                       "series_id": series_id, "briefing_id": None,
                       "rsvp": rng.choices(("accepted", "tentative", "declined", "needs_action"), (50, 10, 10, 30))[0],
                       "checkin_code": f"{ids['invitation']:06X}"[-6:] + str(office_no), "token_version": 1,
                       "created_at": stamp, "cancelled_at": None}
                series_invitations.append(row)
            invitations.extend(series_invitations)
            day = first_day + timedelta(days=(1 - first_day.weekday()) % 7)
            last = now.astimezone(VN).date()
            while day <= last:
                plan = [(day, 15, series_id)]
                if rng.random() < 0.35:
                    plan.append((day + timedelta(days=rng.randint(1, 3)), 9, None))
                for when, hour, series in plan:
                    ids["briefing"] += 1
                    bid = ids["briefing"]
                    start = datetime(when.year, when.month, when.day, hour, tzinfo=VN).astimezone(UTC)
                    status = "cancelled" if rng.random() < 0.03 else ("held" if start < now else "scheduled")
                    briefings.append({"id": bid, "office_id": office_no, "series_id": series, "uid": f"b{bid}@bench",
                                      "recurrence_id": start if series else None, "start": start,
                                      "end": start + timedelta(minutes=90), "timezone": "Asia/Ho_Chi_Minh",
                                      "status": status, "title": None if series else "Họp báo đột xuất",
                                      "is_crisis": False, "is_public": True, "edited": False, "sequence": 0,
                                      "created_at": stamp, "last_modified": stamp, "version_id": 1})
                    if series:
                        invited = series_invitations
                    else:
                        invited = []
                        for journalist_id in rng.sample(journalist_ids, 60):
                            ids["invitation"] += 1
                            invited.append({"id": ids["invitation"], "office_id": office_no,
                                            "journalist_id": journalist_id, "series_id": None, "briefing_id": bid,
                                            "rsvp": rng.choice(("accepted", "needs_action", "declined")),
                                            "checkin_code": f"{ids['invitation']:06X}"[-6:] + str(office_no),
                                            "token_version": 1, "created_at": stamp, "cancelled_at": None})
                        invitations.extend(invited)
                    if start > now or status == "cancelled":
                        continue
                    present = set()
                    for inv in invited:
                        answer = inv["rsvp"]
                        if series and rng.random() < 0.04:
                            answer = rng.choice(("accepted", "declined"))
                            overrides.append({"invitation_id": inv["id"], "briefing_id": bid, "rsvp": answer,
                                              "source": "portal", "rsvp_at": start})
                        if rng.random() < {"accepted": 0.8, "tentative": 0.4, "needs_action": 0.2,
                                           "declined": 0.03}[answer]:
                            present.add(inv["journalist_id"])
                    present.update(rng.sample(journalist_ids, 2))
                    for journalist_id in present:
                        attendance.append({"office_id": office_no, "briefing_id": bid, "journalist_id": journalist_id,
                                           "outlet_id": outlet_of[journalist_id], "mode": "in_person",
                                           "method": "qr", "checked_in_at": start})
                    for n, outlet_id in enumerate(rng.sample(outlet_ids, rng.randint(4, 12))):
                        coverage.append({"office_id": office_no, "briefing_id": bid, "outlet_id": outlet_id,
                                         "url": f"https://o{outlet_id}.vn/{bid}-{n}", "published_on": when,
                                         "tone": rng.choice(("positive", "positive", "neutral", "negative")),
                                         "kind": "article", "source": "manual", "created_at": stamp})
                    for position in range(rng.randint(0, 5)):
                        questions.append({"office_id": office_no, "briefing_id": bid,
                                          "journalist_id": rng.choice(journalist_ids), "text": "Câu hỏi",
                                          "status": "answered_at_briefing", "position": position, "source": "form",
                                          "asked_at": start, "mail_answer": False})
                day += timedelta(days=7)
            put(Briefing, briefings)
            put(Invitation, invitations)
            put(OccurrenceRsvp, overrides)
            put(Attendance, attendance)
            put(Coverage, coverage)
            put(Question, questions)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                for table in ("office", "outlet", "journalist", "schedule_series", "briefing", "invitation"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM \"{table}\"))")
                conn.commit()
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
    return counts


def measure(app, offices: int, runs: int, seed: int = 2) -> dict:
    from sqlalchemy import text

    from coordinator.attendance import reports
    from coordinator.extensions import db

    rng = random.Random(seed)
    today = datetime.now(VN).date()
    period = reports.default_period("Asia/Ho_Chi_Minh", today)
    ours, hand = [], []
    with app.app_context():
        dialect = db.engine.dialect.name
        sql = text(HAND_WRITTEN[dialect])
        now = datetime.now(UTC)
        params_base = {"lo": period.start_utc.replace(tzinfo=None), "hi": period.end_utc.replace(tzinfo=None),
                       "now": now.replace(tzinfo=None)}
        # warm-up, and the numbers must agree
        for office_id in range(1, offices + 1):
            items = reports.attendance_report(office_id, period, "outlet", now)
            mine = {i["key"]: (i["invited"], i["accepted"], i["attended"]) for i in items}
            theirs = {row[0]: tuple(int(v) for v in row[1:]) for row in
                      db.session.execute(sql, {**params_base, "office": office_id})}
            if mine != theirs:
                raise SystemExit(f"office {office_id}: the report and the hand-written SQL disagree")
            if office_id >= 3:
                break
        for _ in range(runs):
            office_id = rng.randint(1, offices)
            db.session.remove()
            t0 = time.perf_counter()
            reports.attendance_report(office_id, period, "outlet", now)
            ours.append(time.perf_counter() - t0)
            db.session.remove()
            t0 = time.perf_counter()
            list(db.session.execute(sql, {**params_base, "office": office_id}))
            hand.append(time.perf_counter() - t0)
        db.session.remove()
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    h50, h95 = percentile(hand, 0.5), percentile(hand, 0.95)
    return {"report_p50_ms": p50 * 1000, "report_p95_ms": p95 * 1000, "sql_p50_ms": h50 * 1000,
            "sql_p95_ms": h95 * 1000, "ratio_p50": p50 / h50, "ratio_p95": p95 / h95,
            "mean_ms": statistics.mean(ours) * 1000, "period": f"{period.start}..{period.end}"}


def run_one(kind: str, args, workdir: Path) -> dict:
    from tests.support.postgres import PostgresCluster

    cluster = None
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        cluster = PostgresCluster().start()
        url = cluster.create_database("reports_bench")
    try:
        migrate(url, workdir)
        os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "redis://127.0.0.1:1/0",
                           "COORDINATOR_INSTANCE_PATH": str(workdir / f"inst-{kind}")})
        from coordinator import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        offices = max(1, round(63 * args.scale))
        t0 = time.perf_counter()
        counts = generate(app, offices, args.journalists, args.years)
        generated = time.perf_counter() - t0
        result = measure(app, offices, args.runs)
        result.update({"db": kind, "offices": offices, "generate_s": generated, "rows": counts})
        with app.app_context():
            from coordinator.extensions import db

            db.engine.dispose()
        return result
    finally:
        if cluster is not None:
            cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 63 offices (1 = national scale)")
    parser.add_argument("--journalists", type=int, default=300)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30, help="timed report runs per database")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = []
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix=f"reports-bench-{kind}-") as tmp:
            results.append(run_one(kind, args, Path(tmp)))
    for r in results:
        rows = r["rows"]
        print(f"\n{r['db']}: {r['offices']} offices, generated in {r['generate_s']:.0f} s — "
              f"{rows.get('briefing', 0):,} briefings, {rows.get('invitation', 0):,} invitations, "
              f"{rows.get('occurrence_rsvp', 0):,} occurrence answers, {rows.get('attendance', 0):,} attendances, "
              f"{rows.get('coverage', 0):,} coverage, {rows.get('question', 0):,} questions")
        print(f"  by-outlet report, 12 months ({r['period']}), {args.runs} runs on random offices:")
        print(f"    report (reports.attendance_report): p50 {r['report_p50_ms']:.1f} ms  "
              f"p95 {r['report_p95_ms']:.1f} ms")
        print(f"    hand-written single SQL query:       p50 {r['sql_p50_ms']:.1f} ms  p95 {r['sql_p95_ms']:.1f} ms")
        print(f"    ratio report / SQL:                  p50 {r['ratio_p50']:.2f}×  p95 {r['ratio_p95']:.2f}×")


if __name__ == "__main__":
    main()
