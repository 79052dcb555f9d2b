"""Errors raised by cvkg's pipelines (see graph.errors for the hierarchy's root)."""

from __future__ import annotations

from graph.errors import CvkgError


class InputError(CvkgError):
    """A path, file or option given by the user cannot be used."""


class ModelError(CvkgError):
    """No usable spaCy model is installed."""


class SkipArticle(Exception):  # noqa: N818 - a signal, not an error shown as such
    """One input item is unusable; the message is the reason shown in the ingest summary."""
