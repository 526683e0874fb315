"""Benchmark of the briefing schedule (issue 4).

1. Materialise 5 years of occurrences for 1,000 series (mixed weekly, twice-weekly, fortnightly and
   monthly rules, holidays skipped or moved).
2. Render one journalist's personal feed with 3 years of history (cold: no cache).
3. Feed requests per second through gunicorn: the personal feed without ETag (200), with
   If-None-Match (304), uncached rendering, against the same bytes served as a static file by the same
   server; reported as ratios.

Run from the repository root:  .venv/bin/python bench/schedule_bench.py [--series 1000] [--seconds 5]
Uses a throwaway SQLite database (or DATABASE_URL if set) and changes nothing else.
"""
from __future__ import annotations

import argparse
import http.client
import logging
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RULES = ("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
         "FREQ=MONTHLY;BYDAY=1MO", "FREQ=MONTHLY;BYDAY=-1FR")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_env(workdir: Path) -> dict:
    env = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens: dispatch fails quietly, the outbox keeps events
        "SECRET_KEY": "bench-secret",
        "COORDINATOR_INSTANCE_PATH": str(workdir / "instance"),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "MAIL_BACKEND": "outbox",
    }
    os.environ.update(env)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ})
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return env


def bench_materialise(app, n_series: int) -> dict:
    from coordinator.extensions import db
    from coordinator.offices.operations import create_office
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import Briefing

    with app.app_context():
        office = create_office("bench-materialise", "Văn phòng thử tải")
        db.session.commit()
        start_day = date(2027, 1, 4)
        series_list = []
        t0 = time.perf_counter()
        for i in range(n_series):
            day = start_day + timedelta(days=i % 7)
            dtstart = datetime.combine(day, dtime(8 + i % 9, 0))
            tz_start = ops.clock.now() - timedelta(days=10_000)  # nothing materialised at creation
            series = ops.create_series(office, {
                "title": f"Chuỗi họp báo {i}", "dtstart": dtstart.isoformat(timespec="minutes"),
                "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 60, "rrule": RULES[i % len(RULES)],
                "holiday_policy": ("skip", "move_next_working_day")[i % 2], "audience": {}},
                materialise_until=tz_start)
            series_list.append(series)
        db.session.commit()
        created_s = time.perf_counter() - t0
        until = datetime.combine(start_day + timedelta(days=5 * 365 + 2), dtime(0, 0)).astimezone()
        t0 = time.perf_counter()
        from coordinator.schedule.holidays import DaysOff

        days_off = DaysOff.for_office(office.id)
        for series in series_list:
            ops.materialise(series, until, days_off=days_off)
        db.session.commit()
        elapsed = time.perf_counter() - t0
        rows = db.session.scalar(db.select(db.func.count(Briefing.id)).where(Briefing.office_id == office.id))
        t0 = time.perf_counter()
        again = sum(len(ops.materialise(s, until, days_off=days_off)) for s in series_list)
        db.session.commit()
        idempotent_s = time.perf_counter() - t0
    return {"series": n_series, "rows": rows, "create_series_s": created_s, "materialise_s": elapsed,
            "rows_per_s": rows / elapsed, "second_pass_new_rows": again, "second_pass_s": idempotent_s}


