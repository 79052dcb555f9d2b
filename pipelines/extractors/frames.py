"""One engine that fills the roles of the frame-shaped event types from `pipelines/frames.json`.

A frame says, as data, which words trigger an event and where in the dependency parse each role is
found (the style of Odin/REACH rules and spaCy's DependencyMatcher patterns). Python remains only for
what a frame cannot state; a frame names such code as an *action*, which an extractor module
declares in its `FRAME_ACTIONS` dict. Each frame becomes one extractor, `extract_<type>`, declared
in this module's `EXTRACTORS` at the frame's order.

The file holds ``{"frames": [frame, …]}``; a frame is::

    {"type": "Migration",            # an event class of the registry (ontology/cvkg.ttl)
     "order": 10,                     # its place among the extractors (pipelines/extractors/__init__.py)
     "events": "first",               # "first": the sentence's first trigger that yields an event;
                                      # "each": one event per trigger, a set of fillers told once
     "assertion": "assertion",        # action (ctx, trigger) -> "" | "Planned" | None (dropped)
     "check": "…",                    # optional action (ctx, trigger, roles) -> roles | None, run last
     "confidence": {"roles": [...], "count": "roles" | "values", "wanted": 3},
     "explicit_pos": ["VERB"],        # a trigger of these parts of speech raises the confidence
     "roles": {name: role, …},        # filled in this order; every name is a role of the type
     "rules": [rule, …]}

A *rule* is ``{"name", "priority", "trigger", "example", "roles"?, "extra"?}``. Each token of the
sentence is claimed by the first rule, highest priority first, whose trigger it matches: ``{"lemma":
WORDS, "pos": [...], "except": WORDS, "child": WORDS, "when": action}`` (`child`: one of the token's
children is one of the words; `when`: a predicate action (ctx, trigger) -> bool). `roles` replaces a
frame role's fills for this rule, `extra` appends to them. `example` is ``{"text": …, "roles":
{role: [labels]}}``, a sentence written for the rule that tests/pipelines/test_frames.py runs.
frame_format.py reads the file and refuses, with a `FrameError` naming the place, an unknown event type,
role (per the registry), word class, entity class, action, path step or condition.

WORDS is a string of alternatives split by ``|``: a word, or ``@name`` for a word class of
pipelines/lexicon.json (``"@setup_verbs|have"``).

A *role* is ``{"fill": [fill, …], "class": [...], "exclude": [...], "as": "cloud_unit",
"stands_for": WORDS, "pick": "all" | "first", "max": n, "min": n, "required": bool,
"distinct_from": [role, …]}``. A fill is one of

* ``{"path": "<pobj{word:@to_preps}"}``: a path climbing from a mention up to a word. The mention
  stands where its last token's phrase head is (over conjuncts, appositions, compounds; a name owning
  a `stands_for` noun stands for that noun: "Google's cloud"); each step ``<dep`` needs that
  dependency and moves to the head, whose conditions ``{…}`` it checks. Mentions of the `class`es are
  tried in sentence order; a mention one role's path took is no other role's. ``"*"`` is any mention;
* ``{"path": ">prep{word:with} >pobj", "expand": action}``: a path down from the trigger; each token
  it reaches is expanded into entities by the action (ctx, token) -> entities;
* ``{"action": name}``: an action (ctx, trigger, roles so far) -> values or None.

Step conditions: ``{word:WORDS}`` (the word), ``{lemma:WORDS}``, ``{particle:WORDS}`` (common.particles),
``{child:WORDS}``, ``{trigger}`` (the word is the trigger). ``*`` as a dependency is any.
`class` constrains path fillers (entity classes, or ``provider``: any entity the resolver counts as a
cloud provider); `exclude` drops values of those classes; `as: cloud_unit` stands a provider for its
cloud unit; `pick: first` keeps the values of the first fill that gives any; `distinct_from` drops the
values of the named roles; a role under its `min` (or a `required` one left empty) drops the event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from graph.records import Entity, Event
from pipelines.extractors import migration, partnership
from pipelines.extractors.assertion import assertion
from pipelines.extractors.common import Context, particles, phrase_head, span_tokens
from pipelines.extractors.events import make_event
from pipelines.extractors.frame_format import Frame, Role, Rule, Step, Trigger, read_frames

if TYPE_CHECKING:
    from spacy.tokens import Token

ACTIONS: dict[str, Callable[..., Any]] = {
    "assertion": assertion,
    **migration.FRAME_ACTIONS,
    **partnership.FRAME_ACTIONS,
}


@cache
def load_frames() -> tuple[Frame, ...]:
    """The frames of the packaged `pipelines/frames.json`."""
    data = json.loads(files("pipelines").joinpath("frames.json").read_text(encoding="utf-8"))
    return read_frames(data, actions=ACTIONS)


def _claims(trigger: Trigger, ctx: Context, token: Token) -> bool:
    """Whether the token is a trigger word of the rule: lemma, part of speech, child word and predicate."""
    lemma = token.lemma_.lower()
    if token.pos_ not in trigger.pos or lemma not in trigger.lemmas or lemma in trigger.unless:
        return False
    if trigger.child and not any(c.lower_ in trigger.child for c in token.children):
        return False
    return not trigger.when or bool(ACTIONS[trigger.when](ctx, token))


def _holds(token: Token, step: Step, trigger: Token) -> bool:
    """Whether the word a path step reached meets the step's conditions."""
    for key, words in step.conditions:
        if key == "trigger":
            ok = token.i == trigger.i
        elif key == "word":
            ok = token.lower_ in words
        elif key == "lemma":
            ok = token.lemma_.lower() in words
        elif key == "particle":
            ok = bool(particles(token) & words)
        else:
            ok = any(c.lower_ in words for c in token.children)
        if not ok:
            return False
    return True


