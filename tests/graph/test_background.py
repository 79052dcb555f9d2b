"""Stated versus background facts (spec/EVENTS.md): an article graph holds what its text ties, the background
graph what the gazetteer knows about the entities the articles name, kept in line by every write."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from graph.build import article_triples, background_triples
from graph.export import export_graph
from graph.records import Article, ArticleResult, Entity
from graph.scoring import score_graph, split_dataset
from graph.sparql import to_ox
from graph.stores import open_store
from graph.validate import store_graph, validate_graph
from ontology import BACKGROUND, ENT
from pipelines.run import process

AWS = Entity("amazon-web-services", "Amazon Web Services", "CloudProvider")
GOOGLE_CLOUD = Entity("google-cloud", "Google Cloud", "CloudProvider")
PARENT_LINK = "https://schema.org/parentOrganization"


def _links(nlp, text: str) -> set[tuple[str, str, str]]:
    (result,) = process([Article(text=text)], nlp)
    return {(r.subject.label, r.prop, r.object.label) for r in result.relations}


@pytest.mark.parametrize(
    ("text", "link"),
    [
        # both named in one sentence
        (
            "Amazon said on Monday that Amazon Web Services would open a cloud region in Chile next year.",
            ("Amazon Web Services", "parentOrganization", "Amazon"),
        ),
        (
            "Alphabet said Google would expand its offices in Dublin.",
            ("Google", "parentOrganization", "Alphabet"),
        ),
        # the Provider rule puts the unit in the event where the text names the parent
        (
            "Fabrikam Logistics moved its warehouse systems to Oracle last spring.",
            ("Oracle Cloud", "parentOrganization", "Oracle"),
        ),
        (
            "Contoso Bank signed a contract with Amazon's cloud unit in March.",
            ("Amazon Web Services", "parentOrganization", "Amazon"),
        ),
        # 'the company' stands for the parent named before
        (
            "Google said it would hire 500 engineers. The company also plans to grow Google Cloud in Asia.",
            ("Google Cloud", "parentOrganization", "Google"),
        ),
    ],
)
def test_a_link_the_sentence_ties_is_stated(nlp, text, link):
    assert link in _links(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        # the unit named alone; its parent only in another sentence about something else
        "Microsoft Azure opened two data centres in Qatar. Microsoft also sold more consoles than a year earlier.",
        "Fabrikam Logistics moved its warehouse systems to Oracle Cloud last spring. Oracle reported higher sales.",
        # the NER's own "Mulesoft" (a person to it) is not the gazetteer's MuleSoft: no employer from there
        "Salesforce's Mulesoft said on Tuesday that it would add new connectors.",
    ],
)
def test_a_unit_named_alone_gets_no_stated_link(nlp, text):
    assert not {f for f in _links(nlp, text) if f[1] in ("parentOrganization", "worksFor", "owns")}


def _article(url: str, *entities: Entity) -> tuple[object, list[object]]:
    return article_triples(ArticleResult(article=Article(text=url, url=url), entities=entities))


def _expected(store) -> set[ox.Triple]:
    """The background the store should hold: the gazetteer's facts about what its article graphs name."""
    named = {
        row["e"].value[len(str(ENT)) :]
        for row in store.query("SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l }")  # the index: article graphs only
    }
    return {ox.Triple(*map(to_ox, t)) for t in background_triples(named)}


@pytest.mark.parametrize("location", ["memory:", "embedded"])
def test_the_background_follows_the_articles(location, tmp_path):
    store = open_store("memory:" if location == "memory:" else str(tmp_path / "kg"))
    store.replace_articles([_article("https://news.example/a", AWS), _article("https://news.example/b", GOOGLE_CLOUD)])
    background = store.background()
    assert background == _expected(store)
    # up the parent chain: Google Cloud -> Google -> Alphabet, each with its name and Wikidata id
    parents = {(t.subject.value, t.object.value) for t in background if t.predicate.value == PARENT_LINK}
    assert {(str(ENT["google-cloud"]), str(ENT.google)), (str(ENT.google), str(ENT.alphabet))} <= parents
    assert any(t.predicate.value.endswith("#sameAs") and t.subject.value == str(ENT.amazon) for t in background)
    assert str(BACKGROUND) not in store.article_graphs()

    # re-ingesting an article that no longer names Google Cloud, then removing the other
    store.replace_articles([_article("https://news.example/b")])
    assert store.background() == _expected(store)
    assert not any(t.subject.value == str(ENT.alphabet) for t in store.background())
    store.remove_articles(store.article_graphs())
    assert store.background() == set()

    # a user's update that names an entity
    store.apply_update(f'INSERT DATA {{ GRAPH <urn:x:g> {{ <{ENT.google}> rdfs:label "Google" }} }}')
    assert store.background() == _expected(store) != set()


def test_an_entity_found_under_another_name_is_not_the_gazetteers(memory_store):
    """An unknown 'Mulesoft' with the gazetteer's id must not get the gazetteer's second label."""
    other = Entity("mulesoft", "Mulesoft", "Company")
    memory_store.replace_articles([_article("https://news.example/m", other)])
    assert not any(t.subject.value == str(ENT.mulesoft) for t in memory_store.background())


def test_plain_patterns_see_the_articles_and_graph_background_the_rest(memory_store):
    memory_store.replace_articles([_article("https://news.example/a", AWS)])
    plain = f"ASK {{ <{ENT['amazon-web-services']}> schema:parentOrganization ?p }}"
    assert not bool(memory_store.query(plain))
    background = f"ASK {{ GRAPH <{BACKGROUND}> {{ <{ENT['amazon-web-services']}> schema:parentOrganization ?p }} }}"
    assert bool(memory_store.query(background))
    assert memory_store.quad_count() == len(_expected(memory_store)) + len(_article("https://news.example/a", AWS)[1])
    assert validate_graph(store_graph(memory_store)).conforms


def test_exports_keep_the_background_only_where_graphs_are_kept(memory_store):
    memory_store.replace_articles([_article("https://news.example/a", AWS)])
    dataset = Dataset()
    dataset.parse(data=export_graph(memory_store, "trig"), format="trig")
    assert any(g.identifier == BACKGROUND and len(g) for g in dataset.graphs())
    turtle = export_graph(memory_store, "turtle").decode()
    assert "sameAs" not in turtle and "parentOrganization" not in turtle


def test_the_scorer_does_not_count_background_links(memory_store):
    memory_store.replace_articles([_article("https://news.example/a", AWS)])
    gold = [{"file": "a.txt", "relations": [["Amazon Web Services", "parentOrganization", "Amazon"]]}]
    dataset = Dataset()
    dataset.parse(data=export_graph(memory_store, "nquads"), format="nquads")
    union, stated, articles = split_dataset(dataset)
    assert len(articles) == 1
    assert score_graph(union, gold).counts["relation"] == [1, 0, 0]  # read from every graph, it would count
    assert score_graph(union, gold, stated=stated).counts["relation"] == [0, 0, 1]
