"""Knowledge stores: Oxigraph embedded on disk or in memory, or a remote SPARQL server.

Transitional: re-exports the names of `graph.store` and `graph.remote` while they move here.
"""

from __future__ import annotations

from graph.remote import RemoteStore, endpoint_url, find_oxigraph, parse_location, serve_command, with_endpoint_paths
from graph.store import KnowledgeStore, open_store, opened_store, replace_update, to_ox

__all__ = [
    "KnowledgeStore",
    "RemoteStore",
    "endpoint_url",
    "find_oxigraph",
    "open_store",
    "opened_store",
    "parse_location",
    "replace_update",
    "serve_command",
    "to_ox",
    "with_endpoint_paths",
]
