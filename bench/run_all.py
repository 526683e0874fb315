"""``make bench``: run every benchmark under bench/ and rewrite BENCHMARKS.md with the figures,
the machine, the date, and how to re-run each one.

Each benchmark reports its timings as ratios against a reference measured in the same run (absolute
times vary between machines). A benchmark that fails is reported as failed, with its error, and the
command exits non-zero after writing the file.
"""
from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Bench:
    title: str
    script: str
    args: tuple[str, ...]
    about: str
    timeout: int = 900
    optional: bool = False  # run only when its script exists (written alongside, by another issue)


BENCHES = [
    Bench("Invite fan-out and crisis latency (issues 5, 18)", "bench/fanout_bench.py",
          ("--recipients", "10000", "--workers", "1,2,4"),
          "10,000 personalised invites through one real worker to a local SendGrid-protocol server answering "
          "after 80 ms, against a minimal sender replaying the same payloads over 16 keep-alive connections "
          "(the limit); worker peak RSS; the same fan-out shared by 2 and 4 workers (`scaling`: each worker "
          "brings its own 16 connections); then an ad hoc crisis briefing for 300 journalists from creation to "
          "the last invite accepted, with the production layout (a worker for the urgent lane, one for the "
          "rest), on an idle system (`crisis`) and with 40,000 open invitations while a bulk mailing runs "
          "(`crisis_with_backlog`). Targets: ≥ 85 % of the limit with one worker, RSS ≤ 250 MB, crisis ≤ 3 s idle "
          "and ≤ 5 s with the backlog.", timeout=1800),
    Bench("Invite fan-out, CPU cost per message (no added latency)", "bench/fanout_bench.py",
          ("--recipients", "5000", "--latency-ms", "0", "--skip-crisis"),
          "The same fan-out with a server that answers at once: what composing and sending costs per message. "
          "Target: ≥ 40 % of the limit (about 1 ms of CPU a message)."),
    Bench("Composing one invitation (issue 18)", "bench/message_cost.py", ("--recipients", "500"),
          "CPU milliseconds to build one personalised invitation and its SendGrid payload, for an ad hoc crisis "
          "and for a weekly series, as the fan-out builds them (rendered once per language and answer, each "
          "journalist put in). Before issue 18: 11–14 ms a message (every mail rendered from scratch, with its "
          "QR code). Target: about 1 ms."),
    Bench("Recovery from a worker killed mid-crisis (issue 18)", "bench/recovery_bench.py", ("--runs", "3"),
          "300 journalists, an ad hoc crisis, two workers, the provider answering 10 % 429 and 5 % 500; the worker "
          "sending is SIGKILLed at a fifth, production lease and claim settings. Target: all 300 delivered within "
          "60 s of the kill, duplicates no more than the messages in flight.", timeout=900),
    Bench("Schedule: materialisation and feeds (issue 4)", "bench/schedule_bench.py", (),
          "Materialise 5 years for 1,000 series; render a journalist's personal feed with 3 years of history; "
          "feed requests per second with and without If-None-Match against the same bytes as a static file "
          "through the same server (gunicorn)."),
    Bench("Contacts: import and search (issue 3)", "bench/contacts_bench.py", (),
          "A 10,000-row XLSX import against a bare openpyxl read-only pass over the same file; search latency "
          "at 20,000 contacts."),
    Bench("Fault injection, the long run (issue 8)", "bench/fault_bench.py", (),
          "A 5,000-recipient fan-out and a pack release, each while workers are SIGKILLed three times at random "
          "points, Redis is restarted once and flushed once, and the provider answers 10 % 429 and 5 % 500 and "
          "drops 2 % of connections. Lost must be 0; duplicates counts messages accepted twice for one key (a "
          "message in doubt when its worker was killed).", timeout=1800),
    Bench("Reports at national scale (issue 7)", "bench/reports_bench.py", ("--scale", "1"),
          "63 offices × 300 journalists × 5 years of weekly briefings: p50/p95 of the by-outlet 12-month "
          "attendance report against one hand-written SQL query on the same data, on SQLite and PostgreSQL.",
          timeout=1800),
    Bench("Coverage matching: precision and recall (issue 13)", "bench/matching_bench.py", (),
          "The labelled set of articles matched as the match job does, the best proposal compared with its "
          "label: precision, recall and F1 at the proposal threshold, per score band, and time per article.",
          optional=True),
    Bench("Article tone: the shipped model and after an office's corrections (issue 27.1)", "bench/tone_bench.py",
          (), "Accuracy, macro-F1 and the confusion matrix on 100 held-out headlines with leads, for the shipped "
          "model and for the office's model retrained (through the job's operation) after staff answered 200 "
          "proposals; per hard-case kind; the cost of a proposal.", optional=True),
]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {psutil.cpu_count(logical=True)} logical cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def run(bench: Bench) -> tuple[str, float, bool]:
    started = time.monotonic()
    try:
        result = subprocess.run([sys.executable, bench.script, *bench.args], cwd=ROOT, capture_output=True,
                                text=True, timeout=bench.timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
        ok = result.returncode == 0
        output = result.stdout.strip() if ok else (result.stdout + "\n" + result.stderr)[-4000:].strip()
    except subprocess.TimeoutExpired:
        ok, output = False, f"timed out after {bench.timeout} s"
    return output, time.monotonic() - started, ok


SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


def _sections(text: str) -> dict[str, str]:
    """The benchmark sections of an existing BENCHMARKS.md, by title (the notes at the end left out)."""
    found: dict[str, str] = {}
    matches = list(SECTION.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        found[match.group(1).strip()] = text[match.start():following.start() if following else len(text)]
    return found


def main() -> int:
    only = set(sys.argv[1:])
    target = ROOT / "BENCHMARKS.md"
    previous = _sections(target.read_text()) if only and target.exists() else {}
    sections = []
    failed = 0
    started = time.monotonic()
    for bench in BENCHES:
        if bench.optional and not (ROOT / bench.script).exists():
            continue
        if only and not any(word in bench.script for word in only):
            # A partial run keeps the other benchmarks' last figures (their section says when they ran).
            if bench.title in previous:
                sections.append(previous[bench.title].rstrip() + "\n")
            continue
        print(f"running {bench.script} {' '.join(bench.args)} ...", flush=True)
        output, seconds, ok = run(bench)
        failed += not ok
        command = f"`.venv/bin/python {bench.script} {' '.join(bench.args)}`".replace(" `", "`")
        sections.append(f"## {bench.title}\n\n{bench.about}\n\nRe-run: {command} "
                        f"({seconds:.0f} s on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
                        f"{'' if ok else ', FAILED'})\n\n```\n{output}\n```\n")
    total = time.monotonic() - started
    scope = f" (only: {', '.join(sorted(only))}; the other sections are from their own run)" if only else ""
    duration = "" if only else f"{total / 60:.0f} minutes this time; "
    header = (f"# Benchmarks\n\nWritten by `make bench` (`bench/run_all.py`) on "
              f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
              f"{scope}"
              f".\n\nMachine: {machine()}.\n\n"
              "Absolute times depend on the machine; each benchmark therefore reports ratios against a "
              "reference measured in the same run. `make bench` re-runs all of them and rewrites this file "
              f"({duration}the budget is 20 minutes on 2 cores); "
              "`.venv/bin/python bench/run_all.py fanout` re-runs only those whose script name contains a word "
              "and keeps the other sections.\n\n")
    notes = (ROOT / "bench" / "NOTES.md").read_text() if (ROOT / "bench" / "NOTES.md").exists() else ""
    target.write_text(header + "\n".join(sections) + ("\n" + notes if notes else ""))
    print(f"BENCHMARKS.md written ({failed} failed, {total:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
