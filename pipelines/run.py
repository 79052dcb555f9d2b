"""Run the NLP pipeline over articles and yield one `ArticleResult` per article."""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from graph.build import parent_link
from graph.iris import event_iri
from graph.records import Article, ArticleResult, Entity, Event, Relation
from ontology import GazetteerEntry, load_gazetteer, load_registry
from pipelines.entities import Resolver, doc_mentions, to_entity
from pipelines.errors import SkipArticle
from pipelines.extractors import EVENT_EXTRACTORS, RELATION_EXTRACTORS, Context
from pipelines.extractors.common import CUSTOMER_CLASSES, doc_sents, doc_text, doc_tokens, is_org, span_text
from pipelines.extractors.events import locate_evidence
from pipelines.extractors.reference import reference
from pipelines.ingest import Skipped
from pipelines.lexicon import word_class
from pipelines.periods import calendar_quarter, find_periods

T = TypeVar("T")

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

_DEAL_REFERENCE = re.compile(r"\b(contract|deal|agreement|commitment|move|migration)\b", re.IGNORECASE)
_VALUED = re.compile(r"\b(valued|worth|value|for|at)\b", re.IGNORECASE)
# an amount for several parties together ("the combined ceiling", "in total") is no one party's value
_COMBINED = re.compile(r"\b(combined|in total|together|collectively|between them|shared by)\b", re.IGNORECASE)
PERIOD_BOUNDS = word_class("evidence_period_bounds")
_CALENDAR_PERIOD = re.compile(r"\d{4}(?:-Q[1-4]|-H[12]|-\d{2})?")


def _merge(events: list[Event]) -> list[Event]:
    """One event per IRI within an article: later sentences only add roles the first lacked.

    The values of a repeatable role (`reg:repeatable` of the event's class) are united instead.
    """
    registry = load_registry()
    merged: dict[str, Event] = {}
    for event in events:
        key = str(event_iri(event))
        if key not in merged:
            merged[key] = event
            continue
        first = merged[key]
        repeatable = registry.event(first.type).repeatable
        roles = dict(first.roles)
        for role, values in event.roles.items():
            if role in repeatable and role in roles:
                roles[role] = tuple(dict.fromkeys((*roles[role], *values)))
            else:
                roles.setdefault(role, values)
        merged[key] = replace(first, roles=roles, confidence=max(first.confidence, event.confidence))
    return list(merged.values())


_HEDGES = re.compile(
    r"\b(reportedly|rumou?r(?:ed|s)?|allegedly|said to be|people familiar|sources? (?:said|say|told)|according to)\b",
    re.IGNORECASE,
)


def _named_in(entity: Entity, text: str) -> bool:
    lowered = text.lower()
    return any(name.lower() in lowered for name in (entity.label, *entity.alt_labels) if len(name) > 1)


def _calibrate(event: Event, mentions_text: dict[str, set[str]]) -> Event:
    """Lower the confidence of events whose participants were resolved from context or that are hedged.

    A participant that its evidence does not name (a pronoun, "the company", the article's
    focus) is the commonest source of error; "reportedly" and "sources said" mark claims.
    """
    factor = 1.0
    for values in event.roles.values():
        for value in values:
            if isinstance(value, Entity) and not (
                _named_in(value, event.evidence)
                or any(sentence in event.evidence for sentence in mentions_text.get(value.id, ()))
            ):
                factor *= 0.6
    if _HEDGES.search(event.evidence):
        factor *= 0.85
    return replace(event, confidence=round(event.confidence * factor, 3)) if factor < 1 else event


def _drop_contracts_restating_moves(events: list[Event]) -> list[Event]:
    """A move of workloads is one Migration: no extra bare Contract for the move's customer and target."""
    moves = {
        (customer, target)
        for e in events
        if e.type == "Migration"
        for customer in e.roles.get("customer", ())
        for target in e.roles.get("toProvider", ())
    }
    return [
        e
        for e in events
        if not (
            e.type == "Contract"
            and "value" not in e.roles
            and "term" not in e.roles
            and (e.roles["customer"][0], e.roles["provider"][0]) in moves
        )
    ]


