"""Errors raised by cvkg's graph layer.

Hierarchy::

    CvkgError
    ├── StoreError        the store cannot be opened, read or written (or its SPARQL server
    │   │                 cannot be reached or answers with an HTTP error)
    │   └── QueryError    a SPARQL query or update is malformed or refused
    ├── OntologyError     the shipped ontology, shapes or gazetteer are broken
    └── EntityNotFoundError  no entity of the graph has the name asked for (analytics)
"""

from __future__ import annotations


class CvkgError(Exception):
    """Base of every error cvkg reports to a user."""


class StoreError(CvkgError):
    """The store cannot be opened, read or written."""


class QueryError(StoreError):
    """A SPARQL query or update is malformed or refused."""


class OntologyError(CvkgError):
    """The shipped ontology, shapes or gazetteer are broken."""


class EntityNotFoundError(CvkgError):
    """No entity of the graph has the name (label, alias or IRI) asked for."""
