"""Serialize the store: TriG/N-Quads keep the article graphs and the background graph, Turtle/JSON-LD give the
union of the article graphs (what the articles state).

A subset (some articles, a range of publication dates) is read through the
store's `query` interface only, so it works with any store backend.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from graph.build import background_triples, gazetteer_entries
from graph.errors import QueryError
from graph.sparql import to_ox
from graph.stores import KnowledgeStore
from ontology.vocab import BACKGROUND, DOC, ENT, PREFIXES

logger = logging.getLogger(__name__)

# RDF format name -> (pyoxigraph format, whether the article graphs are merged into their union)
FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    "turtle": (ox.RdfFormat.TURTLE, True),
    "trig": (ox.RdfFormat.TRIG, False),
    "nquads": (ox.RdfFormat.N_QUADS, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
# the networkx projection's formats (written by `graph.analyze.network_bytes`, for Gephi)
NETWORK_FORMATS = ("graphml", "gexf")
# what `cvkg export` writes
EXPORT_FORMATS = (*FORMATS, *NETWORK_FORMATS)

DATE_PATTERN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

ARTICLES_QUERY = """
SELECT DISTINCT ?g ?date ?url WHERE {
  GRAPH ?g { ?g a schema:NewsArticle . OPTIONAL { ?g schema:datePublished ?date } OPTIONAL { ?g schema:url ?url } }
}
"""
GRAPH_QUERY = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article graph of the store with the metadata used to select it."""

    iri: str
    date: str = ""
    url: str = ""


def list_articles(store: KnowledgeStore) -> list[ArticleInfo]:
    """Every article graph with its publication date and URL, sorted by IRI."""
    found: dict[str, ArticleInfo] = {}
    for row in store.query(ARTICLES_QUERY):  # type: ignore[attr-defined]
        iri = row["g"].value
        date = row["date"].value if row["date"] is not None else ""
        url = row["url"].value if row["url"] is not None else ""
        found[iri] = ArticleInfo(iri, date, url)
    return [found[k] for k in sorted(found)]


def _expand(ref: str) -> str:
    ref = ref.strip().removeprefix("<").removesuffix(">")
    return str(DOC) + ref[len("doc:") :] if ref.startswith("doc:") else ref


def _in_range(date: str, since: str | None, until: str | None) -> bool:
    """Whether a date (YYYY, YYYY-MM or YYYY-MM-DD) falls within [since, until] at their precision."""
    if not date:
        return False
    if since and date[: len(since)] < since:
        return False
    return not (until and date[: len(until)] > until)


def check_date(text: str) -> str:
    """Return `text` if it is a YYYY, YYYY-MM or YYYY-MM-DD date.

    Raises:
        QueryError: it is not.
    """
    if not DATE_PATTERN.fullmatch(text):
        raise QueryError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def select_articles(
    store: KnowledgeStore,
    *,
    articles: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> list[str]:
    """IRIs of the article graphs named by IRI, `doc:` name or URL, within the date range.

    Raises:
        QueryError: a named article is not in the store, or a date is malformed.
    """
    for date in (since, until):
        if date is not None:
            check_date(date)
    known = list_articles(store)
    chosen = known
    if articles:
        by_key = {a.iri: a for a in known} | {a.url: a for a in known if a.url}
        chosen = []
        for ref in articles:
            info = by_key.get(_expand(ref)) or by_key.get(ref.strip())
            if info is None:
                raise QueryError(f"no article {ref} in the store; `cvkg query --name articles` lists them")
            chosen.append(info)
    if since or until:
        undated = [a.iri for a in chosen if not a.date]
        if undated:
            logger.warning("%d undated article(s) left out of the date range", len(undated))
        chosen = [a for a in chosen if _in_range(a.date, since, until)]
    return list(dict.fromkeys(a.iri for a in chosen))


def article_quads(store: KnowledgeStore, graphs: Iterable[str]) -> list[ox.Quad]:
    """The quads of the given article graphs, read through `store.query` with a bound graph name."""
    quads: list[ox.Quad] = []
    for iri in graphs:
        for row in store.query(GRAPH_QUERY, bindings={"g": URIRef(iri)}):  # type: ignore[attr-defined]
            quads.append(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
    return quads


def background_quads(store: KnowledgeStore, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The store's background quads about the gazetteer entities these article quads name (and their parents)."""
    gazetteer = gazetteer_entries()
    label = PREFIXES["rdfs"] + "label"
    named = {
        q.subject.value[len(str(ENT)) :]
        for q in quads
        if q.predicate.value == label
        and q.subject.value.startswith(str(ENT))
        and q.subject.value[len(str(ENT)) :] in gazetteer
        and q.object.value == gazetteer[q.subject.value[len(str(ENT)) :]].label
    }
    stored = store.background()
    wanted = (ox.Triple(*map(to_ox, t)) for t in background_triples(named, gazetteer))  # type: ignore[arg-type]
    graph = ox.NamedNode(str(BACKGROUND))
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in wanted if t in stored]


def serialize_quads(quads: Sequence[ox.Quad], fmt: str) -> bytes:
    """Serialize quads in `fmt`: dataset formats keep the graphs, the others get their union."""
    rdf_format, union = FORMATS[fmt]
    if union or not rdf_format.supports_datasets:
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)  # type: ignore[no-any-return]
    return ox.serialize(quads, format=rdf_format, prefixes=PREFIXES)  # type: ignore[no-any-return]


def export_graph(
    store: KnowledgeStore,
    fmt: str,
    *,
    articles: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    name_keys: bool = False,
) -> bytes:
    """Serialize the whole store, or only some articles, in `fmt` (a key of `FORMATS`).

    The `cvkg:nameKey` triples, an index cvkg keeps for name lookups, stay out unless `name_keys`.

    Raises:
        QueryError: a named article is missing or a date is malformed.
    """
    if not articles and since is None and until is None:
        rdf_format, union = FORMATS[fmt]
        return store.dump(rdf_format, union=union, name_keys=name_keys)
    graphs = select_articles(store, articles=articles, since=since, until=until)
    logger.info("exporting %d article graph(s)", len(graphs))
    quads = article_quads(store, graphs)
    if not FORMATS[fmt][1]:  # a dataset format keeps what cvkg knows about the entities they name
        quads += background_quads(store, quads)
    if not name_keys:
        quads = [q for q in quads if q.predicate.value != PREFIXES["cvkg"] + "nameKey"]
    return serialize_quads(quads, fmt)