def _locate(event: Event, text: str | None, end: int) -> Event:
    """`event` with the offsets of its evidence in the article's `text`, where the sentence read last ends at `end`.

    For an event whose evidence grew after `make_event` located it (`_attach_value`); see `locate_evidence`.
    """
    start, stop = locate_evidence(event.evidence, text, end)
    return replace(event, evidence_start=start, evidence_end=stop)


def _attach_value(
    ctx: Context, events: list[Event], last_index: int, sent_index: int, locate: Callable[[Event], Event]
) -> None:
    """'The contract is valued at $800 million per year': give the amount to the deal just read.

    `locate` gives the deal's longer evidence its offsets (`_locate`).
    """
    if sent_index - last_index > 2 or not events:
        return
    if any(is_org(m.entity) for m in ctx.mentions) or not _DEAL_REFERENCE.search(ctx.text):
        return
    if not _VALUED.search(ctx.text):
        return
    amounts = ctx.amounts()
    if len(amounts) != 1 or _COMBINED.search(ctx.text):
        return
    deals = [e for e in events if e.type in ("Migration", "Contract")]
    if deals and sum(e.evidence == deals[-1].evidence for e in deals) > 1:
        return  # an award shared by several providers: a later amount is no one provider's value
    for i in range(len(events) - 1, -1, -1):
        event = events[i]
        if event.type in ("Migration", "Contract") and "value" not in event.roles:
            roles = {**event.roles, "value": (amounts[0][1],)}
            events[i] = locate(replace(event, roles=roles, evidence=f"{event.evidence} {ctx.text}"))
            return


def _with_calendar_period(event: Event, resolver: Resolver) -> Event:
    """`event` with the calendar quarter its fiscal period covers, from its organisation's fiscal calendar."""
    periods = [p for p in event.roles.get("period", ()) if isinstance(p, str) and p.startswith("FY")]
    owners = [o for o in event.roles.get("organization", ()) if isinstance(o, Entity)]
    if len(periods) != 1 or len(owners) != 1 or (year_end := resolver.fiscal_year_end(owners[0])) is None:
        return event
    calendar = calendar_quarter(periods[0], year_end)
    return replace(event, calendar_period=calendar) if calendar else event


def evidence_period(text: str, article_date: str) -> str:
    """The one calendar period `text` places an event in ('' when it names none, or several that disagree).

    Periods within two words after a bound, a comparison or another thing's start ('since 2019', 'up from
    2020', 'through June 2028', 'founded in 2005') or relative to another ('a year earlier') are left out
    (`PERIOD_BOUNDS`); fiscal periods too. A year and
    a quarter of it ('in 2019 … its fourth quarter of 2019') agree: the finer one is given.
    """
    found = set()
    for period in find_periods(text, article_date):
        before = {w.lower().strip(",;:()") for w in text[: period.start].split()[-2:]}
        last = text[period.start : period.end].split()[-1].lower()
        if before & PERIOD_BOUNDS or last in PERIOD_BOUNDS or not _CALENDAR_PERIOD.fullmatch(str(period.value)):
            continue
        found.add(str(period.value))
    finest = max(found, key=len, default="")
    return finest if all(finest.startswith(p) for p in found) else ""


def _with_evidence_period(event: Event, article_date: str) -> Event:
    """`event` with the period its evidence names (`evidence_period`), when it has no date or period of its own."""
    if event.date or event.roles.get("date") or event.roles.get("period"):
        return event
    period = evidence_period(event.evidence, article_date)
    return replace(event, evidence_period=period) if period else event


def _link(child: Entity, parent: Entity) -> Relation | None:
    found = parent_link(child, parent)
    return Relation(subject=found[0], prop=found[1], object=found[2]) if found else None


def _referred(ctx: Context, entity: Entity) -> set[str]:
    """The organisations the sentence's 'it', 'its' or 'the company' stand for (other than `entity`)."""
    found = set()
    for token in ctx.sent:
        if token.lower_ in ("it", "its") or (
            token.lemma_.lower() == "company" and any(c.lower_ == "the" for c in token.children)
        ):
            ref = reference(ctx, token, exclude={entity.id})
            if ref is not None:
                found.add(ref.id)
    return found