def build_personal(app) -> tuple[str, int]:
    """A journalist invited (by beat) to a weekly and a monthly series running for three years, and to
    ~80 ad hoc briefings in that time, with moves and cancels. Returns (token, journalist id)."""
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db
    from coordinator.offices.operations import create_office
    from coordinator.schedule import operations as ops
    from coordinator.schedule.models import Briefing

    with app.app_context():
        office = create_office("bench-feed", "Văn phòng UBND tỉnh thử tải")
        db.session.commit()
        outlet = contacts.create_outlet(office.id, {"name": "Báo Thử Tải", "kind": "newspaper", "level": "provincial"})
        journalist = contacts.create_journalist(office.id, {"full_name": "Nguyễn Thị Hạnh", "email": "hanh@bao.vn",
                                                            "outlet_id": outlet.id, "beats": ["Kinh tế"]})
        db.session.commit()
        today = date.today()
        start = today - timedelta(days=3 * 365)
        start += timedelta(days=(1 - start.weekday()) % 7)
        weekly = ops.create_series(office, {
            "title": "Họp báo định kỳ", "dtstart": datetime.combine(start, dtime(15, 0)).isoformat(timespec="minutes"),
            "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 90, "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "holiday_policy": "skip", "venue": "Hội trường UBND tỉnh", "audience": {"beats": ["kinh-te"]}})
        ops.create_series(office, {
            "title": "Gặp mặt báo chí hằng tháng", "dtstart": datetime.combine(start, dtime(9, 0)).isoformat(
                timespec="minutes"), "timezone": "Asia/Ho_Chi_Minh", "duration_minutes": 120,
            "rrule": "FREQ=MONTHLY;BYDAY=1MO", "holiday_policy": "move_next_working_day",
            "audience": {"journalist_ids": [journalist.id]}})
        rows = list(db.session.scalars(db.select(Briefing).where(Briefing.series_id == weekly.id)
                                       .order_by(Briefing.start)))
        for i, row in enumerate(rows[::9]):
            if i % 2:
                ops.update_briefing(row, {"status": "cancelled"})
            else:
                ops.update_briefing(row, {"start": (row.start + timedelta(days=1)).isoformat(), "agenda": "Dời lịch"})
        for i in range(80):
            day = start + timedelta(days=i * 13 + 2)
            ops.create_briefing(office, {"title": f"Họp báo đột xuất {i}", "dtstart": datetime.combine(
                day, dtime(10, 0)).isoformat(timespec="minutes"), "duration_minutes": 60, "venue": "UBND tỉnh",
                "audience": {"beats": ["kinh-te"]}})
        _, token = ops.issue_feed_token(office.id, journalist.id)
        db.session.commit()
        return token, journalist.id


def bench_render(app, journalist_id: int, repeat: int = 10) -> dict:
    from coordinator.extensions import db
    from coordinator.schedule import ical
    from coordinator.schedule.models import Series

    with app.app_context():
        from coordinator.offices.models import Office

        office = db.session.scalar(db.select(Office).where(Office.slug == "bench-feed"))
        timings, body, content = [], b"", None
        for _ in range(repeat):
            db.session.expire_all()
            t0 = time.perf_counter()
            content = ical.journalist_content(office.id, journalist_id)
            body = ical.render(content, name="bench", uid="bench@x", office=office)
            timings.append(time.perf_counter() - t0)
        n_rows = sum(len(v) for v in content.rows.values())
        n_series = db.session.scalar(db.select(db.func.count(Series.id)).where(Series.office_id == office.id))
    return {"median_ms": statistics.median(timings) * 1000, "min_ms": min(timings) * 1000, "bytes": len(body),
            "vevents": body.count(b"BEGIN:VEVENT"), "series": n_series, "briefing_rows": n_rows,
            "adhoc": len(content.adhoc), "body": body}


WSGI = textwrap.dedent('''
    import os
    from pathlib import Path
    from flask import send_from_directory
    from coordinator import create_app

    app = create_app({"SCHEDULE_FEED_CACHE": os.environ.get("BENCH_FEED_CACHE", "1") == "1"})
    STATIC = Path(os.environ["BENCH_STATIC_DIR"])

    @app.get("/bench-static/<name>")
    def bench_static(name):
        # the same way Flask serves coordinator/static: send_from_directory with ETag and conditionals
        return send_from_directory(STATIC, name, mimetype="text/calendar")
''')


def start_server(workdir: Path, *, cache: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "BENCH_STATIC_DIR": str(workdir / "static"), "BENCH_FEED_CACHE": "1" if cache else "0",
           "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT}"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--log-level", "error", "bench_wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode())


_LINGER_RESET = struct.pack("ii", 1, 0)


