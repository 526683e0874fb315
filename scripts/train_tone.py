"""Train the shipped tone model from the labelled headlines (deterministic: the same file gives the same bytes).

    .venv/bin/python scripts/train_tone.py [labelled.tsv]

Trains on the rows of split ``train`` (``office`` rows are kept for the benchmark's simulated corrections,
``heldout`` rows for measuring), writes ``coordinator/monitoring/data/tone_model.json.gz`` and prints the
held-out accuracy and macro-F1.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coordinator.monitoring import tone  # noqa: E402

DATA = ROOT / "tests" / "fixtures" / "tone" / "headlines.tsv"
VERSION = "global-1"


def main(path: Path = DATA) -> None:
    rows = tone.read_labelled(path)
    model = tone.train(tone.examples(rows, "train"), VERSION)
    tone.save(model)
    result = tone.evaluate(model, tone.examples(rows, "heldout"))
    print(f"{VERSION}: {len(model.counts)} features, {tone.MODEL_PATH.stat().st_size} bytes; held-out "
          f"n={result['n']} accuracy={result['accuracy']} macro-F1={result['macro_f1']}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