def _stated_links(ctx: Context, found: Iterable[Event | Relation]) -> list[Relation]:
    """Links the sentence states between an entity and its gazetteer parent (spec/GOLD.md on `parentOrganization`).

    The gazetteer gives the link; the sentence ties the two: it names both ("AWS grew faster than Amazon's
    retail arm", "Microsoft's Scott Guthrie"), its 'it', 'its' or 'the company' stands for the parent, or it
    names the parent where the Provider rule puts the unit in one of its events or relations ("moved to
    Amazon", "Amazon's cloud unit"). A unit or product named alone ("Microsoft Azure") is no tie: that link
    is background only (`graph.build.background_triples`).
    """
    in_sent, resolver = ctx.mentions, ctx.resolver
    named = {m.entity.id for m in in_sent}
    candidates = [m.entity for m in in_sent]
    for item in found:
        values = item.roles.values() if isinstance(item, Event) else ((item.subject, item.object),)
        candidates += [v for vs in values for v in vs if isinstance(v, Entity)]
    links = []
    for entity in dict.fromkeys(candidates):
        entry = resolver.gazetteer.get(entity.id)
        if entry is None or (entry.cls, entry.label) != (entity.cls, entity.label):
            continue  # not the gazetteer's entity: a "Mulesoft" the NER took for a person has no employer there
        parent = resolver.parent_of(entity)
        if parent is None:
            continue
        if (parent.id in named or parent.id in _referred(ctx, entity)) and (link := _link(entity, parent)) is not None:
            links.append(link)
    return links


def _publisher(article: Article, gazetteer: dict[str, GazetteerEntry]) -> Entity | None:
    if not article.publisher:
        return None
    wanted = article.publisher.strip().lower()
    for entry in gazetteer.values():
        if entry.cls == "MediaOutlet" and wanted in {f.lower() for f in (entry.label, *entry.alt_labels)}:
            return to_entity(entry)
    return None


def extract_doc(
    doc: Doc, article: Article, gazetteer: dict[str, GazetteerEntry], *, deadline: float | None = None
) -> ArticleResult:
    """Everything cvkg reads from one parsed article.

    Raises:
        SkipArticle: `deadline` (a `time.monotonic()` value) passed before the last sentence.
    """
    # the text every finder reads, taken from the article instead of joined from tokens
    text = doc_text(doc, article.text)
    # evidence offsets index the article's text, so they are given only when the doc's text is it
    article_text = text if text == article.text else None
    resolver = Resolver(gazetteer, publisher=article.publisher)
    mentions = doc_mentions(doc, resolver)
    events: list[Event] = []
    relations: list[Relation] = []
    links: list[Relation] = []  # gazetteer links a sentence ties (`_stated_links`)
    salient: list[Entity] = []
    last_event_sentence = -10
    tokens = doc_tokens(doc)
    for index, sent in enumerate(doc_sents(doc)):
        if deadline is not None and time.monotonic() > deadline:
            raise SkipArticle("extraction took too long (limit --max-seconds)")
        in_sent = [m for m in mentions if sent.start <= m.start < sent.end]
        ctx = Context(sent=sent, mentions=in_sent, resolver=resolver, article=article, salient=list(salient))
        end = sent.start_char + len(text[sent.start_char : sent.end_char].rstrip())  # where ctx.text ends

        def locate(event: Event, end: int = end) -> Event:
            return _locate(event, article_text, end)

        found: list[Event] = []
        for _name, extractor in EVENT_EXTRACTORS:
            found.extend(extractor(ctx))  # located by `make_event`
        if found:
            events.extend(found)
            last_event_sentence = index
        else:
            _attach_value(ctx, events, last_event_sentence, index, locate)
        sentence_relations = [r for extract in RELATION_EXTRACTORS for r in extract(ctx)]
        relations.extend(sentence_relations)
        links.extend(_stated_links(ctx, [*found, *sentence_relations]))
        # the most salient organisation is the last named, or the subject of the last sentence naming one
        # ("Dell servers": a name modifying a noun is no actor)
        orgs = [m for m in in_sent if m.entity.cls in CUSTOMER_CLASSES and tokens[m.end - 1].dep_ != "compound"]
        subjects = [m for m in orgs if tokens[m.end - 1].dep_ in ("nsubj", "nsubjpass")]
        salient.extend(m.entity for m in orgs + subjects[:1])
    entities = list(dict.fromkeys(m.entity for m in mentions))
    targets = {
        v.id for e in events if e.type == "Acquisition" for v in e.roles.get("target", ()) if isinstance(v, Entity)
    }
    # the gazetteer holds today's owners, so a company the article reports being bought gets none (the deal
    # is the news), and a person the text gives an employer for keeps that one
    employed = {r.subject.id for r in relations if r.prop == "worksFor"}
    relations.extend(
        r
        for r in links
        if (r.object if r.prop == "owns" else r.subject).id not in targets
        and not (r.prop == "worksFor" and r.subject.id in employed)
    )
    # the sentences each entity is literally named in (descriptors included)
    mentions_text: dict[str, set[str]] = {}
    sents = doc_sents(doc)
    starts = [s.start for s in sents]
    for mention in mentions:
        sent = span_text(sents[bisect_right(starts, mention.start) - 1]).strip()
        mentions_text.setdefault(mention.entity.id, set()).add(sent)
        mentions_text.setdefault(resolver.provider(mention.entity).id, set()).add(sent)  # "Oracle" names Oracle Cloud
    events = [_calibrate(e, mentions_text) for e in events]
    return ArticleResult(
        article=article,
        entities=tuple(entities),
        events=tuple(
            _with_evidence_period(_with_calendar_period(e, resolver), article.date)
            for e in _merge(_drop_contracts_restating_moves(events))
        ),
        relations=tuple(dict.fromkeys(relations)),
        publisher=_publisher(article, gazetteer),
        words=sum(1 for t in tokens if not t.is_punct and not t.is_space),
    )


