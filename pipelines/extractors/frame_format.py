"""The frames file read into frozen records and checked: the format is described in extractors/frames.py."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ontology import load_registry
from ontology.events import event_roles
from ontology.vocab import load_ontology
from pipelines.entities import ORG_CLASSES
from pipelines.lexicon import word_class

ENTITY_CLASSES = ORG_CLASSES | {"Person", "Place", "Product", "provider"}
DEPENDENCIES = frozenset(
    "ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj csubj csubjpass "
    "dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass nummod oprd parataxis pcomp pobj "
    "poss preconj predet prep prt punct quantmod relcl xcomp *".split()
)
CONDITIONS = ("word", "lemma", "particle", "child", "trigger")
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


def _action(name: object, where: str, known: Collection[str]) -> str:
    if not isinstance(name, str) or name not in known:
        raise FrameError(f"{where}: unknown action {name!r}; known actions: {', '.join(sorted(known))}")
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


def _fill(spec: Mapping[str, Any], where: str, actions: Collection[str]) -> Fill:
    unknown = set(spec) - {"path", "expand", "action"}
    if unknown or len(set(spec) & {"path", "action"}) != 1:
        raise FrameError(f"{where}: a fill has either 'path' (and 'expand') or 'action', got {sorted(spec)}")
    if "action" in spec:
        return Fill(action=_action(spec["action"], where, actions))
    if spec["path"] == "*":
        return Fill(anywhere=True)
    path = _path(spec["path"], where)
    if not path[0].up and "expand" not in spec:
        raise FrameError(f"{where}: a path down from the trigger needs an 'expand' action")
    return Fill(path=path, expand=_action(spec["expand"], where, actions) if "expand" in spec else "")


def _classes(names: object, where: str) -> frozenset[str]:
    unknown = set(names or ()) - ENTITY_CLASSES  # type: ignore[call-overload]
    if unknown:
        raise FrameError(f"{where}: unknown entity class {sorted(unknown)}; use one of {sorted(ENTITY_CLASSES)}")
    return frozenset(names or ())  # type: ignore[call-overload]


FRAME_KEYS = ("type", "order", "events", "assertion", "check", "confidence", "explicit_pos", "roles", "rules")
RULE_KEYS = ("name", "priority", "trigger", "example", "roles", "extra")
ROLE_KEYS = ("fill", "class", "exclude", "as", "stands_for", "pick", "max", "min", "required", "distinct_from")


def _role(name: str, spec: Mapping[str, Any], fills: list[Any], where: str, actions: Collection[str]) -> Role:
    if set(spec) - set(ROLE_KEYS):
        raise FrameError(f"{where}: unknown role keys {sorted(set(spec) - set(ROLE_KEYS))}")
    if spec.get("as", "cloud_unit") != "cloud_unit" or spec.get("pick", "all") not in ("all", "first"):
        raise FrameError(f"{where}: 'as' can only be 'cloud_unit' and 'pick' 'all' or 'first'")
    return Role(
        name=name,
        fills=tuple(_fill(f, f"{where} fill {i}", actions) for i, f in enumerate(fills)),
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


def _rule(spec: Mapping[str, Any], roles: Mapping[str, Any], where: str, actions: Collection[str]) -> Rule:
    where = f"{where} rule {spec.get('name', '?')!r}"
    if bad := sorted(set(spec) - set(RULE_KEYS)) or "name" not in spec:
        raise FrameError(f"{where}: a rule has a 'name' and only the keys {RULE_KEYS}; not {bad}")
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
            actions,
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
            when=_action(trigger["when"], where, actions) if "when" in trigger else "",
        ),
        roles=built,
        example=example["text"],
        expected={k: tuple(v) for k, v in example["roles"].items()},
    )


def read_frames(data: Mapping[str, Any], *, actions: Collection[str]) -> tuple[Frame, ...]:
    """The frames of a parsed frames file, checked against the registry, the lexicon and the engine's `actions`.

    Raises:
        FrameError: an unknown event type, role, word class, entity class, action or path step.
    """
    registry = load_registry()
    frames = []
    for spec in data.get("frames", ()):
        where = f"frame {spec.get('type')!r}"
        if bad := sorted(set(spec) - set(FRAME_KEYS)) or "order" not in spec:
            raise FrameError(f"{where}: a frame has an 'order' and only the keys {FRAME_KEYS}; not {bad}")
        if spec.get("events", "each") not in ("first", "each") or spec.get("confidence", {}).get(
            "count", "roles"
        ) not in ("roles", "values"):
            raise FrameError(f"{where}: 'events' is 'first' or 'each', confidence 'count' is 'roles' or 'values'")
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
        rules = [_rule(rule, roles, where, actions) for rule in spec.get("rules", ())]
        frames.append(
            Frame(
                type=spec["type"],
                order=int(spec["order"]),
                first_only=spec.get("events", "each") == "first",
                assertion=_action(spec.get("assertion", "assertion"), where, actions),
                check=_action(spec["check"], where, actions) if "check" in spec else "",
                confidence_roles=tuple(scoring.get("roles", ())),
                count_values=scoring.get("count", "roles") == "values",
                wanted=int(scoring.get("wanted", len(scoring.get("roles", ())))),
                explicit_pos=frozenset(spec.get("explicit_pos", ())),
                rules=tuple(sorted(rules, key=lambda r: -r.priority)),
            )
        )
    return tuple(frames)
