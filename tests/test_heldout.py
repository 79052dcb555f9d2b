"""The held-out set (tests/data/heldout, written after the extractors and never used to tune them).

It guards generalisation: the test fails when the micro-F1 on articles the rules were not
written against drops more than 0.02 below the figure recorded in tests/score_floor.json.
"""

from __future__ import annotations

import json

from conftest import DATA, ROOT

from pipelines.config import Settings
from pipelines.service import evaluate_gold


def test_heldout_score_does_not_drop_below_the_recorded_figure():
    score, summary = evaluate_gold(DATA / "heldout" / "gold.jsonl", [], Settings(store="memory:"))
    assert summary.read == 12 and not summary.skipped
    micro = score.micro()[2]
    floor = json.loads((ROOT / "tests" / "score_floor.json").read_text())["heldout_micro_f1"]
    assert micro >= floor - 0.02, f"held-out micro-F1 {micro:.3f} fell below the recorded {floor:.3f} - 0.02"
