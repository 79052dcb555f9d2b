"""Score a graph against gold annotations with the rules of spec/GOLD.md.

Gold events and relations become slots `(type, key, role, value)`; the graph's
events and relations become slots the same way, read only where an article
graph states them (spec/EVENTS.md: the background graph's gazetteer links are
not scored), while names and Wikidata ids are read from every graph.
Entities match on Wikidata id or on a normalised label or alt label; amounts
within 1% and the same currency; fractions within 0.005; periods exactly.
Precision, recall and F1 are micro-averaged over slots, and also per type.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology import CVKG, DOC, SCHEMA

WD = "http://www.wikidata.org/entity/"
# class -> (key roles, other roles); "*" may repeat, "?" is an optional key part
EVENT_ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Migration": (("customer",), ("workload", "fromProvider*", "toProvider*", "value")),
    "Contract": (("customer", "provider"), ("value", "term")),
    "FinancialResult": (("organization", "period"), ("revenue*", "growthRate")),
    "MarketShare": (("organization", "market", "accordingTo?"), ("share", "rank", "period")),
    "DataCenter": (("organization", "location"), ("count",)),
    "MarketEntry": (("organization", "location"), ("date",)),
    "Acquisition": (("acquirer", "target"), ("value",)),
    "Investment": (("investor", "investee"), ("value",)),
    "Partnership": (("partner*",), ()),
    "UserMetric": (("subject", "metric"), ("quantity",)),
}
ENTITY_ROLES = frozenset(
    "customer workload fromProvider toProvider provider organization accordingTo acquirer target "
    "investor investee partner subject location".split()
)
AMOUNT_ROLES = frozenset({"value", "revenue"})
FRACTION_ROLES = frozenset({"growthRate", "share"})
NUMBER_ROLES = frozenset({"rank", "count", "quantity"})
RELATIONS: dict[str, URIRef] = {
    "owns": CVKG.owns,
    "parentOrganization": SCHEMA.parentOrganization,
    "worksFor": SCHEMA.worksFor,
    "competesWith": CVKG.competesWith,
    "headquarteredIn": CVKG.headquarteredIn,
}
SUFFIXES = frozenset("inc corp corporation ltd limited co company group holdings plc llc sa ag the".split())
Slot = tuple


def norm_name(text: object) -> str:
    """Lowercase ASCII words without punctuation, possessive or company suffixes."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9 ]+", " ", ascii_text.lower().replace("'s ", " ")).split()
    kept = [w for w in words if w not in SUFFIXES]
    return " ".join(kept or words)


def _amount(value: object, currency: object, per: object = None) -> tuple[object, ...]:
    return ("amount", Decimal(str(value)), str(currency).upper(), per or None)


def same_value(a: object, b: object) -> bool:
    """Equality with the tolerances of GOLD.md."""
    if a == b:
        return True
    if not (isinstance(a, tuple) and isinstance(b, tuple) and a[:1] == b[:1]):
        return False
    if a[0] == "amount":
        if a[2] != b[2] or not a[1] or not b[1]:
            return False
        return abs(a[1] - b[1]) <= Decimal("0.01") * abs(b[1])
    if a[0] == "fraction":
        return abs(a[1] - b[1]) <= Decimal("0.005")
    return False


def relation_slot(prop: str, subj: str, obj: str) -> Slot:
    """parentOrganization(B, A) counts as owns(A, B); competesWith is symmetric."""
    if prop == "parentOrganization":
        prop, subj, obj = "owns", obj, subj
    if prop == "competesWith":
        subj, obj = sorted((subj, obj))
    return ("relation", prop, subj, obj)


def _event_slots(etype: str, event: dict[str, object], convert) -> list[Slot]:  # noqa: ANN001
    keys, others = EVENT_ROLES[etype]
    key = []
    for role in keys:
        many, optional = role.endswith("*"), role.endswith("?")
        name = role.rstrip("*?")
        values = event.get(name)
        if values is None or values == []:
            if optional:
                key.append("")
                continue
            return []
        values = values if isinstance(values, list) else [values]
        parts = sorted(str(convert(name, v)) for v in values) if many else [str(convert(name, values[0]))]
        key.append("|".join(parts))
    slots: list[Slot] = [(etype, tuple(key), "exists", None)]
    for role in others:
        name = role.rstrip("*")
        values = event.get(name)
        if values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            slots.append((etype, tuple(key), name, convert(name, value)))
    return slots


