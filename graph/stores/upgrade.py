"""`cvkg upgrade`: bring a store written by an older cvkg 0.1 up to date, once.

Two things came after the first stores were written:

* the union index (the store's default graph as the set union of the article
  graphs, see `graph.stores.base`);
* name keys (`cvkg:nameKey` beside each `rdfs:label` and `skos:altLabel`, by
  which named queries find names).

Every write since adds both, so a store holding any of them holds them all, and
`open_store` refuses a store that lacks them (`KnowledgeStore.outdated`). This
module is the only code that opens such a store: it adds what is missing, in one
transaction, and leaves a current store as it is.
"""

from __future__ import annotations

import logging
from pathlib import Path

from graph.stores.base import ARTICLE_GRAPH, KEYS_OF_NAMES, MEMORY, REMOTE_SCHEMES, KnowledgeStore
from graph.stores.embedded import open_embedded
from graph.stores.remote import RemoteStore

logger = logging.getLogger(__name__)

# Fills the index from the article graphs.
BUILD_INDEX = f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ARTICLE_GRAPH} }}"
# The name keys, added to each article graph, and (second form) to the index.
ADD_NAME_KEYS = f"INSERT {{ GRAPH ?g {{ ?e cvkg:nameKey ?key }} }} WHERE {{ {KEYS_OF_NAMES} }}"
ADD_NAME_KEYS_TO_INDEX = f"INSERT {{ ?e cvkg:nameKey ?key }} WHERE {{ {KEYS_OF_NAMES} {ARTICLE_GRAPH} }}"


def upgrade_update(store: KnowledgeStore) -> tuple[list[str], str]:
    """What `store` lacks (see `KnowledgeStore.outdated`) and the SPARQL update that adds it ("" when nothing)."""
    missing = store.outdated()
    parts = []
    if "union index" in missing:
        parts.append(BUILD_INDEX)  # before the keys: the index gets them below, from the article graphs
    if "name keys" in missing:
        parts.append(ADD_NAME_KEYS)
        if store.indexed:
            parts.append(ADD_NAME_KEYS_TO_INDEX)
    return missing, " ;\n".join(parts)


def upgrade_store(location: str | Path) -> list[str]:
    """Add what an older cvkg did not write to the store at `location`, in one transaction.

    Returns what was added ("union index", "name keys", "background graph"); [] for a store that is up to date.

    Raises:
        StoreError: the store is absent, in use or cannot be written.
    """
    loc = str(location)
    if loc == MEMORY:
        return []
    if loc.startswith(REMOTE_SCHEMES):
        store: KnowledgeStore = RemoteStore.from_location(loc, check=False)
    else:
        store = open_embedded(loc, create=False, check=False)
    try:
        missing, update = upgrade_update(store)
        if update:
            logger.info("adding %s to store %s", " and ".join(missing), store.location)
            store.update(update)
        if not store.read_only and store.sync_background():  # a store from before the background graph
            missing.append("background graph")
    finally:
        store.close()
    return missing