def _request(port: int, path: str, headers: dict) -> int:
    """One request on a new connection, as a calendar client polls. The socket is closed with a reset
    (SO_LINGER 0) once the answer is read: thousands of connections a second through loopback otherwise
    leave the server's side in TIME_WAIT, and a new connection that meets one of them stalls for a
    one-second SYN retransmit, which measured stalls, not the servers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def load(port: int, path: str, headers: dict, seconds: float, threads: int = 4, warm: int = 8) -> dict:
    """Closed-loop load from ``threads`` clients for ``seconds``; bounded, loopback only."""
    counts, statuses, stop = [0] * threads, set(), time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < stop:
            statuses.add(_request(port, path, headers))
            counts[slot] += 1

    for _ in range(warm):  # warm up every worker's cache
        _request(port, path, headers)
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    t0 = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - t0
    return {"rps": sum(counts) / elapsed, "requests": sum(counts), "seconds": elapsed, "statuses": sorted(statuses)}


def interleaved(targets: dict[str, tuple[int, str, dict]], seconds: float, rounds: int) -> dict[str, dict]:
    """Measure every target in turn, ``rounds`` times for ``seconds / rounds`` each, and report each target's
    median round: on a shared machine the load of other processes drifts, and interleaving spreads that drift
    over all targets alike instead of penalising whichever ran during a busy spell."""
    totals = {name: {"requests": 0, "seconds": 0.0, "statuses": set(), "rounds": []} for name in targets}
    for port, path, headers in targets.values():
        for _ in range(4):
            _request(port, path, headers)
    for _ in range(rounds):
        for name, (port, path, headers) in targets.items():
            row = load(port, path, headers, seconds / rounds, warm=1)
            total = totals[name]
            total["requests"] += row["requests"]
            total["seconds"] += row["seconds"]
            total["statuses"].update(row["statuses"])
            total["rounds"].append(row["rps"])
    # The median round: a stall of the whole machine (another process's burst) costs one round of one target,
    # not the figure.
    return {name: {"rps": statistics.median(t["rounds"]), "requests": t["requests"],
                   "statuses": sorted(t["statuses"]), "spread": (min(t["rounds"]), max(t["rounds"]))}
            for name, t in totals.items()}


RADICALE_CONFIG = textwrap.dedent("""
    [auth]
    type = none
    [rights]
    type = owner_only
    [storage]
    filesystem_folder = {folder}
    [logging]
    level = error
    mask_passwords = True
