"""Benchmark of the article tone model (issue 27.1): accuracy, macro-F1 and the confusion matrix on the
held-out headlines, for the shipped model and after an office's 200 corrections.

The labelled set (``tests/fixtures/tone/headlines.tsv``: 500 Vietnamese headlines with leads, fixed splits:
200 ``train`` the shipped model learnt from, 200 ``office`` an office is simulated to review, 100
``heldout`` never trained on) is used twice:

1. the shipped model (``coordinator/monitoring/data/tone_model.json.gz``) on the held-out rows;
2. an office in a fresh SQLite database stores the 200 ``office`` articles (each gets its proposal as a
   polled article does), staff answer every proposal through ``label_item`` (accepted when right, corrected
   when wrong: the office's labels), the retraining job's operation trains the office's model (it holds one
   label in five out to compare itself with the global model), and the model the office then proposes with
   is measured on the same held-out rows. For comparison, the office's counts from all 200 labels.

Also printed: per hard-case kind (irony, negation, quoted criticism, positive news of a negative event) the
held-out accuracy, and the cost of proposing a tone (ms per article).

Run from the repository root:
    .venv/bin/python bench/tone_bench.py
Changes nothing outside a temporary directory.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "fixtures" / "tone" / "headlines.tsv"


def show(name: str, result: dict) -> None:
    from coordinator.monitoring.tone import CLASSES

    print(f"{name}: n={result['n']}  accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}")
    print("  " + "true / predicted".ljust(18) + "".join(f"{c:>10}" for c in CLASSES))
    for true in CLASSES:
        print(f"  {true:<18}" + "".join(f"{result['confusion'][true][p]:>10}" for p in CLASSES))


def by_kind(model, rows: list[dict]) -> None:
    from coordinator.monitoring import tone

    kinds = sorted({r["kind"] for r in rows})
    parts = []
    for kind in kinds:
        chosen = [r for r in rows if r["kind"] == kind]
        right = sum(tone.predict(model, r["title"], r["lead"], max_phrases=0).tone == r["tone"] for r in chosen)
        parts.append(f"{kind} {right}/{len(chosen)}")
    print("  held-out by kind: " + ", ".join(parts))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tone-bench-"))
    env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench",
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}"}
    os.environ.update({k: env[k] for k in ("COORDINATOR_INSTANCE_PATH", "SECRET_KEY", "DATABASE_URL")})
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)

    from coordinator import create_app
    from coordinator.contacts import operations as contacts
    from coordinator.extensions import db
    from coordinator.monitoring import operations as monitoring
    from coordinator.monitoring import tone
    from coordinator.monitoring.models import FeedItem
    from coordinator.offices.operations import create_office

    rows = tone.read_labelled(DATA)
    heldout_rows = [r for r in rows if r["split"] == "heldout"]
    heldout = tone.examples(rows, "heldout")
    office_rows = [r for r in rows if r["split"] == "office"][:200]
    print(f"labelled set: {len(rows)} headlines with leads; train {sum(r['split'] == 'train' for r in rows)}, "
          f"office {len(office_rows)}, held-out {len(heldout)}\n")

    shipped = tone.global_model()
    show(f"shipped model ({shipped.version}, {len(shipped.counts)} features)", tone.evaluate(shipped, heldout))
    by_kind(shipped, heldout_rows)

    app = create_app({"TESTING": True})
    logging.getLogger("coordinator.core.events").setLevel(logging.ERROR)
    with app.app_context(), app.test_request_context():
        office = create_office("hai-giang", "Văn phòng UBND tỉnh Hải Giang")
        outlet = contacts.create_outlet(office.id, {"name": "Báo Hải Giang", "kind": "newspaper",
                                                    "level": "provincial", "domains": ["baohaigiang.test"]})
        now = datetime.now(UTC)
        started = time.perf_counter()
        items = []
        for n, row in enumerate(office_rows):
            item = FeedItem(office_id=office.id, outlet_id=outlet.id, url=f"https://baohaigiang.test/{n}",
                            link=f"https://baohaigiang.test/{n}", title=row["title"], summary=row["lead"], text="",
                            published_at=now - timedelta(minutes=n))
            db.session.add(item)
            db.session.flush()
            monitoring.propose_tone(item)
            items.append((item, row["tone"]))
        per_item = (time.perf_counter() - started) * 1000 / len(items)
        corrected = sum(item.tone.proposed != truth for item, truth in items)
        for item, truth in items:
            monitoring.label_item(item, truth)
        db.session.commit()
        print(f"\noffice: {len(items)} articles stored with a proposal ({per_item:.1f} ms per article, storing "
              f"included); staff accepted {len(items) - corrected} and corrected {corrected}")

        model_row = monitoring.retrain(office.id)
        db.session.commit()
        print(f"retrained {model_row.name}: trained on {model_row.train_size} labels, measured on its "
              f"{model_row.heldout_size} held-out labels: accuracy {model_row.accuracy:.3f} against the global "
              f"model's {model_row.global_accuracy:.3f} -> {'used' if model_row.active else 'not used (global kept)'}")
        office_model = monitoring.model_for(office.id)
        show(f"\nafter 200 corrections, the office's model in use ({office_model.version})",
             tone.evaluate(office_model, heldout))
        by_kind(office_model, heldout_rows)

        everything = tone.combine(shipped, tone.train([(i.title, i.summary, t) for i, t in items], "all-200"),
                                  "office-all-200")
        show("\nfor comparison, the office's counts from all 200 labels (none held out)",
             tone.evaluate(everything, heldout))

        started = time.perf_counter()
        for row in rows:
            tone.predict(office_model, row["title"], row["lead"])
        print(f"\nscoring alone: {(time.perf_counter() - started) * 1000 / len(rows):.2f} ms per article "
              f"(10,000 articles a day: {10_000 * (time.perf_counter() - started) / len(rows):.1f} s of one worker)")


if __name__ == "__main__":
    main()
