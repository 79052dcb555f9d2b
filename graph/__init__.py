"""cvkg graph layer: records to RDF, the store, SPARQL results, exports, networkx and the HTML view.

Never imports spaCy or click.
"""

from __future__ import annotations

from graph.build import article_triples
from graph.errors import CvkgError, EntityNotFoundError, OntologyError, QueryError, StoreError
from graph.records import Amount, Article, ArticleResult, Entity, Event, Relation
from graph.stores import KnowledgeStore, open_store, opened_store

__all__ = [
    "Amount",
    "Article",
    "ArticleResult",
    "CvkgError",
    "Entity",
    "EntityNotFoundError",
    "Event",
    "KnowledgeStore",
    "OntologyError",
    "QueryError",
    "Relation",
    "StoreError",
    "article_triples",
    "open_store",
    "opened_store",
]
