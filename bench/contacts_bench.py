"""Contacts benchmark: a 10,000-row XLSX import against a bare openpyxl read-only pass over the same
file, and search latency at 20,000 contacts.

    .venv/bin/python bench/contacts_bench.py                # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/contacts_bench.py

Prints the figures; nothing is written outside the temporary instance folder (or the given database,
which should be a scratch one).
"""
from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 10_000
SEARCH_RUNS = 30


def make_xlsx(rows: int, seed: int, start: int = 0) -> bytes:
    from openpyxl import Workbook

    from coordinator.contacts.demo import BEATS, FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M, OUTLETS

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhà báo")
    sheet.append(["Họ và tên", "Cơ quan báo chí", "Email", "Điện thoại", "Lĩnh vực", "Ngôn ngữ", "Ghi chú"])
    for i in range(start, start + rows):
        female = rng.random() < 0.5
        name = " ".join((rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                         rng.choice(GIVEN_F if female else GIVEN_M)))
        outlet = rng.choice(OUTLETS)[0]
        sheet.append([name, outlet, f"pv{i}@bench.vn", f"09{rng.choice('013678')}{rng.randrange(10**7):07d}",
                      "; ".join(rng.sample(BEATS, 2)), "vi", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_openpyxl_pass(data: bytes) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        count += sum(1 for value in row if value is not None)
    workbook.close()
    return count


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="contacts-bench-"))
    env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench"}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}")
    os.environ.update({k: env[k] for k in ("COORDINATOR_INSTANCE_PATH", "SECRET_KEY", "DATABASE_URL")})
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)

    from coordinator import create_app
    from coordinator.contacts import importer
    from coordinator.contacts.search import JournalistFilters, count, journalist_query
    from coordinator.extensions import db
    from coordinator.offices.operations import create_office

    app = create_app({"TESTING": True})
    with app.app_context():
        office = create_office(f"bench-{int(time.time())}", "Bench")
        db.session.commit()
        office_id = office.id
        print(f"database: {db.engine.dialect.name}")

        data = make_xlsx(ROWS, seed=1)
        print(f"file: {ROWS} rows, {len(data) / 1024 / 1024:.2f} MB")
        bare = min(timed(bare_openpyxl_pass, data)[0] for _ in range(3))
        parse, parsed = timed(importer.parse_file, "bench.xlsx", data)

        def real_import():
            report = importer.run_import(office_id, parsed, dry_run=False, filename="bench.xlsx")
            db.session.commit()
            return report

        dry, _ = timed(lambda: (importer.run_import(office_id, parsed, dry_run=True), db.session.rollback()))
        full, report = timed(real_import)
        assert report["summary"]["created"] == ROWS, report["summary"]
        print(f"bare openpyxl read-only pass:      {bare:7.3f} s")
        print(f"parse_file (sniff + read + header): {parse:7.3f} s  ({parse / bare:.2f}× bare)")
        print(f"dry run (parse excluded):          {dry:7.3f} s")
        print(f"real import (parse excluded):      {full:7.3f} s")
        print(f"import total (parse + real run):   {parse + full:7.3f} s  → ratio to bare pass: "
              f"{(parse + full) / bare:.1f}×")

        second = importer.parse_file("b2.xlsx", make_xlsx(ROWS, seed=2, start=ROWS))
        importer.run_import(office_id, second, dry_run=False)
        db.session.commit()
        total = count(journalist_query(office_id, JournalistFilters()))
        print(f"\nsearch at {total} contacts (median / p95 of {SEARCH_RUNS} runs, count + first page of 50):")
        queries = {
            "nguyen thi hanh": JournalistFilters(q="nguyen thi hanh"),
            "NGUYỄN": JournalistFilters(q="NGUYỄN"),
            "Nguyễn Thị Hạnh (NFD)": JournalistFilters(q=unicodedata.normalize("NFD", "Nguyễn Thị Hạnh")),
            "hạnh + beat kinh-te": JournalistFilters(q="hạnh", beat="kinh-te"),
            "email pv1234@": JournalistFilters(q="pv1234@"),
            "no query, page 200": JournalistFilters(),
        }
        for label, filters in queries.items():
            samples = []
            hits = 0
            for _ in range(SEARCH_RUNS):
                start = time.perf_counter()
                query = journalist_query(office_id, filters)
                hits = count(query)
                offset = 199 * 50 if not filters.q else 0
                list(db.session.scalars(query.limit(50).offset(offset)).unique())
                samples.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            samples.sort()
            print(f"  {label:<24} {hits:6d} hits  median {statistics.median(samples):6.1f} ms  "
                  f"p95 {samples[int(len(samples) * 0.95) - 1]:6.1f} ms")


if __name__ == "__main__":
    main()