def _gold_value(role: str, value: object) -> object:
    if role in ENTITY_ROLES or role in ("market", "metric"):
        return norm_name(value)
    if role in AMOUNT_ROLES and isinstance(value, dict):
        return _amount(value["value"], value["currency"], value.get("per"))
    if role in FRACTION_ROLES:
        return ("fraction", Decimal(str(value)))
    if role in NUMBER_ROLES:
        return ("number", Decimal(str(value)))
    return str(value).strip()


def gold_slots(rows: Iterable[dict[str, object]]) -> list[Slot]:
    """Slots of gold rows (one per fact, however many articles state it)."""
    slots: list[Slot] = []
    for row in rows:
        for event in row.get("events", []):  # type: ignore[union-attr]
            slots.extend(_event_slots(event["type"], event, _gold_value))
        for subj, prop, obj in row.get("relations", []):  # type: ignore[union-attr]
            slots.append(relation_slot(prop, norm_name(subj), norm_name(obj)))
    return list(dict.fromkeys(slots))


@dataclass
class _Entities:
    graph: Graph
    by_qid: dict[str, str]
    names: set[str]

    def keys(self, node: object) -> list[str]:
        if isinstance(node, Literal):
            return [norm_name(node)]
        found = []
        for same in self.graph.objects(node, OWL.sameAs):
            qid = str(same)[len(WD) :] if str(same).startswith(WD) else ""
            if qid in self.by_qid:
                found.append(norm_name(self.by_qid[qid]))
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SCHEMA.name):
            found.extend(norm_name(label) for label in self.graph.objects(node, prop))
        return found or [norm_name(str(node).rstrip("/").rsplit("/", 1)[-1].replace("-", " "))]

    def resolve(self, node: object) -> str:
        keys = self.keys(node)
        return next((k for k in keys if k in self.names), keys[0])


