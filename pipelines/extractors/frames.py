"""One engine that fills the roles of the frame-shaped event types from `pipelines/frames.json`.

A frame says, as data, which words trigger an event and where in the dependency parse each role is
found (the style of Odin/REACH rules and spaCy's DependencyMatcher patterns). Python remains only for
what a frame cannot state; a frame names such code as an *action*, which an extractor module
declares in its `FRAME_ACTIONS` dict.

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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from graph.records import Entity, Event
from ontology import load_registry
from ontology.events import event_roles
from ontology.vocab import load_ontology
from pipelines.entities import ORG_CLASSES
from pipelines.extractors import migration, partnership
from pipelines.extractors.common import Context, assertion, confidence, particles, phrase_head, span_tokens
from pipelines.lexicon import word_class

if TYPE_CHECKING:
    from spacy.tokens import Token

ENTITY_CLASSES = ORG_CLASSES | {"Person", "Place", "Product", "provider"}
DEPENDENCIES = frozenset(
    "ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj csubj csubjpass "
    "dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass nummod oprd parataxis pcomp pobj "
    "poss preconj predet prep prt punct quantmod relcl xcomp *".split()
)
CONDITIONS = ("word", "lemma", "particle", "child", "trigger")
ACTIONS: dict[str, Callable[..., Any]] = {
    "assertion": assertion,
    **migration.FRAME_ACTIONS,
    **partnership.FRAME_ACTIONS,
}
_STEP = re.compile(r"([<>])(\*|[A-Za-z]+)((?:\{[^{}]*\})*)")


class FrameError(ValueError):
    """The frames file says something the engine cannot apply."""


@dataclass(frozen=True, slots=True)
class Step:
    """One dependency step of a path: `up` climbs from dependent to head, else descends to children."""

    up: bool
    dep: str
    conditions: tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True, slots=True)
class Fill:
    """One way to find a role's values: a path up from mentions, a path down from the trigger, or an action."""

    path: tuple[Step, ...] | None = None
    anywhere: bool = False
    expand: str = ""
    action: str = ""

    @property
    def from_mentions(self) -> bool:
        return self.anywhere or bool(self.path and self.path[0].up)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    fills: tuple[Fill, ...]
    classes: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    as_unit: bool = False
    stands_for: frozenset[str] = frozenset()
    first: bool = False
    most: int = 0
    least: int = 0
    required: bool = False
    distinct_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Trigger:
    lemmas: frozenset[str]
    pos: frozenset[str]
    unless: frozenset[str] = frozenset()
    child: frozenset[str] = frozenset()
    when: str = ""

    def matches(self, ctx: Context, token: Token) -> bool:
        lemma = token.lemma_.lower()
        if token.pos_ not in self.pos or lemma not in self.lemmas or lemma in self.unless:
            return False
        if self.child and not any(c.lower_ in self.child for c in token.children):
            return False
        return not self.when or bool(ACTIONS[self.when](ctx, token))


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    priority: int
    trigger: Trigger
    roles: tuple[Role, ...]
    example: str
    expected: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Frame:
    type: str
    order: int
    first_only: bool
    assertion: str
    check: str
    confidence_roles: tuple[str, ...]
    count_values: bool
    wanted: int
    explicit_pos: frozenset[str]
    rules: tuple[Rule, ...]


def _words(spec: object, where: str) -> frozenset[str]:
    if not isinstance(spec, str) or not spec:
        raise FrameError(f"{where}: expected words such as 'to|onto' or '@to_preps', got {spec!r}")
    words: set[str] = set()
    for alternative in spec.split("|"):
        if alternative.startswith("@"):
            try:
                words |= word_class(alternative[1:])
            except KeyError:
                raise FrameError(
                    f"{where}: unknown word class {alternative!r}; define it in pipelines/lexicon.json"
                ) from None
        else:
            words.add(alternative.lower())
    return frozenset(words)


def _action(name: object, where: str) -> str:
    if not isinstance(name, str) or name not in ACTIONS:
        raise FrameError(f"{where}: unknown action {name!r}; known actions: {', '.join(sorted(ACTIONS))}")
    return name


