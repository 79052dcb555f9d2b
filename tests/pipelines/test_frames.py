"""The frames of pipelines/frames.json: every rule's own example sentence, run through the real model, and the
checks that turn a malformed frames file into a clear error.

Every example is written for its rule (invented companies), so none leans on an article's wording.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from importlib.resources import files

import pytest

from graph.records import Article, Entity, Event
from pipelines.extractors.common import Context, doc_sents
from pipelines.extractors.frame_format import FrameError, read_frames
from pipelines.extractors.frames import ACTIONS, load_frames, triggers
from pipelines.run import process

RULES = [(frame, rule) for frame in load_frames() for rule in frame.rules]


def _raw() -> dict:
    return json.loads(files("pipelines").joinpath("frames.json").read_text(encoding="utf-8"))


def _labels(values: Sequence[object]) -> list[str]:
    return sorted(v.label for v in values if isinstance(v, Entity))


def _yields(events: Sequence[Event], expected: Mapping[str, Sequence[str]]) -> bool:
    """Whether one of the events has exactly the expected labels in every role the example states."""
    return any(all(_labels(e.roles.get(role, ())) == sorted(want) for role, want in expected.items()) for e in events)


@pytest.mark.parametrize(("frame", "rule"), RULES, ids=[f"{f.type}: {r.name}" for f, r in RULES])
def test_each_rule_yields_the_roles_of_its_example(nlp, frame, rule) -> None:
    (result,) = process([Article(text=rule.example, date="2024-05-10")], nlp)
    events = [e for e in result.events if e.type == frame.type]
    found = [{k: _labels(v) for k, v in e.roles.items()} for e in events]
    assert _yields(events, rule.expected), f"{rule.example!r} gave {found}"
    # and it is this rule that claims a trigger word of the sentence
    doc = nlp(rule.example)
    article = Article(text=rule.example, date="2024-05-10")
    claimed = {r.name for sent in doc_sents(doc) for _, r in triggers(frame, Context(sent, [], None, article))}  # type: ignore[arg-type]
    assert rule.name in claimed


def test_a_wrong_expected_role_fails(nlp) -> None:
    migration = next(f for f in load_frames() if f.type == "Migration")
    rule = migration.rules[0]
    (result,) = process([Article(text=rule.example, date="2024-05-10")], nlp)
    events = [e for e in result.events if e.type == "Migration"]
    assert _yields(events, rule.expected)
    swapped = {
        **rule.expected,
        "fromProvider": rule.expected["toProvider"],
        "toProvider": rule.expected["fromProvider"],
    }
    assert not _yields(events, swapped)
    assert not _yields(events, {**rule.expected, "customer": ["Somebody Else"]})


def test_a_sentence_that_denies_the_move_yields_nothing(nlp) -> None:
    (result,) = process([Article(text="Brightwater Foods did not move its systems to Microsoft Azure.")], nlp)
    assert not [e for e in result.events if e.type == "Migration"]


def test_the_shipped_frames_load() -> None:
    assert {f.type for f in load_frames()} == {"Migration", "Partnership"}
    assert all(rule.example and rule.expected for _, rule in RULES)


def _broken(change) -> dict:
    data = copy.deepcopy(_raw())
    change(data["frames"][0])
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f["roles"].__setitem__("buyer", {"fill": []}), r"unknown role \['buyer'\] for Migration"),
        (lambda f: f.__setitem__("type", "Merger"), r"frame 'Merger': unknown event type"),
        (
            lambda f: f["rules"][0]["trigger"].__setitem__("lemma", "@no_such_class"),
            r"rule 'move verb': unknown word class '@no_such_class'",
        ),
        (
            lambda f: f["roles"]["fromProvider"]["fill"].append({"path": "<pobj{word:from} ^nsubj"}),
            r"unknown path step '\^nsubj'",
        ),
        (lambda f: f["roles"]["toProvider"]["fill"].append({"path": "<subj"}), r"unknown dependency 'subj'"),
        (
            lambda f: f["roles"]["toProvider"]["fill"].append({"path": "<pobj{near:to}"}),
            r"unknown condition 'near'",
        ),
        (lambda f: f["roles"]["customer"]["fill"].append({"action": "guess"}), r"unknown action 'guess'"),
        (lambda f: f["roles"]["workload"].__setitem__("class", ["Startup"]), r"unknown entity class \['Startup'\]"),
        (lambda f: f["rules"][0].pop("example"), r"rule 'move verb': every rule needs an example"),
        (lambda f: f["rules"][1]["extra"].__setitem__("buyer", []), r"extra names roles the frame does not declare"),
        (lambda f: f.__setitem__("evnets", "first"), r"frame 'Migration': a frame has an 'order' and only the keys"),
        (lambda f: f["rules"][0].__setitem__("prority", 3), r"rule 'move verb': a rule has a 'name' and only the keys"),
    ],
)
def test_a_malformed_frames_file_is_a_clear_error(change, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        read_frames(_broken(change), actions=ACTIONS)