def graph_slots(
    graph: Graph,
    rows: list[dict[str, object]],
    gold: list[Slot],
    *,
    per_event: dict[object, list[Slot]] | None = None,
    stated: Graph | None = None,
) -> list[Slot]:
    """Slots of the events and relations `stated` (by default `graph`) states, entity names aligned with the gold's.

    Names, Wikidata ids and amounts are read from `graph`. When `per_event` is given, it is filled with
    each event node's own slots.
    """
    stated = graph if stated is None else stated
    by_qid: dict[str, str] = {}
    for row in rows:
        for name, qid in row.get("entities", {}).items():  # type: ignore[union-attr]
            by_qid.setdefault(qid, name)
    names = set()
    for slot in gold:
        if slot[0] == "relation":
            names.update(slot[2:4])
        else:
            for part in slot[1]:
                names.update(part.split("|"))
            if isinstance(slot[3], str):
                names.add(slot[3])
    entities = _Entities(graph, by_qid, names)

    def convert(role: str, node: object) -> object:
        if role in ENTITY_ROLES or (role in ("market", "metric") and not isinstance(node, Literal)):
            return entities.resolve(node)
        if role in ("market", "metric"):
            return norm_name(node)
        if role in AMOUNT_ROLES:
            if isinstance(node, Literal):
                return ("literal", str(node))
            value, currency = graph.value(node, SCHEMA.value), graph.value(node, SCHEMA.currency)
            per = graph.value(node, CVKG.per)
            if value is None or currency is None:
                return ("amount-incomplete", str(node))
            try:
                return _amount(Decimal(str(value)), currency, str(per) if per else None)
            except InvalidOperation:
                return ("amount-bad", str(value))
        if role in FRACTION_ROLES or role in NUMBER_ROLES:
            try:
                return ("fraction" if role in FRACTION_ROLES else "number", Decimal(str(node)))
            except InvalidOperation:
                return ("bad", str(node))
        return str(node).strip()

    slots: list[Slot] = []
    for etype, (keys, others) in EVENT_ROLES.items():
        many = {r.rstrip("*") for r in keys + others if r.endswith("*")}
        for node in set(stated.subjects(RDF.type, CVKG[etype])):
            event: dict[str, list[object]] = defaultdict(list)
            for role in {r.rstrip("*?") for r in keys + others}:
                event[role].extend(stated.objects(node, CVKG[role]))
            flat = {r: (v if len(v) > 1 or r in many else v[0]) for r, v in event.items() if v}
            own = _event_slots(etype, flat, convert)
            slots.extend(own)
            if per_event is not None:
                per_event[node] = own
    for prop, iri in RELATIONS.items():
        for subj, obj in stated.subject_objects(iri):
            slots.append(relation_slot(prop, entities.resolve(subj), entities.resolve(obj)))
    return list(dict.fromkeys(slots))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One extracted event: its type, its (highest) confidence and whether the gold has it."""

    type: str
    confidence: float
    correct: bool


@dataclass
class ArticleErrors:
    """The missed and spurious slots of one article, with the evidence sentences of its spurious event slots."""

    missed: list[Slot] = field(default_factory=list)
    spurious: list[Slot] = field(default_factory=list)
    evidence: dict[Slot, tuple[str, ...]] = field(default_factory=dict)


def slot_json(slot: Slot) -> list[object]:
    """A slot as JSON: strings, numbers and lists (an amount as [value, currency, per])."""

    def plain(value: object) -> object:
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return float(value)
        return value

    return [plain(part) for part in slot]


@dataclass
class Score:
    """Per-type and micro-averaged counts, with the slots that missed."""

    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    missed: list[Slot] = field(default_factory=list)
    spurious: list[Slot] = field(default_factory=list)
    calibration: dict[str, tuple[int, int]] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    # article file -> its errors (`per_article_errors`); a slot several articles state is under each
    articles: dict[str, ArticleErrors] = field(default_factory=dict)

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def micro(self) -> tuple[float, float, float, int, int, int]:
        tp, fp, fn = (sum(c[i] for c in self.counts.values()) for i in range(3))
        return (*self.prf(tp, fp, fn), tp, fp, fn)

    def error_lines(self) -> list[str]:
        """Missed and spurious slots under the article file that expects or states each (evidence indented)."""
        if not self.articles:
            return [f"missed   {s}" for s in sorted(map(str, self.missed))] + [
                f"spurious {s}" for s in sorted(map(str, self.spurious))
            ]
        out = []
        for name, errors in sorted(self.articles.items()):
            if not errors.missed and not errors.spurious:
                continue
            out.append(f"== {name}")
            out += [f"missed   {s}" for s in sorted(map(str, errors.missed))]
            for slot in sorted(errors.spurious, key=str):
                out.append(f"spurious {slot}")
                out += [f"         evidence: {text}" for text in errors.evidence.get(slot, ())]
        return out

    def errors_json(self) -> dict[str, dict[str, list[object]]]:
        """The per-article errors as JSON-ready data: {file: {"missed": [slot], "spurious": [{slot, evidence}]}}."""
        return {
            name: {
                "missed": [slot_json(s) for s in sorted(errors.missed, key=str)],
                "spurious": [
                    {"slot": slot_json(s), "evidence": list(errors.evidence.get(s, ()))}
                    for s in sorted(errors.spurious, key=str)
                ],
            }
            for name, errors in sorted(self.articles.items())
            if errors.missed or errors.spurious
        }

    def lines(self, *, show_errors: bool = False) -> list[str]:
        out = self.error_lines() if show_errors else []
        out.append(f"{'type':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
        for etype in sorted(self.counts):
            tp, fp, fn = self.counts[etype]
            p, r, f = self.prf(tp, fp, fn)
            out.append(f"{etype:<16}{p:7.3f}{r:7.3f}{f:7.3f}{tp:6d}{fp:6d}{fn:6d}")
        p, r, f, tp, fp, fn = self.micro()
        out.append(f"micro P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} fp={fp} fn={fn})")
        for band, (correct, total) in self.calibration.items():
            share = f"{correct / total:.3f}" if total else "-"
            out.append(f"events with confidence {band}: {total}, of which in the gold: {correct} (precision {share})")
        return out


def score_graph(graph: Graph, rows: list[dict[str, object]], *, stated: Graph | None = None) -> Score:
    """Greedy one-to-one matching of the graph's slots against the gold's, with value tolerances.

    Events and relations are read from `stated` (by default `graph`; see `split_dataset`).
    """
    gold = gold_slots(rows)
    predicted = graph_slots(graph, rows, gold, stated=stated)
    left: dict[tuple[object, ...], list[Slot]] = defaultdict(list)
    for slot in gold:
        left[slot[:3]].append(slot)
    score = Score()
    for slot in predicted:
        bucket = left.get(slot[:3], [])
        for i, candidate in enumerate(bucket):
            if same_value(slot[3], candidate[3]):
                score.counts[candidate[0]][0] += 1
                del bucket[i]
                break
        else:
            score.spurious.append(slot)
            score.counts[slot[0]][1] += 1
    for bucket in left.values():
        for slot in bucket:
            score.missed.append(slot)
            score.counts[slot[0]][2] += 1
    return score


def read_gold(path: str | Path) -> list[dict[str, object]]:
    """The rows of a gold.jsonl file."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def event_outcomes(graph: Graph, rows: list[dict[str, object]], *, stated: Graph | None = None) -> list[Outcome]:
    """Every event the graph (its part `stated`, by default all of it) states that the scorer can key, with
    whether it is in the gold."""
    gold = gold_slots(rows)
    gold_events = {slot[:2] for slot in gold if slot[0] != "relation"}
    per_event: dict[object, list[Slot]] = {}
    graph_slots(graph, rows, gold, per_event=per_event, stated=stated)
    outcomes = []
    for node, slots in per_event.items():
        if not slots:
            continue
        values = [float(str(c)) for c in graph.objects(node, CVKG.confidence)]
        outcomes.append(Outcome(str(slots[0][0]), max(values, default=0.0), slots[0][:2] in gold_events))
    return outcomes