def _path(text: object, where: str) -> tuple[Step, ...]:
    if not isinstance(text, str) or not text.strip():
        raise FrameError(f"{where}: a path is a string such as '<pobj{{word:to}}', got {text!r}")
    steps = []
    for part in text.split():
        match = _STEP.fullmatch(part)
        if match is None:
            raise FrameError(f"{where}: unknown path step {part!r}; write '<dep{{cond:words}}' or '>dep'")
        direction, dep, conds = match.groups()
        if dep not in DEPENDENCIES:
            raise FrameError(f"{where}: unknown dependency {dep!r} in path step {part!r}")
        conditions = []
        for cond in re.findall(r"\{([^{}]*)\}", conds):
            key, _, value = cond.partition(":")
            if key not in CONDITIONS:
                raise FrameError(f"{where}: unknown condition {key!r} in path step {part!r}; use one of {CONDITIONS}")
            conditions.append((key, frozenset() if key == "trigger" else _words(value, f"{where} {part}")))
        steps.append(Step(direction == "<", dep, tuple(conditions)))
    if len({s.up for s in steps}) > 1:
        raise FrameError(f"{where}: path {text!r} mixes '<' and '>' steps")
    return tuple(steps)


def _fill(spec: Mapping[str, Any], where: str) -> Fill:
    unknown = set(spec) - {"path", "expand", "action"}
    if unknown or len(set(spec) & {"path", "action"}) != 1:
        raise FrameError(f"{where}: a fill has either 'path' (and 'expand') or 'action', got {sorted(spec)}")
    if "action" in spec:
        return Fill(action=_action(spec["action"], where))
    if spec["path"] == "*":
        return Fill(anywhere=True)
    path = _path(spec["path"], where)
    if not path[0].up and "expand" not in spec:
        raise FrameError(f"{where}: a path down from the trigger needs an 'expand' action")
    return Fill(path=path, expand=_action(spec["expand"], where) if "expand" in spec else "")


def _classes(names: object, where: str) -> frozenset[str]:
    unknown = set(names or ()) - ENTITY_CLASSES  # type: ignore[call-overload]
    if unknown:
        raise FrameError(f"{where}: unknown entity class {sorted(unknown)}; use one of {sorted(ENTITY_CLASSES)}")
    return frozenset(names or ())  # type: ignore[call-overload]


ROLE_KEYS = {"fill", "class", "exclude", "as", "stands_for", "pick", "max", "min", "required", "distinct_from"}


def _role(name: str, spec: Mapping[str, Any], fills: list[Any], where: str) -> Role:
    if set(spec) - ROLE_KEYS:
        raise FrameError(f"{where}: unknown role keys {sorted(set(spec) - ROLE_KEYS)}")
    if spec.get("as", "cloud_unit") != "cloud_unit" or spec.get("pick", "all") not in ("all", "first"):
        raise FrameError(f"{where}: 'as' can only be 'cloud_unit' and 'pick' 'all' or 'first'")
    return Role(
        name=name,
        fills=tuple(_fill(f, f"{where} fill {i}") for i, f in enumerate(fills)),
        classes=_classes(spec.get("class"), where),
        exclude=_classes(spec.get("exclude"), where),
        as_unit="as" in spec,
        stands_for=_words(spec["stands_for"], where) if "stands_for" in spec else frozenset(),
        first=spec.get("pick") == "first",
        most=int(spec.get("max", 0)),
        least=int(spec.get("min", 0)),
        required=bool(spec.get("required", False)),
        distinct_from=tuple(spec.get("distinct_from", ())),
    )


def _rule(spec: Mapping[str, Any], roles: Mapping[str, Any], where: str) -> Rule:
    where = f"{where} rule {spec.get('name', '?')!r}"
    trigger = spec.get("trigger") or {}
    if set(trigger) - {"lemma", "pos", "except", "child", "when"} or "lemma" not in trigger or "pos" not in trigger:
        raise FrameError(f"{where}: a trigger has 'lemma' and 'pos' (and 'except', 'child', 'when')")
    for key in ("roles", "extra"):
        if set(spec.get(key, {})) - set(roles):
            raise FrameError(
                f"{where}: {key} names roles the frame does not declare: {sorted(set(spec[key]) - set(roles))}"
            )
    example = spec.get("example") or {}
    if not isinstance(example.get("text"), str) or not isinstance(example.get("roles"), dict):
        raise FrameError(f"{where}: every rule needs an example: {{'text': sentence, 'roles': {{role: [labels]}}}}")
    if set(example["roles"]) - set(roles):
        raise FrameError(f"{where}: the example names roles the frame does not declare")
    built = tuple(
        _role(
            name,
            role,
            [*spec.get("roles", {}).get(name, role.get("fill", [])), *spec.get("extra", {}).get(name, [])],
            f"{where} role {name!r}",
        )
        for name, role in roles.items()
    )
    return Rule(
        name=spec["name"],
        priority=int(spec.get("priority", 0)),
        trigger=Trigger(
            lemmas=_words(trigger["lemma"], where),
            pos=frozenset(trigger["pos"]),
            unless=_words(trigger["except"], where) if "except" in trigger else frozenset(),
            child=_words(trigger["child"], where) if "child" in trigger else frozenset(),
            when=_action(trigger["when"], where) if "when" in trigger else "",
        ),
        roles=built,
        example=example["text"],
        expected={k: tuple(v) for k, v in example["roles"].items()},
    )


