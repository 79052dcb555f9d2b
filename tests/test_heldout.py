"""Articles written apart from the rules: tests/data/heldout (studied on 2026-12-01, now a second dev set)
and tests/data/heldout-b (written blind to the extractor code, never used to tune it).

They guard generalisation: a test fails when the micro-F1 drops more than 0.02 below the
figure recorded in tests/score_floor.json.
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


def test_blind_set_score_does_not_drop_below_the_recorded_figure():
    score, summary = evaluate_gold(DATA / "heldout-b" / "gold.jsonl", [], Settings(store="memory:"))
    assert summary.read == 8 and not summary.skipped
    micro = score.micro()[2]
    floor = json.loads((ROOT / "tests" / "score_floor.json").read_text())["heldout_b_micro_f1"]
    assert micro >= floor - 0.02, f"blind-set micro-F1 {micro:.3f} fell below the recorded {floor:.3f} - 0.02"
