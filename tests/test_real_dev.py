"""The real-text development set (../shared/corpus/real-dev: 40 published articles) through the real model.

Its text belongs to its publishers: it is read from ../shared, never copied here, and the
tests skip when ../shared is absent. The rules were studied on it, so its figures are
development figures; a test fails when micro-F1 or micro precision drops more than 0.02
below the figures recorded in tests/score_floor.json.
"""

from __future__ import annotations

import json

import pytest
from support import ROOT

from pipelines.config import Settings
from pipelines.service import evaluate_gold

pytestmark = pytest.mark.slow  # 40 real articles through the real model

ARTICLES = 40


@pytest.fixture(scope="module")
def real_dev_score(shared):
    gold = shared / "corpus" / "real-dev" / "gold.jsonl"
    if not gold.exists():
        pytest.skip(f"the real-text development set is absent at {gold.parent}")
    score, summary = evaluate_gold(gold, [], Settings(store="memory:"))
    assert summary.read == ARTICLES and not summary.skipped, summary.lines()
    return score


@pytest.mark.parametrize(("index", "key"), [(2, "real_dev_micro_f1"), (0, "real_dev_micro_precision")])
def test_score_does_not_drop_below_the_recorded_figure(real_dev_score, index, key):
    figure = real_dev_score.micro()[index]
    floor = json.loads((ROOT / "tests" / "score_floor.json").read_text())[key]
    assert figure >= floor - 0.02, f"real-dev {key} {figure:.3f} fell below the recorded {floor:.3f} - 0.02"