def read_frames(data: Mapping[str, Any]) -> tuple[Frame, ...]:
    """The frames of a parsed frames file, checked against the registry, the lexicon and the engine.

    Raises:
        FrameError: an unknown event type, role, word class, entity class, action or path step.
    """
    registry = load_registry()
    frames = []
    for spec in data.get("frames", ()):
        where = f"frame {spec.get('type')!r}"
        if spec.get("type") not in registry.events:
            raise FrameError(f"{where}: unknown event type; declare it in ontology/cvkg.ttl")
        known = set(event_roles(load_ontology(), registry.event(spec["type"])))
        roles = spec.get("roles", {})
        if unknown := sorted(set(roles) - known):
            raise FrameError(f"{where}: unknown role {unknown} for {spec['type']}; its roles are {sorted(known)}")
        for role in roles.values():
            if bad := sorted(set(role.get("distinct_from", ())) - set(roles)):
                raise FrameError(f"{where}: distinct_from names undeclared roles {bad}")
        scoring = spec.get("confidence", {})
        if bad := sorted(set(scoring.get("roles", ())) - set(roles)):
            raise FrameError(f"{where}: confidence counts undeclared roles {bad}")
        rules = [_rule(rule, roles, where) for rule in spec.get("rules", ())]
        frames.append(
            Frame(
                type=spec["type"],
                order=int(spec["order"]),
                first_only=spec.get("events", "each") == "first",
                assertion=_action(spec.get("assertion", "assertion"), where),
                check=_action(spec["check"], where) if "check" in spec else "",
                confidence_roles=tuple(scoring.get("roles", ())),
                count_values=scoring.get("count", "roles") == "values",
                wanted=int(scoring.get("wanted", len(scoring.get("roles", ())))),
                explicit_pos=frozenset(spec.get("explicit_pos", ())),
                rules=tuple(sorted(rules, key=lambda r: -r.priority)),
            )
        )
    return tuple(frames)


@cache
def load_frames() -> tuple[Frame, ...]:
    """The frames of the packaged `pipelines/frames.json`."""
    return read_frames(json.loads(files("pipelines").joinpath("frames.json").read_text(encoding="utf-8")))


def _holds(token: Token, step: Step, trigger: Token) -> bool:
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
    token = start
    for step in path:
        if step.dep != "*" and token.dep_ != step.dep or token.head.i == token.i:
            return False
        token = token.head
        if not _holds(token, step, trigger):
            return False
    return True


def _descend(trigger: Token, path: tuple[Step, ...]) -> list[Token]:
    tokens = [trigger]
    for step in path:
        tokens = [c for t in tokens for c in t.children if step.dep in ("*", c.dep_) and _holds(c, step, trigger)]
    return tokens


def _of_class(ctx: Context, entity: Entity, classes: frozenset[str]) -> bool:
    return entity.cls in classes or "provider" in classes and ctx.resolver.is_provider(entity)


def _from_mentions(ctx: Context, trigger: Token, role: Role, claimed: set[int]) -> list[Any]:
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
    reporter = ctx.reported_by()
    return Event(
        type=frame.type,
        roles=roles,
        evidence=ctx.text,
        confidence=confidence(
            roles_found=sum(counted), roles_wanted=frame.wanted, explicit_trigger=trigger.pos_ in frame.explicit_pos
        ),
        status=status or ("Reported" if reporter else ""),
        reported_by=reporter,
    )


def triggers(frame: Frame, ctx: Context) -> list[tuple[Token, Rule]]:
    """The sentence's trigger words of the frame, each with the rule that claims it."""
    found = []
    for token in span_tokens(ctx.sent):
        rule = next((r for r in frame.rules if r.trigger.matches(ctx, token)), None)
        if rule is not None:
            found.append((token, rule))
    return found


def extract_frame(frame: Frame, ctx: Context) -> list[Event]:
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
        return extract_frame(frame, ctx)

    extract.__name__ = extract.__qualname__ = f"extract_{frame.type.lower()}"
    return extract


# (event type, extractor, order): found by pipelines/extractors/__init__.py, run in increasing order
EXTRACTORS = tuple((frame.type, _extractor(frame), frame.order) for frame in load_frames())
