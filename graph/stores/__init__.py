"""Knowledge stores: Oxigraph embedded on disk or in memory, or a remote SPARQL server.

`--store LOCATION` picks the backend:

* a directory: embedded, persistent Oxigraph (default `./cvkg-store`);
* `memory:`: in-process Oxigraph, gone at exit (tests, notebooks);
* `http://…` or `https://…`: a SPARQL server such as `oxigraph serve`
  (endpoint paths and options are described in `graph.stores.remote`).

Modules:

* `base`: `KnowledgeStore`, the interface every backend implements, and the
  SPARQL updates that keep the union index (the store's design is described there);
* `embedded`: `EmbeddedStore`, a pyoxigraph `Store` in this process;
* `remote`: `RemoteStore`, over the SPARQL 1.1 Protocol and the Graph Store Protocol;
* `transport`: one bounded HTTP request (deadline, size cap, one-line errors, no credentials shown);
* `server`: `cvkg serve`, Oxigraph's read-only server over a store directory;
* `upgrade`: `cvkg upgrade`, for stores written by an older cvkg 0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.stores.base import DEFAULT_STORE, MEMORY, REMOTE_SCHEMES, KnowledgeStore
from graph.stores.embedded import EmbeddedStore, open_embedded
from graph.stores.remote import RemoteStore

__all__ = [
    "DEFAULT_STORE",
    "MEMORY",
    "EmbeddedStore",
    "KnowledgeStore",
    "RemoteStore",
    "open_store",
    "opened_store",
]


def open_store(location: str | Path = DEFAULT_STORE, *, read_only: bool = False, create: bool = True) -> KnowledgeStore:
    """Open the store named by `location`: a directory, `memory:` or an http(s) URL.

    A missing directory is created unless `read_only` or `create=False`. A store written by an
    older cvkg 0.1 is refused (on first use for a URL) until `cvkg upgrade` brings it up to date.

    Raises:
        StoreError: the location is not usable, absent (and not to be created), in use or outdated.
    """
    loc = str(location)
    if loc.startswith(REMOTE_SCHEMES):
        return RemoteStore.from_location(loc, read_only=read_only)
    return open_embedded(loc, read_only=read_only, create=create)  # `memory:` is always writable


@contextmanager
def opened_store(
    location: str | Path = DEFAULT_STORE, *, read_only: bool = False, create: bool = True
) -> Iterator[KnowledgeStore]:
    """Open a store (as `open_store` does) for the duration of a `with` block, closing it at the end."""
    store = open_store(location, read_only=read_only, create=create)
    try:
        yield store
    finally:
        store.close()