""")
RADICALE_AUTH = {"Authorization": "Basic " + __import__("base64").b64encode(b"bench:bench").decode()}


def start_radicale(workdir: Path, body: bytes) -> tuple[subprocess.Popen, int, str]:
    """Radicale's own WSGI application under the same gunicorn settings as ours (2 sync workers),
    holding the same VEVENTs: the whole calendar PUT onto a collection, as a press office would import
    it. Returns (process, port, collection path)."""
    config = workdir / "radicale.conf"
    config.write_text(RADICALE_CONFIG.format(folder=workdir / "radicale"))
    port = free_port()
    env = {**os.environ, "RADICALE_CONFIG": str(config)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--log-level", "error", "radicale:application"], cwd=workdir, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if time.time() > deadline:
                proc.kill()
                raise SystemExit("Radicale did not start: " + proc.stderr.read().decode()) from None
            time.sleep(0.2)
    path = "/bench/feed/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("PUT", path, body=body, headers={**RADICALE_AUTH, "Content-Type": "text/calendar"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status not in (200, 201, 204):
        proc.kill()
        raise SystemExit(f"Radicale refused the calendar: {response.status}")
    return proc, port, path


def _get(port: int, path: str, headers: dict | None = None) -> tuple[str | None, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    etag, body = response.getheader("ETag"), response.read()
    conn.close()
    return etag, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per row")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds the seconds are split into")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="schedule-bench-"))
    setup_env(workdir)
    from coordinator import create_app

    app = create_app()
    print(f"# schedule benchmark ({datetime.now():%Y-%m-%d %H:%M}, db {os.environ['DATABASE_URL'].split(':')[0]})")
    result = bench_materialise(app, args.series)
    print(f"materialise 5 years × {result['series']} series: {result['rows']} briefings in "
          f"{result['materialise_s']:.1f} s ({result['rows_per_s']:.0f} rows/s); creating the series "
          f"{result['create_series_s']:.1f} s; a second pass added {result['second_pass_new_rows']} rows in "
          f"{result['second_pass_s']:.2f} s")
    token, journalist_id = build_personal(app)
    render = bench_render(app, journalist_id)
    print(f"personal feed, 3 years of history: {render['median_ms']:.0f} ms median render (min "
          f"{render['min_ms']:.0f} ms), {render['bytes'] / 1024:.0f} KiB, {render['vevents']} VEVENTs for "
          f"{render['series']} series + {render['adhoc']} ad hoc ({render['briefing_rows']} occurrence rows)")
    (workdir / "static").mkdir()
    (workdir / "static" / "feed.ics").write_bytes(render["body"])
    (workdir / "bench_wsgi.py").write_text(WSGI)
    feed_path = f"/calendar/personal/{token}.ics"
    servers = []
    try:
        proc, port = start_server(workdir, cache=True)
        servers.append(proc)
        uncached, uncached_port = start_server(workdir, cache=False)
        servers.append(uncached)
        radicale, radicale_port, radicale_path = start_radicale(workdir, render["body"])
        servers.append(radicale)
        etag, _ = _get(port, feed_path)
        static_etag, _ = _get(port, "/bench-static/feed.ics")
        radicale_etag, radicale_body = _get(radicale_port, radicale_path, RADICALE_AUTH)
        targets = {
            "static file (200)": (port, "/bench-static/feed.ics", {}),
            "static file, If-None-Match (304)": (port, "/bench-static/feed.ics", {"If-None-Match": static_etag}),
            "feed, no ETag (200)": (port, feed_path, {}),
            "feed, If-None-Match (304)": (port, feed_path, {"If-None-Match": etag}),
            "Radicale, GET of the collection": (radicale_port, radicale_path, RADICALE_AUTH),
            "Radicale, If-None-Match": (radicale_port, radicale_path,
                                        {**RADICALE_AUTH, "If-None-Match": radicale_etag or '"x"'}),
        }
        rows = interleaved(targets, args.seconds, args.rounds)
        rows["feed rendered every request (no cache, 200)"] = load(uncached_port, feed_path, {}, args.seconds,
                                                                    warm=2)
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(10)
    base, base_304 = rows["static file (200)"]["rps"], rows["static file, If-None-Match (304)"]["rps"]
    print(f"\nrequests/s through gunicorn (2 sync workers each, 4 client threads; {args.seconds:.0f} s per row in "
          f"{args.rounds} interleaved rounds, the median round shown; ratio to the static file's 200, and for "
          f"304s to its 304):")
    for name, row in rows.items():
        ratio = row["rps"] / (base_304 if "If-None-Match" in name and "Radicale" not in name else base)
        spread = f"   rounds {row['spread'][0]:.0f}–{row['spread'][1]:.0f}" if "spread" in row else ""
        print(f"  {name:<45} {row['rps']:8.0f} req/s   ×{ratio:5.2f}   status {row['statuses']}{spread}")
    print(f"\nRadicale {__import__('radicale').VERSION} (its WSGI app, filesystem storage, the same gunicorn "
          f"settings) serves the collection as {radicale_body.count(b'BEGIN:VEVENT')} VEVENTs "
          f"({len(radicale_body) / 1024:.0f} KiB) against our {render['vevents']}; it does not answer "
          f"If-None-Match on GET (always 200 with the body). Our 304 vs Radicale's GET: "
          f"×{rows['feed, If-None-Match (304)']['rps'] / rows['Radicale, GET of the collection']['rps']:.0f}; "
          f"static 200 vs Radicale: ×{base / rows['Radicale, GET of the collection']['rps']:.0f}.")


if __name__ == "__main__":
    main()