def calibration(outcomes: list[Outcome], *, threshold: float = 0.5) -> dict[str, tuple[int, int]]:
    """How many events at or above / below `threshold` confidence exist in the gold: {band: (correct, total)}."""
    bands = {f">= {threshold}": [0, 0], f"< {threshold}": [0, 0]}
    for outcome in outcomes:
        band = f">= {threshold}" if outcome.confidence >= threshold else f"< {threshold}"
        bands[band][1] += 1
        bands[band][0] += outcome.correct
    return {band: (correct, total) for band, (correct, total) in bands.items()}


def split_dataset(dataset: Dataset) -> tuple[Graph, Graph, dict[str, Graph]]:
    """(every triple, the triples article graphs state, each article graph) of a dataset.

    The default graph counts as stated (an export without named graphs); the background graph and any
    other graph outside `doc:` do not (spec/EVENTS.md, "Stated versus background facts").
    """
    union, stated, articles = Graph(), Graph(), {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
        name = str(g.identifier if hasattr(g, "identifier") else g) if g is not None else ""
        if name.startswith(str(DOC)):
            articles.setdefault(name, Graph()).add((s, p, o))
            stated.add((s, p, o))
        elif not name or name.startswith("urn:x-rdflib:default"):
            stated.add((s, p, o))
    return union, stated, articles


def per_article_errors(
    score: Score, graph: Graph, rows: list[dict[str, object]], articles: dict[str, Graph], files: dict[str, str]
) -> dict[str, ArticleErrors]:
    """The score's missed and spurious slots under each article file (`files`: article IRI -> file).

    A missed slot is listed under every gold row (file) that has it; a spurious slot under every
    article graph that states it, with the evidence sentences that graph gives its events.
    """
    found: dict[str, ArticleErrors] = {}
    missed = set(score.missed)
    for row in rows:
        name = str(row.get("file", ""))
        errors = found.setdefault(name, ArticleErrors())
        errors.missed += [s for s in gold_slots([row]) if s in missed]
    gold = gold_slots(rows)
    spurious = set(score.spurious)
    placed: set[Slot] = set()
    for iri, article in sorted(articles.items()):
        name = files.get(iri, iri)
        errors = found.setdefault(name, ArticleErrors())
        per_event: dict[object, list[Slot]] = {}
        for slot in graph_slots(graph, rows, gold, per_event=per_event, stated=article):
            if slot in spurious and slot not in errors.spurious:
                errors.spurious.append(slot)
                placed.add(slot)
        for node, slots in per_event.items():
            texts = tuple(sorted(str(t) for t in article.objects(node, CVKG.evidence)))
            for slot in slots:
                if slot in spurious and texts:
                    errors.evidence[slot] = tuple(dict.fromkeys((*errors.evidence.get(slot, ()), *texts)))
    rest = [s for s in score.spurious if s not in placed]
    if rest:  # stated only by several graphs together, or by the default graph
        found.setdefault("(no single article)", ArticleErrors()).spurious += rest
    return found