_DONE = object()


def ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """Yield `items` in order while a thread computes up to `depth` of them ahead.

    An exception of the iterator is raised here, at its place in the order; closing this
    generator early stops the thread at its next item.
    """
    made: queue.Queue[object] = queue.Queue(maxsize=max(depth, 1))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                made.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=produce, name="cvkg-parse", daemon=True)
    thread.start()
    try:
        while (item := made.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def process(
    articles: Iterable[Article],
    nlp: Language,
    *,
    batch_size: int = 32,
    gazetteer: dict[str, GazetteerEntry] | None = None,
    max_seconds: float | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> Iterator[ArticleResult]:
    """Parse articles with `nlp.pipe` in this process and yield what each one states, in input order.

    An article whose extraction runs over `max_seconds` is dropped and passed to `on_skip`.
    (`cvkg ingest` parses in worker processes instead: `pipelines.scale`.)
    """
    pairs = ((a.text, a) for a in articles)
    parsed = nlp.pipe(pairs, as_tuples=True, batch_size=batch_size)
    # parse in a thread while this one extracts (a small gain: the model holds the GIL most of the time)
    parsed_ahead = ahead(parsed, 2 * batch_size)
    yield from extract_parsed(parsed_ahead, gazetteer=gazetteer, max_seconds=max_seconds, on_skip=on_skip)


def extract_parsed(
    parsed: Iterable[tuple[Doc, Article]],
    *,
    gazetteer: dict[str, GazetteerEntry] | None = None,
    max_seconds: float | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> Iterator[ArticleResult]:
    """What each parsed article states, in input order (see `process`)."""
    entries = gazetteer if gazetteer is not None else load_gazetteer()
    for doc, article in parsed:
        deadline = time.monotonic() + max_seconds if max_seconds else None
        try:
            yield extract_doc(doc, article, entries, deadline=deadline)
        except SkipArticle as exc:
            reason = f"{exc} ({max_seconds:g} s)" if max_seconds else str(exc)
            logger.info("skipped %s: %s", article.source, reason)
            if on_skip is not None:
                on_skip(Skipped(article.source or article.url or article.title, reason))