def _climbs(start: Token, path: tuple[Step, ...], trigger: Token) -> bool:
    """Whether a path up from `start` can be walked: each step's dependency, then its head's conditions."""
    token = start
    for step in path:
        if step.dep != "*" and token.dep_ != step.dep or token.head.i == token.i:
            return False
        token = token.head
        if not _holds(token, step, trigger):
            return False
    return True


def _descend(trigger: Token, path: tuple[Step, ...]) -> list[Token]:
    """The words a path down from the trigger reaches."""
    tokens = [trigger]
    for step in path:
        tokens = [c for t in tokens for c in t.children if step.dep in ("*", c.dep_) and _holds(c, step, trigger)]
    return tokens


def _of_class(ctx: Context, entity: Entity, classes: frozenset[str]) -> bool:
    """Whether the entity is of one of the classes (`provider`: any the resolver counts as a cloud provider)."""
    return entity.cls in classes or "provider" in classes and ctx.resolver.is_provider(entity)


def _from_mentions(ctx: Context, trigger: Token, role: Role, claimed: set[int]) -> list[Any]:
    """The role's values among the sentence's mentions: those a path of the role climbs from, in order."""
    paths = [f for f in role.fills if f.from_mentions]
    found = []
    for index, mention in enumerate(ctx.mentions):
        if index in claimed or role.classes and not _of_class(ctx, mention.entity, role.classes):
            continue
        start = phrase_head(ctx.sent.doc[mention.end - 1])
        if start.dep_ == "poss" and start.head.lemma_.lower() in role.stands_for:
            start = phrase_head(start.head)  # "onto Google's cloud": the name stands for the cloud
        if any(f.anywhere or _climbs(start, f.path, trigger) for f in paths):  # type: ignore[arg-type]
            if not all(f.anywhere for f in paths):
                claimed.add(index)
            found.append(ctx.resolver.provider(mention.entity) if role.as_unit else mention.entity)
    return found


def _fill_role(ctx: Context, trigger: Token, role: Role, roles: dict[str, tuple[Any, ...]], claimed: set[int]) -> list:
    """The values the role's fills give, in order (the first fill that gives any, with `pick: first`)."""
    values: list[Any] = []
    mentions_done = False
    for fill in role.fills:
        if fill.from_mentions:
            if mentions_done:
                continue
            mentions_done = True
            found = _from_mentions(ctx, trigger, role, claimed)
        elif fill.action:
            found = list(ACTIONS[fill.action](ctx, trigger, roles) or ())
        else:
            found = [e for t in _descend(trigger, fill.path) for e in ACTIONS[fill.expand](ctx, t)]  # type: ignore[arg-type]
        if role.first and found:
            return found
        values += found
    return values


def _event(frame: Frame, rule: Rule, ctx: Context, trigger: Token) -> Event | None:
    """The event the rule states at the trigger, or None (not asserted, a role missing, the check refused)."""
    status = ACTIONS[frame.assertion](ctx, trigger)
    if status is None:
        return None
    roles: dict[str, tuple[Any, ...]] = {}
    claimed: set[int] = set()
    for role in rule.roles:
        taken = {v for other in role.distinct_from for v in roles.get(other, ())}
        values = [
            v
            for v in _fill_role(ctx, trigger, role, roles, claimed)
            if v not in taken and not (isinstance(v, Entity) and _of_class(ctx, v, role.exclude))
        ]
        values = list(dict.fromkeys(values))[: role.most or None]
        if len(values) < role.least or role.required and not values:
            return None
        if values:
            roles[role.name] = tuple(values)
    if frame.check and (roles := ACTIONS[frame.check](ctx, trigger, roles)) is None:
        return None
    counted = [
        len(roles.get(name, ())) if frame.count_values else bool(roles.get(name)) for name in frame.confidence_roles
    ]
    return make_event(
        ctx,
        frame.type,
        roles,
        explicit_trigger=trigger.pos_ in frame.explicit_pos,
        status=status,
        roles_found=sum(counted),
        roles_wanted=frame.wanted,
    )


def triggers(frame: Frame, ctx: Context) -> list[tuple[Token, Rule]]:
    """The sentence's trigger words of the frame, each with the rule that claims it."""
    found = []
    for token in span_tokens(ctx.sent):
        rule = next((r for r in frame.rules if _claims(r.trigger, ctx, token)), None)
        if rule is not None:
            found.append((token, rule))
    return found


def apply_frame(frame: Frame, ctx: Context) -> list[Event]:
    """The frame's events stated in the sentence: the first one, or one per set of fillers."""
    events: list[Event] = []
    seen: set[frozenset[object]] = set()
    for token, rule in triggers(frame, ctx):
        event = _event(frame, rule, ctx, token)
        if event is None:
            continue
        key = frozenset(v for values in event.roles.values() for v in values)
        if key in seen:
            continue
        seen.add(key)
        events.append(event)
        if frame.first_only:
            break
    return events


def _extractor(frame: Frame) -> Callable[[Context], list[Event]]:
    def extract(ctx: Context) -> list[Event]:
        return apply_frame(frame, ctx)

    extract.__name__ = extract.__qualname__ = f"extract_{frame.type.lower()}"
    return extract


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = tuple((frame.type, _extractor(frame), frame.order) for frame in load_frames())
